// Package vm runs the register bytecode of package isa.
//
// # The machine
//
// A run owns one value stack ([]value.Value) and one frame stack. A frame
// is an activation of a closure: its registers R[0], R[1], ... are the
// stack from its base up, and the slot just below, stack[base-1], holds the
// callee when the frame is entered and receives its result when it
// returns. A call instruction `CALL A B` finds the callee in the caller's
// R[A] and the arguments in R[A+1..A+B], so the callee's frame starts at
// the caller's R[A+1]: the arguments already are its parameters and
// nothing is copied. Frames refer to the stack by index only; when the
// stack grows it is copied, and the dispatch loop takes its register
// window again after anything that may have grown it. The stack always
// extends a whole register window (as many registers as an operand can
// name) above the running frame's base, which lets the loop hold the
// window as an array pointer and index it with operands without bounds
// checks.
//
// The dispatch loop (execute) is one function with a switch on the opcode.
// It keeps the running frame's code, constants, registers and pc in locals
// and saves the pc into the frame only when control leaves it. Calling a
// closure pushes a frame and continues in the same loop; TAILCALL moves
// the arguments down over the caller's registers and reuses its frame, so
// a tail-recursive loop runs in constant space; RETURN pops. Builtins are
// called directly with their arguments as a subslice of the registers.
// Integers and floats take a fast path through the arithmetic and
// comparison instructions, which box nothing, and no call allocates. The
// only Go recursion is a builtin calling back into a closure (map, filter,
// reduce, ...) through value.Runtime.Call, or a step-parallel branch run
// in its turn, either of which runs a nested dispatch loop on top of the
// same stacks until that closure returns.
//
// # Depth
//
// The call depth is the interpreter's: the frames of closures called
// outside tail position, whether by CALL or by a builtin calling back
// (value.Runtime.Call). A closure called so from a frame at MaxDepth
// fails with StackOverflow. Builtins, keywords and delegated functions do not count,
// whichever instruction applies them: the limit bounds recursion, which
// only closures can do, and a builtin call the code generator folds or
// turns into an operator instruction must behave as one made by CALLB.
// Each frame records the depth it runs at; a tail call keeps it.
//
// # Errors
//
// A failing instruction raises a *value.Error positioned by the Pos table
// of its prototype; an instruction without a position (a function's
// prologue: parameter checks and destructuring) reports the call that
// entered its frame, as the interpreter does. Raising unwinds to the
// innermost handler whose range covers the failing pc in this frame or the
// pc of the pending call in a caller frame, drops the frames above it, puts
// the error value in the handler's register and continues at its target.
// Limit errors (Timeout, MemoryExceeded) stop only at Finally handlers,
// and once one has been raised the run ends with it whatever the program
// does afterwards. Return types (RETURNTYPE) are remembered per frame and
// checked when the frame returns, after any tail calls it made.
//
// # Steps
//
// STEPBEGIN and STEPEND or STEPFAIL bracket a step's body (rt.BeginStep):
// the body runs under the step's profile, from Options.Profiles or the
// module's step table, and under its time limit, a deadline of the
// machine's context that the machine polls like the run's own. PARALLEL
// runs the branches of a step-parallel concurrently (rt.Parallel): each
// concurrent branch on a machine of its own (fork) that shares the linked
// module and the globals, which only the top-level function writes, and
// has its own stacks; a branch that finds no free slot runs in its turn on
// the machine that reached PARALLEL, above its frame.
//
// # WebAssembly
//
// A step whose profile is sandboxed runs in WebAssembly: at its STEPBEGIN
// the machine hands the frame's registers to an instance of the module's
// WASM (compiler/wasm, run by sandbox/wasm), which runs the step's code
// and every closure it calls until the end of the step's code, and hands
// the registers back (wasm.go). With WASMOptions.All the whole program
// runs so. The WASM code does the fast paths; the instructions it leaves
// to the host run here, on this machine, with the code the dispatch loop
// uses (cold.go, the builtins), so steps, limits, errors and return checks
// behave as on the VM. Values cross as handles into a table the host
// collects by reading the registers in linear memory.
//
// # Limits
//
// Every call and backward jump counts down a budget; when it runs out the
// machine looks at the context and, under a memory ceiling, at the heap,
// so that a runaway loop stops within milliseconds of its deadline (see
// limits.go).
package vm

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
)

// Options configure a run.
type Options struct {
	Host     host.Host            // nil: host.NewRecorder()
	Context  *host.RuntimeContext // nil: host.NewContext(host.Pure)
	MaxDepth int                  // nesting of closure calls (see Depth in the package doc); 0: rt.DefaultMaxDepth
	// MaxMemory is a ceiling on the Go heap in bytes (0: none). The run
	// stops with MemoryExceeded when the heap approaches it, and the
	// garbage collector is told to work hard near it (debug.SetMemoryLimit,
	// which is process-wide: concurrent runs share the lowest ceiling).
	MaxMemory int64
	Stdout    io.Writer // println output; nil: os.Stdout
	// Profiles are the steps' profiles, indexed like the module's step
	// table: a step runs under its profile (isolation level, network, file
	// system and I/O limits enforced by the host, time limit); a step
	// without one under the host's run-level policy. The profiles come
	// from the run's grants and the reach of each step (host.ProfileFor),
	// never from the module alone.
	Profiles []*host.StepProfile
	// WASM configures the WASM engine, which runs the sandboxed steps (or
	// everything, with All).
	WASM WASMOptions
	// Globals, when set, are the globals of earlier runs of modules this
	// one continues (codegen.Options.Base): the run starts with them and
	// leaves its own there, as the inputs of a session do.
	Globals *Globals
}

// Globals are the global slots of a module, by slot, and which of them the
// program has defined.
type Globals struct {
	Values  []value.Value
	Defined []bool
}

// Run verifies m, runs its top-level function Protos[0] and returns its
// value. A failure is a *value.Error: the program's first uncaught error,
// positioned in m.File, or an InternalError for a module that does not
// verify.
func Run(ctx context.Context, m *isa.Module, opts Options) (result value.Value, err error) {
	if verr := isa.Verify(m, stdlib.Has); verr != nil {
		return value.Nil, value.Errorf(value.InternalError, "invalid module: %v", verr)
	}
	mc := newMachine(ctx, m, opts)
	defer rt.LimitGC(opts.MaxMemory)()
	// A verified module cannot make the machine index out of range; this is
	// the last line of defence should the verifier and the machine ever
	// disagree, so that a bad module is an error and never a crash.
	defer func() {
		if p := recover(); p != nil {
			result, err = value.Nil, value.Errorf(value.InternalError, "vm: internal panic: %v", p)
		}
	}()
	defer mc.wasm.close()
	if g := opts.Globals; g != nil {
		copy(mc.globals, g.Values)
		copy(mc.defined, g.Defined)
		defer func() { g.Values, g.Defined = mc.globals, mc.defined }()
	}
	v, rerr := mc.runMain()
	if mc.limit != nil {
		return value.Nil, mc.limit
	}
	return v, rt.GoError(rerr)
}

// machine is the state of one run, or of one branch of a step-parallel
// (see fork).
type machine struct {
	ctx      context.Context // the run's context, or the innermost step's (setContext)
	done     <-chan struct{} // ctx's cancellation
	host     host.Host
	rc       *host.RuntimeContext
	stdout   io.Writer
	module   *isa.Module
	profiles []*host.StepProfile // Options.Profiles
	branches *rt.Parallel        // runs the branches of step-parallel; one per run

	functions []function       // one per prototype, indexed like Module.Protos
	builtins  []*value.Builtin // Module.Builtins resolved
	structs   []value.Value    // the constructors of Module.Structs
	globals   []value.Value
	defined   []bool         // whether the program has defined each global
	fallbacks []value.Value  // the builtin named like each global, nil when none
	slots     map[string]int // global slot of each name, for GETVAR

	stack  []value.Value
	frames []frame

	depth    int // the running frame's depth: closure frames entered by non-tail calls
	maxDepth int
	// callbacks counts the builtin callbacks in progress (see Call).
	callbacks int

	limits limits
	wasm   *wasmRun
	// limit is the first limit error raised: no catch may intercept it
	// and the run ends with it.
	limit *value.Error

	steps []activeStep // the steps begun and not yet ended, innermost last

	// returnChecks are the return types the frames must check their
	// results against (RETURNTYPE), each frame's from its checks index on.
	returnChecks []returnCheck

	// operands is the argument window an arithmetic instruction passes to
	// its builtin when the fast path does not apply: a field, so the slice
	// handed to the builtin does not escape to the heap on every use.
	operands [2]value.Value
}

// frame is one activation of a closure.
type frame struct {
	cl    *Closure
	pc    int // the next instruction, saved while a callee runs
	base  int // R[0] is stack[base]; stack[base-1] is the callee slot
	depth int // the call depth this frame runs at
	// site and sitePC locate the call instruction that entered this frame
	// (nil for the top level and for calls from Go), where errors of
	// instructions without a position of their own are reported.
	site   *function
	sitePC int
	// checks is where this frame's return checks start in returnChecks.
	checks int
}

// returnCheck is a return type remembered by RETURNTYPE: the frame's
// result must satisfy typ, else the error is positioned at instruction pc
// of fn, the function whose return type it is.
type returnCheck struct {
	typ *value.Type
	fn  *function
	pc  int
}

func newMachine(ctx context.Context, m *isa.Module, opts Options) *machine {
	mc := &machine{
		ctx:      ctx,
		done:     ctx.Done(),
		host:     opts.Host,
		rc:       opts.Context,
		stdout:   opts.Stdout,
		module:   m,
		profiles: opts.Profiles,
		branches: rt.NewParallel(),
		maxDepth: opts.MaxDepth,
	}
	if mc.host == nil {
		mc.host = host.NewRecorder()
	}
	if mc.rc == nil {
		mc.rc = host.NewContext(host.Pure)
	}
	if mc.stdout == nil {
		mc.stdout = os.Stdout
	}
	if mc.maxDepth <= 0 {
		mc.maxDepth = rt.DefaultMaxDepth
	}
	mc.limits.init(ctx, opts.MaxMemory)
	mc.link()
	mc.wasm = newWASMRun(ctx, mc, opts.WASM)
	return mc
}

// maxCallbacks bounds the builtin callbacks in progress whatever the depth
// limit: each nests a run of the dispatch loop on the Go stack, and the Go
// stack must never overflow.
const maxCallbacks = 100_000

// The machine is the value.Runtime builtins see.
var _ value.Runtime = (*machine)(nil)

// Call implements value.Runtime: it applies fn with full call semantics,
// as a non-tail call made from the running builtin.
func (m *machine) Call(fn value.Value, args []value.Value) (value.Value, error) {
	// A builtin calling back (apply, map, ...) nests Go calls. Closures
	// count toward the depth themselves, but a chain of builtins calling
	// builtins would not, so callbacks in progress are bounded too.
	if m.callbacks > min(m.maxDepth, maxCallbacks) {
		return value.Nil, rt.StackOverflow(min(m.maxDepth, maxCallbacks))
	}
	m.callbacks++
	v, err := m.apply(fn, args, true)
	m.callbacks--
	return v, rt.GoError(err)
}

// Stdout implements value.Runtime.
func (m *machine) Stdout() io.Writer { return m.stdout }

// Interrupted implements value.Runtime.
func (m *machine) Interrupted() error {
	m.limits.countdown = 1
	if err := m.tick(); err != nil {
		return err
	}
	return nil
}

// Reserve implements value.Runtime.
func (m *machine) Reserve(n int64) error {
	if err := m.limits.memory.Reserve(n); err != nil {
		return err
	}
	return nil
}

// ContextValue implements value.Runtime.
func (m *machine) ContextValue(key string) (value.Value, bool) { return m.host.GetContextValue(key) }

// SetContextValue implements value.Runtime.
func (m *machine) SetContextValue(key string, v value.Value) { m.host.SetContextValue(key, v) }

// internalError reports a module that passed verification but does what
// the verifier cannot see, such as reading a register that holds no cell as
// a cell.
func internalError(format string, args ...any) *value.Error {
	return value.Errorf(value.InternalError, "vm: %s", fmt.Sprintf(format, args...))
}
