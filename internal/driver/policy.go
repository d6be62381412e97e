package driver

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/effects"
	"github.com/rtfs-go/rtfs/host"
	"github.com/urfave/cli/v2"
)

// Policy is what the security flags of both CLIs say: the runtime context,
// the capabilities known, and what steps may touch.
type Policy struct {
	Context      *host.RuntimeContext
	Registry     *host.Registry
	NetAllow     []string // hosts: exact names or *.suffix
	FSRead       []string // absolute directories
	FSWrite      []string
	Timeout      time.Duration
	MaxMemory    int64
	Capabilities string // the manifest the registry was loaded from, if any
}

// PolicyFlags are the flags that make a Policy, shared by `rtfsc build`,
// `rtfsc profile` and `rtfsvm exec` so that a plan is judged the same way
// wherever it is compiled or run.
func PolicyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "context", Value: "pure", Usage: "runtime context: pure (no capability), controlled (only --allow ids) or full"},
		&cli.StringSliceFlag{Name: "allow", Usage: "capability ids a controlled context allows (comma-separated or repeated)"},
		&cli.StringSliceFlag{Name: "isolation", Usage: "isolation levels steps may run at (default: inherit,isolated,sandboxed)"},
		&cli.StringSliceFlag{Name: "net-allow", Usage: "hosts steps may reach: exact names or *.suffix (comma-separated or repeated)"},
		&cli.StringSliceFlag{Name: "fs-read", Usage: "directory steps may read (repeatable)"},
		&cli.StringSliceFlag{Name: "fs-write", Usage: "directory steps may read and write (repeatable)"},
		&cli.StringFlag{Name: "capabilities", Usage: "JSON manifest of external capabilities"},
		&cli.DurationFlag{Name: "timeout", Usage: "stop the run after this long; also caps every step's time limit (0: none)"},
		&cli.Uint64Flag{Name: "max-memory", Usage: "stop the run when the heap passes this many bytes; also caps every step's memory limit (0: none)"},
	}
}

// PolicyFromFlags reads the flags of PolicyFlags.
func PolicyFromFlags(c *cli.Context) (*Policy, error) {
	level, err := host.ParseLevel(c.String("context"))
	if err != nil {
		return nil, err
	}
	allow := splitList(c.StringSlice("allow"))
	if len(allow) > 0 && level != host.Controlled {
		return nil, fmt.Errorf("--allow needs --context controlled (the context is %s)", level)
	}
	rc := host.NewContext(level, allow...)
	if levels := splitList(c.StringSlice("isolation")); len(levels) > 0 {
		rc.DeniedIsolation = map[host.Isolation]bool{host.Inherit: true, host.Isolated: true, host.Sandboxed: true}
		for _, l := range levels {
			iso := host.Isolation(l)
			if _, known := rc.DeniedIsolation[iso]; !known {
				return nil, fmt.Errorf("unknown isolation level %q (want inherit, isolated or sandboxed)", l)
			}
			delete(rc.DeniedIsolation, iso)
		}
	}
	p := &Policy{
		Context:      rc,
		NetAllow:     splitList(c.StringSlice("net-allow")),
		Timeout:      c.Duration("timeout"),
		MaxMemory:    int64(c.Uint64("max-memory")),
		Capabilities: c.String("capabilities"),
	}
	if p.FSRead, err = absolute(c.StringSlice("fs-read")); err != nil {
		return nil, err
	}
	if p.FSWrite, err = absolute(c.StringSlice("fs-write")); err != nil {
		return nil, err
	}
	var user []host.Capability
	if p.Capabilities != "" {
		if user, err = host.LoadManifest(p.Capabilities); err != nil {
			return nil, err
		}
	}
	if p.Registry, err = host.BuiltinRegistry(user...); err != nil {
		return nil, err
	}
	return p, nil
}

// EffectsOptions are the options of the step-profile derivation.
func (p *Policy) EffectsOptions() effects.Options {
	return effects.Options{
		Effects:          p.Registry.Effects,
		NetAllow:         p.NetAllow,
		FSRead:           p.FSRead,
		FSWrite:          p.FSWrite,
		Context:          p.Context,
		MaxExecutionTime: p.Timeout,
		MaxMemoryBytes:   p.MaxMemory,
	}
}

// Profiles derives the profile of every step of prog.
func (p *Policy) Profiles(prog *ast.Program) []*host.StepProfile {
	return effects.Derive(prog, p.EffectsOptions())
}

// Reapply derives the profiles stored in a compiled module again under this
// policy: the module says what each step reaches, the flags of this run say
// what it may touch.
func (p *Policy) Reapply(stored []*host.StepProfile) []*host.StepProfile {
	out := make([]*host.StepProfile, len(stored))
	for i, s := range stored {
		if s != nil {
			out[i] = effects.Reapply(i, s, p.EffectsOptions())
		}
	}
	return out
}

// RunPolicy is the policy of calls made outside any step: what the flags
// grant, with the access-control flags on.
func (p *Policy) RunPolicy() host.StepProfile {
	network := host.NetworkPolicy{Mode: "denied"}
	if len(p.NetAllow) > 0 {
		network = host.NetworkPolicy{Mode: "allow-list", Hosts: p.NetAllow}
	}
	fs := host.FSPolicy{Mode: "none"}
	switch {
	case len(p.FSWrite) > 0:
		fs = host.FSPolicy{Mode: "read-write", Read: append(slices.Clone(p.FSRead), p.FSWrite...), Write: p.FSWrite}
	case len(p.FSRead) > 0:
		fs = host.FSPolicy{Mode: "read-only", Read: p.FSRead}
	}
	return host.StepProfile{
		ProfileID:      "run",
		IsolationLevel: host.Inherit,
		NetworkPolicy:  network,
		FSPolicy:       fs,
		SecurityFlags:  host.SecurityFlags{EnableNetworkACL: true, EnableFSACL: true},
	}
}

// splitList flattens repeated and comma-separated flag values.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

func absolute(dirs []string) ([]string, error) {
	var out []string
	for _, d := range splitList(dirs) {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		out = append(out, abs)
	}
	return out, nil
}
