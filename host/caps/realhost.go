package caps

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/value"
)

// Config configures a PlanHost.
type Config struct {
	// Registry holds the capabilities; nil means the built-ins alone.
	Registry *host.Registry
	// Policy is the run-level policy: it binds every call made outside a
	// step, or inside a step the engine gave no profile. The zero value
	// denies all network and file access; FullAccess denies nothing.
	Policy host.StepProfile
	// Chain receives the causal chain; nil records nothing.
	Chain *chain.Writer
	// Log receives ccos.io.log lines; nil means standard error.
	Log io.Writer
	// Confinement runs the capabilities that touch the OS (package
	// sandbox); nil confines nothing, and such calls are refused unless
	// Unconfined.
	Confinement Confinement
	// Unconfined runs the capabilities that touch the OS in this process,
	// without a sandbox: the explicit opt-out, recorded in the chain.
	Unconfined bool
	// NoAudit says audited steps run without their syscall audit, which
	// the chain records.
	NoAudit bool
	// Program is the digest of the program, recorded in PlanStarted.
	Program string
	// Replay, for a resumed run, is the run whose calls it replays.
	Replay *Replay
	// NoRedact records sensitive arguments and results in the chain as
	// they are (for debugging), which PlanStarted says.
	NoRedact bool
}

// Confinement runs capability calls outside the engine's process, each
// under the profile in force, and kills what a scope started when it ends.
type Confinement interface {
	// Call runs c with args for the step whose budget scope is scope (its
	// action id; "" outside steps), under call.Policy.
	Call(ctx context.Context, scope string, call *host.CallContext, c *host.Capability, args []value.Value) (value.Value, *chain.Placement, error)
	// End kills the worker of scope and everything it started.
	End(scope string)
	// Close ends every scope.
	Close()
}

// PlanHost is the host that runs plans for real. For every call it looks
// the capability up, checks the arguments against its signature, counts it
// against the I/O limit of the profile in force (the step's profile from
// ctx, else the run-level policy), runs it under that profile, and records
// a CapabilityCall — or a SecurityViolation when the profile refused it —
// in the causal chain. Step notifications become chain records whose parent
// is the enclosing step, or the plan outside any step.
//
// Action ids are "<run>-<n>": a random run id, so ids never repeat across
// runs appended to one chain, and a counter. A PlanHost is safe for
// concurrent use by parallel steps.
//
// If the chain cannot be written, every later call fails: a capability
// runs only when its effect can be recorded. Err reports the chain failure.
type PlanHost struct {
	registry    *host.Registry
	policy      host.StepProfile
	chain       *chain.Writer
	log         *lockedWriter
	runID       string
	actions     atomic.Int64
	calls       atomic.Int64 // capability calls so far, numbering them
	program     string
	replay      *Replay
	noRedact    bool
	confinement Confinement
	// unconfined, noAudit: see Config.
	unconfined, noAudit bool

	mu    sync.Mutex
	plan  string               // the plan's action id, "" before StartPlan
	steps map[string]stepEntry // running steps by action id
	ioOps int64                // I/O operations of the whole plan so far

	host.ContextValues
}

// stepEntry is what the host remembers of a running step.
type stepEntry struct {
	name, parent string
}

// NewPlanHost makes a host from cfg.
func NewPlanHost(cfg Config) (*PlanHost, error) {
	reg := cfg.Registry
	if reg == nil {
		var err error
		if reg, err = BuiltinRegistry(); err != nil {
			return nil, err
		}
	}
	log := cfg.Log
	if log == nil {
		log = os.Stderr
	}
	var id [4]byte
	rand.Read(id[:]) // never fails (crypto/rand since Go 1.24)
	return &PlanHost{
		registry:    reg,
		policy:      cfg.Policy,
		unconfined:  cfg.Unconfined,
		noAudit:     cfg.NoAudit,
		confinement: cfg.Confinement,
		chain:       cfg.Chain,
		program:     cfg.Program,
		replay:      cfg.Replay,
		noRedact:    cfg.NoRedact,
		log:         &lockedWriter{w: log},
		runID:       hex.EncodeToString(id[:]),
		steps:       map[string]stepEntry{},
	}, nil
}

// Registry returns the host's capabilities.
func (h *PlanHost) Registry() *host.Registry { return h.registry }

// Err returns the failure that stopped the causal chain, or nil. A run
// whose chain failed must not be reported as a success.
func (h *PlanHost) Err() error {
	if h.chain == nil {
		return nil
	}
	return h.chain.Err()
}

func (h *PlanHost) newActionID() string {
	return fmt.Sprintf("%s-%d", h.runID, h.actions.Add(1))
}

// parentOf is the action a record made under ctx belongs to: the innermost
// running step, else the plan.
func (h *PlanHost) parentOf(ctx context.Context) string {
	if step := host.StepFromContext(ctx); step != "" {
		return step
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.plan
}

// record appends rec to the chain, if there is one. A failed append is
// kept by the Writer and reported by Err.
func (h *PlanHost) record(rec chain.Record) {
	if h.chain != nil {
		_ = h.chain.Append(rec)
	}
}

// StartPlan records PlanStarted for the plan called name (usually its file)
// and returns the plan's action id, the parent of every record outside a
// step.
func (h *PlanHost) StartPlan(_ context.Context, name string) string {
	id := h.newActionID()
	h.mu.Lock()
	h.plan = id
	h.mu.Unlock()
	started := chain.Record{Type: chain.PlanStarted, ActionID: id, Plan: name, Program: h.program}
	if h.replay != nil {
		started.Resumes = h.replay.Run
	}
	if h.noRedact {
		started.Redaction = "none"
	}
	h.record(started)
	if h.unconfined {
		h.record(chain.Record{Type: chain.Unconfined, ActionID: h.newActionID(), ParentActionID: id,
			Error: "--unconfined: capabilities that touch the OS run in the plan host's process, without a sandbox"})
	}
	if h.noAudit {
		h.record(chain.Record{Type: chain.NoAudit, ActionID: h.newActionID(), ParentActionID: id,
			Error: "--no-audit: the workers of audited steps run without the eBPF syscall audit"})
	}
	return id
}

// CompletePlan records PlanCompleted with the plan's result.
func (h *PlanHost) CompletePlan(_ context.Context, result value.Value) {
	h.closeConfinement()
	h.record(chain.Record{Type: chain.PlanCompleted, ActionID: h.planID(), Result: printed(result)})
}

// AbortPlan records PlanAborted with the error that stopped the plan.
func (h *PlanHost) AbortPlan(_ context.Context, err error) {
	h.closeConfinement()
	kind, msg := describe(err)
	h.record(chain.Record{Type: chain.PlanAborted, ActionID: h.planID(), Error: msg, ErrorKind: kind})
}

// closeConfinement kills every worker the plan started.
func (h *PlanHost) closeConfinement() {
	if h.confinement != nil {
		h.confinement.Close()
	}
}

func (h *PlanHost) planID() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.plan
}

// RecordStepProfile records the profile derived for a step (StepName names
// it). Made under a step's ctx, the record's parent is that step.
func (h *PlanHost) RecordStepProfile(ctx context.Context, p *host.StepProfile) error {
	if p == nil {
		return errors.New("recording a step profile: no profile")
	}
	profile, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("recording the profile of step %q: %w", p.StepName, err)
	}
	h.record(chain.Record{Type: chain.StepProfileDerived, ActionID: h.newActionID(), ParentActionID: h.parentOf(ctx),
		Step: p.StepName, Profile: profile})
	return nil
}

// RecordViolation implements ViolationRecorder.
func (h *PlanHost) RecordViolation(ctx context.Context, capability string, err error) {
	_, msg := describe(err)
	h.record(chain.Record{Type: chain.SecurityViolation, ActionID: h.newActionID(), ParentActionID: h.parentOf(ctx),
		Step: h.stepName(ctx), Capability: capability, Error: msg})
}

// NotifyStepStarted implements Host.
func (h *PlanHost) NotifyStepStarted(ctx context.Context, name string) string {
	id := h.newActionID()
	parent := h.parentOf(ctx)
	h.mu.Lock()
	h.steps[id] = stepEntry{name: name, parent: parent}
	h.mu.Unlock()
	h.record(chain.Record{Type: chain.PlanStepStarted, ActionID: id, ParentActionID: parent, Step: name,
		Engine: host.EngineFromContext(ctx)})
	return id
}

// NotifyStepCompleted implements Host.
func (h *PlanHost) NotifyStepCompleted(ctx context.Context, actionID string, result value.Value) {
	step := h.endStep(ctx, actionID)
	h.record(chain.Record{Type: chain.PlanStepCompleted, ActionID: actionID, ParentActionID: step.parent,
		Step: step.name, Result: printed(result)})
}

// NotifyStepFailed implements Host.
func (h *PlanHost) NotifyStepFailed(ctx context.Context, actionID string, message string) {
	step := h.endStep(ctx, actionID)
	h.record(chain.Record{Type: chain.PlanStepFailed, ActionID: actionID, ParentActionID: step.parent,
		Step: step.name, Error: message})
}

// endStep forgets a finished step and its I/O count and returns what was
// known of it.
func (h *PlanHost) endStep(ctx context.Context, actionID string) stepEntry {
	h.mu.Lock()
	step, ok := h.steps[actionID]
	delete(h.steps, actionID)
	h.mu.Unlock()
	if h.confinement != nil {
		h.confinement.End(actionID)
	}
	if !ok {
		step.parent = h.parentOf(ctx)
	}
	return step
}

// stepName is the name of the step running in ctx, "" outside any step.
func (h *PlanHost) stepName(ctx context.Context) string {
	id := host.StepFromContext(ctx)
	if id == "" {
		return ""
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if step, ok := h.steps[id]; ok {
		return step.name
	}
	if p := host.ProfileFromContext(ctx); p != nil {
		return p.StepName
	}
	return id
}

// ExecuteCapability implements Host.
func (h *PlanHost) ExecuteCapability(ctx context.Context, id string, args []value.Value) (value.Value, error) {
	if err := h.Err(); err != nil {
		return value.Nil, value.Errorf(value.Generic, "refusing to run %s: the causal chain cannot be written (%v)", id, err)
	}
	full := make([]string, len(args))
	for i, a := range args {
		full[i] = a.String()
	}
	c, known := h.registry.Lookup(id)
	redacted := args
	if known && !h.noRedact {
		redacted = redactArgs(c, args)
	}
	rec := chain.Record{ActionID: h.newActionID(), ParentActionID: h.parentOf(ctx), Step: h.stepName(ctx),
		Capability: id, Call: h.calls.Add(1), ArgumentsDigest: chain.ArgumentsDigest(full), Arguments: make([]string, len(args))}
	for i, a := range redacted {
		rec.Arguments[i] = printed(a)
	}
	recorded := func(v value.Value) string {
		if known && !h.noRedact {
			v = redactResult(c, v)
		}
		return printed(v)
	}
	if v, err, done := h.replayed(rec.Call, rec); done {
		rec.Type, rec.Provider = chain.CapabilityCall, "replay"
		if err != nil {
			rec.ErrorKind, rec.Error = describe(err)
		} else {
			rec.Result = recorded(v)
		}
		h.record(rec)
		return v, err
	}
	// The call is on record, durably, before its effect can happen.
	h.record(chain.Record{Type: chain.CapabilityCallStarted, ActionID: rec.ActionID, ParentActionID: rec.ParentActionID,
		Step: rec.Step, Capability: id, Call: rec.Call, ArgumentsDigest: rec.ArgumentsDigest})
	if err := h.Err(); err != nil {
		return value.Nil, value.Errorf(value.Generic, "refusing to run %s: the causal chain cannot be written (%v)", id, err)
	}
	start := time.Now()
	v, placement, err := h.execute(ctx, id, args, rec.Step)
	if placement != nil {
		rec.Provider, rec.Worker = placement.provider, placement.worker
	}
	rec.DurationNS = time.Since(start).Nanoseconds()
	var verr *value.Error
	if err != nil && !errors.As(err, &verr) {
		verr = value.Errorf(value.Generic, "%s: %v", id, err)
	}
	switch {
	case verr != nil && verr.Kind == value.SecurityViolation:
		rec.Type, rec.Error = chain.SecurityViolation, verr.Message
	case verr != nil:
		rec.Type, rec.Error, rec.ErrorKind = chain.CapabilityCall, verr.Message, string(verr.Kind)
	default:
		rec.Type, rec.Result = chain.CapabilityCall, recorded(v)
	}
	h.record(rec)
	if placement != nil && placement.worker != nil && placement.worker.Audit != nil {
		h.record(chain.Record{Type: chain.SyscallAudit, ActionID: h.newActionID(), ParentActionID: rec.ActionID,
			Step: rec.Step, Capability: id, Audit: placement.worker.Audit})
	}
	if verr != nil {
		return value.Nil, verr
	}
	return v, nil
}

// placement says where a call ran, for its record.
type placement struct {
	provider string
	worker   *chain.Placement
}

// execute is ExecuteCapability without the recording: the capability is
// looked up, its arguments checked, and the profile in force (the step's
// from ctx, else the run-level policy) binds it (§7, A41); then it runs in
// this process when it touches nothing outside it, and in the confinement
// otherwise.
func (h *PlanHost) execute(ctx context.Context, id string, args []value.Value, stepName string) (value.Value, *placement, error) {
	c, ok := h.registry.Lookup(id)
	if !ok {
		return value.Nil, nil, value.Errorf(value.UnknownCapability, "Unknown capability: %s", id)
	}
	if err := c.Signature.Check(id, args); err != nil {
		return value.Nil, nil, err
	}
	profile, budget := host.ProfileFromContext(ctx), host.BudgetFromContext(ctx)
	if profile == nil {
		profile, budget = &h.policy, ""
	}
	call := &host.CallContext{Capability: id, Step: stepName, Policy: profile, Log: h.log}
	if err := call.CheckBound(c); err != nil {
		return value.Nil, nil, err
	}
	if err := h.countIO(call, c); err != nil {
		return value.Nil, nil, err
	}
	switch {
	case !c.TouchesOS():
		v, err := c.Run(ctx, call, args)
		return v, &placement{provider: "inprocess"}, err
	case h.unconfined:
		v, err := c.Run(ctx, call, args)
		return v, &placement{provider: "unconfined"}, err
	case h.confinement == nil:
		return value.Nil, nil, call.Violation("%s touches the operating system and this host has no sandbox to confine it; run with --unconfined to accept running it without one", id)
	}
	v, where, err := h.confinement.Call(ctx, budget, call, c, args)
	return v, &placement{provider: "worker", worker: where}, err
}

// countIO counts one I/O operation of the plan when c does I/O, and refuses
// the call once the plan has done as many as the profile in force allows
// (max_io_operations). The count is the plan's, not the step's, so that
// starting steps one after another never buys more operations than the
// most generous profile allows.
func (h *PlanHost) countIO(call *host.CallContext, c *host.Capability) error {
	doesIO := false
	for _, e := range c.Effects {
		doesIO = doesIO || e.CountsAsIO()
	}
	if !doesIO {
		return nil
	}
	limit := call.Policy.ResourceLimits.MaxIOOperations
	h.mu.Lock()
	defer h.mu.Unlock()
	if limit > 0 && h.ioOps >= limit {
		return call.Violation("%s would exceed the limit of %d I/O operations (max_io_operations; the plan has done %d)", call.Capability, limit, h.ioOps)
	}
	h.ioOps++
	return nil
}

// printed is a value as the chain records it.
func printed(v value.Value) string { return chain.PrintedValue(v.String()) }

// describe splits an error into its RTFS kind and message; errors that are
// not RTFS errors are Generic.
func describe(err error) (kind, message string) {
	var e *value.Error
	if errors.As(err, &e) {
		return string(e.Kind), e.Message
	}
	return string(value.Generic), err.Error()
}

// lockedWriter serialises writes from parallel steps so log lines do not
// interleave.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
