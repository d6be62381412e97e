package rt

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

func TestCheckStep(t *testing.T) {
	sandboxed := &host.StepProfile{IsolationLevel: host.Sandboxed}
	deny := func(levels ...host.Isolation) *host.RuntimeContext {
		rc := host.NewContext(host.Full)
		rc.DeniedIsolation = map[host.Isolation]bool{}
		for _, l := range levels {
			rc.DeniedIsolation[l] = true
		}
		return rc
	}
	for _, c := range []struct {
		rc      *host.RuntimeContext
		kind    ast.StepKind
		profile *host.StepProfile
		want    string
	}{
		{deny(), ast.StepPlain, sandboxed, ""},
		{deny(host.Sandboxed), ast.StepPlain, nil, ""},
		{deny(host.Sandboxed), ast.StepPlain, sandboxed, `SecurityViolation: Security violation: the profile of step "s" needs isolation level sandboxed, which the runtime context does not allow`},
		{deny(host.Isolated), ast.StepParallel, nil, "SecurityViolation: Security violation: step-parallel needs isolation level isolated, which the runtime context does not allow"},
		{deny(), ast.StepKind(9), nil, "InvalidArguments: Malformed step form (kind 9)"},
	} {
		if got := show(value.Nil, CheckStep(c.rc, c.kind, "s", c.profile)); got != c.want && !(c.want == "" && got == "nil") {
			t.Errorf("CheckStep(%v, %d, %v) = %s, want %s", c.rc.DeniedIsolation, c.kind, c.profile, got, c.want)
		}
	}
}

func TestBeginStepContext(t *testing.T) {
	rec := host.NewRecorder()
	p := &host.StepProfile{StepName: "s", ResourceLimits: host.ResourceLimits{MaxExecutionTimeMS: 60000}}
	s := BeginStep(context.Background(), rec, "s", p, "vm")
	defer s.Release()
	if host.StepFromContext(s.Ctx) != s.ActionID || stepName(s.Ctx) != "s" || host.ProfileFromContext(s.Ctx) != p {
		t.Errorf("the body's context lacks the step's id, name or profile")
	}
	if d, ok := s.Ctx.Deadline(); !ok || time.Until(d) < 59*time.Second || !s.HasDeadline() {
		t.Errorf("deadline %v %t, want a minute from now", d, ok)
	}
	// A deadline later than the run's changes nothing.
	run, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	late := BeginStep(run, rec, "late", p, "vm")
	if late.HasDeadline() {
		t.Error("a step took a deadline later than the run's")
	}
	if plain := BeginStep(run, rec, "plain", nil, "vm"); plain.HasDeadline() || host.ProfileFromContext(plain.Ctx) != nil {
		t.Error("a step without a profile has a deadline or a profile")
	}
}

func TestStepFail(t *testing.T) {
	timeout := TimeoutError(context.DeadlineExceeded)
	limited := &host.StepProfile{ResourceLimits: host.ResourceLimits{MaxExecutionTimeMS: 1}}
	overrun := func(ctx context.Context, p *host.StepProfile) *Step {
		s := BeginStep(ctx, host.NewRecorder(), "s", p, "vm")
		<-s.Ctx.Done()
		time.Sleep(time.Until(s.deadline))
		return s
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name string
		step *Step
		err  *value.Error
		want string
	}{
		{"own limit", overrun(context.Background(), limited), timeout,
			`SecurityViolation: Security violation: step "s" exceeded its time limit of 1 ms (max_execution_time_ms)`},
		{"other errors stay", overrun(context.Background(), limited), value.Errorf(value.Generic, "x"), "Generic: x"},
		{"no limit of its own", BeginStep(context.Background(), host.NewRecorder(), "s", nil, "vm"), timeout, "Timeout: Execution timed out"},
		{"the run was cancelled", overrun(cancelled, limited), TimeoutError(context.Canceled), "Timeout: Execution cancelled"},
	} {
		rec := host.NewRecorder()
		got := c.step.Fail(rec, c.err)
		if show(value.Nil, got) != c.want {
			t.Errorf("%s: Fail = %s, want %s", c.name, show(value.Nil, got), c.want)
		}
		if events := rec.Events(); len(events) != 1 || events[0].Type != host.PlanStepFailed || !strings.HasSuffix(c.want, events[0].Message) {
			t.Errorf("%s: events %v", c.name, events)
		}
	}
}
