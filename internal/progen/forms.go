package progen

import (
	"fmt"
	"strings"
)

// scoped runs gen and then forgets the variables it bound.
func (g *generator) scoped(gen func() string) string {
	mark := len(g.vars)
	defer func() { g.vars = g.vars[:mark] }()
	return gen()
}

// body is an implicit do: a few statements, then an expression of type t.
// Variables the statements define stay bound: callers scope it.
func (g *generator) body(t *typ, d int) string { return strings.Join(g.bodyForms(t, d), " ") }

// block is body as one form.
func (g *generator) block(t *typ, d int) string {
	forms := g.bodyForms(t, d)
	if len(forms) == 1 {
		return forms[0]
	}
	return "(do " + strings.Join(forms, " ") + ")"
}

func (g *generator) bodyForms(t *typ, d int) []string {
	var forms []string
	for range max(0, g.r.IntN(4)-1) {
		forms = append(forms, g.stmt(d))
	}
	return append(forms, g.expr(t, d))
}

// stmt is a form evaluated for its effect: it prints, defines, loops.
func (g *generator) stmt(d int) string {
	switch g.r.IntN(10) {
	case 0, 1:
		var args []string
		for range g.r.IntN(4) {
			args = append(args, g.expr(anyT, d-1))
		}
		return g.apply("println", args...)
	case 2:
		t := g.randType(1)
		value := g.valueExpr(t, d-1)
		name := g.fresh("d")
		g.bind(name, t)
		return fmt.Sprintf("(def %s%s %s)", name, g.maybeAnnotation(t), value)
	case 3:
		// A redefinition keeps the type, so code generated for the old
		// binding stays right whichever frame the new one lands in.
		if v, ok := g.pickVar(func(v variable) bool { return v.name != g.fuel && !strings.HasPrefix(v.name, "%") }); ok {
			return fmt.Sprintf("(def %s %s)", v.name, g.valueExpr(v.t, d-1))
		}
	case 4:
		i := g.fresh("i")
		n := g.oneOf("0", "1", "2", "3", "-1")
		return g.scoped(func() string {
			g.bind(i, intT)
			return fmt.Sprintf("(dotimes [%s %s] %s)", i, n, g.stmt(d-1))
		})
	case 5:
		return fmt.Sprintf("(step %s %s)", g.stepName(), g.apply("println", g.expr(anyT, d-1)))
	case 6:
		return g.localDefn(d)
	case 7:
		return g.rebindBuiltin()
	case 8:
		if !g.parallel && g.chance(0.5) {
			return fmt.Sprintf("(context/set %s %s)", g.oneOf(`"k"`, ":k", `"other"`), g.expr(anyT, d-1))
		}
		// step-loop repeats while a variable its body redefines allows.
		// What the body defines is unbound if it runs no time.
		n := g.fresh("n")
		return fmt.Sprintf("(do (def %[1]s 0) (step-loop (< %[1]s %[2]d) (do %[3]s (def %[1]s (+ %[1]s 1)))))",
			n, g.r.IntN(4), g.scoped(func() string { return g.stmt(d - 1) }))
	}
	e := g.expr(g.randType(1), d-1)
	if !strings.HasPrefix(e, "(") {
		// A bare keyword after a parameter vector would read as a
		// return type.
		return g.apply("println", e)
	}
	return e
}

// localDefn defines a function with defn (or def of a #( ) form) where it
// stands, binding it in the innermost frame.
func (g *generator) localDefn(d int) string {
	t := g.fnType(g.pure)
	fn := g.closure(t, d-1)
	name := g.fresh("h")
	g.bind(name, t)
	for _, head := range []string{"(fn ", "(λ "} {
		if rest, ok := strings.CutPrefix(fn, head); ok {
			return "(defn " + name + " " + rest
		}
	}
	return "(def " + name + " " + fn + ")"
}

// replacements are closures that do what the builtin they are named after
// does, without calling it, some with a trace on stdout: a program that
// rebinds a builtin to one of them keeps its meaning, and its output shows
// which calls reached the new binding.
var replacements = []struct{ builtin, fn string }{
	{"inc", `(fn [x] (println "inc" x) (+ x 1))`},
	{"abs", `(fn [x] (if (neg? x) (- x) x))`},
	{"first", `(fn [c] (println "first") (nth c 0 nil))`},
	{"reverse", `(fn [v] (reduce (fn [acc x] (cons x acc)) [] v))`},
	{"vector", `(fn [& xs] (println "vector") (concat [] xs))`},
	{"max", `(fn [a & xs] (reduce (fn [x y] (if (> y x) y x)) a xs))`},
	{"min", `(fn [a & xs] (reduce (fn [x y] (if (< y x) y x)) a xs))`},
}

// rebindBuiltin defines a builtin's name as its replacement, in whatever
// frame is innermost.
func (g *generator) rebindBuiltin() string {
	r := replacements[g.r.IntN(len(replacements))]
	if !g.builtin(r.builtin) {
		return g.apply("println", g.strLit())
	}
	return fmt.Sprintf("(def %s %s)", r.builtin, r.fn)
}

func (g *generator) stepName() string {
	return g.oneOf(`"fetch"`, `"compute"`, `"log"`, `"step 1"`, `"ünï"`)
}

// control returns a form of type t whose shape does not depend on t: a
// conditional, a binding form, a call, a loop; "" if none fits here.
func (g *generator) control(t *typ, d int) string {
	switch g.r.IntN(17) {
	case 0, 1:
		return g.ifExpr(t, d)
	case 2, 3:
		return g.letExpr(t, d)
	case 4:
		return g.scoped(func() string { return "(do " + g.body(t, d-1) + ")" })
	case 5:
		return g.matchExpr(t, d)
	case 6:
		return g.tryExpr(t, d)
	case 7:
		return g.callVar(t, d)
	case 8, 9:
		return g.callTop(t, d)
	case 10:
		return g.applyClosure(t, d)
	case 11:
		if t.kind == kBool {
			return g.mutualRecursion(d)
		}
		return g.letrecLoop(t, d)
	case 12:
		return g.elementOf(t, d)
	case 13:
		return g.fieldOf(t, d)
	case 14:
		return fmt.Sprintf("(%s %s %s)", g.oneOf("and", "or"), g.expr(t, d-1), g.expr(t, d-1))
	case 15:
		return g.stepExpr(t, d)
	case 16:
		return g.callReturned(t, d)
	}
	return ""
}

// stepExpr is one of the plan step forms, with a body of type t.
func (g *generator) stepExpr(t *typ, d int) string {
	switch g.r.IntN(4) {
	case 0:
		// step-if treats 0, "" and empty collections as false too.
		return fmt.Sprintf("(step-if %s %s %s)", g.expr(anyT, d-1), g.expr(t, d-1), g.expr(t, d-1))
	case 1:
		// :params binds %params in the body, a map with string keys.
		key := g.oneOf(`"k"`, `"x"`)
		pt := g.randType(1)
		value := g.expr(pt, d-1)
		return g.scoped(func() string {
			g.bind("%params", (&typ{kind: kMap}).with(key, pt))
			return fmt.Sprintf("(step %s :params {%s %s} %s)", g.stepName(), key, value, g.body(t, d-1))
		})
	case 2:
		return fmt.Sprintf("^{:runtime.hint %s} %s", g.expr(anyT, d-1), g.expr(t, d-1))
	}
	return g.scoped(func() string {
		opts := ""
		if g.chance(0.3) {
			opts = ` :expose-context true :context-keys ["a" "b"]`
		}
		return fmt.Sprintf("(step %s%s %s)", g.stepName(), opts, g.body(t, d-1))
	})
}

func (g *generator) ifExpr(t *typ, d int) string {
	cond := g.expr(boolT, d-1)
	if g.chance(0.2) {
		cond = g.expr(anyT, d-1) // truthiness: only nil and false are false
	}
	if (t.kind == kAny || t.kind == kNil) && g.chance(0.3) {
		return fmt.Sprintf("(if %s %s)", cond, g.expr(t, d-1))
	}
	return fmt.Sprintf("(if %s %s %s)", cond, g.expr(t, d-1), g.expr(t, d-1))
}

func (g *generator) letExpr(t *typ, d int) string {
	return g.scoped(func() string {
		var bindings []string
		for range 1 + g.r.IntN(3) {
			bindings = append(bindings, g.binding(d-1))
		}
		return fmt.Sprintf("(let [%s] %s)", strings.Join(bindings, " "), g.body(t, d-1))
	})
}

// binding returns one let binding, "pattern value", and binds its names.
func (g *generator) binding(d int) string {
	switch g.r.IntN(6) {
	case 0:
		pat, value := g.vectorDestructuring(2, d)
		return pat + " " + value
	case 1:
		rec := g.recordType(1)
		value := g.expr(rec, d)
		return g.destructureVar(rec) + " " + value
	}
	t := g.randType(2)
	value := g.valueExpr(t, d)
	name := g.localName("x")
	g.bind(name, t)
	return name + g.maybeAnnotation(t) + " " + value
}

// vectorDestructuring returns a vector pattern and a value of the length
// it needs, [a [b c] & r :as all] against [1 [2 3] 4 5], and binds the
// names of the pattern.
func (g *generator) vectorDestructuring(depth, d int) (pat, value string) {
	pat, value, binds := g.vectorPattern(depth, d)
	for _, b := range binds {
		g.bind(b.name, b.t)
	}
	return pat, value
}

// vectorPattern is vectorDestructuring without the binding: the values of
// later elements must not see the names of earlier ones.
func (g *generator) vectorPattern(depth, d int) (pat, value string, binds []variable) {
	var pats, vals []string
	for range 1 + g.r.IntN(3) {
		if depth > 0 && g.chance(0.2) {
			p, v, b := g.vectorPattern(depth-1, d)
			pats, vals, binds = append(pats, p), append(vals, v), append(binds, b...)
			continue
		}
		t := g.randType(1)
		vals = append(vals, g.expr(t, d))
		if g.chance(0.1) {
			pats = append(pats, "_")
			continue
		}
		name := g.localName("v")
		pats = append(pats, name)
		binds = append(binds, variable{name, t})
	}
	if g.chance(0.4) {
		t := g.scalarType()
		for range g.r.IntN(3) {
			vals = append(vals, g.expr(t, d))
		}
		name := g.localName("rest")
		pats = append(pats, "&", name)
		binds = append(binds, variable{name, vecOf(t)})
	}
	if g.chance(0.3) {
		name := g.localName("all")
		pats = append(pats, ":as", name)
		binds = append(binds, variable{name, vecOf(anyT)})
	}
	switch {
	case g.chance(0.2):
		value = g.apply("vector", vals...)
	case g.chance(0.2) && len(vals) > 1:
		value = g.apply("conj", "["+strings.Join(vals[:len(vals)-1], " ")+"]", vals[len(vals)-1])
	}
	if value == "" {
		value = "[" + strings.Join(vals, " ") + "]"
	}
	return "[" + strings.Join(pats, " ") + "]", value, binds
}

// destructureVar returns a map pattern for a value of record type rec and
// binds its names: {:keys [a b] "s" c d :id & more :as whole}.
func (g *generator) destructureVar(rec *typ) string {
	var entries []string
	var binds []variable
	rest := rec
	var keys []string
	for _, f := range rec.fields {
		if !g.chance(0.7) {
			continue
		}
		rest = rest.without(f.key)
		switch {
		case isKeywordKey(f.key) && g.chance(0.6):
			keys = append(keys, f.key[1:])
			binds = append(binds, variable{f.key[1:], f.t})
		case g.chance(0.5):
			name := g.fresh("m")
			entries = append(entries, f.key+" "+name)
			binds = append(binds, variable{name, f.t})
		default:
			name := g.fresh("m")
			entries = append(entries, name+" "+f.key)
			binds = append(binds, variable{name, f.t})
		}
	}
	if g.chance(0.2) {
		// A key the value lacks binds nil.
		keys = append(keys, "missing")
		binds = append(binds, variable{"missing", nilT})
	}
	if len(keys) > 0 {
		entries = append(entries, ":keys ["+strings.Join(keys, " ")+"]")
	}
	if g.chance(0.3) {
		name := g.fresh("more")
		entries = append(entries, "& "+name)
		binds = append(binds, variable{name, rest})
	}
	if g.chance(0.3) || len(entries) == 0 {
		name := g.fresh("whole")
		entries = append(entries, ":as "+name)
		binds = append(binds, variable{name, rec})
	}
	for _, b := range binds {
		g.bind(b.name, b.t)
	}
	g.r.Shuffle(len(entries), func(i, j int) { entries[i], entries[j] = entries[j], entries[i] })
	return "{" + strings.Join(entries, " ") + "}"
}

// matchExpr is a match on a value of a random type, with literal, vector,
// map and binding patterns, guards, and usually a default.
func (g *generator) matchExpr(t *typ, d int) string {
	st := g.oneType(intT, strT, kwT, boolT, vecOf(g.scalarType()), g.recordType(1), anyT)
	clauses := []string{g.expr(st, d-1)}
	for range 1 + g.r.IntN(3) {
		clauses = append(clauses, g.scoped(func() string {
			clause := g.matchPattern(st, 2)
			if g.chance(0.25) {
				clause += " when " + g.expr(boolT, d-2)
			}
			return clause + " " + g.expr(t, d-1)
		}))
	}
	if !g.chance(g.errRate * 10) {
		clauses = append(clauses, g.scoped(func() string {
			if g.chance(0.5) {
				return "_ " + g.expr(t, d-1)
			}
			name := g.fresh("other")
			g.bind(name, st)
			return name + " " + g.expr(t, d-1)
		}))
	}
	return "(match " + strings.Join(clauses, " ") + ")"
}

// matchPattern returns a pattern for values of type t and binds its names.
func (g *generator) matchPattern(t *typ, depth int) string {
	if g.chance(0.1) {
		return "_"
	}
	if g.chance(0.15) || depth == 0 {
		name := g.fresh("b")
		g.bind(name, t)
		return name
	}
	switch t.kind {
	case kInt:
		return g.oneOf("0", "1", "2", "-1", "5")
	case kFloat, kNum:
		return g.oneOf("0.5", "1.5", "0", "2")
	case kStr:
		return g.strLit()
	case kKw:
		return g.kwLit()
	case kBool, kNil:
		return g.oneOf("true", "false", "nil")
	case kVec:
		var pats []string
		for range g.r.IntN(3) {
			pats = append(pats, g.matchPattern(t.elem, depth-1))
		}
		if g.chance(0.4) {
			name := g.fresh("r")
			g.bind(name, t)
			pats = append(pats, "&", name)
		}
		pat := "[" + strings.Join(pats, " ") + "]"
		if g.chance(0.15) {
			name := g.fresh("whole")
			g.bind(name, t)
			return "(:as " + name + " " + pat + ")"
		}
		return pat
	case kMap:
		var entries []string
		rest := t
		for _, f := range t.fields {
			if g.chance(0.7) {
				entries = append(entries, f.key+" "+g.matchPattern(f.t, depth-1))
				rest = rest.without(f.key)
			}
		}
		if g.chance(0.4) {
			name := g.fresh("r")
			g.bind(name, rest)
			entries = append(entries, "& "+name)
		}
		return "{" + strings.Join(entries, " ") + "}"
	}
	// Whatever a pattern for another type binds may hold anything here.
	mark := len(g.vars)
	pat := g.matchPattern(g.randType(1), depth-1)
	for i := mark; i < len(g.vars); i++ {
		g.vars[i].t = anyT
	}
	return pat
}

// errorKinds are the kinds a catch clause may name.
var errorKinds = []string{"DivisionByZero", "TypeError", "ArityMismatch", "IndexOutOfBounds",
	"UndefinedSymbol", "MatchError", "TypeValidationError", "Generic", "InvalidArgument", "SecurityViolation"}

// tryExpr is a try whose body fails often, with catch clauses by kind or
// for everything, and sometimes a finally.
func (g *generator) tryExpr(t *typ, d int) string {
	saved := g.errRate
	g.errRate = g.cfg.TryErrorRate
	parts := []string{g.scoped(func() string { return g.body(t, d-1) })}
	g.errRate = saved
	finally := g.chance(0.4)
	n := g.r.IntN(3)
	if n == 0 && !finally {
		n = 1
	}
	for range n {
		var pattern string
		switch {
		case g.chance(0.4):
			pattern = g.oneOf("e", "err", "Exception", "Error", "RuntimeError", "_")
		case g.chance(0.3):
			pattern = ":" + errorKinds[g.r.IntN(len(errorKinds))]
		default:
			pattern = errorKinds[g.r.IntN(len(errorKinds))]
		}
		parts = append(parts, g.scoped(func() string {
			name := g.fresh("e")
			g.bind(name, errT)
			return fmt.Sprintf("(catch %s %s %s)", pattern, name, g.body(t, d-1))
		}))
	}
	if finally {
		parts = append(parts, g.scoped(func() string { return "(finally " + g.stmt(d-1) + ")" }))
	}
	return "(try " + strings.Join(parts, " ") + ")"
}

// callVar calls a function variable whose result has type t.
func (g *generator) callVar(t *typ, d int) string {
	v, ok := g.pickVar(func(v variable) bool { return v.t.kind == kFn && assignable(v.t.ret, t) })
	if !ok {
		return ""
	}
	args := []string{v.name}
	for _, p := range v.t.params {
		args = append(args, g.expr(p, d-1))
	}
	return "(" + strings.Join(args, " ") + ")"
}

// callTop calls a top-level function whose result has type t, if the
// mode and the budget allow it (see callMode).
func (g *generator) callTop(t *typ, d int) string {
	if g.mode == callNone || g.budget <= 0 {
		return ""
	}
	var fits []*function
	for _, f := range g.fns {
		if assignable(f.ret, t) && g.unshadowed(f.name) && g.mayCall(f) {
			fits = append(fits, f)
		}
	}
	if len(fits) == 0 {
		return ""
	}
	g.budget--
	return g.callOf(fits[g.r.IntN(len(fits))], d)
}

// mayCall reports whether f may be called here.
func (g *generator) mayCall(f *function) bool {
	if f.loop {
		return !f.big || g.mode == callMain
	}
	return !g.pure
}

// callOf is a call of f with arguments of the right types.
func (g *generator) callOf(f *function, d int) string {
	args := []string{f.name}
	switch {
	case f.loop:
		args = append(args, g.oneOf("0", "1", "2"))
	case g.mode == callMain:
		args = append(args, g.oneOf("0", "1", "1", "2", "2", "3"))
	default:
		// Fuel is positive where this runs: it decreases to zero.
		args = append(args, g.oneOf("(- "+g.fuel+" 1)", "(dec "+g.fuel+")"))
	}
	for _, p := range f.params {
		args = append(args, g.expr(p, d-1))
	}
	if f.rest != nil {
		for range g.r.IntN(3) {
			args = append(args, g.expr(f.rest, d-1))
		}
	}
	return "(" + strings.Join(args, " ") + ")"
}

// callReturned calls a function that a call returned: ((f ...) args).
func (g *generator) callReturned(t *typ, d int) string {
	ft := g.fnType(g.pure)
	ft.ret = t
	args := []string{g.expr(ft, d-1)}
	for _, p := range ft.params {
		args = append(args, g.expr(p, d-1))
	}
	return "(" + strings.Join(args, " ") + ")"
}

// applyClosure is ((fn [params] body) args); the closure sometimes
// destructures a vector argument and takes a rest parameter.
func (g *generator) applyClosure(t *typ, d int) string {
	if g.chance(0.5) {
		ft := g.fnType(g.pure)
		ft.ret = t
		args := []string{g.closure(ft, d-1)}
		for _, p := range ft.params {
			args = append(args, g.expr(p, d-1))
		}
		return "(" + strings.Join(args, " ") + ")"
	}
	pat, value, binds := g.vectorPattern(1, d-1)
	params, args := []string{pat}, []string{value}
	var second, rest *typ
	if g.chance(0.5) {
		second = g.scalarType()
		args = append(args, g.expr(second, d-1))
	}
	if g.chance(0.6) {
		rest = g.scalarType()
		for range g.r.IntN(3) {
			args = append(args, g.expr(rest, d-1))
		}
	}
	fn := g.scoped(func() string {
		for _, b := range binds {
			g.bind(b.name, b.t)
		}
		if second != nil {
			params = append(params, g.param(second))
		}
		if rest != nil {
			name := g.localName("more")
			params = append(params, "&", name+g.maybeAnnotation(rest))
			g.bind(name, vecOf(rest))
		}
		return fmt.Sprintf("(fn [%s] %s)", strings.Join(params, " "), g.body(t, d-1))
	})
	return "(" + fn + " " + strings.Join(args, " ") + ")"
}

// letrecLoop is a loop through a let-bound recursive closure.
func (g *generator) letrecLoop(t *typ, d int) string {
	if g.budget <= 0 || t.kind == kFn {
		return ""
	}
	g.budget--
	self, i, acc := g.fresh("lp"), g.fresh("i"), g.fresh("acc")
	bound := 1 + g.r.IntN(30)
	if g.mode == callMain && !g.pure && t.kind == kInt && g.chance(0.2) {
		bound = 12000 + g.r.IntN(3000) // deeper than the call depth limit
	}
	return fmt.Sprintf("(let [%s (fn [%s %s] %s)] (%s %s %s))",
		self, i, acc, g.tailLoop(self, i, acc, bound, g.loopUpdate(i, acc, t)), self, g.oneOf("0", "1"), g.expr(t, d-1))
}

// mutualRecursion is the even/odd pair of closures of one let, each
// calling the other in tail position.
func (g *generator) mutualRecursion(d int) string {
	if g.budget <= 0 {
		return ""
	}
	g.budget--
	even, odd, n := g.fresh("ev"), g.fresh("od"), g.fresh("n")
	count := g.small(d - 1)
	if g.mode == callMain && !g.pure && g.chance(0.2) {
		count = fmt.Sprint(12000 + g.r.IntN(3000))
	}
	return fmt.Sprintf("(let [%[1]s (fn [%[3]s] (if (= %[3]s 0) true (%[2]s (- %[3]s 1)))) %[2]s (fn [%[3]s] (if (= %[3]s 0) false (%[1]s (- %[3]s 1))))] (%[4]s %[5]s))",
		even, odd, n, g.oneOf(even, odd), count)
}

// inLoop generates a loop body: no expensive calls, since it runs once per
// iteration.
func (g *generator) inLoop(gen func() string) string {
	mode, budget, pure := g.mode, g.budget, g.pure
	g.mode, g.budget, g.pure = callNone, 0, true
	defer func() { g.mode, g.budget, g.pure = mode, budget, pure }()
	return g.scoped(gen)
}

// elementOf takes an element of type t out of a vector, with a default.
func (g *generator) elementOf(t *typ, d int) string {
	v := g.expr(vecOf(t), d-1)
	dflt := g.expr(t, d-1)
	switch g.r.IntN(4) {
	case 0:
		return g.apply("nth", v, g.small(d-1), dflt)
	case 1:
		return g.apply("get", v, g.small(d-1), dflt)
	case 2:
		v = g.apply(g.oneOf("first", "last"), v)
	default:
		v = g.apply("first", g.apply("filter", g.fnExpr(fnOf(false, boolT, t), d-1), v))
	}
	if v == "" {
		return ""
	}
	return fmt.Sprintf("(or %s %s)", v, dflt)
}

// fieldOf reads an entry of type t out of a record.
func (g *generator) fieldOf(t *typ, d int) string {
	key := g.recordKey()
	rec := g.recordType(1).with(key, t)
	if g.chance(0.2) && !isIntKey(key) {
		outer := g.oneOf(":a", ":b", `"s"`)
		return g.apply("get-in", g.expr(g.recordType(0).with(outer, rec), d-1), "["+outer+" "+key+"]")
	}
	m := g.expr(rec, d-1)
	if isKeywordKey(key) && g.chance(0.6) {
		if g.chance(0.3) {
			return fmt.Sprintf("(%s %s %s)", key, m, g.expr(t, d-1))
		}
		return fmt.Sprintf("(%s %s)", key, m)
	}
	return g.apply("get", m, key)
}
