package rt

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

// The host context of step-parallel branches (A39). Each branch runs
// against a host whose context starts as the enclosing one and keeps the
// branch's own writes to itself: a branch reads what it wrote, and nothing
// another branch wrote, whatever the scheduling. When every branch has
// ended, their writes are merged into the enclosing context in source
// order, by the form's merge policy; when one failed, none is.

// branchHost is the host a branch runs against.
type branchHost struct {
	host.Host
	mu     sync.Mutex
	writes map[string]value.Value
}

func newBranchHost(h host.Host) *branchHost {
	return &branchHost{Host: h, writes: map[string]value.Value{}}
}

// GetContextValue reads the branch's own write, else the enclosing context,
// which no one changes while the branches run.
func (b *branchHost) GetContextValue(key string) (value.Value, bool) {
	b.mu.Lock()
	v, ok := b.writes[key]
	b.mu.Unlock()
	if ok {
		return v, true
	}
	return b.Host.GetContextValue(key)
}

// SetContextValue keeps the write to the branch until the merge.
func (b *branchHost) SetContextValue(key string, v value.Value) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writes[key] = v
}

// RecordViolation passes violations on to a host that records them.
func (b *branchHost) RecordViolation(ctx context.Context, capability string, err error) {
	if r, ok := b.Host.(host.ViolationRecorder); ok {
		r.RecordViolation(ctx, capability, err)
	}
}

// The merge policies of step-parallel.
const (
	MergeOverwrite    = "overwrite"
	MergeKeepExisting = "keep-existing"
	MergeMerge        = "merge"
)

// mergeBranches writes what the branches wrote into h, branch by branch
// in source order and, within a branch, key by key in sorted order:
// overwrite (the default) lets the later write win; keep-existing keeps a
// key already present, from before the form or from an earlier branch;
// merge merges a map into a map key by key (the later wins) and overwrites
// anything else.
func mergeBranches(h host.Host, branches []*branchHost, policy string) {
	for _, b := range branches {
		for _, key := range slices.Sorted(maps.Keys(b.writes)) {
			v := b.writes[key]
			old, present := h.GetContextValue(key)
			switch {
			case policy == MergeKeepExisting && present:
				continue
			case policy == MergeMerge && present && old.Kind() == value.KMap && v.Kind() == value.KMap:
				merged := old.AsMap()
				for e := range v.AsMap().Entries() {
					merged = merged.Assoc(e.Key, e.Val)
				}
				v = value.MapOf(merged)
			}
			h.SetContextValue(key, v)
		}
	}
}
