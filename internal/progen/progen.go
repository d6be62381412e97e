// Package progen generates random well-formed RTFS programs, for
// differential testing of the two engines: the tree-walking interpreter
// (package interp) and the bytecode VM (compiler/codegen and package vm)
// must give every program the same meaning.
//
// Generation is typed: every expression is built for a target type (int,
// float, string, vector of T, record map, function of a signature, any, ...)
// in an environment of typed variables, so that calls receive arguments of
// the types they expect and most programs run well past their first form.
// Errors are then put in on purpose, at a tunable rate (Config.ErrorRate),
// and more often inside try bodies, where catching them is the point.
//
// A program is laid out as
//
//	global definitions   (no calls: the functions do not exist yet)
//	top-level functions  (in any order: bodies call later ones)
//	main forms           (println, def, expressions)
//	a final vector       (what the program evaluates to)
//
// Recursion terminates by construction. Every recursive top-level function
// takes a first integer argument, its fuel, and calls top-level functions
// only where the fuel is positive, passing it decreased; main forms pass
// small literals. Closures that reach such functions carry their creator's
// fuel, so they are never passed into one (see typ.pure). Loops are tail
// recursions over a counter rising to a literal bound.
package progen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Config tunes the size of generated programs and how often they fail.
type Config struct {
	// Nesting bounds the nesting of expressions.
	Nesting int
	// Globals, Functions, Loops and Forms bound the number of global
	// definitions, recursive top-level functions, top-level loop functions
	// and main forms.
	Globals, Functions, Loops, Forms int
	// ErrorRate is the probability that an expression is replaced by one
	// that fails at run time.
	ErrorRate float64
	// TryErrorRate is ErrorRate inside the body of a try.
	TryErrorRate float64
}

// DefaultConfig gives programs of a few hundred nodes that run in
// milliseconds, about a quarter of which end in an uncaught error.
func DefaultConfig() Config {
	return Config{
		Nesting:      4,
		Globals:      3,
		Functions:    4,
		Loops:        2,
		Forms:        5,
		ErrorRate:    0.006,
		TryErrorRate: 0.15,
	}
}

// callMode says which top-level functions an expression may call.
type callMode uint8

const (
	// callNone: before the functions are defined, and in loop bodies,
	// whose cost is multiplied by their iteration count.
	callNone callMode = iota
	// callMain: in main forms, with literal fuel.
	callMain
	// callBody: in a recursive function where its fuel is positive.
	callBody
)

// variable is a name in scope with its static type.
type variable struct {
	name string
	t    *typ
}

// function is a top-level function. Recursive ones take fuel first (not
// counted in params); loops take a counter first.
type function struct {
	name   string
	params []*typ
	rest   *typ // element type of the & rest parameter, or nil
	ret    *typ
	loop   bool
	big    bool // a loop of more iterations than the default call depth
}

type generator struct {
	r       *rand.Rand
	cfg     Config
	errRate float64

	vars  []variable // the lexical scope, innermost last
	fns   []*function
	taken map[string]bool // builtin names a top-level function redefines
	names int             // counter making fresh names unique

	mode callMode
	fuel string // the fuel parameter in callBody mode
	// budget is how many more expensive calls (recursive functions, loops)
	// the current function body or main form may make; it bounds the
	// branching of the recursion.
	budget int
	// pure is set in closures that must not reach a recursive function.
	pure bool
	// parallel is set in the branches of a step-parallel, which may run
	// concurrently: they must not write the host context.
	parallel bool
}

// Generate returns a random well-formed program.
func Generate(r *rand.Rand, cfg Config) string {
	g := &generator{r: r, cfg: cfg, errRate: cfg.ErrorRate, taken: map[string]bool{}}
	return g.program()
}

func (g *generator) program() string {
	var forms []string
	g.budget = 2
	for range g.r.IntN(g.cfg.Globals + 1) {
		name := g.fresh("g")
		t := g.randType(2)
		forms = append(forms, fmt.Sprintf("(def %s%s %s)", name, g.maybeAnnotation(t), g.valueExpr(t, g.cfg.Nesting-1)))
		g.bind(name, t)
	}
	if g.chance(0.3) {
		forms = append(forms, g.defstruct())
	}
	forms = append(forms, g.functions()...)
	g.mode = callMain
	var results []string
	for range 1 + g.r.IntN(g.cfg.Forms) {
		g.budget = 6
		t := g.randType(2)
		switch g.r.IntN(5) {
		case 0:
			forms = append(forms, fmt.Sprintf("(println %s)", g.expr(t, g.cfg.Nesting)))
		case 1:
			// Redefine a global: the functions must see the new value.
			if v, ok := g.pickVar(func(v variable) bool { return v.t.kind != kFn }); ok {
				forms = append(forms, fmt.Sprintf("(def %s %s)", v.name, g.expr(v.t, g.cfg.Nesting)))
				results = append(results, v.name)
				continue
			}
			fallthrough
		case 2:
			name := g.fresh("g")
			forms = append(forms, fmt.Sprintf("(def %s%s %s)", name, g.maybeAnnotation(t), g.valueExpr(t, g.cfg.Nesting)))
			g.bind(name, t)
			results = append(results, name)
		default:
			results = append(results, g.expr(t, g.cfg.Nesting))
		}
	}
	forms = append(forms, "["+strings.Join(results, " ")+"]")
	return strings.Join(forms, "\n") + "\n"
}

// defstruct defines a record constructor: a function from the record to
// itself that checks every field.
func (g *generator) defstruct() string {
	rec := &typ{kind: kMap}
	var fields []string
	for range 1 + g.r.IntN(3) {
		key := g.oneOf(":a", ":b", ":c", ":id", ":name", ":tags")
		if rec.fieldOf(key) == nil {
			t := g.randType(1)
			rec = rec.with(key, t)
			fields = append(fields, key+" "+t.typeExpr())
		}
	}
	name := g.fresh("Rec")
	g.bind(name, fnOf(true, rec, rec))
	return fmt.Sprintf("(defstruct %s %s)", name, strings.Join(fields, " "))
}

// functions declares the top-level functions, then writes their
// definitions in a random order: every body may call any of them.
func (g *generator) functions() []string {
	for range g.r.IntN(g.cfg.Functions + 1) {
		f := &function{name: g.topName("f"), ret: g.randType(2)}
		for range g.r.IntN(3) {
			f.params = append(f.params, g.paramType())
		}
		if g.chance(0.2) {
			f.rest = g.scalarType()
		}
		g.fns = append(g.fns, f)
	}
	for i := range g.r.IntN(g.cfg.Loops + 1) {
		f := &function{name: g.topName("loop"), params: []*typ{g.randType(1)}, loop: true, big: i == 0 && g.chance(0.3)}
		if f.big {
			f.params[0] = intT
		}
		f.ret = f.params[0]
		g.fns = append(g.fns, f)
	}
	var defs []string
	for _, i := range g.r.Perm(len(g.fns)) {
		if g.fns[i].loop {
			defs = append(defs, g.loopDefn(g.fns[i]))
		} else {
			defs = append(defs, g.recursiveDefn(g.fns[i]))
		}
	}
	return defs
}

// recursiveDefn defines f: below its fuel it returns a value computed
// without calls to recursive functions; above, anything goes.
func (g *generator) recursiveDefn(f *function) string {
	mark := len(g.vars)
	defer func() { g.vars = g.vars[:mark] }()
	fuel := g.fresh([]string{"n", "fuel", "depth"}[g.r.IntN(3)])
	params := []string{fuel + g.maybeAnnotation(intT)}
	g.bind(fuel, intT)
	for _, p := range f.params {
		params = append(params, g.param(p))
	}
	if f.rest != nil {
		rest := g.fresh("more")
		params = append(params, "&", rest)
		g.bind(rest, vecOf(f.rest))
	}
	head := f.name
	if g.chance(0.15) {
		head += ` "` + f.name + ` does things."` // a docstring, ignored
	}
	ret := ""
	switch {
	case g.chance(g.errRate * 5):
		ret = " :nil" // wrong unless the function fails first
	case g.chance(0.3):
		ret = " " + f.ret.annotation()
	}

	g.mode, g.fuel, g.budget = callNone, "", 0
	base := g.expr(f.ret, g.cfg.Nesting-1)
	g.mode, g.fuel, g.budget = callBody, fuel, 2
	recur := g.block(f.ret, g.cfg.Nesting-1)
	g.mode, g.fuel, g.budget = callNone, "", 0

	var cond string
	switch g.r.IntN(4) {
	case 0:
		cond = fmt.Sprintf("(if (<= %s 0) %s %s)", fuel, base, recur)
	case 1:
		cond = fmt.Sprintf("(if (pos? %s) %s %s)", fuel, recur, base)
	case 2:
		cond = fmt.Sprintf("(match %s 0 %s _ %s)", fuel, base, recur)
	default:
		cond = fmt.Sprintf("(if (> %s 0) %s %s)", fuel, recur, base)
	}
	return fmt.Sprintf("(defn %s [%s]%s\n  %s)", head, strings.Join(params, " "), ret, cond)
}

// loopDefn defines a tail-recursive loop: (f i acc) runs from i up to a
// literal bound, updating acc.
func (g *generator) loopDefn(f *function) string {
	i, acc := g.fresh("i"), g.fresh("acc")
	bound := 1 + g.r.IntN(40)
	if f.big {
		bound = 12000 + g.r.IntN(3000)
	}
	ret := ""
	if g.chance(0.3) {
		ret = " " + f.ret.annotation()
	}
	body := g.tailLoop(f.name, i, acc, bound, g.loopUpdate(i, acc, f.params[0]))
	return fmt.Sprintf("(defn %s [%s %s%s]%s\n  %s)", f.name, i+g.maybeAnnotation(intT), acc, g.maybeAnnotation(f.params[0]), ret, body)
}

// loopUpdate is the accumulator of the next iteration: acc combined with
// a value computed from i alone, so that it grows at most linearly.
func (g *generator) loopUpdate(i, acc string, t *typ) string {
	next := func(t *typ) string {
		return g.inLoop(func() string {
			g.bind(i, intT)
			return g.expr(t, 2)
		})
	}
	var s string
	switch t.kind {
	case kInt:
		s = g.apply(g.oneOf("+", "-", "max", "min"), acc, next(intT))
	case kFloat, kNum:
		s = g.apply(g.oneOf("+", "*"), acc, next(numT))
	case kStr:
		s = fmt.Sprintf("(if (> (string-length %s) 40) %s %s)", acc, acc, g.apply("str", acc, next(anyT)))
	case kBool:
		s = fmt.Sprintf("(%s %s %s)", g.oneOf("and", "or"), acc, next(boolT))
	case kVec:
		switch g.r.IntN(3) {
		case 0:
			s = g.apply("conj", acc, next(t.elem))
		case 1:
			s = g.apply("take", "8", g.apply("cons", next(t.elem), acc))
		default:
			s = fmt.Sprintf("(if (< (length %s) 12) %s %s)", acc, g.apply("concat", acc, next(t)), acc)
		}
	case kMap:
		if len(t.fields) > 0 {
			f := t.fields[g.r.IntN(len(t.fields))]
			s = g.apply("assoc", acc, f.key, next(f.t))
		}
	}
	if s == "" {
		return fmt.Sprintf("(if (even? %s) %s %s)", i, acc, next(t))
	}
	return s
}

// tailLoop is the body of a loop named self over counter i and
// accumulator acc, with the recursive call in one of the tail positions.
func (g *generator) tailLoop(self, i, acc string, bound int, update string) string {
	step := fmt.Sprintf("(+ %s %d)", i, 1+g.r.IntN(2))
	if g.chance(0.3) && g.builtin("inc") {
		step = fmt.Sprintf("(inc %s)", i)
	}
	again := fmt.Sprintf("(%s %s %s)", self, step, update)
	switch g.r.IntN(5) {
	case 0:
		return fmt.Sprintf("(if (< %s %d) %s %s)", i, bound, again, acc)
	case 1:
		return fmt.Sprintf("(match (>= %s %d) true %s _ %s)", i, bound, acc, again)
	case 2:
		return fmt.Sprintf("(let [done (>= %s %d)] (if done %s %s))", i, bound, acc, again)
	case 3:
		return fmt.Sprintf("(do (if (= %s %d) (println \"half\" %s)) (if (>= %s %d) %s %s))", i, bound/2, acc, i, bound, acc, again)
	}
	return fmt.Sprintf("(if (>= %s %d) %s %s)", i, bound, acc, again)
}

// chance reports true with probability p.
func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

// oneOf returns one of the strings.
func (g *generator) oneOf(xs ...string) string { return xs[g.r.IntN(len(xs))] }

// fresh returns a name no other binding of the program has.
func (g *generator) fresh(base string) string {
	g.names++
	return fmt.Sprintf("%s%d", base, g.names)
}

// shadowable are builtins a program may redefine: calls to them must then
// reach the program's definition, not the builtin.
var shadowable = []string{"abs", "max", "min", "reverse", "first", "str", "count", "inc", "vector"}

// topName names a top-level function, sometimes after a builtin it then
// replaces for the whole program.
func (g *generator) topName(base string) string {
	if g.chance(0.15) {
		name := shadowable[g.r.IntN(len(shadowable))]
		if !g.taken[name] {
			g.taken[name] = true
			return name
		}
	}
	return g.fresh(base)
}

// localName names a local binding: usually fresh, sometimes shadowing a
// builtin or a variable in scope.
func (g *generator) localName(base string) string {
	switch {
	case g.chance(0.05):
		return shadowable[g.r.IntN(len(shadowable))]
	case g.chance(0.1) && len(g.vars) > 0:
		// Not the fuel, which calls pass on, nor a #( ) parameter.
		if name := g.vars[g.r.IntN(len(g.vars))].name; name != g.fuel && !strings.HasPrefix(name, "%") {
			return name
		}
	}
	return g.fresh(base)
}

func (g *generator) bind(name string, t *typ) { g.vars = append(g.vars, variable{name, t}) }

// visible reports whether the binding at index i of the scope is not
// shadowed by a later one.
func (g *generator) visible(i int) bool {
	for _, v := range g.vars[i+1:] {
		if v.name == g.vars[i].name {
			return false
		}
	}
	return true
}

// pickVar returns a random visible variable satisfying ok.
func (g *generator) pickVar(ok func(variable) bool) (variable, bool) {
	var candidates []variable
	for i, v := range g.vars {
		if ok(v) && g.visible(i) && !(g.pure && v.t.impure()) {
			candidates = append(candidates, v)
		}
	}
	if len(candidates) == 0 {
		return variable{}, false
	}
	return candidates[g.r.IntN(len(candidates))], true
}

// varOf returns a visible variable whose values are all of type t.
func (g *generator) varOf(t *typ) (string, bool) {
	v, ok := g.pickVar(func(v variable) bool { return assignable(v.t, t) })
	return v.name, ok
}

// builtin reports whether a call to the builtin name reaches the builtin:
// nothing in the program or the scope rebinds it.
func (g *generator) builtin(name string) bool { return !g.taken[name] && g.unshadowed(name) }

// unshadowed reports whether no variable in scope is called name.
func (g *generator) unshadowed(name string) bool {
	for _, v := range g.vars {
		if v.name == name {
			return false
		}
	}
	return true
}

// maybeAnnotation returns " :T" for t, or nothing, in one of the spellings.
func (g *generator) maybeAnnotation(t *typ) string {
	if !g.chance(0.25) {
		return ""
	}
	a := t.annotation()
	switch {
	case g.chance(0.3):
		return " : " + a[1:]
	case t.kind == kInt && g.chance(0.3):
		return " :Int"
	}
	return " " + a
}

// param returns the parameter text for a value of type t and binds what
// it names: a symbol, or a map destructuring of a record.
func (g *generator) param(t *typ) string {
	if t.kind == kMap && g.chance(0.3) {
		return g.destructureVar(t)
	}
	if g.chance(0.05) {
		return "_" + g.maybeAnnotation(t)
	}
	name := g.fresh("p")
	g.bind(name, t)
	return name + g.maybeAnnotation(t)
}
