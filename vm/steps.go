package vm

import (
	"context"
	"io"
	"slices"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/value"
)

// A step's handle, the value STEPBEGIN leaves in a register for STEPEND or
// STEPFAIL, is the integer index of the step in machine.steps. The host
// sees the steps in the order they begin and end; the body of a step runs
// with the step's context (rt.BeginStep: action id, profile, deadline).

// profile returns the profile step index runs under (Options.Profiles);
// nil for none.
func (m *machine) profile(index int) *host.StepProfile {
	if index < len(m.profiles) {
		return m.profiles[index]
	}
	return nil
}

// checkStep returns the SecurityViolation of step index when the runtime
// context denies the isolation its kind or its profile needs.
func (m *machine) checkStep(index int) *value.Error {
	s := &m.module.Steps[index]
	return rt.CheckStep(m.rc, s.Kind, s.Name, m.profile(index))
}

// activeStep is a step between its STEPBEGIN and its STEPEND or STEPFAIL,
// with the end of the machine's context before it began, to take up again
// when it ends.
type activeStep struct {
	*rt.Step
	outer contextEnd
	// memory restores the memory limit of the step around it.
	memory func()
	index  int // in the module's step table
}

// contextEnd is how the machine learns that its context has ended: the
// Done channel, and the deadline it looks at directly (see limits).
type contextEnd struct {
	done        <-chan struct{}
	deadline    time.Time
	hasDeadline bool
}

// beginStep checks that the runtime context allows step index, tells the
// host the step starts (§4.14) and runs what follows under its context.
// Only a step with a deadline of its own changes how that context ends:
// asking a context for its end walks all the contexts it wraps, which
// would make deep recursion through steps quadratic.
func (m *machine) beginStep(index int) (value.Value, *value.Error) {
	if err := m.checkStep(index); err != nil {
		return value.Nil, err
	}
	profile := m.profile(index)
	s := rt.BeginStep(m.ctx, m.host, m.module.Steps[index].Name, profile, m.engineName())
	m.steps = append(m.steps, activeStep{Step: s, index: index, outer: m.contextEnd(), memory: m.limits.memory.EnterStep(s.Name, stepMemory(profile))})
	if s.HasDeadline() {
		m.setContext(s.Ctx)
	} else {
		m.ctx = s.Ctx
	}
	return value.Int(int64(len(m.steps) - 1)), nil
}

// endStep tells the host the step of handle completed with result.
func (m *machine) endStep(handle, result value.Value) *value.Error {
	s, err := m.closeStep(handle)
	if err != nil {
		return err
	}
	s.Complete(m.host, result)
	return nil
}

// failStep tells the host the step of handle failed with the error value
// failure (A13) and returns the error value the code raises afterwards:
// failure, or the catchable error of a step that overran its time limit
// (rt.Step.Fail), in which case the Timeout no longer ends the run.
func (m *machine) failStep(handle, failure value.Value) (value.Value, *value.Error) {
	if failure.Kind() != value.KError {
		return value.Nil, internalError("STEPFAIL with a %s", failure.TypeName())
	}
	s, err := m.closeStep(handle)
	if err != nil {
		return value.Nil, err
	}
	cause := failure.AsError()
	raised := s.Fail(m.host, cause)
	if raised == cause {
		return failure, nil
	}
	if m.limit == cause {
		m.limit = nil
	}
	return value.ErrorValue(raised), nil
}

// closeStep ends the step of handle, and any step begun inside it that an
// error skipped, taking up the context from before it.
func (m *machine) closeStep(handle value.Value) (*rt.Step, *value.Error) {
	if handle.Kind() != value.KInt || handle.AsInt() < 0 || handle.AsInt() >= int64(len(m.steps)) {
		return nil, internalError("no step has the handle %s", handle)
	}
	i := int(handle.AsInt())
	s := m.steps[i]
	for j := len(m.steps) - 1; j > i; j-- {
		m.steps[j].Release()
		m.steps[j].memory()
	}
	s.memory()
	m.steps = m.steps[:i]
	m.ctx = s.Outer
	m.setContextEnd(s.outer)
	return s.Step, nil
}

// setContext makes ctx the context the machine runs under: the one it
// hands the host, and whose end (the run's deadline or cancellation, or a
// step's time limit) it polls for.
func (m *machine) setContext(ctx context.Context) {
	m.ctx = ctx
	deadline, ok := ctx.Deadline()
	m.setContextEnd(contextEnd{done: ctx.Done(), deadline: deadline, hasDeadline: ok})
}

func (m *machine) contextEnd() contextEnd {
	return contextEnd{done: m.done, deadline: m.limits.deadline, hasDeadline: m.limits.hasDeadline}
}

func (m *machine) setContextEnd(end contextEnd) {
	m.done, m.limits.deadline, m.limits.hasDeadline = end.done, end.deadline, end.hasDeadline
}

// parallel runs the branches of a step-parallel, closures without
// parameters, and returns the vector of their values (see rt.Parallel.Run).
// A concurrent branch runs on a machine of its own (fork); one that runs
// in its turn, on m, above the frame running PARALLEL, at the same depth.
func (m *machine) parallel(branches []value.Value) (value.Value, *value.Error) {
	branches = slices.Clone(branches) // registers, which the stack may move
	// The machines of concurrent branches start from m as it is now: m
	// itself runs on, with the branches that run in their turn.
	stopped := *m
	results, err := m.branches.Run(m.ctx, m.host, m.stdout, len(branches), m.mergePolicy(),
		func(ctx context.Context, i int, stdout io.Writer, concurrent bool, h host.Host) (value.Value, *value.Error) {
			if concurrent {
				return stopped.fork(ctx, stdout, h).runBranch(branches[i])
			}
			return m.runBranchHere(ctx, stdout, h, branches[i])
		})
	if err != nil {
		return value.Nil, err
	}
	return value.NewVector(results), nil
}

// mergePolicy is the merge policy of the step-parallel running now: the
// innermost step begun on this machine.
func (m *machine) mergePolicy() string {
	if len(m.steps) == 0 {
		return ""
	}
	return m.module.Steps[m.steps[len(m.steps)-1].index].MergePolicy
}

// runBranchHere runs a branch on m with the branch's context and output,
// and takes up m's own again afterwards, whatever happened in the branch.
func (m *machine) runBranchHere(ctx context.Context, stdout io.Writer, h host.Host, branch value.Value) (value.Value, *value.Error) {
	outer, outerStdout, outerHost, frames := m.ctx, m.stdout, m.host, len(m.frames)
	defer func() {
		m.ctx, m.stdout, m.host = outer, outerStdout, outerHost
		m.dropFrames(frames)
	}()
	// The branch's context differs from m's by values only (its action
	// id): it ends when m's does.
	m.ctx, m.stdout, m.host = ctx, stdout, h
	return m.apply(branch, nil, false)
}

// fork returns the machine a concurrent branch of a step-parallel runs on.
// It shares with m what stays fixed while branches run: the module as
// linked, the runtime context, the profiles and the globals, which only
// the top-level function writes (the verifier sees to it), and that
// function does nothing while it waits in PARALLEL. It has its own stacks,
// steps, limits, output, context and host (the branch's, see rt.Parallel),
// and starts at m's call depth. m must be a machine nothing runs on, which
// several branches may fork at once.
func (m *machine) fork(ctx context.Context, stdout io.Writer, h host.Host) *machine {
	b := *m
	b.stdout, b.host = stdout, h
	b.stack, b.frames, b.steps, b.returnChecks, b.limit = nil, nil, nil, nil, nil
	b.ctx, b.done = ctx, ctx.Done()
	b.limits.init(ctx, m.limits.memory.Max())
	b.wasm = m.wasm.fork(ctx, &b)
	return &b
}

// runBranch runs the branch closure as the bottom frame of the machine.
func (m *machine) runBranch(branch value.Value) (value.Value, *value.Error) {
	cl, ok := branch.Ref().(*Closure)
	if !ok || cl.fn.capability != "" || cl.fn.numParams != 0 || cl.fn.variadic {
		return value.Nil, internalError("a step-parallel branch must be a closure without parameters, not a %s", branch.TypeName())
	}
	var (
		v   value.Value
		err *value.Error
	)
	if m.wasm.running() {
		defer m.wasm.close()
		v, err = m.wasm.apply(branch, cl, nil, false)
	} else {
		v, err = m.runFrom(cl)
	}
	if m.limit != nil {
		return value.Nil, m.limit
	}
	return v, err
}

// engineName names what runs the code now, for the host's step records.
func (m *machine) engineName() string {
	if m.wasm.running() {
		return "wasm"
	}
	return "vm"
}

// stepMemory is the memory limit of a step running under profile, 0 for
// none.
func stepMemory(profile *host.StepProfile) int64 {
	if profile == nil {
		return 0
	}
	return profile.ResourceLimits.MaxMemoryBytes
}
