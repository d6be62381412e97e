package interp

import (
	"context"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/value"
)

// countdown is (defn name [n] (if (= n 0) done (name (- n 1)))): a loop
// whose recursive call is in tail position.
func countdown(name string, done ast.Node) *ast.Def {
	return defn(name, params("n"), iff(op("=", sym("n"), num(0)), done, op(name, op("-", sym("n"), num(1)))))
}

// sumTo is (defn sum-to [n] (if (= n 0) 0 (+ n (sum-to (- n 1))))): the
// recursive call is not in tail position.
var sumTo = defn("sum-to", params("n"), iff(op("=", sym("n"), num(0)), num(0),
	op("+", sym("n"), op("sum-to", op("-", sym("n"), num(1))))))

func TestCalls(t *testing.T) {
	restFn := &ast.Fn{At: at(1), Params: params("a"), Rest: &ast.RestParam{Name: "r"}, Body: []ast.Node{vec(sym("a"), sym("r"))}}
	runCases(t, []evalCase{
		{name: "closure", forms: forms(call(fn(params("x", "y"), op("-", sym("x"), sym("y"))), num(5), num(3))), want: "2"},
		{name: "closure prints as function", forms: forms(fn(nil, num(1))), want: "#<function>"},
		{name: "defn returns the function", forms: forms(defn("f", nil, num(1))), want: "#<function>"},
		{name: "too few args", forms: forms(call(fn(params("x"), sym("x")))), wantErr: value.ArityMismatch},
		{name: "too many args", forms: forms(call(fn(params("x"), sym("x")), num(1), num(2))), wantErr: value.ArityMismatch},
		{name: "zero params reject extra args (A10)", forms: forms(call(fn(nil, num(1)), num(2))), wantErr: value.ArityMismatch},
		{name: "rest is a list", forms: forms(call(restFn, num(1), num(2), num(3))), want: "[1 (2 3)]"},
		{name: "empty rest is ()", forms: forms(call(restFn, num(1))), want: "[1 ()]"},
		{name: "rest needs the fixed args", forms: forms(call(restFn)), wantErr: value.ArityMismatch},
		{name: "keyword call", forms: forms(call(kw("a"), &ast.Map{At: at(1), Keys: []value.Value{value.Kw("a")}, Vals: []ast.Node{num(1)}})), want: "1"},
		{name: "keyword call missing", forms: forms(call(kw("b"), &ast.Map{At: at(1)})), want: "nil"},
		{name: "keyword call default", forms: forms(call(kw("b"), &ast.Map{At: at(1)}, num(9))), want: "9"},
		{name: "keyword call on nil", forms: forms(call(kw("b"), lit(value.Nil))), want: "nil"},
		{name: "keyword call on a vector", forms: forms(call(kw("b"), vec())), wantErr: value.TypeError},
		{name: "keyword call arity", forms: forms(call(kw("b"))), wantErr: value.ArityMismatch},
		{name: "keyword call too many", forms: forms(call(kw("b"), lit(value.Nil), num(1), num(2))), wantErr: value.ArityMismatch},
		{name: "vector not callable", forms: forms(call(vec(num(1)), num(0))), wantErr: value.TypeError},
		{name: "string not callable", forms: forms(call(str("f"))), wantErr: value.TypeError},
		{name: "integer not callable", forms: forms(call(num(1), num(2))), wantErr: value.TypeError},
		{name: "builtin arity checked", forms: forms(op("mod", num(1))), wantErr: value.ArityMismatch},
		{name: "builtin calls a closure back", forms: forms(op("map", fn(params("x"), op("*", sym("x"), sym("x"))), vec(num(1), num(2), num(3)))), want: "[1 4 9]"},
		{name: "builtin calls a keyword back", forms: forms(op("map", kw("a"), vec(&ast.Map{At: at(1), Keys: []value.Value{value.Kw("a")}, Vals: []ast.Node{num(1)}}))), want: "[1]"},
		{name: "head evaluated first, then args left to right", forms: forms(call(sym("nope"), sym("also-nope"))), wantErr: value.UndefinedSymbol},
	})
}

func TestTypeAnnotations(t *testing.T) {
	typedParam := &ast.Fn{At: at(1), Params: []ast.Param{{Pattern: bind("x"), Type: typ("int")}}, Body: []ast.Node{sym("x")}}
	typedRest := &ast.Fn{At: at(1), Rest: &ast.RestParam{Name: "r", Type: typ("int")}, Body: []ast.Node{sym("r")}}
	typedRet := func(body ast.Node) *ast.Fn {
		return &ast.Fn{At: at(1), Params: params("x"), Ret: typ("int"), Body: []ast.Node{body}}
	}
	runCases(t, []evalCase{
		{name: "param ok", forms: forms(call(typedParam, num(1))), want: "1"},
		{name: "param fails", forms: forms(call(typedParam, str("1"))), wantErr: value.TypeValidationError},
		{name: "rest ok", forms: forms(call(typedRest, num(1), num(2))), want: "(1 2)"},
		{name: "rest element fails", forms: forms(call(typedRest, num(1), str("2"))), wantErr: value.TypeValidationError},
		{name: "return ok", forms: forms(call(typedRet(sym("x")), num(1))), want: "1"},
		{name: "return fails", forms: forms(call(typedRet(sym("x")), str("1"))), wantErr: value.TypeValidationError},
		{name: "return checked through a tail call", forms: forms(
			defn("id", params("x"), sym("x")),
			call(typedRet(op("id", sym("x"))), str("1"))), wantErr: value.TypeValidationError},
		{name: "return checked through a tail call to a builtin", forms: forms(
			call(typedRet(op("+", sym("x"), num(1))), num(1))), want: "2"},
		{name: "inner return type checked too", forms: forms(
			def("to-string", &ast.Fn{At: at(1), Params: params("x"), Ret: typ("string"), Body: []ast.Node{sym("x")}}),
			call(typedRet(op("to-string", sym("x"))), num(1))), wantErr: value.TypeValidationError},
	})
}

func TestClosuresCaptureByReference(t *testing.T) {
	runCases(t, []evalCase{
		{name: "forward reference", forms: forms(
			defn("f", nil, op("g")),
			defn("g", nil, num(42)),
			op("f")), want: "42"},
		{name: "later redefinition is seen", forms: forms(
			def("x", num(1)),
			defn("f", nil, sym("x")),
			def("x", num(2)),
			op("f")), want: "2"},
		{name: "top-level mutual recursion", forms: forms(
			defn("ev?", params("n"), iff(op("=", sym("n"), num(0)), lit(value.True), op("od?", op("-", sym("n"), num(1))))),
			defn("od?", params("n"), iff(op("=", sym("n"), num(0)), lit(value.False), op("ev?", op("-", sym("n"), num(1))))),
			vec(op("ev?", num(100)), op("od?", num(100)))), want: "[true false]"},
		{name: "closure over a parameter", forms: forms(
			defn("adder", params("n"), fn(params("x"), op("+", sym("x"), sym("n")))),
			call(op("adder", num(10)), num(5))), want: "15"},
		{name: "each call has its own frame", forms: forms(
			defn("adder", params("n"), fn(params("x"), op("+", sym("x"), sym("n")))),
			def("add1", op("adder", num(1))),
			def("add2", op("adder", num(2))),
			vec(op("add1", num(0)), op("add2", num(0)))), want: "[1 2]"},
		{name: "def inside a function is local to the call", forms: forms(
			defn("f", nil, def("inner", num(1)), sym("inner")),
			op("f"),
			sym("inner")), wantErr: value.UndefinedSymbol},
	})
}

func TestTailCallsRunInConstantStack(t *testing.T) {
	// A million iterations for the plain loop; the other shapes need far
	// fewer than that to show they do not nest.
	const n = 100_000
	cases := []struct {
		name  string
		forms []ast.Node
		want  string
	}{
		{"self tail call through if", forms(countdown("loop", str("done")), op("loop", num(1_000_000))), `"done"`},
		{"mutual tail calls", forms(
			defn("ping", params("n"), iff(op("=", sym("n"), num(0)), str("ping"), op("pong", op("-", sym("n"), num(1))))),
			defn("pong", params("n"), iff(op("=", sym("n"), num(0)), str("pong"), op("ping", op("-", sym("n"), num(1))))),
			op("ping", num(n+1))), `"pong"`},
		{"tail call through do, let and match", forms(
			defn("loop", params("n"), do(num(0), let([]ast.Binding{binding(bind("m"), op("-", sym("n"), num(1)))},
				&ast.Match{At: at(1), Subject: sym("n"), Clauses: []ast.MatchClause{
					{Pattern: ast.PLit{Val: value.Int(0)}, Body: str("done")},
					{Pattern: ast.PIgnore{}, Body: op("loop", sym("m"))}}}))),
			op("loop", num(n))), `"done"`},
		{"typed tail recursion", forms(
			&ast.Def{At: at(1), Name: "loop", Value: &ast.Fn{At: at(1), Name: "loop", Params: params("n"), Ret: typ("string"),
				Body: []ast.Node{iff(op("=", sym("n"), num(0)), str("done"), op("loop", op("-", sym("n"), num(1))))}}},
			op("loop", num(n))), `"done"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// MaxDepth 100 proves the loop does not nest: a non-tail
			// implementation would overflow it at once.
			v, err := run(t, Options{MaxDepth: 100}, c.forms...)
			checkOutcome(t, v, err, c.want, "")
		})
	}
}

func TestDepthLimit(t *testing.T) {
	v, err := run(t, Options{MaxDepth: 10000}, sumTo, op("sum-to", num(100000)))
	checkOutcome(t, v, err, "", value.StackOverflow)

	v, err = run(t, Options{MaxDepth: 10000}, sumTo, op("sum-to", num(5000)))
	checkOutcome(t, v, err, "12502500", "")

	// A builtin calling back does not hide the recursion: each level
	// applies f's callback, a closure.
	// (defn f [n] (map (fn [x] (f x)) [n])) (f 1)
	viaMap := defn("f", params("n"), op("map", fn(params("x"), op("f", sym("x"))), vec(sym("n"))))
	v, err = run(t, Options{MaxDepth: 10000}, viaMap, op("f", num(1)))
	checkOutcome(t, v, err, "", value.StackOverflow)

	// The overflow is an ordinary error: a try around the call catches it.
	v, err = run(t, Options{MaxDepth: 1000}, sumTo, &ast.Try{At: at(1), Body: []ast.Node{op("sum-to", num(5000))},
		Catches: []ast.Catch{{At: at(1), Kind: value.StackOverflow, Binding: "e", Body: []ast.Node{str("caught")}}}})
	checkOutcome(t, v, err, `"caught"`, "")
}

// TestOnlyClosureCallsCount: the depth counts the closures called outside
// tail position, and no builtin call, so that folding one at compile time
// cannot change the outcome. Each program calls a closure from the top
// level, at depth 1, the limit.
func TestOnlyClosureCallsCount(t *testing.T) {
	identity := fn(params("x"), sym("x"))
	for _, c := range []evalCase{
		{name: "builtin calls", forms: forms(call(fn(nil, op("+", num(1), op("abs", num(-8)))))), want: "9"},
		{name: "builtin called back", forms: forms(call(fn(nil, op("map", sym("inc"), vec(num(1)))))), want: "[2]"},
		{name: "closure called back", forms: forms(call(fn(nil, op("map", identity, vec(num(1)))))), wantErr: value.StackOverflow},
		{name: "closure called in tail position", forms: forms(call(fn(nil, call(identity, num(1))))), want: "1"},
		{name: "closure called as an operand", forms: forms(call(fn(nil, op("+", num(1), call(identity, num(1)))))), wantErr: value.StackOverflow},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := run(t, Options{MaxDepth: 1}, c.forms...)
			checkOutcome(t, v, err, c.want, c.wantErr)
		})
	}
}

func TestDefaultDepthAllowsTenThousandFrames(t *testing.T) {
	v, err := run(t, Options{}, sumTo, op("sum-to", num(DefaultMaxDepth-10)))
	checkOutcome(t, v, err, "49905045", "")
}

func TestCancellationStopsARunawayLoop(t *testing.T) {
	infinite := defn("spin", params("n"), op("spin", op("+", sym("n"), num(1))))
	catchAll := func(body ast.Node) *ast.Try {
		return &ast.Try{At: at(1), Body: []ast.Node{body},
			Catches: []ast.Catch{{At: at(1), Binding: "e", Body: []ast.Node{str("caught")}}},
			Finally: []ast.Node{num(0)}}
	}
	cases := []struct {
		name string
		prog []ast.Node
	}{
		{"tail loop", forms(infinite, op("spin", num(0)))},
		{"not catchable", forms(infinite, catchAll(op("spin", num(0))))},
		{"dotimes without calls", forms(&ast.Dotimes{At: at(1), Var: "i", Count: num(1 << 62), Body: []ast.Node{num(1)}})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			_, err := Run(ctx, &ast.Program{Forms: c.prog}, Options{})
			e, ok := err.(*value.Error)
			if !ok || e.Kind != value.Timeout {
				t.Fatalf("got %v, want a Timeout error", err)
			}
		})
	}
}
