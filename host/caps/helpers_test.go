package caps

import (
	"bytes"
	"context"
	"testing"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/value"
)

// testHost is a PlanHost under test with its chain and log kept in memory.
type testHost struct {
	*PlanHost
	chain *bytes.Buffer
	log   *bytes.Buffer
}

func newTestHost(t *testing.T, policy host.StepProfile, user ...host.Capability) *testHost {
	t.Helper()
	reg, err := BuiltinRegistry(user...)
	if err != nil {
		t.Fatal(err)
	}
	th := &testHost{chain: &bytes.Buffer{}, log: &bytes.Buffer{}}
	// The capabilities themselves are under test, in this process: the
	// confinement is sandbox's.
	th.PlanHost, err = NewPlanHost(Config{Registry: reg, Policy: policy, Chain: chain.NewWriter(th.chain), Log: th.log, Unconfined: true})
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// call runs capability id outside any step.
func (th *testHost) call(id string, args ...value.Value) (value.Value, error) {
	return th.ExecuteCapability(context.Background(), id, args)
}

// inStep returns a context running a new step called name under profile p
// (nil: the run-level policy).
func (th *testHost) inStep(name string, p *host.StepProfile) context.Context {
	ctx := context.Background()
	id := th.NotifyStepStarted(ctx, name)
	ctx = host.WithStep(ctx, id)
	if p != nil {
		ctx = host.WithProfile(ctx, p)
	}
	return ctx
}

// records decodes the chain written so far.
func (th *testHost) records(t *testing.T) []chain.Record {
	t.Helper()
	return decodeChain(t, th.chain.String())
}

func str(s string) value.Value { return value.String(s) }

// opts builds an options map from alternating names and values; names
// become keywords.
func opts(kv ...any) value.Value {
	var entries []value.MapEntry
	for i := 0; i < len(kv); i += 2 {
		entries = append(entries, value.MapEntry{Key: value.Kw(kv[i].(string)), Val: toValue(kv[i+1])})
	}
	return value.MapFromEntries(entries)
}

func toValue(x any) value.Value {
	switch x := x.(type) {
	case value.Value:
		return x
	case string:
		return value.String(x)
	case int:
		return value.Int(int64(x))
	case bool:
		return value.Bool(x)
	case []string:
		items := make([]value.Value, len(x))
		for i, s := range x {
			items[i] = value.String(s)
		}
		return value.NewVector(items)
	case map[string]string:
		var entries []value.MapEntry
		for k, v := range x {
			entries = append(entries, value.MapEntry{Key: value.String(k), Val: value.String(v)})
		}
		return value.MapFromEntries(entries)
	}
	panic("toValue: unsupported test value")
}

// get reads key (a keyword) of a map result.
func get(t *testing.T, m value.Value, key string) value.Value {
	t.Helper()
	if m.Kind() != value.KMap {
		t.Fatalf("result %s is not a map", m)
	}
	v, ok := m.AsMap().Get(value.Kw(key))
	if !ok {
		t.Fatalf("result %s has no :%s", m, key)
	}
	return v
}

// mustCall runs capability id outside any step and fails the test on an
// error.
func (th *testHost) mustCall(t *testing.T, id string, args ...value.Value) value.Value {
	t.Helper()
	v, err := th.call(id, args...)
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", id, err)
	}
	return v
}
