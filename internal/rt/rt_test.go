package rt

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

// show renders a result or its error the way a failing test reports it.
func show(v value.Value, err *value.Error) string {
	if err != nil {
		return fmt.Sprintf("%s: %s", err.Kind, err.Message)
	}
	return v.String()
}

func TestCheckArity(t *testing.T) {
	cases := []struct {
		fixed    int
		variadic bool
		got      int
		want     string
	}{
		{2, false, 2, ""},
		{2, false, 3, "Arity mismatch in f: expected 2, got 3"},
		{0, false, 1, "Arity mismatch in f: expected 0, got 1"},
		{1, true, 1, ""},
		{1, true, 5, ""},
		{1, true, 0, "Arity mismatch in f: expected at least 1, got 0"},
	}
	for _, c := range cases {
		got := ""
		if err := CheckArity("f", c.fixed, c.variadic, c.got); err != nil {
			got = err.Message
		}
		if got != c.want {
			t.Errorf("CheckArity(%d, %t, %d) = %q, want %q", c.fixed, c.variadic, c.got, got, c.want)
		}
	}
}

func TestKeywordCall(t *testing.T) {
	m := value.MapFromEntries([]value.MapEntry{{Key: value.Kw("a"), Val: value.Int(1)}})
	failure := value.ErrorValue(value.Errorf(value.DivisionByZero, "Division by zero"))
	cases := []struct {
		args []value.Value
		want string
	}{
		{[]value.Value{m}, "1"},
		{[]value.Value{value.EmptyMap}, "nil"},
		{[]value.Value{value.EmptyMap, value.Int(7)}, "7"},
		{[]value.Value{value.Nil, value.Int(7)}, "7"},
		{[]value.Value{value.Int(1)}, "TypeError: Type error in :a: expected map, got integer"},
		{nil, "ArityMismatch: Arity mismatch in :a: expected between 1 and 2, got 0"},
	}
	for _, c := range cases {
		if got := show(KeywordCall(value.Kw("a"), c.args)); got != c.want {
			t.Errorf("(:a %v) = %s, want %s", c.args, got, c.want)
		}
	}
	if got := show(KeywordCall(value.Kw("message"), []value.Value{failure})); got != `"Division by zero"` {
		t.Errorf("(:message e) = %s", got)
	}
	if got := show(KeywordCall(value.Kw("type"), []value.Value{failure})); got != ":DivisionByZero" {
		t.Errorf("(:type e) = %s", got)
	}
}

func TestVectorFits(t *testing.T) {
	v := value.NewVector([]value.Value{value.Int(1), value.Int(2)})
	cases := []struct {
		v       value.Value
		n       int
		hasRest bool
		want    string // "" when it fits
	}{
		{v, 2, false, ""},
		{v, 1, true, ""},
		{v, 3, false, "expected vector of 3 elements, got vector of 2 elements"},
		{v, 3, true, "expected vector of at least 3 elements, got vector of 2 elements"},
		{value.NewList([]value.Value{value.Int(1)}), 1, false, "expected vector, got list"},
	}
	for _, c := range cases {
		_, ok, err := VectorFits(c.v, c.n, c.hasRest, Destructuring)
		got := ""
		if err != nil {
			got = err.Message[len("Type error in destructuring: "):]
		}
		if got != c.want || ok != (c.want == "") {
			t.Errorf("VectorFits(%s, %d, %t) = %t, %q; want %q", c.v, c.n, c.hasRest, ok, got, c.want)
		}
		// Matching fails the same values silently.
		if _, ok, err := VectorFits(c.v, c.n, c.hasRest, Matching); ok != (c.want == "") || err != nil {
			t.Errorf("matching %s: %t, %v", c.v, ok, err)
		}
	}
}

func TestMapRules(t *testing.T) {
	m := value.MapFromEntries([]value.MapEntry{
		{Key: value.Kw("a"), Val: value.Int(1)},
		{Key: value.Kw("b"), Val: value.Int(2)},
	}).AsMap()
	keys := []value.Value{value.Kw("a")}
	if v, ok := MapKey(m, value.Kw("z"), Destructuring); !ok || !v.IsNil() {
		t.Errorf("a missing key destructures to %s, %t; want nil", v, ok)
	}
	if _, ok := MapKey(m, value.Kw("z"), Matching); ok {
		t.Error("a missing key matches")
	}
	if rest, ok := MapRemainder(m, keys, true, Destructuring); !ok || value.MapOf(rest).String() != "{:b 2}" {
		t.Errorf("rest %v, %t; want {:b 2}", rest, ok)
	}
	if _, ok := MapRemainder(m, keys, false, Matching); ok {
		t.Error("a match without a rest accepts an extra key")
	}
	if _, ok := MapRemainder(m, keys, false, Destructuring); !ok {
		t.Error("destructuring rejects an extra key")
	}
}

func TestStepTruthy(t *testing.T) {
	falsy := []value.Value{value.Nil, value.False, value.Int(0), value.Float(0), value.String(""), value.EmptyVector, value.EmptyMap}
	for _, v := range falsy {
		if StepTruthy(v) {
			t.Errorf("%s is true", v)
		}
	}
	truthy := []value.Value{value.True, value.Int(2), value.String("x"), value.NewList(nil), value.Kw("k")}
	for _, v := range truthy {
		if !StepTruthy(v) {
			t.Errorf("%s is false", v)
		}
	}
}

func TestCapabilities(t *testing.T) {
	for _, c := range []struct {
		id   value.Value
		want string
	}{
		{value.Kw("ccos.state.kv/get"), "ccos.state.kv/get"},
		{value.String("a.b"), "a.b"},
		{value.Int(1), "TypeError: Type error in call: expected keyword or string, got integer"},
	} {
		id, err := CapabilityID(c.id)
		got := id
		if err != nil {
			got = show(value.Nil, err)
		}
		if got != c.want {
			t.Errorf("CapabilityID(%s) = %s, want %s", c.id, got, c.want)
		}
	}
	for _, c := range []struct{ target, id, want string }{
		{"", "", ""}, {"local", "", ""}, {"local-model", "m", "model-call:m"}, {"remote", "r", "model-call:r"},
	} {
		if got, ok := DelegatedCapability(c.target, c.id); got != c.want || ok != (c.want != "") {
			t.Errorf("DelegatedCapability(%q, %q) = %q, %t", c.target, c.id, got, ok)
		}
	}
}

func TestToError(t *testing.T) {
	if e := ToError(context.DeadlineExceeded); e.Kind != value.Timeout || e.Message != "Execution timed out" {
		t.Errorf("deadline: %v", e)
	}
	if e := ToError(fmt.Errorf("host: %w", context.Canceled)); e.Kind != value.Timeout || e.Message != "Execution cancelled" {
		t.Errorf("cancel: %v", e)
	}
	if e := ToError(errors.New("disk full")); e.Kind != value.Generic || e.Message != "disk full" {
		t.Errorf("plain: %v", e)
	}
	original := value.Errorf(value.TypeError, "x")
	if e := ToError(original); e != original {
		t.Errorf("an RTFS error was rewrapped: %v", e)
	}
	if GoError(nil) != nil {
		t.Error("GoError(nil) is not nil")
	}
}
