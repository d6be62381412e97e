package enginetest

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/wanterr"
	"github.com/rtfs-go/rtfs/value"
)

// profile returns a profile for the step called name at isolation level,
// with a time limit of ms milliseconds (0: none).
func profile(name string, level host.Isolation, ms int64) *host.StepProfile {
	return &host.StepProfile{ProfileID: "p-" + name, StepName: name, IsolationLevel: level,
		NetworkPolicy:  host.NetworkPolicy{Mode: host.NetworkDenied},
		FSPolicy:       host.FSPolicy{Mode: host.FSNone},
		ResourceLimits: host.ResourceLimits{MaxExecutionTimeMS: ms}}
}

// StepProfiles holds an engine to what a step does with its profile: the
// isolation level must be allowed, capability calls run under it, and its
// time limit fails the step with a catchable SecurityViolation while the
// run's own deadline stays an uncatchable Timeout.
func StepProfiles(t *testing.T, engine Engine) {
	full := host.NewContext(host.Full)

	t.Run("calls run under the step's profile", func(t *testing.T) {
		h := newTestHost()
		profiles := []*host.StepProfile{profile("outer", host.Inherit, 0), profile("inner", host.Isolated, 0)}
		v, err := run(t, engine, `(call :echo 0) (step "outer" (call :echo 1) (step "inner" (call :echo 2)) (call :echo 3))`,
			Options{Host: h, Context: full, Profiles: profiles})
		wantValue(t, v, err, "[3]")
		calls, _ := h.recorded()
		var got []string
		for _, c := range calls {
			id := "none"
			if c.profile != nil {
				id = c.profile.ProfileID
			}
			got = append(got, id)
		}
		if want := "none p-outer p-inner p-outer"; strings.Join(got, " ") != want {
			t.Errorf("calls ran under %v, want %s", got, want)
		}
	})

	t.Run("the runtime context must allow the profile's isolation", func(t *testing.T) {
		h := newTestHost()
		rc := host.NewContext(host.Full)
		rc.DeniedIsolation = map[host.Isolation]bool{host.Sandboxed: true}
		_, err := run(t, engine, `(step "fetch" :params {"n" (call :echo 1)} 1)`,
			Options{Host: h, Context: rc, Profiles: []*host.StepProfile{profile("fetch", host.Sandboxed, 0)}})
		wanterr.Check(t, err, value.SecurityViolation, `the profile of step "fetch" needs isolation level sandboxed`)
		if events := h.Events(); len(events) != 0 {
			t.Errorf("the host heard of a refused step: %v", events)
		}
		if calls, _ := h.recorded(); len(calls) != 0 {
			t.Errorf("a refused step evaluated its :params: %v", calls)
		}
	})

	t.Run("a step over its time limit fails, catchably", func(t *testing.T) {
		for _, body := range []string{"(spin)", "(call :sleep 60000)"} {
			h := newTestHost()
			v, err := run(t, engine, `(defn spin [] (spin))
(try (step "slow" `+body+`) (catch SecurityViolation e (:message e)))`,
				Options{Host: h, Context: full, Profiles: []*host.StepProfile{profile("slow", host.Inherit, 50)}})
			const message = `Security violation: step "slow" exceeded its time limit of 50 ms (max_execution_time_ms)`
			wantValue(t, v, err, strconv.Quote(message))
			if got := actionLog(h.Events()); got != "slow failed "+message {
				t.Errorf("%s: actions %q", body, got)
			}
		}
	})

	t.Run("an inner step fails with the Timeout its outer step's limit caused", func(t *testing.T) {
		h := newTestHost()
		_, err := run(t, engine, `(defn spin [] (spin)) (step "outer" (step "inner" (spin)))`,
			Options{Host: h, Context: full, Profiles: []*host.StepProfile{profile("outer", host.Inherit, 50), profile("inner", host.Inherit, 0)}})
		e := wanterr.Check(t, err, value.SecurityViolation, `step "outer" exceeded its time limit of 50 ms`)
		if e.Pos.Line != 1 || e.Pos.Col != 23 {
			t.Errorf("error at %s, want the outer step, 1:23", e.Pos)
		}
		want := "inner failed Execution timed out\nouter failed " + e.Message
		if got := actionLog(h.Events()); got != want {
			t.Errorf("actions:\n%s\nwant:\n%s", got, want)
		}
	})

	t.Run("the run's deadline stays uncatchable", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := engine(ctx, t, mustParse(t, `(defn spin [] (spin)) (try (step "slow" (spin)) (catch e :caught))`),
			Options{Profiles: []*host.StepProfile{profile("slow", host.Inherit, 60000)}})
		wanterr.Check(t, err, value.Timeout)
	})
}

// Violations holds an engine to how it refuses a capability the runtime
// context does not allow: a catchable SecurityViolation naming the step,
// the capability and the rule, which a host that records violations hears
// of, with the step's context.
func Violations(t *testing.T, engine Engine) {
	h := newTestHost()
	v, err := run(t, engine, `(defn ^:delegation :remote "m" ask [q] q)
[(step "s" (try (call :secret 1) (catch SecurityViolation e (:message e))))
 (try (ask "q") (catch SecurityViolation e (:message e)))
 (call :echo 2)]`, Options{Host: h, Context: host.NewContext(host.Controlled, "echo")})
	wantValue(t, v, err, `["Security violation in step \"s\": operation call of capability secret is not allowed: runtime context controlled allows only [echo]" `+
		`"Security violation: operation call of capability model-call:m is not allowed: runtime context controlled allows only [echo]" [2]]`)
	calls, violations := h.recorded()
	if len(calls) != 1 || calls[0].id != "echo" {
		t.Errorf("the host ran %v", calls)
	}
	stepID := h.Events()[0].ActionID
	if len(violations) != 2 || violations[0].id != "secret" || violations[0].step != stepID ||
		violations[1].id != "model-call:m" || violations[1].step != "" {
		t.Errorf("violations recorded %+v, want secret in %s, then model-call:m outside any step", violations, stepID)
	}
}

// Delegation holds an engine to how a delegated function is called: its
// calls go to the host, a delegation without an id to "model-call:", and
// the host's answer is checked against the function's return type.
func Delegation(t *testing.T, engine Engine) {
	h := newTestHost()
	v, err := run(t, engine, `(defn ^:delegation :remote "m" ask [q] :int q)
(defn ^:delegation :local-model anon [q] q)
[(ask 1) (try (ask "no") (catch TypeValidationError e (:message e))) (anon 2) (map ask [3])]`,
		Options{Host: h, Context: host.NewContext(host.Full)})
	wantValue(t, v, err, `[1 "Type validation failed for return value of ask: expected :int, got string" 2 [3]]`)
	calls, _ := h.recorded()
	var ids []string
	for _, c := range calls {
		ids = append(ids, c.id)
	}
	if want := "model-call:m model-call:m model-call: model-call:m"; strings.Join(ids, " ") != want {
		t.Errorf("the host was called with %v, want %s", ids, want)
	}
	_, err = run(t, engine, `(defn ^:delegation :remote "m" ask [q] :int q)
(ask "no")`, Options{Host: h, Context: host.NewContext(host.Full)})
	if e := wanterr.Check(t, err, value.TypeValidationError); e.Pos.Line != 1 || e.Pos.Col != 1 {
		t.Errorf("error at %s, want the function, 1:1", e.Pos)
	}
}
