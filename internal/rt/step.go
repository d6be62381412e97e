package rt

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// The step forms (§4.14), as both engines run them:
//
//	CheckStep      refuse a step the runtime context does not allow,
//	               before the host hears of it
//	BeginStep      tell the host the step starts; its body then runs under
//	               the returned Step's context
//	Step.Complete  tell the host it completed
//	Step.Fail      tell the host it failed, and learn what to raise
//
// A step's body runs with a context carrying the step's action id
// (host.WithStep), its name, and its profile (host.WithProfile), so that
// the host enforces the profile's network, file system and I/O limits on
// every capability the body calls. The profile's max_execution_time_ms
// becomes the context's deadline. An engine notices the deadline as it
// notices the run's own (an uncatchable Timeout); Fail turns the Timeout
// of a step that overran its own limit into a catchable SecurityViolation,
// so that a plan may recover from a slow step, while the run-level
// deadline still ends the run whatever the program does.

// stepForms names each step kind the way the host and the isolation check
// see it, with the isolation level it needs.
var stepForms = [...]struct {
	name      string
	isolation host.Isolation
}{
	isa.StepPlain:    {"step", host.Inherit},
	isa.StepIf:       {"step-if", host.Inherit},
	isa.StepLoop:     {"step-loop", host.Inherit},
	isa.StepParallel: {"step-parallel", host.Isolated},
}

// CheckStep returns the SecurityViolation of a step the runtime context
// does not allow, or nil: the isolation level its kind needs, and the one
// its profile (nil: none) asks for, must both be allowed. An unknown kind
// is InvalidArguments: neither front end builds one, but engines must not
// crash on a bad tree or module.
func CheckStep(rc *host.RuntimeContext, kind isa.StepKind, name string, profile *host.StepProfile) *value.Error {
	if int(kind) >= len(stepForms) {
		return value.Errorf(value.InvalidArguments, "Malformed step form (kind %d)", kind)
	}
	form := stepForms[kind]
	if err := rc.CheckIsolation(form.name, form.isolation); err != nil {
		return ToError(err)
	}
	if profile != nil {
		if err := rc.CheckIsolation(fmt.Sprintf("the profile of step %q", name), profile.IsolationLevel); err != nil {
			return ToError(err)
		}
	}
	return nil
}

// Step is a step that has begun: what its end needs.
type Step struct {
	Name     string
	ActionID string
	// Ctx is the context the body runs in; Outer the one around the step,
	// which the engine takes up again when the step ends.
	Ctx, Outer context.Context
	// limitMS is max_execution_time_ms when the step runs under a deadline
	// of its own (earlier than any around it), 0 otherwise.
	limitMS  int64
	deadline time.Time
	cancel   context.CancelFunc
}

type stepNameKey struct{}

// withStepName returns ctx naming the step now running, for the messages
// of CallCapability.
func withStepName(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, stepNameKey{}, name)
}

// stepName is the name of the innermost step running in ctx, "" outside
// any step.
func stepName(ctx context.Context) string {
	name, _ := ctx.Value(stepNameKey{}).(string)
	return name
}

// BeginStep tells the host that the step called name starts, within the
// step (if any) that ctx carries, and returns it with the context its body
// runs in: the step's action id, its name, its profile when it has one,
// and the deadline of the profile's time limit when that comes before the
// deadline ctx already has. engine names what runs the body, for the
// host's record.
func BeginStep(ctx context.Context, h host.Host, name string, profile *host.StepProfile, engine string) *Step {
	id := h.NotifyStepStarted(host.WithEngine(ctx, engine), name)
	s := &Step{Name: name, ActionID: id, Outer: ctx}
	s.Ctx = withStepName(host.WithStep(ctx, id), name)
	if profile == nil {
		return s
	}
	s.Ctx = host.WithProfile(s.Ctx, profile)
	if limit, ok := host.StepDeadline(profile); ok {
		deadline := time.Now().Add(limit)
		if outer, has := ctx.Deadline(); !has || deadline.Before(outer) {
			s.Ctx, s.cancel = context.WithDeadline(s.Ctx, deadline)
			s.limitMS, s.deadline = profile.ResourceLimits.MaxExecutionTimeMS, deadline
		}
	}
	return s
}

// Complete tells the host that s completed with result.
func (s *Step) Complete(h host.Host, result value.Value) {
	s.Release()
	h.NotifyStepCompleted(s.Outer, s.ActionID, result)
}

// Fail tells the host that s failed and returns the error the step raises,
// with s added to its step path: err itself, unless err is the Timeout of the step's own time limit, which
// becomes a catchable SecurityViolation saying so (positioned by the
// engine, at the step). The run's own deadline or cancellation stays an
// uncatchable Timeout.
func (s *Step) Fail(h host.Host, err *value.Error) *value.Error {
	s.Release()
	if s.overran(err) {
		err = value.Errorf(value.SecurityViolation,
			"Security violation: step %q exceeded its time limit of %d ms (max_execution_time_ms)", s.Name, s.limitMS)
	}
	h.NotifyStepFailed(s.Outer, s.ActionID, err.Message)
	err.Steps = append(err.Steps, s.Name)
	return err
}

// overran reports whether err is the Timeout of s's own time limit: s has
// one, it has passed, and the run was not cancelled. The step's deadline
// comes before any around it, so once it has passed it is what stopped the
// body, even if an outer deadline has passed since.
func (s *Step) overran(err *value.Error) bool {
	return err.Kind == value.Timeout && s.limitMS > 0 && !time.Now().Before(s.deadline) &&
		!errors.Is(s.Outer.Err(), context.Canceled)
}

// HasDeadline reports whether s runs under a deadline of its own: only
// then does its context end differently from the one around it.
func (s *Step) HasDeadline() bool { return s.cancel != nil }

// Release frees the timer of s's deadline. Complete and Fail do it; an
// engine calls it itself for a step it drops without ending it.
func (s *Step) Release() {
	if s.cancel != nil {
		s.cancel()
	}
}

// MaxLoopIterations bounds a step-loop (§4.14).
const MaxLoopIterations = 10000

// LoopLimitError is the error of a step-loop that ran MaxLoopIterations
// times without its condition turning false.
func LoopLimitError() *value.Error {
	return value.Errorf(value.Generic, "Loop exceeded maximum iterations (%d)", MaxLoopIterations)
}

// StepTruthy is the extended truthiness of step-if and step-loop (§3.1):
// besides nil and false, 0, 0.0, "", [] and {} are false. An empty list
// stays true.
func StepTruthy(v value.Value) bool {
	switch v.Kind() {
	case value.KInt:
		return v.AsInt() != 0
	case value.KFloat:
		return v.AsFloat() != 0
	case value.KString:
		return v.AsString() != ""
	case value.KVector:
		return v.AsVector().Len() != 0
	case value.KMap:
		return v.AsMap().Len() != 0
	}
	return v.Truthy()
}
