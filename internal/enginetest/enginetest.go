// Package enginetest holds scenarios that both engines, the interpreter and
// the VM, must pass the same way: step profiles (isolation, the host's
// policies, time limits), refused capability calls, concurrent
// step-parallel branches, and a whole plan against real resources. The
// tests of each engine run them with an Engine of their own, so the two
// are held to one set of expectations.
package enginetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

// Options are what a scenario sets for a run.
type Options struct {
	Host     host.Host
	Context  *host.RuntimeContext
	Stdout   io.Writer
	Profiles []*host.StepProfile // indexed by ast.Step.Index
}

// Engine runs prog. The VM's compiles it with the profiles and takes the
// module through its container, as rtfsvm does.
type Engine func(ctx context.Context, t *testing.T, prog *ast.Program, opts Options) (value.Value, error)

// mustParse parses src, which must be a valid program.
func mustParse(t *testing.T, src string) *ast.Program {
	t.Helper()
	prog, err := Parse("plan.rtfs", src)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	return prog
}

// run parses and runs src with a deadline of a minute, so that a scenario
// that goes wrong fails rather than hangs.
func run(t *testing.T, engine Engine, src string, opts Options) (value.Value, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return engine(ctx, t, mustParse(t, src), opts)
}

// wantValue fails t unless the run succeeded with a value printing as want.
func wantValue(t *testing.T, v value.Value, err error, want string) {
	t.Helper()
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	if v.String() != want {
		t.Errorf("value %s, want %s", v, want)
	}
}

// ComparableEvents returns the events of a run in a form two runs of a
// program can be compared in: as they are, unless the run had
// step-parallel branches, which run concurrently and interleave their
// events as they happen to run; then SortedActions.
func ComparableEvents(events []host.Event) []host.Event {
	for _, e := range events {
		if e.Type == host.PlanStepStarted && strings.HasPrefix(e.Name, "step-parallel/") {
			return SortedActions(events)
		}
	}
	return events
}

// SortedActions renders events as one event per action, its start and
// its end together, with the action id left out, sorted.
func SortedActions(events []host.Event) []host.Event {
	actions := map[string]*host.Event{}
	var ids []string
	for _, e := range events {
		a := actions[e.ActionID]
		if a == nil {
			a = &host.Event{}
			actions[e.ActionID] = a
			ids = append(ids, e.ActionID)
		}
		switch e.Type {
		case host.PlanStepStarted:
			a.Name = e.Name
		case host.PlanStepCompleted:
			a.Type, a.Result = e.Type, e.Result
		case host.PlanStepFailed:
			a.Type, a.Message = e.Type, e.Message
		}
	}
	sorted := make([]host.Event, len(ids))
	for i, id := range ids {
		sorted[i] = *actions[id]
	}
	slices.SortFunc(sorted, func(a, b host.Event) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return sorted
}

// actionLog renders the actions of events one per line, sorted: "name
// completed result" or "name failed message".
func actionLog(events []host.Event) string {
	var lines []string
	for _, a := range SortedActions(events) {
		switch a.Type {
		case host.PlanStepCompleted:
			lines = append(lines, a.Name+" completed "+a.Result)
		case host.PlanStepFailed:
			lines = append(lines, a.Name+" failed "+a.Message)
		default:
			lines = append(lines, a.Name+" never ended")
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// testHost records step events like host.Recorder, runs the capabilities
// below, records the refusals an engine reports (host.ViolationRecorder),
// and notes the step and profile every capability call ran under. It is
// safe for concurrent use, as parallel branches need.
//
//	(call :echo args...)   => [args...]
//	(call :signal "name")  => nil, once every (call :wait "name") may go on
//	(call :wait "name")    => :ok once "name" is signalled; a Generic error
//	                          after five seconds (a branch that cannot run
//	                          concurrently with the one signalling)
//	(call :barrier n)      => :ok once n calls of :barrier have arrived; an
//	                          error after five seconds
//	(call :sleep ms)       => :slept, or the context's error when it ends first
//	model-call:m, model-call:  answer their first argument (delegated functions)
type testHost struct {
	*host.Recorder

	mu         sync.Mutex
	calls      []call
	violations []call
	signals    map[string]chan struct{}
	arrived    int
	everyone   chan struct{}
}

// call is a capability call or refusal as the host saw it.
type call struct {
	id      string
	step    string // the action id of the step it ran in
	profile *host.StepProfile
}

// patience is how long :wait and :barrier wait for the other branches.
const patience = 5 * time.Second

func newTestHost() *testHost {
	return &testHost{Recorder: host.NewRecorder(), signals: map[string]chan struct{}{}, everyone: make(chan struct{})}
}

func (h *testHost) signal(name string) chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch, ok := h.signals[name]
	if !ok {
		ch = make(chan struct{})
		h.signals[name] = ch
	}
	return ch
}

func (h *testHost) ExecuteCapability(ctx context.Context, id string, args []value.Value) (value.Value, error) {
	h.mu.Lock()
	h.calls = append(h.calls, call{id: id, step: host.StepFromContext(ctx), profile: host.ProfileFromContext(ctx)})
	h.mu.Unlock()
	switch id {
	case "echo":
		return value.NewVector(args), nil
	case "signal":
		close(h.signal(args[0].AsString()))
		return value.Nil, nil
	case "wait":
		select {
		case <-h.signal(args[0].AsString()):
			return value.Kw("ok"), nil
		case <-time.After(patience):
			return value.Nil, fmt.Errorf("nobody signalled %s", args[0])
		}
	case "barrier":
		h.mu.Lock()
		if h.arrived++; h.arrived == int(args[0].AsInt()) {
			close(h.everyone)
		}
		h.mu.Unlock()
		select {
		case <-h.everyone:
			return value.Kw("ok"), nil
		case <-time.After(patience):
			return value.Nil, errors.New("the barrier never opened")
		}
	case "model-call:m", "model-call:":
		return args[0], nil
	case "sleep":
		select {
		case <-time.After(time.Duration(args[0].AsInt()) * time.Millisecond):
			return value.Kw("slept"), nil
		case <-ctx.Done():
			return value.Nil, ctx.Err()
		}
	}
	return value.Nil, value.Errorf(value.UnknownCapability, "Unknown capability: %s", id)
}

// RecordViolation implements host.ViolationRecorder.
func (h *testHost) RecordViolation(ctx context.Context, capability string, _ error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.violations = append(h.violations, call{id: capability, step: host.StepFromContext(ctx), profile: host.ProfileFromContext(ctx)})
}

func (h *testHost) recorded() (calls, violations []call) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.calls), slices.Clone(h.violations)
}
