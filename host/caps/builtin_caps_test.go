package caps

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/wanterr"
	"github.com/rtfs-go/rtfs/value"
)

func TestBuiltinRegistry(t *testing.T) {
	reg, err := BuiltinRegistry()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]host.Effect{
		"ccos.echo":                nil,
		"ccos.math.add":            nil,
		"ccos.io.log":              nil,
		"ccos.io.read-file":        {host.EffectFSRead},
		"ccos.io.write-file":       {host.EffectFSWrite},
		"ccos.io.list-dir":         {host.EffectFSRead},
		"ccos.io.file-exists":      {host.EffectFSRead},
		"ccos.network.http-fetch":  {host.EffectNetwork},
		"ccos.system.execute":      {host.EffectExec},
		"ccos.system.get-env":      {host.EffectEnv},
		"ccos.time.now":            {host.EffectClock},
		"ccos.random.int":          {host.EffectRandom},
		"ccos.data.parse-json":     nil,
		"ccos.data.serialize-json": nil,
		"ccos.ai.llm-execute":      nil,
	}
	list := reg.List()
	if len(list) != len(want) {
		t.Fatalf("registry has %d capabilities, want %d", len(list), len(want))
	}
	for i, c := range list {
		if i > 0 && list[i-1].ID >= c.ID {
			t.Errorf("List is not sorted: %s before %s", list[i-1].ID, c.ID)
		}
		effects, ok := reg.Effects(c.ID)
		if !ok || len(effects) != len(want[c.ID]) || (len(effects) == 1 && effects[0] != want[c.ID][0]) {
			t.Errorf("Effects(%s) = %v, %v; want %v", c.ID, effects, ok, want[c.ID])
		}
		if c.Description == "" {
			t.Errorf("%s has no description", c.ID)
		}
	}
	if _, ok := reg.Effects("no.such"); ok {
		t.Error("Effects of an unknown id reported ok")
	}
	if _, err := host.NewRegistry(Builtins()[0], Builtins()[0]); err == nil {
		t.Error("host.NewRegistry accepted a duplicate id")
	}
}

func TestEchoAndAdd(t *testing.T) {
	th := newTestHost(t, host.FullAccess())
	v := th.mustCall(t, "ccos.echo", opts("a", 1))
	if v.String() != "{:a 1}" {
		t.Errorf("echo = %s", v)
	}
	if v := th.mustCall(t, "ccos.math.add", value.Int(2), value.Int(3)); v.String() != "5" {
		t.Errorf("add 2 3 = %s", v)
	}
	if v := th.mustCall(t, "ccos.math.add", value.Int(2), value.Float(0.5)); v.String() != "2.5" {
		t.Errorf("add 2 0.5 = %s", v)
	}
	_, err := th.call("ccos.echo")
	wanterr.Check(t, err, value.ArityMismatch, "ccos.echo", "expected 1, got 0")
	_, err = th.call("ccos.math.add", value.Int(2), str("x"))
	wanterr.Check(t, err, value.TypeError)
	_, err = th.call("ccos.math.add")
	wanterr.Check(t, err, value.ArityMismatch, "ccos.math.add")
}

func TestLog(t *testing.T) {
	th := newTestHost(t, host.StepProfile{})
	v := th.mustCall(t, "ccos.io.log", str("fetched"), value.Int(3), opts("k", "v"))
	if !v.IsNil() {
		t.Errorf("log returned %s, want nil", v)
	}
	if got, want := th.log.String(), "fetched 3 {:k \"v\"}\n"; got != want {
		t.Errorf("log wrote %q, want %q", got, want)
	}
	_, err := th.call("ccos.io.log")
	wanterr.Check(t, err, value.ArityMismatch)
}

func TestGetEnv(t *testing.T) {
	t.Setenv("RTFS_HOST_TEST_VAR", "set!")
	th := newTestHost(t, host.StepProfile{})
	if v := th.mustCall(t, "ccos.system.get-env", str("RTFS_HOST_TEST_VAR")); v.String() != `"set!"` {
		t.Errorf("get-env = %s", v)
	}
	if v := th.mustCall(t, "ccos.system.get-env", str("RTFS_HOST_TEST_UNSET")); !v.IsNil() {
		t.Errorf("get-env of an unset variable = %s, want nil", v)
	}
	_, err := th.call("ccos.system.get-env", value.Int(1))
	wanterr.Check(t, err, value.TypeError, "ccos.system.get-env")
}

func TestTimeNow(t *testing.T) {
	th := newTestHost(t, host.StepProfile{})
	before := time.Now().UnixMilli()
	v := th.mustCall(t, "ccos.time.now")
	after := time.Now().UnixMilli()
	if v.Kind() != value.KInt || v.AsInt() < before || v.AsInt() > after {
		t.Errorf("time.now = %s, want an integer in [%d, %d]", v, before, after)
	}
	_, err := th.call("ccos.time.now", value.Int(1))
	wanterr.Check(t, err, value.ArityMismatch)
}

func TestRandomInt(t *testing.T) {
	th := newTestHost(t, host.StepProfile{})
	seen := map[int64]bool{}
	for range 200 {
		v := th.mustCall(t, "ccos.random.int", value.Int(-2), value.Int(2))
		if v.AsInt() < -2 || v.AsInt() > 2 {
			t.Fatalf("random.int -2 2 = %d", v.AsInt())
		}
		seen[v.AsInt()] = true
	}
	if len(seen) != 5 {
		t.Errorf("200 draws in [-2, 2] gave only %v", seen)
	}
	if v := th.mustCall(t, "ccos.random.int", value.Int(7), value.Int(7)); v.AsInt() != 7 {
		t.Errorf("random.int 7 7 = %s", v)
	}
	th.mustCall(t, "ccos.random.int", value.Int(math.MinInt64), value.Int(math.MaxInt64))
	_, err := th.call("ccos.random.int", value.Int(3), value.Int(1))
	wanterr.Check(t, err, value.InvalidArguments, "lo 3 is greater than hi 1")
	_, err = th.call("ccos.random.int", value.Int(1), value.Float(2))
	wanterr.Check(t, err, value.TypeError)
}

func TestJSONCapabilities(t *testing.T) {
	th := newTestHost(t, host.StepProfile{})
	v := th.mustCall(t, "ccos.data.parse-json", str(`{"a": [1, 2.5, null, true]}`))
	if v.String() != `{"a" [1 2.5 nil true]}` {
		t.Errorf("parse-json = %s", v)
	}
	s := th.mustCall(t, "ccos.data.serialize-json", opts("b", 1, "a", "x"))
	if s.AsString() != `{"a":"x","b":1}` {
		t.Errorf("serialize-json = %s", s)
	}
	_, err := th.call("ccos.data.parse-json", str("{"))
	wanterr.Check(t, err, value.Generic, "JSON parsing error")
}

func TestUnknownCapability(t *testing.T) {
	th := newTestHost(t, host.FullAccess())
	_, err := th.call("ccos.no.such")
	wanterr.Check(t, err, value.UnknownCapability, "ccos.no.such")
}

func TestOptionsChecks(t *testing.T) {
	th := newTestHost(t, host.FullAccess())
	_, err := th.call("ccos.io.read-file", str("/etc/hostname"))
	wanterr.Check(t, err, value.TypeError, "ccos.io.read-file", "options map")
	_, err = th.call("ccos.io.read-file", opts("pth", "/x"))
	wanterr.Check(t, err, value.InvalidArguments, "unknown option :pth", ":path")
	_, err = th.call("ccos.io.read-file", opts("max-bytes", 3))
	wanterr.Check(t, err, value.InvalidArguments, "missing required option :path")
	_, err = th.call("ccos.io.read-file", opts("path", 3))
	wanterr.Check(t, err, value.TypeError, "ccos.io.read-file option :path", "expected string, got integer")
	_, err = th.call("ccos.io.read-file", opts("path", "/x"), opts("path", "/y"))
	wanterr.Check(t, err, value.ArityMismatch)
	// String keys work like keywords (maps decoded from JSON have them).
	m := value.MapFromEntries([]value.MapEntry{{Key: str("path"), Val: str("/nonexistent/rtfs")}})
	v := th.mustCall(t, "ccos.io.file-exists", m)
	if v.AsBool() {
		t.Error("file-exists /nonexistent/rtfs = true")
	}
}

func TestLLMExecuteEchoModel(t *testing.T) {
	got, err := llmExecute(context.Background(), nil, []value.Value{value.String("echo-model"), value.String("hello"), value.Nil})
	if err != nil || got.String() != `"hello"` {
		t.Errorf("echo-model answers %v, %v", got, err)
	}
	if _, err := llmExecute(context.Background(), nil, []value.Value{value.String("gpt"), value.String("hello")}); err == nil ||
		!strings.Contains(err.Error(), `unknown model "gpt"`) {
		t.Errorf("an unknown model: %v", err)
	}
	if _, err := llmExecute(context.Background(), nil, []value.Value{value.String("echo-model"), value.Int(1)}); err == nil {
		t.Error("a prompt that is not a string was answered")
	}
}

// A user capability ccos.ai.llm-execute replaces the echo-model provider;
// any other built-in id is still refused twice.
func TestUserModelProvider(t *testing.T) {
	provider := host.Capability{ID: "ccos.ai.llm-execute", Signature: host.Positional(2, 3),
		Run: func(context.Context, *host.CallContext, []value.Value) (value.Value, error) {
			return value.String("model says hi"), nil
		}}
	reg, err := BuiltinRegistry(provider)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := reg.Lookup("ccos.ai.llm-execute")
	if got, _ := c.Run(context.Background(), nil, []value.Value{value.String("gpt"), value.String("hi")}); got.String() != `"model says hi"` {
		t.Errorf("the user's provider answers %v", got)
	}
	if _, err := BuiltinRegistry(host.Capability{ID: "ccos.echo", Run: provider.Run}); err == nil {
		t.Error("a second ccos.echo was accepted")
	}
}
