package caps

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/internal/wanterr"
	"github.com/rtfs-go/rtfs/value"
)

func decodeChain(t *testing.T, text string) []chain.Record {
	t.Helper()
	var recs []chain.Record
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if line == "" {
			continue
		}
		var r chain.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("chain line %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// TestPlanRunChain records a plan the way an engine drives the host: a
// step with a call, a nested step whose profile refuses a call, a call
// outside steps, a failing step, a violation the engine itself found.
func TestPlanRunChain(t *testing.T) {
	th := newTestHost(t, host.FullAccess())
	bg := context.Background()
	plan := th.StartPlan(bg, "plan.rtfs")

	outer := th.NotifyStepStarted(bg, "outer")
	outerCtx := host.WithStep(bg, outer)
	locked := &host.StepProfile{StepName: "inner"}
	if err := th.RecordStepProfile(outerCtx, locked); err != nil {
		t.Fatal(err)
	}
	if _, err := th.ExecuteCapability(outerCtx, "ccos.echo", []value.Value{value.Int(7)}); err != nil {
		t.Fatal(err)
	}
	inner := th.NotifyStepStarted(outerCtx, "inner")
	innerCtx := host.WithProfile(host.WithStep(outerCtx, inner), locked)
	_, err := th.ExecuteCapability(innerCtx, "ccos.io.read-file", []value.Value{opts("path", "/etc/hostname")})
	wanterr.Check(t, err, value.SecurityViolation, `Security violation in step "inner": ccos.io.read-file of /etc/hostname is not allowed: file system access is denied`)
	th.NotifyStepFailed(outerCtx, inner, err.(*value.Error).Message)
	th.NotifyStepCompleted(bg, outer, value.Int(7))

	if _, err := th.call("ccos.math.add", str("x"), value.Int(1)); err == nil {
		t.Fatal("add of a string succeeded")
	}
	denied := host.NewContext(host.Controlled).CheckCapability("ccos.system.execute")
	var recorder host.ViolationRecorder = th.PlanHost
	recorder.RecordViolation(bg, "ccos.system.execute", denied)
	th.CompletePlan(bg, value.Int(7))

	if err := chain.Verify(bytes.NewReader(th.chain.Bytes())); err != nil {
		t.Fatalf("recorded chain does not verify: %v\n%s", err, th.chain)
	}
	type row struct {
		typ                chain.Type
		action, parent     string
		step, capability   string
		result, errorKind  string
		errorHas, argument string
	}
	want := []row{
		{typ: chain.PlanStarted, action: plan},
		{typ: chain.Unconfined, parent: plan, errorHas: "without a sandbox"},
		{typ: chain.PlanStepStarted, action: outer, parent: plan, step: "outer"},
		{typ: chain.StepProfileDerived, parent: outer, step: "inner"},
		{typ: chain.CapabilityCallStarted, parent: outer, step: "outer", capability: "ccos.echo"},
		{typ: chain.CapabilityCall, parent: outer, step: "outer", capability: "ccos.echo", result: "7", argument: "7"},
		{typ: chain.PlanStepStarted, action: inner, parent: outer, step: "inner"},
		{typ: chain.CapabilityCallStarted, parent: inner, step: "inner", capability: "ccos.io.read-file"},
		{typ: chain.SecurityViolation, parent: inner, step: "inner", capability: "ccos.io.read-file",
			errorHas: "file system access is denied", argument: `{:path "/etc/hostname"}`},
		{typ: chain.PlanStepFailed, action: inner, parent: outer, step: "inner", errorHas: "file system access is denied"},
		{typ: chain.PlanStepCompleted, action: outer, parent: plan, step: "outer", result: "7"},
		{typ: chain.CapabilityCallStarted, parent: plan, capability: "ccos.math.add"},
		{typ: chain.CapabilityCall, parent: plan, capability: "ccos.math.add", errorKind: "TypeError", errorHas: "Type error in +", argument: `"x"`},
		{typ: chain.SecurityViolation, parent: plan, capability: "ccos.system.execute", errorHas: "runtime context controlled allows only []"},
		{typ: chain.PlanCompleted, action: plan, result: "7"},
	}
	recs := th.records(t)
	if len(recs) != len(want) {
		t.Fatalf("chain has %d records, want %d:\n%s", len(recs), len(want), th.chain)
	}
	seen := map[string]bool{}
	for i, w := range want {
		r := recs[i]
		if r.Type != w.typ || (w.action != "" && r.ActionID != w.action) || r.ParentActionID != w.parent ||
			r.Step != w.step || r.Capability != w.capability || r.Result != w.result || r.ErrorKind != w.errorKind ||
			!strings.Contains(r.Error, w.errorHas) || (w.argument != "" && (len(r.Arguments) == 0 || r.Arguments[0] != w.argument)) {
			t.Errorf("record %d = %+v\nwant %+v", i+1, r, w)
		}
		if r.Type == chain.PlanStepStarted || r.Type == chain.PlanStarted || r.Type == chain.CapabilityCall {
			if seen[r.ActionID] {
				t.Errorf("action id %s is used twice", r.ActionID)
			}
			seen[r.ActionID] = true
		}
	}
	if recs[5].DurationNS <= 0 {
		t.Errorf("capability call duration %d", recs[5].DurationNS)
	}
	// A call's started record and its outcome are one action, numbered
	// and digested alike, in call order.
	for i, calls := 0, int64(0); i < len(recs); i++ {
		if recs[i].Type != chain.CapabilityCallStarted {
			continue
		}
		calls++
		started, done := recs[i], recs[i+1]
		if started.Call != calls || done.Call != calls || started.ActionID != done.ActionID ||
			started.ArgumentsDigest != chain.ArgumentsDigest(done.Arguments) {
			t.Errorf("call %d: started %+v, then %+v", calls, started, done)
		}
	}
	var profile host.StepProfile
	if err := json.Unmarshal(recs[3].Profile, &profile); err != nil || profile.StepName != "inner" {
		t.Errorf("recorded profile %s: %v", recs[3].Profile, err)
	}
}

func TestAbortPlanAndContextValues(t *testing.T) {
	th := newTestHost(t, host.StepProfile{})
	bg := context.Background()
	th.StartPlan(bg, "p")
	th.SetContextValue("k", value.Int(1))
	if v, ok := th.GetContextValue("k"); !ok || v.AsInt() != 1 {
		t.Errorf("context value k = %s, %v", v, ok)
	}
	if _, ok := th.GetContextValue("absent"); ok {
		t.Error("absent context value found")
	}
	th.AbortPlan(bg, value.Errorf(value.DivisionByZero, "Division by zero"))
	recs := th.records(t)
	last := recs[len(recs)-1]
	if last.Type != chain.PlanAborted || last.ErrorKind != "DivisionByZero" || last.Error != "Division by zero" {
		t.Errorf("last record %+v", last)
	}
	if err := chain.Verify(bytes.NewReader(th.chain.Bytes())); err != nil {
		t.Error(err)
	}
}

func TestIOOperationLimit(t *testing.T) {
	dir := t.TempDir()
	th := newTestHost(t, host.FullAccess())
	limited := &host.StepProfile{StepName: "scan", FSPolicy: host.FSPolicy{Mode: host.FSReadOnly, Read: []string{dir}},
		ResourceLimits: host.ResourceLimits{MaxIOOperations: 2}}
	exists := []value.Value{opts("path", dir)}
	ctx := th.inStep("scan", limited)
	for i := range 2 {
		if _, err := th.ExecuteCapability(ctx, "ccos.io.file-exists", exists); err != nil {
			t.Fatalf("I/O operation %d: %v", i+1, err)
		}
	}
	// Calls without I/O effects do not count.
	if _, err := th.ExecuteCapability(ctx, "ccos.time.now", nil); err != nil {
		t.Fatal(err)
	}
	_, err := th.ExecuteCapability(ctx, "ccos.io.file-exists", exists)
	wanterr.Check(t, err, value.SecurityViolation,
		`Security violation in step "scan": ccos.io.file-exists would exceed the limit of 2 I/O operations (max_io_operations`)
	// The count is the plan's: a new step, or a nested one, does not reset
	// it.
	other := th.inStep("scan", limited)
	_, err = th.ExecuteCapability(other, "ccos.io.file-exists", exists)
	wanterr.Check(t, err, value.SecurityViolation, `ccos.io.file-exists would exceed the limit of 2 I/O operations (max_io_operations; the plan has done 2)`)
	nested := th.inStep("inner", limited)
	_, err = th.ExecuteCapability(host.WithStep(nested, th.NotifyStepStarted(nested, "step-parallel/branch-0")), "ccos.io.file-exists", exists)
	wanterr.Check(t, err, value.SecurityViolation, `ccos.io.file-exists would exceed the limit of 2 I/O operations`)
	// A more generous profile allows the plan more.
	generous := &host.StepProfile{StepName: "wide", FSPolicy: limited.FSPolicy, ResourceLimits: host.ResourceLimits{MaxIOOperations: 3}}
	if _, err := th.ExecuteCapability(th.inStep("wide", generous), "ccos.io.file-exists", exists); err != nil {
		t.Errorf("the third operation under a limit of 3: %v", err)
	}
	// Outside steps the run-level policy's limit binds the whole run.
	runLimited := newTestHost(t, host.StepProfile{FSPolicy: host.FSPolicy{Mode: host.FSFull}, ResourceLimits: host.ResourceLimits{MaxIOOperations: 1}})
	runLimited.mustCall(t, "ccos.io.file-exists", exists...)
	_, err = runLimited.call("ccos.io.file-exists", exists...)
	wanterr.Check(t, err, value.SecurityViolation, "outside any step: ccos.io.file-exists would exceed the limit of 1")
}

func TestStepDeadline(t *testing.T) {
	if _, ok := host.StepDeadline(nil); ok {
		t.Error("nil profile has a deadline")
	}
	if _, ok := host.StepDeadline(&host.StepProfile{}); ok {
		t.Error("zero limit is a deadline")
	}
	p := &host.StepProfile{ResourceLimits: host.ResourceLimits{MaxExecutionTimeMS: 1500}}
	if d, ok := host.StepDeadline(p); !ok || d.Milliseconds() != 1500 {
		t.Errorf("host.StepDeadline = %s, %v", d, ok)
	}
}

// failingWriter fails every write, like a full disk.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestBrokenChainStopsCapabilities(t *testing.T) {
	h, err := NewPlanHost(Config{Policy: host.FullAccess(), Chain: chain.NewWriter(failingWriter{})})
	if err != nil {
		t.Fatal(err)
	}
	h.StartPlan(context.Background(), "p")
	if h.Err() == nil || !strings.Contains(h.Err().Error(), "no space left on device") {
		t.Fatalf("Err() = %v", h.Err())
	}
	_, err = h.ExecuteCapability(context.Background(), "ccos.echo", []value.Value{value.Int(1)})
	wanterr.Check(t, err, value.Generic, "refusing to run ccos.echo: the causal chain cannot be written")
}

func TestHostWithoutChain(t *testing.T) {
	var log bytes.Buffer
	h, err := NewPlanHost(Config{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	h.StartPlan(ctx, "p")
	id := h.NotifyStepStarted(ctx, "s")
	if _, err := h.ExecuteCapability(host.WithStep(ctx, id), "ccos.io.log", []value.Value{str("hi")}); err != nil {
		t.Fatal(err)
	}
	h.NotifyStepCompleted(ctx, id, value.Nil)
	h.CompletePlan(ctx, value.Nil)
	if h.Err() != nil || log.String() != "hi\n" {
		t.Errorf("Err() = %v, log %q", h.Err(), log.String())
	}
}

func TestRuntimeContextRefusalsNameTheStep(t *testing.T) {
	controlled := host.NewContext(host.Controlled, "ccos.echo")
	for _, c := range []struct {
		rc         *host.RuntimeContext
		step, want string
	}{
		{controlled, "", "Security violation: operation call of capability ccos.io.read-file is not allowed: runtime context controlled allows only [ccos.echo]"},
		{controlled, "fetch", `Security violation in step "fetch": operation call of capability ccos.io.read-file is not allowed: runtime context controlled allows only [ccos.echo]`},
		{host.NewContext(host.Pure), "fetch", `Security violation in step "fetch": operation call of capability ccos.io.read-file is not allowed: runtime context is pure`},
	} {
		wanterr.Check(t, c.rc.CheckCapabilityIn(c.step, "ccos.io.read-file"), value.SecurityViolation, c.want)
	}
	if err := controlled.CheckCapabilityIn("fetch", "ccos.echo"); err != nil {
		t.Errorf("an allowed capability was refused: %v", err)
	}
}
