package interp

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

func TestLiteralsAndCollections(t *testing.T) {
	runCases(t, []evalCase{
		{name: "empty program", forms: nil, want: "nil"},
		{name: "last form wins", forms: forms(num(1), str("a")), want: `"a"`},
		{name: "vector elements evaluated", forms: forms(vec(op("+", num(1), num(2)), kw("k"))), want: "[3 :k]"},
		{name: "map values evaluated, keys sorted", forms: forms(&ast.Map{At: at(1),
			Keys: []value.Value{value.Kw("b"), value.Int(1), value.String("s")},
			Vals: []ast.Node{num(2), op("+", num(1), num(1)), lit(value.Nil)}}),
			want: `{1 2 "s" nil :b 2}`},
		{name: "map duplicate key: last wins", forms: forms(&ast.Map{At: at(1),
			Keys: []value.Value{value.Kw("a"), value.Kw("a")}, Vals: []ast.Node{num(1), num(2)}}),
			want: "{:a 2}"},
		{name: "undefined symbol", forms: forms(sym("nope")), wantErr: value.UndefinedSymbol},
		{name: "builtins are values", forms: forms(sym("+")), want: "#<function>"},
		{name: "builtins can be redefined", forms: forms(def("+", num(7)), sym("+")), want: "7"},
		{name: "first error aborts the rest", forms: forms(sym("nope"), num(1)), wantErr: value.UndefinedSymbol},
	})
}

func TestRunsDoNotShareGlobals(t *testing.T) {
	v, err := run(t, Options{}, def("+", num(7)), def("g", num(1)), sym("+"))
	checkOutcome(t, v, err, "7", "")
	v, err = run(t, Options{}, op("+", num(1), num(2)))
	checkOutcome(t, v, err, "3", "")
	v, err = run(t, Options{}, sym("g"))
	checkOutcome(t, v, err, "", value.UndefinedSymbol)
}

func TestControlForms(t *testing.T) {
	runCases(t, []evalCase{
		{name: "if then", forms: forms(iff(lit(value.True), num(1), num(2))), want: "1"},
		{name: "if else", forms: forms(iff(lit(value.Nil), num(1), num(2))), want: "2"},
		{name: "if missing else", forms: forms(iff(lit(value.False), num(1), nil)), want: "nil"},
		{name: "0 and empty are truthy", forms: forms(iff(num(0), iff(str(""), num(1), nil), nil)), want: "1"},
		{name: "do", forms: forms(do(num(1), num(2))), want: "2"},
		{name: "empty do", forms: forms(do()), want: "nil"},
		{name: "empty and", forms: forms(&ast.And{At: at(1)}), want: "true"},
		{name: "empty or", forms: forms(&ast.Or{At: at(1)}), want: "false"},
		{name: "and: first falsy", forms: forms(&ast.And{At: at(1), Args: []ast.Node{num(1), lit(value.Nil), sym("nope")}}), want: "nil"},
		{name: "and: last value", forms: forms(&ast.And{At: at(1), Args: []ast.Node{num(1), num(2)}}), want: "2"},
		{name: "or: first truthy", forms: forms(&ast.Or{At: at(1), Args: []ast.Node{lit(value.False), num(3), sym("nope")}}), want: "3"},
		{name: "or: last value", forms: forms(&ast.Or{At: at(1), Args: []ast.Node{lit(value.False), lit(value.Nil)}}), want: "nil"},
		{name: "raise", forms: forms(&ast.Raise{At: at(1), Kind: value.InternalError, Message: "quasiquote outside a macro"}), wantErr: value.InternalError},
	})
}

func TestDefAndLet(t *testing.T) {
	runCases(t, []evalCase{
		{name: "def returns the value", forms: forms(def("x", num(5))), want: "5"},
		{name: "def binds", forms: forms(def("x", num(5)), op("+", sym("x"), num(1))), want: "6"},
		{name: "redefinition", forms: forms(def("x", num(1)), def("x", num(2)), sym("x")), want: "2"},
		{name: "let sequential", forms: forms(let([]ast.Binding{
			binding(bind("x"), num(1)), binding(bind("y"), op("+", sym("x"), num(1)))}, sym("y"))), want: "2"},
		{name: "let shadowing (A17)", forms: forms(let([]ast.Binding{
			binding(bind("x"), num(1)), binding(bind("x"), op("+", sym("x"), num(1)))}, sym("x"))), want: "2"},
		{name: "let scope ends", forms: forms(let([]ast.Binding{binding(bind("x"), num(1))}, sym("x")), sym("x")), wantErr: value.UndefinedSymbol},
		{name: "def inside let body is local", forms: forms(
			let([]ast.Binding{binding(bind("x"), num(1))}, def("y", num(2)), sym("y")), sym("y")),
			wantErr: value.UndefinedSymbol},
		{name: "def inside let body visible in the rest", forms: forms(
			let([]ast.Binding{binding(bind("x"), num(1))}, def("y", num(2)), op("+", sym("x"), sym("y")))), want: "3"},
		{name: "closure keeps the shadowed value", forms: forms(let([]ast.Binding{
			binding(bind("x"), num(1)),
			binding(bind("f"), fn(nil, sym("x"))),
			binding(bind("x"), num(2)),
		}, call(sym("f")))), want: "1"},
		{name: "a fn binding sees later bindings of its let when called", forms: forms(let([]ast.Binding{
			binding(bind("f"), fn(nil, sym("y"))),
			binding(bind("y"), num(2)),
		}, call(sym("f")))), want: "2"},
		{name: "letrec: mutual recursion", forms: forms(let([]ast.Binding{
			binding(bind("ev?"), fn(params("n"), iff(op("=", sym("n"), num(0)), lit(value.True), call(sym("od?"), op("-", sym("n"), num(1)))))),
			binding(bind("od?"), fn(params("n"), iff(op("=", sym("n"), num(0)), lit(value.False), call(sym("ev?"), op("-", sym("n"), num(1)))))),
		}, vec(call(sym("ev?"), num(10)), call(sym("od?"), num(7))))), want: "[true true]"},
		{name: "def annotation ok", forms: forms(&ast.Def{At: at(1), Name: "x", Type: typ("int"), Value: num(1)}), want: "1"},
		{name: "def annotation fails", forms: forms(&ast.Def{At: at(1), Name: "x", Type: typ("int"), Value: str("a")}), wantErr: value.TypeValidationError},
		{name: "let annotation fails", forms: forms(let([]ast.Binding{{Pattern: bind("x"), Type: typ("string"), Value: num(5)}}, sym("x"))), wantErr: value.TypeValidationError},
		{name: "let annotation: float accepts int", forms: forms(let([]ast.Binding{{Pattern: bind("x"), Type: typ("float"), Value: num(5)}}, sym("x"))), want: "5"},
	})
}

func TestDestructuring(t *testing.T) {
	v123 := vec(num(1), num(2), num(3))
	m := &ast.Map{At: at(1), Keys: []value.Value{value.Kw("a"), value.Kw("b"), value.String("s")}, Vals: []ast.Node{num(1), num(2), num(3)}}
	letOne := func(p ast.Pattern, v ast.Node, body ast.Node) []ast.Node {
		return forms(let([]ast.Binding{binding(p, v)}, body))
	}
	runCases(t, []evalCase{
		{name: "vector exact", forms: letOne(ast.PVector{Elems: []ast.Pattern{bind("a"), ast.PIgnore{}, bind("c")}}, v123, vec(sym("a"), sym("c"))), want: "[1 3]"},
		{name: "vector too short", forms: letOne(ast.PVector{Elems: []ast.Pattern{bind("a"), bind("b")}}, v123, sym("a")), wantErr: value.TypeError},
		{name: "vector too long", forms: letOne(ast.PVector{Elems: []ast.Pattern{bind("a"), bind("b"), bind("c"), bind("d")}}, v123, sym("a")), wantErr: value.TypeError},
		{name: "vector rest and as", forms: letOne(ast.PVector{Elems: []ast.Pattern{bind("a")}, Rest: bind("r"), As: "all"}, v123, vec(sym("a"), sym("r"), sym("all"))), want: "[1 [2 3] [1 2 3]]"},
		{name: "vector empty rest", forms: letOne(ast.PVector{Elems: []ast.Pattern{bind("a"), bind("b"), bind("c")}, Rest: bind("r")}, v123, sym("r")), want: "[]"},
		{name: "vector pattern on a map", forms: letOne(ast.PVector{Elems: []ast.Pattern{bind("a")}}, m, sym("a")), wantErr: value.TypeError},
		{name: "nested", forms: letOne(ast.PVector{Elems: []ast.Pattern{ast.PVector{Elems: []ast.Pattern{bind("a"), bind("b")}}, bind("c")}},
			vec(vec(num(1), num(2)), num(3)), vec(sym("b"), sym("c"))), want: "[2 3]"},
		{name: "map keys, missing binds nil", forms: letOne(ast.PMap{Keys: []value.Value{value.Kw("a"), value.Kw("zz"), value.String("s")},
			Pats: []ast.Pattern{bind("a"), bind("z"), bind("s")}}, m, vec(sym("a"), sym("z"), sym("s"))), want: "[1 nil 3]"},
		{name: "map rest and as", forms: letOne(ast.PMap{Keys: []value.Value{value.Kw("a")}, Pats: []ast.Pattern{bind("a")}, Rest: "more", As: "whole"},
			m, vec(sym("more"), sym("whole"))), want: `[{"s" 3 :b 2} {"s" 3 :a 1 :b 2}]`},
		{name: "map pattern on nil", forms: letOne(ast.PMap{Keys: []value.Value{value.Kw("a")}, Pats: []ast.Pattern{bind("a")}}, lit(value.Nil), sym("a")), wantErr: value.TypeError},
		{name: "parameter destructuring", forms: forms(call(fn([]ast.Param{{Pattern: ast.PVector{Elems: []ast.Pattern{bind("x"), bind("y")}}}},
			op("+", sym("x"), sym("y"))), vec(num(3), num(4)))), want: "7"},
		{name: "parameter destructuring mismatch", forms: forms(call(fn([]ast.Param{{Pattern: ast.PVector{Elems: []ast.Pattern{bind("x")}}}},
			sym("x")), num(3))), wantErr: value.TypeError},
	})
}

func TestMatch(t *testing.T) {
	match := func(subject ast.Node, clauses ...ast.MatchClause) []ast.Node {
		return forms(&ast.Match{At: at(1), Subject: subject, Clauses: clauses})
	}
	clause := func(p ast.Pattern, body ast.Node) ast.MatchClause { return ast.MatchClause{Pattern: p, Body: body} }
	m := &ast.Map{At: at(1), Keys: []value.Value{value.Kw("a"), value.Kw("b")}, Vals: []ast.Node{num(1), num(2)}}
	runCases(t, []evalCase{
		{name: "literal", forms: match(num(2), clause(ast.PLit{Val: value.Int(1)}, str("one")), clause(ast.PLit{Val: value.Int(2)}, str("two"))), want: `"two"`},
		{name: "literal is type-strict", forms: match(lit(value.Float(1)), clause(ast.PLit{Val: value.Int(1)}, str("int")), clause(ast.PIgnore{}, str("other"))), want: `"other"`},
		{name: "keyword :else is a literal", forms: match(num(1), clause(ast.PLit{Val: value.Kw("else")}, str("else")), clause(bind("x"), sym("x"))), want: "1"},
		{name: "guard", forms: match(num(10),
			ast.MatchClause{Pattern: bind("x"), Guard: op("<", num(5), sym("x")), Body: str("large")},
			clause(ast.PIgnore{}, str("small"))), want: `"large"`},
		{name: "guard fails", forms: match(num(1),
			ast.MatchClause{Pattern: bind("x"), Guard: op("<", num(5), sym("x")), Body: str("large")},
			clause(ast.PIgnore{}, str("small"))), want: `"small"`},
		{name: "vector exact", forms: match(vec(num(1), num(2)),
			clause(ast.PVector{Elems: []ast.Pattern{bind("a")}}, str("one")),
			clause(ast.PVector{Elems: []ast.Pattern{bind("a"), bind("b")}}, sym("b"))), want: "2"},
		{name: "vector rest", forms: match(vec(num(1), num(2), num(3)),
			clause(ast.PVector{Elems: []ast.Pattern{ast.PLit{Val: value.Int(1)}}, Rest: bind("r")}, sym("r"))), want: "[2 3]"},
		{name: "vector pattern rejects a list", forms: match(lit(value.NewList([]value.Value{value.Int(1)})),
			clause(ast.PVector{Elems: []ast.Pattern{bind("a")}}, str("vector")), clause(ast.PIgnore{}, str("other"))),
			want: `"other"`},
		{name: "map: all keys, no extra", forms: match(m,
			clause(ast.PMap{Keys: []value.Value{value.Kw("a")}, Pats: []ast.Pattern{bind("a")}}, str("extra keys")),
			clause(ast.PMap{Keys: []value.Value{value.Kw("a"), value.Kw("b")}, Pats: []ast.Pattern{bind("a"), ast.PLit{Val: value.Int(2)}}}, sym("a"))), want: "1"},
		{name: "map with rest allows extra keys", forms: match(m,
			clause(ast.PMap{Keys: []value.Value{value.Kw("a")}, Pats: []ast.Pattern{bind("a")}, Rest: "r"}, sym("r"))), want: "{:b 2}"},
		{name: "map missing key", forms: match(m,
			clause(ast.PMap{Keys: []value.Value{value.Kw("c")}, Pats: []ast.Pattern{ast.PIgnore{}}, Rest: "r"}, str("c")),
			clause(ast.PIgnore{}, str("no c"))), want: `"no c"`},
		{name: "as", forms: match(vec(num(1)), clause(ast.PAs{Name: "all", Pat: ast.PVector{Elems: []ast.Pattern{bind("x")}}}, vec(sym("all"), sym("x")))), want: "[[1] 1]"},
		{name: "bindings of a failed clause do not leak", forms: match(vec(num(1), num(2)),
			clause(ast.PVector{Elems: []ast.Pattern{bind("a"), ast.PLit{Val: value.Int(9)}}}, str("no")),
			clause(ast.PIgnore{}, sym("a"))), wantErr: value.UndefinedSymbol},
		{name: "no clause", forms: match(num(3), clause(ast.PLit{Val: value.Int(1)}, str("one"))), wantErr: value.MatchError},
	})
}

func TestTryCatchFinally(t *testing.T) {
	divZero := op("/", num(1), num(0))
	try := func(body ast.Node, catches []ast.Catch, finally ...ast.Node) []ast.Node {
		return forms(&ast.Try{At: at(1), Body: []ast.Node{body}, Catches: catches, Finally: finally})
	}
	catch := func(kind value.ErrorKind, binding string, body ...ast.Node) ast.Catch {
		return ast.Catch{At: at(1), Kind: kind, Binding: binding, Body: body}
	}
	runCases(t, []evalCase{
		{name: "no error", forms: try(num(1), []ast.Catch{catch("", "e", num(2))}), want: "1"},
		{name: "catch all binds the error", forms: try(divZero, []ast.Catch{catch("", "e", sym("e"))}), want: "#<error: Division by zero>"},
		{name: "keyword lookup on a caught error", forms: try(divZero, []ast.Catch{catch("", "e",
			vec(call(kw("type"), sym("e")), call(kw("message"), sym("e")), call(kw("other"), sym("e"), num(0))))}),
			want: `[:DivisionByZero "Division by zero" 0]`},
		{name: "kind selects the clause", forms: try(divZero, []ast.Catch{
			catch(value.TypeError, "e", str("type")), catch(value.DivisionByZero, "e", str("div"))}), want: `"div"`},
		{name: "no matching kind propagates", forms: try(divZero, []ast.Catch{catch(value.TypeError, "e", str("type"))}), wantErr: value.DivisionByZero},
		{name: "underscore binds nothing", forms: try(divZero, []ast.Catch{catch("", "_", sym("_"))}), wantErr: value.UndefinedSymbol},
		{name: "finally value is discarded", forms: try(num(1), nil, num(2)), want: "1"},
		{name: "definitions in a catch body are local to it", forms: forms(
			&ast.Try{At: at(1), Body: []ast.Node{divZero}, Catches: []ast.Catch{catch("", "e", def("x", num(1)))}},
			sym("x")), wantErr: value.UndefinedSymbol},
		{name: "finally runs on error", forms: forms(
			def("ran", lit(value.False)),
			&ast.Try{At: at(1), Body: []ast.Node{
				&ast.Try{At: at(1), Body: []ast.Node{divZero}, Finally: []ast.Node{def("ran", lit(value.True))}}},
				Catches: []ast.Catch{catch("", "e", sym("ran"))}}), want: "true"},
		{name: "error in finally wins", forms: try(divZero, []ast.Catch{catch("", "e", num(1))}, sym("nope")), wantErr: value.UndefinedSymbol},
		{name: "error in catch propagates", forms: try(divZero, []ast.Catch{catch("", "e", sym("nope"))}), wantErr: value.UndefinedSymbol},
	})
}

func TestTryRunsBodyCatchFinallyInOrder(t *testing.T) {
	var order []string
	note := lit(value.Func(&value.Builtin{Name: "note", MinArgs: 1, MaxArgs: 1,
		Fn: func(_ value.Runtime, args []value.Value) (value.Value, error) {
			order = append(order, args[0].AsString())
			return args[0], nil
		}}))
	v, err := run(t, Options{}, &ast.Try{At: at(1),
		Body:    []ast.Node{call(note, str("body")), op("/", num(1), num(0)), call(note, str("not reached"))},
		Catches: []ast.Catch{{At: at(1), Binding: "e", Body: []ast.Node{call(note, str("catch"))}}},
		Finally: []ast.Node{call(note, str("finally"))}})
	checkOutcome(t, v, err, `"catch"`, "")
	if got := strings.Join(order, " "); got != "body catch finally" {
		t.Errorf("order %q", got)
	}
}

func TestForAndDotimes(t *testing.T) {
	runCases(t, []evalCase{
		{name: "for nests left to right", forms: forms(&ast.For{At: at(1),
			Bindings: []ast.ForBinding{{Name: "x", Coll: vec(num(1), num(2))}, {Name: "y", Coll: vec(num(10), num(20))}},
			Body:     op("+", sym("x"), sym("y"))}), want: "[11 21 12 22]"},
		{name: "for inner coll sees outer var", forms: forms(&ast.For{At: at(1),
			Bindings: []ast.ForBinding{{Name: "x", Coll: vec(num(1), num(2))}, {Name: "y", Coll: vec(sym("x"))}},
			Body:     sym("y")}), want: "[1 2]"},
		{name: "for over empty", forms: forms(&ast.For{At: at(1), Bindings: []ast.ForBinding{{Name: "x", Coll: vec()}}, Body: sym("x")}), want: "[]"},
		{name: "for over non-seq", forms: forms(&ast.For{At: at(1), Bindings: []ast.ForBinding{{Name: "x", Coll: num(3)}}, Body: sym("x")}), wantErr: value.TypeError},
		{name: "dotimes last value", forms: forms(&ast.Dotimes{At: at(1), Var: "i", Count: num(3), Body: []ast.Node{op("*", sym("i"), num(10))}}), want: "20"},
		{name: "dotimes zero", forms: forms(&ast.Dotimes{At: at(1), Var: "i", Count: num(0), Body: []ast.Node{sym("i")}}), want: "nil"},
		{name: "dotimes negative", forms: forms(&ast.Dotimes{At: at(1), Var: "i", Count: num(-2), Body: []ast.Node{sym("i")}}), want: "nil"},
		{name: "dotimes non-integer", forms: forms(&ast.Dotimes{At: at(1), Var: "i", Count: str("3"), Body: []ast.Node{sym("i")}}), wantErr: value.TypeError},
	})
}

func TestGetVarContextRefAndCrossPlanParams(t *testing.T) {
	h := newTestHost()
	h.SetContextValue("user", value.String("ada"))
	rc := host.NewContext(host.Pure)
	rc.CrossPlanParams = map[string]value.Value{"budget": value.Int(10), "user": value.String("shadowed")}
	cases := []evalCase{
		{name: "symbol falls back to the host context", forms: forms(sym("user")), want: `"ada"`},
		{name: "then to cross-plan params", forms: forms(sym("budget")), want: "10"},
		{name: "environment first", forms: forms(def("user", num(1)), sym("user")), want: "1"},
		{name: "get shorthand", forms: forms(&ast.GetVar{At: at(1), Name: "budget"}), want: "10"},
		{name: "get shorthand absent", forms: forms(&ast.GetVar{At: at(1), Name: "absent"}), want: "nil"},
		{name: "context ref", forms: forms(&ast.ContextRef{At: at(1), Name: "user"}), want: `"ada"`},
		{name: "context ref absent", forms: forms(&ast.ContextRef{At: at(1), Name: "budget"}), want: `"@budget"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := run(t, Options{Host: h, Context: rc}, c.forms...)
			checkOutcome(t, v, err, c.want, c.wantErr)
		})
	}
}

func TestDefstruct(t *testing.T) {
	point := &ast.Defstruct{At: at(1), Name: "Point", Fields: []value.TypeField{
		{Key: value.Kw("x"), Type: typ("int")}, {Key: value.Kw("y"), Type: typ("int")}}}
	mk := func(keys []string, vals ...ast.Node) *ast.Map {
		m := &ast.Map{At: at(1), Vals: vals}
		for _, k := range keys {
			m.Keys = append(m.Keys, value.Kw(k))
		}
		return m
	}
	runCases(t, []evalCase{
		{name: "returns the constructor", forms: forms(point), want: "#<function>"},
		{name: "valid map unchanged", forms: forms(point, op("Point", mk([]string{"x", "y", "z"}, num(1), num(2), num(3)))), want: "{:x 1 :y 2 :z 3}"},
		{name: "missing field", forms: forms(point, op("Point", mk([]string{"x"}, num(1)))), wantErr: value.TypeValidationError},
		{name: "invalid field", forms: forms(point, op("Point", mk([]string{"x", "y"}, num(1), str("2")))), wantErr: value.TypeValidationError},
		{name: "not a map", forms: forms(point, op("Point", vec())), wantErr: value.TypeError},
		{name: "arity", forms: forms(point, op("Point")), wantErr: value.ArityMismatch},
	})
}

func TestMetaEvaluatesRuntimeHintsOnly(t *testing.T) {
	meta := &ast.Meta{At: at(1),
		Keys: []value.Value{value.Kw("doc"), value.Kw("runtime.timeout")},
		Vals: []ast.Node{sym("never-evaluated"), op("+", num(1), num(2))},
		Expr: num(42)}
	v, err := run(t, Options{}, meta)
	checkOutcome(t, v, err, "42", "")

	meta.Vals[1] = sym("nope")
	v, err = run(t, Options{}, meta)
	checkOutcome(t, v, err, "", value.UndefinedSymbol)
}

func TestErrorPositions(t *testing.T) {
	cases := []struct {
		name  string
		forms []ast.Node
		line  int
	}{
		{"undefined symbol", forms(&ast.Symbol{At: at(3), Name: "nope"}), 3},
		{"builtin error at its call", forms(do(num(1), &ast.Call{At: at(4), Fn: sym("/"), Args: []ast.Node{num(1), num(0)}})), 4},
		{"inside a function body, not at the call", forms(
			defn("f", params("x"), &ast.Call{At: at(2), Fn: sym("/"), Args: []ast.Node{sym("x"), num(0)}}),
			&ast.Call{At: at(5), Fn: sym("f"), Args: []ast.Node{num(1)}}), 2},
		{"closure arity at the call", forms(
			defn("f", params("x"), sym("x")),
			&ast.Call{At: at(6), Fn: sym("f"), Args: nil}), 6},
		{"tail call arity at the tail call", forms(
			defn("g", params("x"), sym("x")),
			defn("f", nil, &ast.Call{At: at(7), Fn: sym("g"), Args: nil}),
			&ast.Call{At: at(8), Fn: sym("f")}), 7},
		{"builtin called back by a builtin", forms(
			&ast.Call{At: at(9), Fn: sym("map"), Args: []ast.Node{sym("-"), vec(str("a"))}}), 9},
		{"match error", forms(&ast.Match{At: at(10), Subject: num(1), Clauses: []ast.MatchClause{{Pattern: ast.PLit{Val: value.Int(2)}, Body: num(2)}}}), 10},
		{"return type at the function", forms(
			&ast.Call{At: at(12), Fn: &ast.Fn{At: at(11), Ret: typ("string"), Body: []ast.Node{num(1)}}}), 11},
		{"raise", forms(&ast.Raise{At: at(13), Kind: value.InternalError, Message: "x"}), 13},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := run(t, Options{}, c.forms...)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Pos != pos(c.line) {
				t.Fatalf("error %v at %v, want line %d", err, err.Pos, c.line)
			}
		})
	}
}

func TestRuntimeForBuiltins(t *testing.T) {
	var out bytes.Buffer
	h := newTestHost()
	h.SetContextValue("k", value.Int(1))
	probe := &value.Builtin{Name: "probe", MinArgs: 1, MaxArgs: 1, Fn: func(rt value.Runtime, args []value.Value) (value.Value, error) {
		rt.Stdout().Write([]byte("hello"))
		got, _ := rt.ContextValue("k")
		rt.SetContextValue("k2", got)
		return rt.Call(args[0], []value.Value{value.Int(20)})
	}}
	v, err := run(t, Options{Host: h, Stdout: &out},
		call(lit(value.Func(probe)), fn(params("x"), op("+", sym("x"), num(1)))))
	checkOutcome(t, v, err, "21", "")
	if out.String() != "hello" {
		t.Errorf("stdout %q", out.String())
	}
	if got, _ := h.GetContextValue("k2"); got.String() != "1" {
		t.Errorf("context k2 = %s", got)
	}
}

func TestDefaultOptions(t *testing.T) {
	v, err := Run(context.Background(), &ast.Program{Forms: []ast.Node{
		&ast.CallCap{At: at(1), ID: kw("ccos.io.log"), Args: nil}}}, Options{})
	e, ok := err.(*value.Error)
	if !ok || e.Kind != value.SecurityViolation {
		t.Fatalf("got %v, %v; want a SecurityViolation from the default pure context", v, err)
	}
}
