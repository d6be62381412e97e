// Package interp is the tree-walking reference interpreter of RTFS. It gives
// every program its meaning: the bytecode VM is tested against it, so it
// favours being obviously right over being fast.
//
// The machine walks compiler/ast nodes with two pieces of state:
//
//   - an environment: a chain of mutable frames (env) captured by reference.
//     The root frame holds the builtins of stdlib, the global frame above
//     it the top-level definitions; calls, let, match and catch clauses and
//     loop iterations push frames. Symbols are looked up when evaluated, so
//     a function may refer to globals defined after it.
//   - a call depth, bounded by Options.MaxDepth: the closure applications
//     in progress, each made outside tail position. Builtins, keywords and
//     delegated functions are not counted: the limit exists to bound
//     recursion, which only closures can do, and counting builtin calls
//     would make the limit depend on which of them the compiler folds.
//     Calls in tail position (the last form of a function body, and
//     through do, let, if and match) are not made where they are found:
//     evalNode leaves them in machine.pending and returns, and the loop in
//     apply — the trampoline — makes them in the caller's frame and at its
//     depth. A tail-recursive loop therefore runs in constant Go stack,
//     while non-tail recursion beyond MaxDepth, directly or through a
//     builtin calling back (map, reduce, ...), is a StackOverflow error
//     rather than a Go stack overflow.
//
// Effects go through the host: capability calls after a check against the
// RuntimeContext, step notifications, and the host execution context read by
// @name and symbol fallback. A step runs under its profile (Options.Profiles)
// and its time limit (see internal/rt's step functions), and the branches of a
// step-parallel run concurrently, each on a machine of its own (fork) and
// in a frame of its own, so that no branch writes a frame another reads.
// Cancellation of the context passed to Run, or the end of a step's time
// limit, is polled every few calls and loop iterations, so a runaway
// program stops with a Timeout error.
package interp

import (
	"context"
	"io"
	"os"
	"sync"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
)

// DefaultMaxDepth is the closure call depth allowed when Options.MaxDepth
// is zero.
const DefaultMaxDepth = rt.DefaultMaxDepth

// cancelPollInterval is how many calls or loop iterations pass between two
// looks at the context: often enough to stop promptly, rarely enough to cost
// nothing measurable.
const cancelPollInterval = 1024

// Options configure a run.
type Options struct {
	Host     host.Host            // nil: host.NewRecorder()
	Context  *host.RuntimeContext // nil: host.NewContext(host.Pure)
	MaxDepth int                  // nesting of closure calls (see the package doc); 0: DefaultMaxDepth
	// MaxMemory is a ceiling on the Go heap in bytes (0: none): the run
	// stops with MemoryExceeded when the heap approaches it (rt.MemoryLimit).
	MaxMemory int64
	Stdout    io.Writer // println output; nil: os.Stdout
	// Profiles are the steps' profiles, indexed by ast.Step.Index as
	// compiler/effects.Derive returns them. A step runs under its profile
	// (isolation level, network, file system and I/O limits enforced by the
	// host, time limit); a step without one (nil, or no Profiles) under
	// the host's run-level policy.
	Profiles []*host.StepProfile
}

// Run evaluates the top-level forms of prog in order and returns the value
// of the last one (nil for an empty program). The first error stops the
// run; it is a *value.Error positioned at the node that raised it.
func Run(ctx context.Context, prog *ast.Program, opts Options) (value.Value, error) {
	return NewSession(opts).Eval(ctx, prog, opts.Profiles)
}

// builtinFrame is the root frame holding every builtin. Nothing ever
// defines into it (top-level definitions go to the global frame above it),
// so one frame is shared by all runs.
var builtinFrame = sync.OnceValue(func() *env {
	root := newEnv(nil)
	for _, b := range stdlib.All() {
		root.define(b.Name, value.Func(b))
	}
	return root
})

// machine is the state of one run, or of one branch of a step-parallel
// (see fork).
type machine struct {
	ctx      context.Context // carries the innermost step's action id, profile and deadline
	host     host.Host
	rc       *host.RuntimeContext
	stdout   io.Writer
	maxDepth int
	// callbacks counts the builtin callbacks in progress (see Call).
	callbacks int
	profiles  []*host.StepProfile
	branches  *rt.Parallel // runs the branches of step-parallel; one per run

	depth   int  // closure applications in progress (see apply)
	nesting int  // evaluations in progress (see eval)
	polls   uint // counts calls and iterations towards the next cancellation check
	memory  rt.MemoryLimit

	// pending is the call found in tail position, waiting for the
	// trampoline in apply; hasPending says whether it is set.
	pending    pendingCall
	hasPending bool
}

type pendingCall struct {
	fn   value.Value
	args []value.Value
	pos  value.Pos
}

func newMachine(ctx context.Context, opts Options) *machine {
	m := &machine{ctx: ctx, host: opts.Host, rc: opts.Context, stdout: opts.Stdout, maxDepth: opts.MaxDepth,
		profiles: opts.Profiles, branches: rt.NewParallel(), memory: rt.NewMemoryLimit(opts.MaxMemory)}
	if m.host == nil {
		m.host = host.NewRecorder()
	}
	if m.rc == nil {
		m.rc = host.NewContext(host.Pure)
	}
	if m.stdout == nil {
		m.stdout = os.Stdout
	}
	if m.maxDepth <= 0 {
		m.maxDepth = DefaultMaxDepth
	}
	return m
}

// fork returns the machine a branch of a step-parallel runs on: the
// branch's host (see rt.Parallel), context and output; the run's runtime
// context, limits, profiles and branch runner; and a call depth of its own
// starting at m's.
func (m *machine) fork(ctx context.Context, stdout io.Writer, h host.Host) *machine {
	return &machine{ctx: ctx, host: h, rc: m.rc, stdout: stdout, maxDepth: m.maxDepth,
		profiles: m.profiles, branches: m.branches, depth: m.depth, memory: rt.NewMemoryLimit(m.memory.Max())}
}

// poll returns a Timeout error once the run's context is done, and a
// MemoryExceeded error once the heap nears the ceiling. It looks only
// every cancelPollInterval calls.
func (m *machine) poll(pos value.Pos) *value.Error {
	m.polls++
	if m.polls%cancelPollInterval != 0 {
		return nil
	}
	if err := m.ctx.Err(); err != nil {
		return rt.TimeoutError(context.Cause(m.ctx)).WithPos(pos)
	}
	if err := m.memory.Poll(); err != nil {
		return err.WithPos(pos)
	}
	return nil
}

// The machine is the value.Runtime builtins see.
var _ value.Runtime = (*machine)(nil)

// Call implements value.Runtime: it applies fn with full call semantics.
func (m *machine) Call(fn value.Value, args []value.Value) (value.Value, error) {
	// A builtin calling back (apply, map, ...) nests Go calls. Closures
	// count toward the depth themselves, but a chain of builtins calling
	// builtins would not, so callbacks in progress are bounded too.
	if m.callbacks > m.maxDepth {
		return value.Nil, rt.StackOverflow(m.maxDepth)
	}
	m.callbacks++
	v, err := m.apply(fn, args, value.Pos{})
	m.callbacks--
	return v, rt.GoError(err)
}

// Stdout implements value.Runtime.
func (m *machine) Stdout() io.Writer { return m.stdout }

// Interrupted implements value.Runtime.
func (m *machine) Interrupted() error {
	m.polls = cancelPollInterval - 1
	if err := m.poll(value.Pos{}); err != nil {
		return err
	}
	return nil
}

// Reserve implements value.Runtime.
func (m *machine) Reserve(n int64) error {
	if err := m.memory.Reserve(n); err != nil {
		return err
	}
	return nil
}

// ContextValue implements value.Runtime.
func (m *machine) ContextValue(key string) (value.Value, bool) { return m.host.GetContextValue(key) }

// SetContextValue implements value.Runtime.
func (m *machine) SetContextValue(key string, v value.Value) { m.host.SetContextValue(key, v) }
