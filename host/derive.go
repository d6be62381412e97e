package host

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Reach is what a piece of a plan can reach: a step, with the steps nested
// in it, or the code outside every step. The compiler's effect analysis
// finds it (package compiler/effects); the run turns it into a profile
// under its own grants (ProfileFor).
type Reach struct {
	Step         string   // the step's name; "" for the code outside steps
	Capabilities []string // the capability ids its calls may name, sorted
	Effects      []Effect // their declared effects, sorted
	// Unresolved is set when some call's capability could not be
	// determined statically, or is not declared.
	Unresolved bool
}

// ResolveReach completes what the compiler found a step reaches with the
// effects effectsOf declares for its capabilities: their union, and
// unresolved when some id is not declared (effectsOf's ok false). A nil
// effectsOf declares nothing.
func ResolveReach(r Reach, effectsOf func(id string) ([]Effect, bool)) Reach {
	set := map[Effect]bool{}
	for _, e := range r.Effects {
		set[e] = true
	}
	for _, id := range r.Capabilities {
		var effects []Effect
		known := false
		if effectsOf != nil {
			effects, known = effectsOf(id)
		}
		r.Unresolved = r.Unresolved || !known
		for _, e := range effects {
			set[e] = true
		}
	}
	r.Effects = slices.Sorted(maps.Keys(set))
	return r
}

// Grants are what a run allows steps to touch, from its policy flags.
type Grants struct {
	// Context is the runtime context; nil allows every isolation level.
	Context *RuntimeContext
	// NetAllow are the hosts of --net-allow: exact names or "*.suffix".
	NetAllow []string
	// FSRead and FSWrite are the directories of --fs-read and --fs-write.
	FSRead, FSWrite []string
	// MaxExecutionTime and MaxMemoryBytes are the run-level ceilings
	// (--timeout, --max-memory) clamping every step's limits; 0 is none.
	MaxExecutionTime time.Duration
	MaxMemoryBytes   int64
}

// The isolation levels from the least to the most strict.
var levels = []Isolation{Inherit, Isolated, Sandboxed}

// levelFor is the isolation an effect requires by itself.
func levelFor(e Effect) Isolation {
	switch e {
	case EffectEnv, EffectClock, EffectRandom:
		return Inherit
	case EffectNetwork, EffectFSRead, EffectFSWrite:
		return Isolated
	}
	return Sandboxed // exec, and any effect this package does not know
}

// stricter reports whether a is a stricter level than b.
func stricter(a, b Isolation) bool {
	return slices.Index(levels, a) > slices.Index(levels, b)
}

// requiredLevel is the isolation a step reaching effects needs.
func requiredLevel(effects []Effect, unresolved bool) Isolation {
	if unresolved {
		return Sandboxed
	}
	level := Inherit
	for _, e := range effects {
		if l := levelFor(e); stricter(l, level) {
			level = l
		}
	}
	return level
}

// allowedLevel is level, or the nearest stricter level rc allows; level
// itself when rc allows none of them.
func allowedLevel(level Isolation, rc *RuntimeContext) Isolation {
	if rc == nil {
		return level
	}
	for _, l := range levels[slices.Index(levels, level):] {
		if !rc.DeniedIsolation[l] {
			return l
		}
	}
	return level
}

// defaultLimits are the resource limits of each isolation level before the
// run-level ceilings apply (see the package comment).
var defaultLimits = map[Isolation]ResourceLimits{
	Inherit:   {},
	Isolated:  {MaxExecutionTimeMS: 30_000, MaxMemoryBytes: 512 << 20, MaxIOOperations: 10_000},
	Sandboxed: {MaxExecutionTimeMS: 10_000, MaxMemoryBytes: 128 << 20, MaxIOOperations: 1_000, MaxCPUUsage: 1.0},
}

// ProfileFor is the profile of step index (its ast.Step.Index, which is
// also its place in the bytecode step table), given what the step reaches
// and what the run grants.
//
// Isolation: exec, an unresolved call, or an effect the host does not
// know requires "sandboxed"; network, fs-read and fs-write "isolated"; env,
// clock and random touch nothing a profile restricts and need no isolation
// by themselves ("inherit"). A step is deterministic when it reaches no
// effect at all: any effect, including reading the environment, the clock
// or a random source, lets its result depend on something besides the plan.
//
// The runtime context may deny the derived level; the profile then moves to
// the nearest stricter level it allows (inherit, isolated, sandboxed, in
// that order). When it allows none, the derived level is kept and the
// engine refuses the step at run time with a SecurityViolation.
//
// Network policy: "denied" unless the step has a network effect; with one,
// an "allow-list" of the --net-allow hosts, or "denied" again when none was
// given, so the step's requests are refused at run time rather than
// allowed everywhere (no flag grants "full" yet). Deny-lists exist in
// host.NetworkPolicy but no flag produces one.
//
// File system policy: the directories of --fs-read and --fs-write are
// readable, those of --fs-write writable. "none" without an fs effect or
// when no directory was given; "read-write" for a step with an fs-write
// effect when --fs-write named a directory; "read-only" otherwise. A step
// that writes but was granted no writable directory is thus read-only, and
// its writes are refused at run time.
//
// Resource limits start from the level's defaults:
//
//	level      time   memory   I/O ops  CPU
//	inherit    none   none     none     none
//	isolated   30 s   512 MiB  10,000   none
//	sandboxed  10 s   128 MiB  1,000    1.0 (one core)
//
// and are then clamped to the run-level ceilings (--timeout, --max-memory),
// which also bound the levels that have no limit of their own.
//
// Security flags: a sandboxed step may touch anything, so every mechanism
// is on for it: syscall filter and logging, read-only file system (a
// sandboxed step cannot write files, even with --fs-write), memory
// protection, CPU monitoring, and both ACLs. Otherwise the network ACL is
// on for a step with a network effect and the file system ACL for one with
// an fs effect.
func ProfileFor(index int, r Reach, g Grants) *StepProfile {
	has := func(e Effect) bool { return slices.Contains(r.Effects, e) }
	network := has(EffectNetwork)
	fsRead, fsWrite := has(EffectFSRead), has(EffectFSWrite)
	level := allowedLevel(requiredLevel(r.Effects, r.Unresolved), g.Context)
	sandboxed := level == Sandboxed

	limits := defaultLimits[level]
	limits.MaxExecutionTimeMS = clamp(limits.MaxExecutionTimeMS, ceilingMS(g.MaxExecutionTime))
	limits.MaxMemoryBytes = clamp(limits.MaxMemoryBytes, g.MaxMemoryBytes)

	return &StepProfile{
		ProfileID:      profileID(index, r),
		StepName:       r.Step,
		IsolationLevel: level,
		NetworkPolicy:  networkPolicy(network, g.NetAllow),
		FSPolicy:       fsPolicy(fsRead, fsWrite, g.FSRead, g.FSWrite),
		Deterministic:  !r.Unresolved && len(r.Effects) == 0,
		ResourceLimits: limits,
		SecurityFlags: SecurityFlags{
			EnableSyscallFilter:    sandboxed,
			EnableNetworkACL:       sandboxed || network,
			EnableFSACL:            sandboxed || fsRead || fsWrite,
			EnableMemoryProtection: sandboxed,
			EnableCPUMonitoring:    sandboxed,
			LogSyscalls:            sandboxed,
			ReadOnlyFS:             sandboxed,
		},
		Effects:      r.Effects,
		Unresolved:   r.Unresolved,
		Capabilities: r.Capabilities,
		Bounded:      true,
	}
}

// clamp bounds limit by ceiling; a zero limit or ceiling is none.
func clamp(limit, ceiling int64) int64 {
	if ceiling > 0 && (limit <= 0 || limit > ceiling) {
		return ceiling
	}
	return limit
}

// ceilingMS is d in whole milliseconds, rounded up so that a ceiling below
// a millisecond does not read as "no limit"; 0 when d is none.
func ceilingMS(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}

func networkPolicy(network bool, allow []string) NetworkPolicy {
	hosts := normalizeList(allow)
	if !network || len(hosts) == 0 {
		return NetworkPolicy{Mode: NetworkDenied}
	}
	return NetworkPolicy{Mode: NetworkAllowList, Hosts: hosts}
}

func fsPolicy(read, write bool, readDirs, writeDirs []string) FSPolicy {
	readable := normalizeList(slices.Concat(readDirs, writeDirs))
	writable := normalizeList(writeDirs)
	switch {
	case write && len(writable) > 0:
		return FSPolicy{Mode: FSReadWrite, Read: readable, Write: writable}
	case (read || write) && len(readable) > 0:
		return FSPolicy{Mode: FSReadOnly, Read: readable}
	}
	return FSPolicy{Mode: FSNone}
}

// normalizeList trims, sorts and deduplicates a list given on the command
// line, dropping empty entries (an empty directory is not the working
// directory); nil when nothing is left.
func normalizeList(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// profileID names a profile after its step's index, with a hash of what
// the profile was derived from, so the same plan always gets the same ids.
func profileID(index int, r Reach) string {
	h := sha256.New()
	h.Write([]byte(r.Step))
	for _, e := range r.Effects {
		h.Write([]byte("\x00" + string(e)))
	}
	if r.Unresolved {
		h.Write([]byte("\x00\x00unresolved"))
	}
	return "step-" + strconv.Itoa(index) + "-" + hex.EncodeToString(h.Sum(nil))[:8]
}

// PlanProfile is the profile of the code outside every step, derived from
// what it reaches like a step's: calls made there are confined exactly like
// a step with this profile (§7, A41).
func PlanProfile(r Reach, g Grants) *StepProfile {
	p := ProfileFor(0, r, g)
	p.StepName = ""
	p.ProfileID = "plan" + strings.TrimPrefix(p.ProfileID, "step-0")
	return p
}
