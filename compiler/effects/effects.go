// Package effects derives the security profile of every step of a plan at
// compile time, from the effects its capabilities declare.
//
// # What a step can reach
//
// A step's effects are the union of the declared effects (host.Effect) of
// every capability it can reach. Nothing is inferred from names or strings:
// a capability id is looked up, exactly, in the registry's declarations, and
// an id the analysis cannot read or the registry does not know makes the
// step unresolved. The analysis is meant to be sound, so wherever it cannot
// be precise it assumes more is reached, never less.
//
// The program becomes a graph whose nodes are pieces of code or values:
//
//   - a step: the code of its body, nested steps included;
//   - a function literal: the code of its body;
//   - a binding (a def, a let binding, a step's %params): the functions its
//     value may hold;
//   - the host context, which context/set writes and @name, context/get and
//     the fallback of unbound symbols read.
//
// A node owns the effects of the `call` forms standing in its code outside
// the function literals and steps nested in it; a binding owns none,
// because its value was computed where the binding stands, not where it is
// used. A node's edges go to everything its code mentions: a function
// literal (it may be called), a step nested in it (it runs), and the
// bindings a symbol may denote. A binding's edges go to the function
// literals its value expression contains and the bindings it mentions,
// since a value built from them may hold or return their functions.
// Reaching is then transitive: a node's effects are those of every node it
// reaches, computed as a fixpoint, so recursion and mutual recursion need
// nothing special.
//
// That a mention, not a call, is enough is what keeps the analysis sound
// without tracking values: every function value comes from a function
// literal of the plan or is a builtin (pure, stdlib), and wherever a
// literal goes (passed to map, stored in a map of handlers, returned by
// another function) the place that let it go mentions it. A parameter or
// any other untraceable value that is called therefore reaches nothing by
// itself: whoever passed the function in already reached it. Builtins add
// no effect: the few that are not pure (println, context/get, context/set)
// touch only the engine's output and the host context, which no profile
// restricts.
//
// Symbols follow the scoping of the engines: a name bound by a let, a
// parameter, a loop or a pattern denotes that binding; a def inside a body
// binds in the innermost frame and may or may not have run, so a reference
// that may see it also considers the bindings further out; top-level names
// are late-bound, so a global reference reaches every top-level def of the
// name. A name that the plan does not bind and that is not a builtin falls
// back to the host context at run time, so it reaches the host-context
// node. The values context/set stores become that node's edges; were
// context/set ever used other than by calling it directly, what it stores
// could not be traced and reading the host context would make a step
// unresolved. Cross-plan parameters come from the run, not from the plan,
// and hold no function of it.
//
// A function declared with ^:delegation :local-model or :remote is run by
// the host (capability "model-call:<id>"), so reaching it is a call of that
// capability: unresolved unless the registry declares it.
//
// # From effects to a profile
//
// Isolation: exec, an unresolved call, or an effect this package does not
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
package effects

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
)

// Options is what the derivation needs to know besides the program.
type Options struct {
	// Effects returns the declared effects of capability id, ok false for
	// an id the registry does not know (host.Registry.Effects). nil knows
	// no capability, so every call is unresolved.
	Effects func(id string) (effects []host.Effect, ok bool)
	// NetAllow are the hosts of --net-allow: exact names or "*.suffix".
	NetAllow []string
	// FSRead and FSWrite are the directories of --fs-read and --fs-write.
	FSRead, FSWrite []string
	// Context is the runtime context of the run; nil allows every level.
	Context *host.RuntimeContext
	// MaxExecutionTime and MaxMemoryBytes are the run-level ceilings
	// (--timeout, --max-memory) clamping every step's limits; 0 is none.
	MaxExecutionTime time.Duration
	MaxMemoryBytes   int64
}

// Derive returns the profile of every step form of prog, indexed by
// ast.Step.Index, with the effects the step reaches (sorted) and whether
// some call was unresolved kept beside the CCOS fields. A program the front end accepted numbers its steps
// 0..n-1; in one with errors, a step discarded with its malformed form
// leaves a gap, whose slot holds the profile of an unnamed unresolved step,
// so that nothing left unanalysed ever runs unconfined.
func Derive(prog *ast.Program, opts Options) []*host.StepProfile {
	reach := analyze(prog, opts.Effects)
	profiles := make([]*host.StepProfile, len(reach))
	for i, r := range reach {
		profiles[i] = profileOf(i, r, opts)
	}
	return profiles
}

// Reapply derives a step's profile again from what a stored profile says
// the step reaches (its effects, and whether a call was unresolved) under
// new options. This is how the profiles compiled into a bytecode module
// follow the policy flags and runtime context of the run that executes it.
func Reapply(index int, stored *host.StepProfile, opts Options) *host.StepProfile {
	return profileOf(index, reached{name: stored.StepName, effects: stored.Effects, unresolved: stored.Unresolved}, opts)
}

// The isolation levels from the least to the most strict.
var levels = []host.Isolation{host.Inherit, host.Isolated, host.Sandboxed}

// levelFor is the isolation an effect requires by itself.
func levelFor(e host.Effect) host.Isolation {
	switch e {
	case host.EffectEnv, host.EffectClock, host.EffectRandom:
		return host.Inherit
	case host.EffectNetwork, host.EffectFSRead, host.EffectFSWrite:
		return host.Isolated
	}
	return host.Sandboxed // exec, and any effect this package does not know
}

// stricter reports whether a is a stricter level than b.
func stricter(a, b host.Isolation) bool {
	return slices.Index(levels, a) > slices.Index(levels, b)
}

// requiredLevel is the isolation a step reaching effects needs.
func requiredLevel(effects []host.Effect, unresolved bool) host.Isolation {
	if unresolved {
		return host.Sandboxed
	}
	level := host.Inherit
	for _, e := range effects {
		if l := levelFor(e); stricter(l, level) {
			level = l
		}
	}
	return level
}

// allowedLevel is level, or the nearest stricter level rc allows; level
// itself when rc allows none of them.
func allowedLevel(level host.Isolation, rc *host.RuntimeContext) host.Isolation {
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
var defaultLimits = map[host.Isolation]host.ResourceLimits{
	host.Inherit:   {},
	host.Isolated:  {MaxExecutionTimeMS: 30_000, MaxMemoryBytes: 512 << 20, MaxIOOperations: 10_000},
	host.Sandboxed: {MaxExecutionTimeMS: 10_000, MaxMemoryBytes: 128 << 20, MaxIOOperations: 1_000, MaxCPUUsage: 1.0},
}

// profileOf is the profile of step index, given what it reaches.
func profileOf(index int, r reached, opts Options) *host.StepProfile {
	has := func(e host.Effect) bool { return slices.Contains(r.effects, e) }
	network := has(host.EffectNetwork)
	fsRead, fsWrite := has(host.EffectFSRead), has(host.EffectFSWrite)
	level := allowedLevel(requiredLevel(r.effects, r.unresolved), opts.Context)
	sandboxed := level == host.Sandboxed

	limits := defaultLimits[level]
	limits.MaxExecutionTimeMS = clamp(limits.MaxExecutionTimeMS, ceilingMS(opts.MaxExecutionTime))
	limits.MaxMemoryBytes = clamp(limits.MaxMemoryBytes, opts.MaxMemoryBytes)

	return &host.StepProfile{
		ProfileID:      profileID(index, r),
		StepName:       r.name,
		IsolationLevel: level,
		NetworkPolicy:  networkPolicy(network, opts.NetAllow),
		FSPolicy:       fsPolicy(fsRead, fsWrite, opts.FSRead, opts.FSWrite),
		Deterministic:  !r.unresolved && len(r.effects) == 0,
		ResourceLimits: limits,
		SecurityFlags: host.SecurityFlags{
			EnableSyscallFilter:    sandboxed,
			EnableNetworkACL:       sandboxed || network,
			EnableFSACL:            sandboxed || fsRead || fsWrite,
			EnableMemoryProtection: sandboxed,
			EnableCPUMonitoring:    sandboxed,
			LogSyscalls:            sandboxed,
			ReadOnlyFS:             sandboxed,
		},
		Effects:    r.effects,
		Unresolved: r.unresolved,
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

func networkPolicy(network bool, allow []string) host.NetworkPolicy {
	hosts := normalizeList(allow)
	if !network || len(hosts) == 0 {
		return host.NetworkPolicy{Mode: host.NetworkDenied}
	}
	return host.NetworkPolicy{Mode: host.NetworkAllowList, Hosts: hosts}
}

func fsPolicy(read, write bool, readDirs, writeDirs []string) host.FSPolicy {
	readable := normalizeList(slices.Concat(readDirs, writeDirs))
	writable := normalizeList(writeDirs)
	switch {
	case write && len(writable) > 0:
		return host.FSPolicy{Mode: host.FSReadWrite, Read: readable, Write: writable}
	case (read || write) && len(readable) > 0:
		return host.FSPolicy{Mode: host.FSReadOnly, Read: readable}
	}
	return host.FSPolicy{Mode: host.FSNone}
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
func profileID(index int, r reached) string {
	h := sha256.New()
	h.Write([]byte(r.name))
	for _, e := range r.effects {
		h.Write([]byte("\x00" + string(e)))
	}
	if r.unresolved {
		h.Write([]byte("\x00\x00unresolved"))
	}
	return "step-" + strconv.Itoa(index) + "-" + hex.EncodeToString(h.Sum(nil))[:8]
}
