package stdlib

import (
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

func TestTypePredicates(t *testing.T) {
	errValue := value.ErrorValue(value.Errorf(value.Generic, "x"))
	samples := []struct {
		val      value.Value
		typeName string
		holds    []string // the predicates true for val
	}{
		{none, "nil", []string{"nil?"}},
		{value.False, "boolean", []string{"bool?"}},
		{num(1), "integer", []string{"int?", "number?"}},
		{flt(1), "float", []string{"float?", "number?"}},
		{text("s"), "string", []string{"string?", "string-p"}},
		{kw("k"), "keyword", []string{"keyword?"}},
		{value.Symbol("s"), "symbol", []string{"symbol?"}},
		{vec(), "vector", []string{"vector?"}},
		{lst(), "list", []string{"list?"}},
		{dict(), "map", []string{"map?"}},
		{builtin("inc"), "function", []string{"fn?"}},
		{closure(nil), "function", []string{"fn?"}},
		{errValue, "error", nil},
	}
	predicates := []string{"nil?", "bool?", "int?", "float?", "number?", "string?", "string-p",
		"keyword?", "symbol?", "vector?", "list?", "map?", "fn?"}
	for _, s := range samples {
		for _, p := range predicates {
			got, err := invoke(newRuntime(), p, args(s.val))
			if want := value.Bool(slices.Contains(s.holds, p)); err != nil || got != want {
				t.Errorf("(%s %v) = %v, %v; want %v", p, s.val, got, err, want)
			}
		}
		got, err := invoke(newRuntime(), "type-name", args(s.val))
		if err != nil || got.AsString() != s.typeName {
			t.Errorf("(type-name %v) = %v, %v; want %q", s.val, got, err, s.typeName)
		}
	}
}

func TestMisc(t *testing.T) {
	boom := value.ErrorValue(value.Errorf(value.DivisionByZero, "Division by zero"))
	runCalls(t, []call{
		{"getMessage", args(boom), `"Division by zero"`, ""},
		{"getMessage", args(text("x")), "", value.TypeError},
		{"Exception.", args(text("boom")), "#<error: boom>", ""},
		{"Exception.", args(num(42), kw("cause")), "#<error: 42>", ""},
		{"Exception.", args(), "", value.ArityMismatch},
		{"process-data", args(vec(num(1))), "[1]", ""},
		{"deftype", args(value.Symbol("T"), kw("int")), "nil", ""},
		{"deftype", args(kw("T")), "", value.ArityMismatch},
	})
	e, _ := invoke(newRuntime(), "Exception.", args(text("boom")))
	if e.AsError().Kind != value.Generic {
		t.Errorf("Exception. builds kind %s, want Generic", e.AsError().Kind)
	}
	msg, _ := invoke(newRuntime(), "getMessage", args(e))
	if msg.AsString() != "boom" {
		t.Errorf("getMessage of Exception. = %v", msg)
	}
}

func TestPrintln(t *testing.T) {
	tests := []struct {
		args []value.Value
		want string
	}{
		{args(), "\n"},
		{args(text("a"), num(1), kw("k"), none, vec(num(1), text("b"))), "a 1 :k nil [1 \"b\"]\n"},
		{args(flt(2)), "2.0\n"},
	}
	for _, tt := range tests {
		rt := newRuntime()
		got, err := invoke(rt, "println", tt.args)
		if err != nil || !got.IsNil() {
			t.Errorf("println returned %v, %v", got, err)
		}
		if rt.out.String() != tt.want {
			t.Errorf("println printed %q, want %q", rt.out.String(), tt.want)
		}
	}
}

type failingStdout struct{ fakeRuntime }

func (*failingStdout) Stdout() io.Writer { return failingWriter{} }

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("closed pipe") }

func TestPrintlnWriteFailure(t *testing.T) {
	_, err := invoke(&failingStdout{}, "println", args(text("x")))
	var rerr *value.Error
	if !errors.As(err, &rerr) || rerr.Kind != value.Generic {
		t.Errorf("println on a failing stdout: %v", err)
	}
}

func TestContext(t *testing.T) {
	rt := newRuntime()
	for _, key := range []value.Value{text("user"), kw("user"), value.Symbol("user")} {
		if got, err := invoke(rt, "context/set", args(key, num(7))); err != nil || !got.IsNil() {
			t.Fatalf("(context/set %v 7) = %v, %v", key, got, err)
		}
		if got, err := invoke(rt, "context/get", args(key)); err != nil || got.String() != "7" {
			t.Errorf("(context/get %v) = %v, %v", key, got, err)
		}
		delete(rt.context, "user")
	}
	if got, err := invoke(rt, "context/get", args(text("missing"))); err != nil || !got.IsNil() {
		t.Errorf("missing context key = %v, %v", got, err)
	}
	for _, name := range []string{"context/get", "context/set"} {
		argv := args(num(1))
		if name == "context/set" {
			argv = append(argv, num(2))
		}
		var rerr *value.Error
		if _, err := invoke(rt, name, argv); !errors.As(err, &rerr) || rerr.Kind != value.TypeError {
			t.Errorf("%s with an integer key: %v", name, err)
		}
	}
}
