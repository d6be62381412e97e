// Package host is the boundary between an RTFS program and the world (§7).
//
// The language core is pure: every effect goes through `(call id args...)`.
// An engine checks each call against the RuntimeContext (which capabilities
// and isolation levels this run allows) before handing it to a Host, which
// executes it and sees every step start, complete or fail. The Recorder host
// here executes nothing: it rejects every capability and records step events
// in order, which is what tests of the step forms assert on. Hosts with real
// capabilities implement the same interface, so engines never change when
// capabilities are added.
//
// This package holds what the boundary is made of, as data and pure
// checks: the Host interface, runtime contexts, the capabilities' declared
// effects and signatures (Registry), what a step can reach (Reach) and the
// profile a run derives from it under its grants (ProfileFor), and the
// policy checks a capability asks of its CallContext (CheckHost). It
// touches neither the file system, the network nor processes: the
// capabilities that do, and the host that runs plans for real, live in
// package caps.
package host

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/rtfs-go/rtfs/value"
)

// Host executes capabilities and observes steps.
type Host interface {
	// ExecuteCapability runs capability id. It is called only after the
	// RuntimeContext has allowed the call. ctx carries the run's deadline
	// and the action id of the innermost step (see StepFromContext).
	ExecuteCapability(ctx context.Context, id string, args []value.Value) (value.Value, error)
	// NotifyStepStarted records the start of a step and returns its action id.
	NotifyStepStarted(ctx context.Context, name string) string
	NotifyStepCompleted(ctx context.Context, actionID string, result value.Value)
	NotifyStepFailed(ctx context.Context, actionID string, message string)
	// GetContextValue and SetContextValue are the host execution context
	// read by `@name` and symbol fallback, and `context/get`/`context/set`.
	GetContextValue(key string) (value.Value, bool)
	SetContextValue(key string, v value.Value)
}

type stepKey struct{}

type engineKey struct{}

// WithEngine returns ctx saying which engine runs the step about to begin
// ("interp", "vm", "wasm"), for the host's step records.
func WithEngine(ctx context.Context, engine string) context.Context {
	return context.WithValue(ctx, engineKey{}, engine)
}

// EngineFromContext is the engine WithEngine named, "" when none did.
func EngineFromContext(ctx context.Context) string {
	e, _ := ctx.Value(engineKey{}).(string)
	return e
}

// WithStep returns ctx carrying the action id of the step now running.
func WithStep(ctx context.Context, actionID string) context.Context {
	return context.WithValue(ctx, stepKey{}, actionID)
}

// StepFromContext returns the action id of the innermost running step, or
// "" outside any step.
func StepFromContext(ctx context.Context) string {
	id, _ := ctx.Value(stepKey{}).(string)
	return id
}

// ViolationRecorder is implemented by hosts that record security
// violations. The RuntimeContext check runs in the engine, before the host
// sees the call; an engine whose host implements this interface reports
// the violations it raises there (and only those: a SecurityViolation that
// ExecuteCapability returns is already recorded), so they reach the causal
// chain too.
type ViolationRecorder interface {
	RecordViolation(ctx context.Context, capability string, err error)
}

// Level is how much of the host a run may use.
type Level uint8

// The levels of §7.
const (
	Pure       Level = iota // no capability at all
	Controlled              // exactly the allowed ids
	Full                    // every capability
)

func (l Level) String() string {
	switch l {
	case Pure:
		return "pure"
	case Controlled:
		return "controlled"
	}
	return "full"
}

// ParseLevel reads "pure", "controlled" or "full".
func ParseLevel(s string) (Level, error) {
	switch s {
	case "pure":
		return Pure, nil
	case "controlled":
		return Controlled, nil
	case "full":
		return Full, nil
	}
	return Pure, fmt.Errorf("unknown runtime context %q (want pure, controlled or full)", s)
}

// Isolation is the isolation level a step form runs at.
type Isolation string

// The isolation levels.
const (
	Inherit   Isolation = "inherit"
	Isolated  Isolation = "isolated"
	Sandboxed Isolation = "sandboxed"
)

// RuntimeContext says what a run may do. The zero value is pure with every
// isolation level allowed.
type RuntimeContext struct {
	Level   Level
	Allowed map[string]bool // capability ids, for Controlled
	// Denied isolation levels; all are allowed by default.
	DeniedIsolation map[Isolation]bool
	// CrossPlanParams are the last fallback of symbol resolution (§3.8).
	CrossPlanParams map[string]value.Value
}

// NewContext makes a context at level allowing the given capability ids
// (meaningful for Controlled).
func NewContext(level Level, allowed ...string) *RuntimeContext {
	rc := &RuntimeContext{Level: level, Allowed: map[string]bool{}}
	for _, id := range allowed {
		rc.Allowed[id] = true
	}
	return rc
}

// CheckCapability returns a SecurityViolation unless id may be called.
func (rc *RuntimeContext) CheckCapability(id string) error {
	return rc.CheckCapabilityIn("", id)
}

// CheckCapabilityIn is CheckCapability for a call made in the step called
// step ("" outside any step), which the error then names, as the host's
// own refusals do (CallContext.Violation).
func (rc *RuntimeContext) CheckCapabilityIn(step, id string) error {
	where := "Security violation"
	if step != "" {
		where = fmt.Sprintf("Security violation in step %q", step)
	}
	switch rc.Level {
	case Full:
		return nil
	case Controlled:
		if rc.Allowed[id] {
			return nil
		}
		err := value.Errorf(value.SecurityViolation,
			"%s: operation call of capability %s is not allowed: runtime context controlled allows only [%s]", where, id, strings.Join(rc.allowedList(), ", "))
		err.Hint = "allowed with --allow " + id
		return err
	}
	err := value.Errorf(value.SecurityViolation,
		"%s: operation call of capability %s is not allowed: runtime context is pure", where, id)
	err.Hint = "allowed with --context controlled --allow " + id
	return err
}

func (rc *RuntimeContext) allowedList() []string {
	ids := make([]string, 0, len(rc.Allowed))
	for id := range rc.Allowed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// CheckIsolation returns a SecurityViolation unless level is allowed.
func (rc *RuntimeContext) CheckIsolation(form string, level Isolation) error {
	if rc.DeniedIsolation[level] {
		return value.Errorf(value.SecurityViolation,
			"Security violation: %s needs isolation level %s, which the runtime context does not allow", form, level)
	}
	return nil
}

// EventType names a recorded step event.
type EventType string

// The step events.
const (
	PlanStepStarted   EventType = "PlanStepStarted"
	PlanStepCompleted EventType = "PlanStepCompleted"
	PlanStepFailed    EventType = "PlanStepFailed"
)

// Event is one step event seen by a Recorder.
type Event struct {
	Type     EventType
	ActionID string
	Name     string // PlanStepStarted
	Result   string // PlanStepCompleted: printed value
	Message  string // PlanStepFailed
}

// Recorder is the default host: it has no capabilities (every call is
// UnknownCapability) and records step events in order.
type Recorder struct {
	ContextValues
	mu     sync.Mutex
	events []Event
	next   int
}

// NewRecorder makes an empty recording host.
func NewRecorder() *Recorder { return &Recorder{} }

// ContextValues is the host execution context of a host: the Get and Set
// halves of Host, safe for concurrent steps.
type ContextValues struct {
	mu     sync.Mutex
	values map[string]value.Value
}

// GetContextValue implements Host.
func (c *ContextValues) GetContextValue(key string) (value.Value, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.values[key]
	return v, ok
}

// SetContextValue implements Host.
func (c *ContextValues) SetContextValue(key string, v value.Value) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.values == nil {
		c.values = map[string]value.Value{}
	}
	c.values[key] = v
}

// ExecuteCapability implements Host.
func (r *Recorder) ExecuteCapability(_ context.Context, id string, _ []value.Value) (value.Value, error) {
	return value.Nil, value.Errorf(value.UnknownCapability, "Unknown capability: %s", id)
}

// NotifyStepStarted implements Host.
func (r *Recorder) NotifyStepStarted(_ context.Context, name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next++
	id := fmt.Sprintf("action-%d", r.next)
	r.events = append(r.events, Event{Type: PlanStepStarted, ActionID: id, Name: name})
	return id
}

// NotifyStepCompleted implements Host.
func (r *Recorder) NotifyStepCompleted(_ context.Context, actionID string, result value.Value) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, Event{Type: PlanStepCompleted, ActionID: actionID, Result: result.String()})
}

// NotifyStepFailed implements Host.
func (r *Recorder) NotifyStepFailed(_ context.Context, actionID string, message string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, Event{Type: PlanStepFailed, ActionID: actionID, Message: message})
}

// Events returns a copy of the events recorded so far.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}
