package value

import (
	"runtime/debug"
	"strings"
	"testing"
)

// nested builds [[[...[leaf]...]]] depth levels deep.
func nested(depth int, leaf Value) Value {
	v := leaf
	for range depth {
		v = NewVector([]Value{v})
	}
	return v
}

// TestDeepValuesDoNotOverflow: printing, equality and ordering walk
// collections without Go recursion, so a value nested far deeper than the
// goroutine stack could follow is handled. The stack is capped at 1 MiB for
// the test, which recursion 200,000 levels deep would exceed.
func TestDeepValuesDoNotOverflow(t *testing.T) {
	defer debug.SetMaxStack(debug.SetMaxStack(1 << 20))
	const depth = 200_000
	a, b, c := nested(depth, Int(1)), nested(depth, Int(1)), nested(depth, Int(2))
	text := a.String()
	if len(text) != 2*depth+1 || !strings.HasPrefix(text, "[[[") || text[depth] != '1' {
		t.Errorf("printed %d bytes, want %d", len(text), 2*depth+1)
	}
	if !Equal(a, b) || Equal(a, c) {
		t.Error("Equal on deep vectors")
	}
	if Compare(a, b) != 0 || Compare(a, c) >= 0 || Compare(c, a) <= 0 {
		t.Error("Compare on deep vectors")
	}
}

func TestNestedOrderAndEquality(t *testing.T) {
	m := func(kv ...Value) Value {
		var entries []MapEntry
		for i := 0; i < len(kv); i += 2 {
			entries = append(entries, MapEntry{kv[i], kv[i+1]})
		}
		return MapFromEntries(entries)
	}
	vec := func(xs ...Value) Value { return NewVector(xs) }
	tests := []struct {
		a, b  Value
		order int
		equal bool
	}{
		{vec(Int(1), vec(Int(2))), vec(Int(1), vec(Int(2))), 0, true},
		{vec(Int(1), vec(Int(2))), vec(Int(1), vec(Int(3))), -1, false},
		{vec(Int(1), vec(Int(2))), vec(Int(1), vec(Int(2)), Int(0)), -1, false},
		{vec(vec(Int(9))), vec(vec(), Int(0)), 1, false},
		{m(Kw("a"), vec(Int(1))), m(Kw("a"), vec(Int(1))), 0, true},
		{m(Kw("a"), vec(Int(1))), m(Kw("a"), vec(Int(0))), 1, false},
		{m(Kw("a"), Int(1)), m(Kw("b"), Int(0)), -1, false},
		{m(), m(Kw("a"), Int(1)), -1, false},
		{NewList([]Value{Int(1)}), vec(Int(1)), 1, true}, // equal, but lists sort after vectors
		{vec(Float(1)), vec(Int(1)), 0, false},
	}
	for _, tc := range tests {
		if got := Compare(tc.a, tc.b); sign(got) != tc.order {
			t.Errorf("Compare(%s, %s) = %d, want sign %d", tc.a, tc.b, got, tc.order)
		}
		if got := Equal(tc.a, tc.b); got != tc.equal {
			t.Errorf("Equal(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.equal)
		}
		if got := m(Kw("k"), tc.a).String(); got != "{:k "+tc.a.String()+"}" {
			t.Errorf("nested printing: %s", got)
		}
	}
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}
