package host

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestResolveReach(t *testing.T) {
	declared := map[string][]Effect{"a.read": {EffectFSRead}, "a.fetch": {EffectNetwork, EffectClock}, "a.pure": nil}
	effectsOf := func(id string) ([]Effect, bool) { e, ok := declared[id]; return e, ok }
	tests := []struct {
		name       string
		in         Reach
		effects    []Effect
		unresolved bool
	}{
		{"nothing", Reach{}, nil, false},
		{"declared ids", Reach{Capabilities: []string{"a.fetch", "a.pure", "a.read"}}, []Effect{EffectClock, EffectFSRead, EffectNetwork}, false},
		{"an undeclared id", Reach{Capabilities: []string{"a.read", "b.unknown"}}, []Effect{EffectFSRead}, true},
		{"unresolved already", Reach{Capabilities: []string{"a.pure"}, Unresolved: true}, []Effect{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ResolveReach(tt.in, effectsOf)
			if !slices.Equal(got.Effects, tt.effects) || got.Unresolved != tt.unresolved {
				t.Errorf("ResolveReach(%+v) = %+v, want effects %v unresolved %v", tt.in, got, tt.effects, tt.unresolved)
			}
		})
	}
	if got := ResolveReach(Reach{Capabilities: []string{"a.pure"}}, nil); !got.Unresolved {
		t.Errorf("with no declarations every id is unresolved: %+v", got)
	}
}

func TestProfileFor(t *testing.T) {
	g := Grants{NetAllow: []string{"b.example", "a.example", "a.example"}, FSRead: []string{"/data"}, FSWrite: []string{"/out"},
		MaxExecutionTime: 5 * time.Second}
	fetch := ProfileFor(0, Reach{Step: "fetch", Effects: []Effect{EffectNetwork}}, g)
	if fetch.IsolationLevel != Isolated || fetch.NetworkPolicy.Mode != NetworkAllowList ||
		!slices.Equal(fetch.NetworkPolicy.Hosts, []string{"a.example", "b.example"}) || fetch.FSPolicy.Mode != FSNone {
		t.Errorf("fetch profile: %+v", fetch)
	}
	if fetch.ResourceLimits.MaxExecutionTimeMS != 5000 {
		t.Errorf("the run's timeout must cap the step's: %+v", fetch.ResourceLimits)
	}
	exec := ProfileFor(1, Reach{Step: "run", Effects: []Effect{EffectExec, EffectFSWrite}}, g)
	if exec.IsolationLevel != Sandboxed || !exec.SecurityFlags.EnableSyscallFilter || !exec.SecurityFlags.ReadOnlyFS || exec.Deterministic {
		t.Errorf("exec profile: %+v", exec)
	}
	unresolved := ProfileFor(2, Reach{Step: "odd", Unresolved: true}, g)
	if unresolved.IsolationLevel != Sandboxed {
		t.Errorf("an unresolved step must be sandboxed: %+v", unresolved)
	}
	pure := ProfileFor(3, Reach{Step: "pure"}, g)
	if pure.IsolationLevel != Inherit || !pure.Deterministic || pure.NetworkPolicy.Mode != NetworkDenied {
		t.Errorf("pure profile: %+v", pure)
	}
	denied := ProfileFor(0, Reach{Step: "fetch", Effects: []Effect{EffectNetwork}},
		Grants{Context: &RuntimeContext{DeniedIsolation: map[Isolation]bool{Isolated: true}}})
	if denied.IsolationLevel != Sandboxed {
		t.Errorf("a denied level moves to the nearest stricter one: %+v", denied)
	}
	plan := PlanProfile(Reach{Capabilities: []string{"a.write"}, Effects: []Effect{EffectFSWrite}}, g)
	if plan.FSPolicy.Mode != FSReadWrite || !slices.Equal(plan.FSPolicy.Read, []string{"/data", "/out"}) || plan.NetworkPolicy.Mode != NetworkDenied ||
		!plan.Bounded || !strings.HasPrefix(plan.ProfileID, "plan-") || plan.StepName != "" {
		t.Errorf("plan profile: %+v", plan)
	}
}

func TestCheckHost(t *testing.T) {
	call := func(mode NetworkMode, hosts ...string) *CallContext {
		return &CallContext{Capability: "ccos.network.http-fetch", Step: "fetch",
			Policy: &StepProfile{NetworkPolicy: NetworkPolicy{Mode: mode, Hosts: hosts}}}
	}
	tests := []struct {
		call *CallContext
		host string
		ok   bool
	}{
		{call(NetworkAllowList, "api.example.com"), "API.example.com.", true},
		{call(NetworkAllowList, "api.example.com"), "evil.example.com", false},
		{call(NetworkAllowList, "*.example.com"), "a.b.example.com", true},
		{call(NetworkAllowList, "*.example.com"), "example.com", false},
		{call(NetworkDenyList, "*.example.com"), "x.example.com", false},
		{call(NetworkDenyList, "*.example.com"), "127.0.0.1", true},
		{call(NetworkDenied), "127.0.0.1", false},
		{call(""), "127.0.0.1", false},
		{call(NetworkFull), "[::1]", true},
		{call("open"), "127.0.0.1", false},
		{call(NetworkAllowList, "127.0.0.1:8080"), "127.0.0.1:8080", true},
		{call(NetworkAllowList, "127.0.0.1:8080"), "127.0.0.1:8081", false},
		{call(NetworkAllowList, "127.0.0.1"), "127.0.0.1:8081", true},
		{call(NetworkAllowList, "[::1]:80"), "[::1]:80", true},
		{call(NetworkAllowList, "*.example.com:443"), "a.example.com:443", true},
		{call(NetworkAllowList, "*.example.com:443"), "a.example.com:80", false},
	}
	for _, tt := range tests {
		host, port := SplitEntry(tt.host)
		err := tt.call.CheckHost(host, port)
		if (err == nil) != tt.ok {
			t.Errorf("%s %v: CheckHost(%q) = %v, want ok %v", tt.call.Policy.NetworkPolicy.Mode, tt.call.Policy.NetworkPolicy.Hosts, tt.host, err, tt.ok)
		}
	}
}
