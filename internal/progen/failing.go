package progen

import (
	"fmt"
	"strings"
)

// failing returns an expression that fails at run time: it stands for a
// value of any type, since it never returns one. Some failures are
// constant (a compiler folding them must still fail at run time, at the
// same place), others depend on values computed earlier.
func (g *generator) failing(d int) string {
	i := func() string { return g.expr(intT, d-1) }
	vec := func() string { return g.expr(vecOf(g.scalarType()), d-1) }
	switch g.r.IntN(21) {
	case 0:
		return fmt.Sprintf("(/ %s %s)", g.expr(numT, d-1), g.oneOf("0", "0.0"))
	case 1:
		x := i()
		return fmt.Sprintf("(%s %s (- %s %s))", g.oneOf("mod", "/"), i(), x, x)
	case 2:
		return fmt.Sprintf("(%s %s %s)", g.oneOf("+", "*", "-"), i(), g.oneOf(`"s"`, ":k", "nil", "[1]", "{}"))
	case 3:
		return fmt.Sprintf("(nth %s %s)", vec(), g.oneOf("99", "-1", "5"))
	case 4:
		return g.oneOf("undefined-thing", "(no-such-fn 1 2)", "(+ 1 not-bound)", "(atom 0)")
	case 5:
		return g.wrongArity(d)
	case 6:
		return g.oneOf("(:k 5)", `(:k "s" 1)`, `("s" 1)`, "(5 1)", "([1 2] 0)", "({:a 1} :a)", "(nil)", "(:a)")
	case 7:
		return g.oneOf(`((fn [x :int] x) "s")`, `(let [x :string 5] x)`, `((fn [] :int "s"))`,
			`((fn [& xs :int] xs) 1 "two")`, `(def bad :[:vector :int] [1 "a"])`, `((fn [m :[:map [:a :int]]] m) {:b 1})`)
	case 8:
		return fmt.Sprintf(`(match %s "never" :x)`, i())
	case 9:
		return g.oneOf("(let [[a b] [1]] a)", "(let [{:keys [a]} 5] a)", "(let [[a] {:a 1}] a)",
			`((fn [[a b]] a) [1 2 3])`, `(let [[a & r] []] a)`)
	case 10:
		return g.oneOf("(reduce + [])", `(inc "a")`, `(max "a" 1)`, `(dec nil)`, `(re-find "(" "x")`, `(parse-json "{bad")`)
	case 11:
		return fmt.Sprintf("(%s %s)", g.oneOf("sqrt", "factorial"), g.oneOf("-1", "-3", "-0.5"))
	case 12:
		return g.oneOf(`(substring "abc" 2 1)`, `(assoc [1 2] 5 0)`, `(subvec [1 2] 3)`, `(substring "ab" 5)`)
	case 13:
		return fmt.Sprintf("(%s %s)", g.oneOf("count", "first", "rest", "keys"), g.oneOf("5", ":k", "1.5", "true"))
	case 14:
		return fmt.Sprintf("(%s %s %s)", g.oneOf("<", ">=", "<="), i(), g.oneOf(`"a"`, ":a", "nil", "[]"))
	case 15:
		return g.oneOf("(inc 1 2)", "(count)", "(mod 1)", "(hash-map :a)", "(nth [1])", "(get {})")
	case 16:
		return g.oneOf("(assoc {} [1] 2)", "(get {:a 1} 1.5)", "(hash-map nil 1)", "(apply + 1 2)", "(merge nil {})")
	case 17:
		// A failure inside a closure a builtin calls.
		return fmt.Sprintf("(map (fn [x] (/ x %s)) %s)", g.oneOf("0", "(- x x)"), g.expr(vecOf(intT), d-1))
	case 18:
		return fmt.Sprintf("(reduce (fn [a b] (+ a b)) %s [1 :k])", i())
	case 19:
		// The programs run in a pure context: no capability is allowed.
		return g.oneOf(`(call :ccos.io.log "x")`, `(call "ccos.echo" 1 2)`, `(llm-execute "echo-model" "hi")`)
	}
	return fmt.Sprintf("(vector %s (%s))", i(), g.oneOf("throw", "cond", "loop", "recur"))
}

// wrongArity calls a function with too few or too many arguments.
func (g *generator) wrongArity(d int) string {
	if v, ok := g.pickVar(func(v variable) bool { return v.t.kind == kFn }); ok && g.chance(0.5) {
		args := []string{v.name}
		for range len(v.t.params) + 1 + g.r.IntN(2) {
			args = append(args, g.expr(intT, d-1))
		}
		return fmt.Sprintf("(%s)", strings.Join(args, " "))
	}
	for _, f := range g.fns {
		if g.unshadowed(f.name) && f.rest == nil && g.chance(0.5) {
			// Without the fuel or loop counter the arity is off by one;
			// the call fails before the body runs, whatever the mode.
			args := []string{f.name}
			for _, p := range f.params {
				args = append(args, g.expr(p, d-1))
			}
			return fmt.Sprintf("(%s)", strings.Join(args, " "))
		}
	}
	return g.oneOf("((fn [a b] a) 1)", "((fn [] 1) 2)", "((fn [a & r] a))", "(#(+ % 1) 1 2)")
}
