package value

import (
	"errors"
	"math"
	"sync"
	"testing"
)

func TestPrint(t *testing.T) {
	tests := []struct {
		val  Value
		want string
	}{
		{Nil, "nil"},
		{True, "true"},
		{False, "false"},
		{Int(42), "42"},
		{Int(-7), "-7"},
		{Int(math.MinInt64), "-9223372036854775808"},
		{Float(3.5), "3.5"},
		{Float(4), "4.0"},
		{Float(0.1), "0.1"},
		{Float(-0.5), "-0.5"},
		{Float(1e21), "1000000000000000000000.0"},
		{Float(1e-7), "0.0000001"},
		{Float(1.0 / 3), "0.3333333333333333"},
		{Float(math.Inf(1)), "##Inf"},
		{Float(math.Inf(-1)), "##-Inf"},
		{Float(math.NaN()), "##NaN"},
		{String(`a"b`), `"a\"b"`},
		{String("l1\nl2\t\r\\"), `"l1\nl2\t\r\\"`},
		{String("héllo"), `"héllo"`},
		{Kw("name"), ":name"},
		{Kw("a.b/c"), ":a.b/c"},
		{Symbol("sym"), "sym"},
		{vec(Int(1), Int(2), Int(3)), "[1 2 3]"},
		{vec(), "[]"},
		{list(Int(1), Int(2)), "(1 2)"},
		{list(), "()"},
		{vec(String("s"), list(Kw("k"))), `["s" (:k)]`},
		{EmptyMap, "{}"},
		{mapOf(Kw("b"), String("x"), Kw("a"), Int(1)), `{:a 1 :b "x"}`},
		{mapOf(Kw("k"), Int(1), String("s"), Int(2), Int(10), Int(3), Int(2), Int(4)), `{2 4 10 3 "s" 2 :k 1}`},
		{mapOf(Kw("a"), Int(1), Kw("a"), Int(2)), "{:a 2}"},
		{someFunc, "#<function>"},
		{ErrorValue(Errorf(DivisionByZero, "Division by zero")), "#<error: Division by zero>"},
	}
	for _, tt := range tests {
		if got := tt.val.String(); got != tt.want {
			t.Errorf("print: got %s, want %s", got, tt.want)
		}
	}
}

func TestStr(t *testing.T) {
	tests := []struct {
		val  Value
		want string
	}{
		{String("raw \"text\""), `raw "text"`},
		{Nil, "nil"},
		{Kw("k"), ":k"},
		{Float(2), "2.0"},
		{vec(Int(1), String("b")), `[1 "b"]`},
	}
	for _, tt := range tests {
		if got := Str(tt.val); got != tt.want {
			t.Errorf("Str: got %s, want %s", got, tt.want)
		}
	}
}

func TestEqual(t *testing.T) {
	nan := Float(math.NaN())
	closure := Func(&Builtin{Name: "f"})
	errValue := ErrorValue(Errorf(Generic, "x"))
	tests := []struct {
		name string
		a, b Value
		want bool
	}{
		{"ints", Int(1), Int(1), true},
		{"int vs float", Int(1), Float(1), false},
		{"floats", Float(1), Float(1), true},
		{"zero signs", Float(0), Float(math.Copysign(0, -1)), true},
		{"NaN", nan, nan, false},
		{"string vs keyword", String("a"), Kw("a"), false},
		{"string vs symbol", String("a"), Symbol("a"), false},
		{"keywords", Kw("a"), Kw("a"), true},
		{"nils", Nil, Nil, true},
		{"nil vs false", Nil, False, false},
		{"vectors", vec(Int(1), Int(2)), vec(Int(1), Int(2)), true},
		{"vector lengths", vec(Int(1)), vec(Int(1), Int(2)), false},
		{"list equals vector", list(Int(1), Int(2)), vec(Int(1), Int(2)), true},
		{"nested", vec(list(Int(1))), list(vec(Int(1))), true},
		{"maps regardless of order", mapOf(Kw("a"), Int(1), Kw("b"), Int(2)), mapOf(Kw("b"), Int(2), Kw("a"), Int(1)), true},
		{"maps different values", mapOf(Kw("a"), Int(1)), mapOf(Kw("a"), Int(2)), false},
		{"maps different keys", mapOf(Kw("a"), Int(1)), mapOf(String("a"), Int(1)), false},
		{"maps different sizes", mapOf(Kw("a"), Int(1)), EmptyMap, false},
		{"builtins by name", Func(&Builtin{Name: "inc"}), someFunc, true},
		{"builtins different names", closure, someFunc, false},
		{"error identity", errValue, errValue, true},
		{"distinct errors", errValue, ErrorValue(Errorf(Generic, "x")), false},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Equal(%v, %v) = %v, want %v", tt.name, tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCompareTotalOrder(t *testing.T) {
	ascending := []Value{
		Nil, False, True, Float(math.NaN()), Int(-3), Float(-2.5), Int(0), Float(0.5), Int(1),
		String(""), String("a"), String("b"), Kw("a"), Kw("b"), Symbol("s"),
		vec(), vec(Int(1)), vec(Int(1), Int(0)), vec(Int(2)), list(Int(0)),
		mapOf(Kw("a"), Int(1)), mapOf(Kw("a"), Int(2)), mapOf(Kw("b"), Int(0)), someFunc,
	}
	for i := range ascending {
		for j := range ascending {
			got := Compare(ascending[i], ascending[j])
			switch {
			case i < j && got >= 0, i > j && got <= 0, i == j && got != 0:
				t.Errorf("Compare(%v, %v) = %d, positions %d and %d", ascending[i], ascending[j], got, i, j)
			}
		}
	}
	if Compare(Int(2), Float(2)) != 0 {
		t.Error("2 and 2.0 should sort together")
	}
}

func TestMapOperations(t *testing.T) {
	m := mapOf(Kw("a"), Int(1)).AsMap()
	if _, ok := m.Get(Float(1)); ok {
		t.Error("a float key is never present")
	}
	m2 := m.Assoc(Kw("b"), Int(2))
	if m.Len() != 1 || m2.Len() != 2 {
		t.Errorf("assoc changed the original: %d %d", m.Len(), m2.Len())
	}
	m3 := m2.Assoc(Kw("a"), Int(9))
	if v, _ := m3.Get(Kw("a")); !Equal(v, Int(9)) {
		t.Errorf("assoc replace: got %v", v)
	}
	if v, _ := m2.Get(Kw("a")); !Equal(v, Int(1)) {
		t.Errorf("assoc replace changed the original: %v", v)
	}
	if d := m2.Dissoc(Kw("a")); d.Len() != 1 || m2.Len() != 2 {
		t.Error("dissoc")
	}
	if d := m2.Dissoc(Kw("zz")); d != m2 {
		t.Error("dissoc of a missing key should return the same map")
	}
}

func TestConjSharing(t *testing.T) {
	base := Conj(vec(), Int(0))
	a := Conj(base, Int(1))
	b := Conj(base, Int(2))
	if got := a.String(); got != "[0 1]" {
		t.Errorf("first conj = %s", got)
	}
	if got := b.String(); got != "[0 2]" {
		t.Errorf("second conj onto the same vector = %s (results must be independent)", got)
	}
	if got := base.String(); got != "[0]" {
		t.Errorf("base changed: %s", got)
	}
	c := Conj(a, Int(3))
	d := Conj(a, Int(4))
	if c.String() != "[0 1 3]" || d.String() != "[0 1 4]" || a.String() != "[0 1]" {
		t.Errorf("got %s %s %s", c, d, a)
	}
	if got := Conj(list(Int(1)), Int(2)); got.Kind() != KVector || got.String() != "[1 2]" {
		t.Errorf("conj onto a list = %v (kind %v)", got, got.Kind())
	}
}

func TestConjConcurrent(t *testing.T) {
	base := Conj(vec(), Int(0))
	results := make([]Value, 8)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = Conj(base, Int(int64(i)))
		}()
	}
	wg.Wait()
	for i, r := range results {
		if items := r.AsVector(); items.Len() != 2 || !Equal(items.Nth(1), Int(int64(i))) {
			t.Errorf("result %d = %v", i, r)
		}
	}
}

func TestConjAccumulatorShares(t *testing.T) {
	acc := vec()
	for i := range 1000 {
		acc = Conj(acc, Int(int64(i)))
	}
	items := acc.AsVector()
	if items.Len() != 1000 || !Equal(items.Nth(999), Int(999)) {
		t.Fatalf("accumulated %d items", items.Len())
	}
	allocs := testing.AllocsPerRun(100, func() { acc = Conj(acc, Int(1)) })
	if allocs > 1.5 {
		t.Errorf("conj onto the longest vector allocates %.1f times per call", allocs)
	}
}

func TestErrors(t *testing.T) {
	e := TypeErr("+", "number", String("x"))
	if e.Kind != TypeError || e.Message != "Type error in +: expected number, got string" {
		t.Errorf("TypeErr = %v", e)
	}
	a := ArityErr("f", ArityText(2, 3), 1)
	if a.Message != "Arity mismatch in f: expected between 2 and 3, got 1" {
		t.Errorf("ArityErr = %v", a)
	}
	for _, tt := range []struct {
		min, max int
		want     string
	}{{1, -1, "at least 1"}, {2, 2, "2"}, {2, 3, "between 2 and 3"}} {
		if got := ArityText(tt.min, tt.max); got != tt.want {
			t.Errorf("ArityText(%d, %d) = %s", tt.min, tt.max, got)
		}
	}
	b := &Builtin{Name: "g", MinArgs: 1, MaxArgs: 2}
	var err *Error
	if !errors.As(b.CheckArity(3), &err) || err.Kind != ArityMismatch {
		t.Errorf("CheckArity(3) = %v", b.CheckArity(3))
	}
	if b.CheckArity(1) != nil || b.CheckArity(2) != nil {
		t.Error("CheckArity rejects a valid count")
	}
	positioned := e.WithPos(Pos{File: "p.rtfs", Line: 2, Col: 5})
	if positioned.Error() != "p.rtfs:2:5: error[TypeError]: Type error in +: expected number, got string" {
		t.Errorf("positioned error = %s", positioned.Error())
	}
	if e.Pos.IsValid() {
		t.Error("WithPos changed the original")
	}
	if !IsRuntimeKind("DivisionByZero") || IsRuntimeKind("ParseError") || IsRuntimeKind("Timeout") {
		t.Error("IsRuntimeKind")
	}
}
