package progen

import (
	"fmt"
	"slices"
	"strings"
)

// expr returns an expression of type t nested at most depth deep.
func (g *generator) expr(t *typ, depth int) string {
	if depth <= 0 {
		return g.leaf(t)
	}
	if g.chance(g.errRate) {
		return g.failing(depth)
	}
	if g.chance(0.3) {
		if s := g.control(t, depth); s != "" {
			return s
		}
	}
	if g.chance(0.15) {
		return g.leaf(t)
	}
	var s string
	switch t.kind {
	case kInt:
		s = g.intExpr(depth - 1)
	case kFloat:
		s = g.floatExpr(depth - 1)
	case kNum:
		s = g.numExpr(depth - 1)
	case kStr:
		s = g.strExpr(depth - 1)
	case kBool:
		s = g.boolExpr(depth - 1)
	case kVec:
		s = g.vecExpr(t.elem, depth-1)
	case kMap:
		s = g.mapExpr(t, depth-1)
	case kFn:
		s = g.fnExpr(t, depth-1)
	case kAny:
		return g.expr(g.randType(2), depth)
	}
	if s == "" {
		return g.leaf(t)
	}
	return s
}

// valueExpr is expr for a binding position, where a bare keyword would be
// read as a type annotation.
func (g *generator) valueExpr(t *typ, depth int) string {
	s := g.expr(t, depth)
	if strings.HasPrefix(s, ":") {
		return "(do " + s + ")"
	}
	return s
}

// apply returns the call (name args...) of a builtin, or "" when the
// program rebinds name or an argument is "" (a call apply could not make).
func (g *generator) apply(name string, args ...string) string {
	if !g.builtin(name) || slices.Contains(args, "") {
		return ""
	}
	return "(" + strings.Join(append([]string{name}, args...), " ") + ")"
}

// leaf returns a variable or a literal of type t.
func (g *generator) leaf(t *typ) string {
	if g.chance(0.5) {
		if v, ok := g.varOf(t); ok {
			if g.chance(0.05) && !strings.HasPrefix(v, "%") {
				return g.oneOf("(get "+v+")", "(get :"+v+")") // the environment lookup form
			}
			return v
		}
	}
	switch t.kind {
	case kInt:
		return g.intLit()
	case kFloat:
		return g.floatLit()
	case kNum:
		if g.chance(0.5) {
			return g.intLit()
		}
		return g.floatLit()
	case kStr:
		return g.strLit()
	case kBool:
		return g.oneOf("true", "false")
	case kKw:
		return g.kwLit()
	case kNil:
		return "nil"
	case kVec:
		var elems []string
		for range g.r.IntN(5) {
			elems = append(elems, g.leaf(t.elem))
		}
		return "[" + strings.Join(elems, " ") + "]"
	case kMap:
		var b strings.Builder
		b.WriteString("{")
		for i, f := range t.fields {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(f.key + " " + g.leaf(f.t))
		}
		b.WriteString("}")
		return b.String()
	case kFn:
		return g.fnValue(t, 1)
	}
	return g.leaf(g.scalarType())
}

func (g *generator) intLit() string {
	switch {
	case g.chance(0.03):
		return g.oneOf("9223372036854775807", "-9223372036854775808", "4611686018427387904")
	case g.chance(0.1):
		return g.oneOf("007", "+5", "-0")
	}
	return fmt.Sprint(g.r.IntN(21) - 5)
}

func (g *generator) floatLit() string {
	if g.chance(0.05) {
		return g.oneOf("##Inf", "##-Inf", "##NaN", "1.5e3", "2.0E-2", "1.0e20")
	}
	return g.oneOf("0.0", "0.5", "1.5", "-2.25", "3.0", "0.1", "10.75", "-0.0")
}

func (g *generator) strLit() string {
	return g.oneOf(`""`, `"a"`, `"hi"`, `"Hello, World"`, `"x\"q"`, `"tab\tsep"`, `"line\nnext"`,
		`"ünï"`, `"日本語"`, `"a-b-c"`, `"  pad  "`, `"42"`, `"-3.5"`, `"back\\slash"`)
}

func (g *generator) kwLit() string {
	return g.oneOf(":a", ":b", ":ok", ":err", ":done", ":x/y", ":a.b", ":valid?", ":k-1")
}

// nonZero returns an integer expression that is never zero.
func (g *generator) nonZero(d int) string {
	if g.chance(0.5) || !g.builtin("inc") || !g.builtin("abs") {
		return g.oneOf("1", "2", "3", "-4", "7", "10")
	}
	return fmt.Sprintf("(inc (abs (mod %s 5)))", g.expr(intT, d))
}

// small returns an integer expression between 0 and 5.
func (g *generator) small(d int) string {
	if g.chance(0.6) || !g.builtin("abs") {
		return fmt.Sprint(g.r.IntN(6))
	}
	return fmt.Sprintf("(abs (mod %s 6))", g.expr(intT, d))
}

func (g *generator) intExpr(d int) string {
	i := func() string { return g.expr(intT, d) }
	switch g.r.IntN(15) {
	case 0:
		op := g.oneOf("+", "-", "*")
		args := []string{i(), i()}
		if g.chance(0.3) {
			args = append(args, i())
		}
		return g.apply(op, args...)
	case 1:
		return g.apply("-", i())
	case 2:
		return g.apply("mod", i(), g.nonZero(d))
	case 3:
		return g.apply(g.oneOf("inc", "dec", "abs"), i())
	case 4:
		return g.apply(g.oneOf("max", "min"), i(), i())
	case 5:
		switch g.r.IntN(3) {
		case 0:
			return g.apply("count", g.expr(vecOf(g.randType(1)), d))
		case 1:
			return g.apply("count", g.expr(strT, d))
		}
		return g.apply("count", g.expr(g.recordType(1), d))
	case 6:
		if f := g.oneOf("+", "max", "min"); g.builtin(f) {
			return g.apply(g.oneOf("reduce", "apply"), f, i(), g.expr(vecOf(intT), d))
		}
	case 7:
		return g.apply("int", g.expr(numT, d))
	case 8:
		return g.apply(g.oneOf("string-length", "length"), g.expr(strT, d))
	case 9:
		return g.apply("pow", g.oneOf("2", "3", "-2", "10"), g.small(d))
	case 10:
		n := g.fresh("i")
		body := g.scoped(func() string {
			g.bind(n, intT)
			return g.expr(intT, d)
		})
		return fmt.Sprintf("(dotimes [%s %d] %s)", n, 1+g.r.IntN(4), body)
	case 11:
		s := g.oneOf(`"12"`, `" 7 "`, `"-3"`, `"x"`, `"4.5"`)
		return fmt.Sprintf("(or %s %s)", g.apply("parse-int", s), i())
	case 12:
		return g.apply("count", g.apply("filter", g.fnExpr(fnOf(false, boolT, intT), d), g.expr(vecOf(intT), d)))
	case 13:
		return g.apply("factorial", g.small(d))
	}
	return g.apply(g.oneOf("+", "*"), i(), i())
}

func (g *generator) floatExpr(d int) string {
	n := func() string { return g.expr(numT, d) }
	switch g.r.IntN(6) {
	case 0:
		return g.apply("float", n())
	case 1:
		return g.apply(g.oneOf("*", "+", "-"), g.floatLit(), n())
	case 2:
		return g.apply("sqrt", g.apply("abs", n()))
	case 3:
		return g.apply("-", g.expr(floatT, d))
	case 4:
		return g.apply("pow", g.expr(floatT, d), g.oneOf("2", "0.5", "-1"))
	}
	return g.apply("max", g.expr(floatT, d), g.expr(floatT, d))
}

func (g *generator) numExpr(d int) string {
	n := func() string { return g.expr(numT, d) }
	switch g.r.IntN(6) {
	case 0:
		return g.apply("/", n(), g.nonZero(d))
	case 1:
		return g.apply(g.oneOf("+", "-", "*"), n(), n())
	case 2:
		return g.apply("mod", n(), g.nonZero(d))
	case 3:
		return g.apply(g.oneOf("max", "min"), n(), n(), n())
	case 4:
		return g.apply("/", n(), g.nonZero(d), g.nonZero(d))
	}
	if g.chance(0.5) {
		return g.expr(intT, d)
	}
	return g.expr(floatT, d)
}

func (g *generator) strExpr(d int) string {
	s := func() string { return g.expr(strT, d) }
	switch g.r.IntN(13) {
	case 0, 1:
		var args []string
		for range g.r.IntN(4) {
			args = append(args, g.expr(anyT, d))
		}
		return g.apply("str", args...)
	case 2:
		return g.apply(g.oneOf("string-upper", "string-lower", "string-trim"), s())
	case 3:
		x := s()
		return g.apply("substring", x, "0", g.apply("min", fmt.Sprint(g.r.IntN(4)), g.apply("count", x)))
	case 4:
		return g.apply(g.oneOf("join", "string-join"), g.oneOf(`", "`, `"-"`, `""`), g.expr(vecOf(g.scalarType()), d))
	case 5:
		return g.apply("type-name", g.expr(anyT, d))
	case 6:
		if e, ok := g.varOf(errT); ok {
			switch g.r.IntN(3) {
			case 0:
				return g.apply("getMessage", e)
			case 1:
				return fmt.Sprintf("(:message %s)", e)
			}
			return g.apply("str", e)
		}
		return g.apply("str", g.expr(anyT, d))
	case 7:
		if g.builtin("str") {
			return g.apply("reduce", "str", s(), g.expr(vecOf(g.scalarType()), d))
		}
	case 8:
		return g.apply("serialize-json", g.expr(g.dataType(2), d))
	case 9:
		return fmt.Sprintf("(or %s %s)", g.apply("re-find", g.oneOf(`"[a-z]+"`, `"\\d+"`, `"x"`), s()), s())
	case 10:
		return g.apply("str", s(), g.expr(intT, d))
	case 11:
		return g.apply("str", g.oneOf("@user", "@plan-id", `(context/get "k")`, `(getMessage (Exception. "made"))`))
	}
	return g.apply("str", s(), s())
}

func (g *generator) boolExpr(d int) string {
	b := func() string { return g.expr(boolT, d) }
	switch g.r.IntN(13) {
	case 0, 1:
		op := g.oneOf("<", ">", "<=", ">=")
		if g.chance(0.2) {
			return g.apply(op, g.expr(strT, d), g.expr(strT, d))
		}
		return g.apply(op, g.expr(numT, d), g.expr(numT, d))
	case 2:
		t := g.randType(1)
		return g.apply(g.oneOf("=", "not=", "!="), g.expr(t, d), g.expr(t, d))
	case 3:
		return g.apply("not", g.expr(anyT, d))
	case 4:
		return fmt.Sprintf("(%s %s %s)", g.oneOf("and", "or"), b(), b())
	case 5:
		return g.apply("empty?", g.expr(vecOf(g.randType(1)), d))
	case 6:
		rec := g.recordType(1)
		key := g.kwLit()
		if len(rec.fields) > 0 && g.chance(0.6) {
			key = rec.fields[g.r.IntN(len(rec.fields))].key
		}
		return g.apply("contains?", g.expr(rec, d), key)
	case 7:
		return g.apply(g.oneOf("even?", "odd?", "zero?", "pos?", "neg?"), g.expr(intT, d))
	case 8:
		return g.apply(g.oneOf("int?", "float?", "string?", "vector?", "map?", "nil?", "keyword?", "fn?", "number?", "bool?"), g.expr(anyT, d))
	case 9:
		elem := g.scalarType()
		return g.apply(g.oneOf("every?", "some?"), g.fnExpr(fnOf(false, boolT, elem), d), g.expr(vecOf(elem), d))
	case 10:
		return g.apply(g.oneOf("starts-with?", "string-contains"), g.expr(strT, d), g.expr(strT, d))
	case 11:
		return g.apply("contains?", g.expr(vecOf(intT), d), g.expr(intT, d))
	}
	return g.apply("=", g.expr(intT, d), g.expr(intT, d))
}

func (g *generator) vecExpr(elem *typ, d int) string {
	v := func() string { return g.expr(vecOf(elem), d) }
	e := func() string { return g.expr(elem, d) }
	switch g.r.IntN(18) {
	case 0:
		var elems []string
		for range g.r.IntN(5) {
			elems = append(elems, e())
		}
		if g.chance(0.3) {
			return g.apply("vector", elems...)
		}
		return "[" + strings.Join(elems, " ") + "]"
	case 1:
		return g.apply("conj", v(), e())
	case 2:
		return g.apply("cons", e(), v())
	case 3:
		return g.apply("concat", v(), v())
	case 4:
		from := g.randType(1)
		return g.apply("map", g.fnExpr(fnOf(false, elem, from), d), g.expr(vecOf(from), d))
	case 5:
		return g.apply(g.oneOf("filter", "remove"), g.fnExpr(fnOf(false, boolT, elem), d), v())
	case 6:
		if assignable(intT, elem) {
			switch g.r.IntN(3) {
			case 0:
				return g.apply("range", g.small(d))
			case 1:
				from := g.expr(intT, d)
				return g.apply("range", from, fmt.Sprintf("(+ %s %s)", from, g.small(d)))
			}
			return g.apply("range", g.small(d), fmt.Sprint(6+g.r.IntN(6)), fmt.Sprint(1+g.r.IntN(3)))
		}
	case 7:
		if elem.kind == kInt || elem.kind == kStr {
			return g.apply("sort", v())
		}
		return g.apply("sort-by", g.fnExpr(fnOf(false, g.oneType(intT, strT), elem), d), v())
	case 8:
		return g.apply(g.oneOf("reverse", "distinct", "rest"), v())
	case 9:
		return g.apply(g.oneOf("take", "drop"), g.small(d), v())
	case 10:
		return g.forExpr(elem, d)
	case 11:
		i, x := g.fresh("i"), g.fresh("x")
		from := g.randType(1)
		body := g.scoped(func() string {
			g.bind(i, intT)
			g.bind(x, from)
			return g.expr(elem, d)
		})
		return g.apply("map-indexed", fmt.Sprintf("(fn [%s %s] %s)", i, x, body), g.expr(vecOf(from), d))
	case 12:
		x := v()
		return g.apply("subvec", x, "0", g.apply("min", g.small(d), g.apply("count", x)))
	case 13:
		// conj makes the vector non-empty, so index 0 exists.
		return g.apply("assoc", g.apply("conj", v(), e()), "0", e())
	case 14:
		if elem.kind == kVec {
			return g.apply("partition", fmt.Sprint(1+g.r.IntN(3)), g.expr(vecOf(elem.elem), d))
		}
	case 15:
		if elem.kind == kAny {
			return g.apply(g.oneOf("keys", "vals"), g.expr(g.recordType(1), d))
		}
	case 16:
		saved := g.parallel
		g.parallel = true
		var elems []string
		for range 1 + g.r.IntN(3) {
			elems = append(elems, e())
		}
		g.parallel = saved
		return fmt.Sprintf("(step-parallel %s)", strings.Join(elems, " "))
	case 17:
		// A list: not a vector to destructuring and match, a sequence to
		// everything else.
		return g.apply("list", e(), e())
	}
	return g.apply("conj", v(), e())
}

// forExpr is a for over one or two vectors.
func (g *generator) forExpr(elem *typ, d int) string {
	return g.scoped(func() string {
		var bindings []string
		for range 1 + g.r.IntN(2) {
			t := g.randType(1)
			coll := g.expr(vecOf(t), d)
			name := g.localName("x")
			g.bind(name, t)
			bindings = append(bindings, name, coll)
		}
		return fmt.Sprintf("(for [%s] %s)", strings.Join(bindings, " "), g.expr(elem, d))
	})
}

func (g *generator) mapExpr(rec *typ, d int) string {
	switch g.r.IntN(6) {
	case 0:
		if len(rec.fields) > 0 {
			f := rec.fields[g.r.IntN(len(rec.fields))]
			return g.apply("assoc", g.expr(rec.without(f.key), d), f.key, g.expr(f.t, d))
		}
	case 1:
		key := g.recordKey()
		if rec.fieldOf(key) == nil {
			return g.apply("dissoc", g.expr(rec.with(key, g.scalarType()), d), key)
		}
	case 2:
		left, right := &typ{kind: kMap}, &typ{kind: kMap}
		for _, f := range rec.fields {
			if g.chance(0.5) {
				left.fields = append(left.fields, f)
			} else {
				right.fields = append(right.fields, f)
			}
		}
		return g.apply("merge", g.expr(left, d), g.expr(right, d))
	case 3:
		var args []string
		for _, f := range rec.fields {
			args = append(args, f.key, g.expr(f.t, d))
		}
		return g.apply("hash-map", args...)
	case 4:
		if len(rec.fields) > 0 {
			f := rec.fields[g.r.IntN(len(rec.fields))]
			return g.apply("update", g.expr(rec, d), f.key, g.fnExpr(fnOf(false, f.t, f.t), d))
		}
	}
	var b strings.Builder
	b.WriteString("{")
	for i, f := range rec.fields {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(f.key + " " + g.expr(f.t, d))
	}
	b.WriteString("}")
	return b.String()
}

// fnExpr returns a function of type t: a closure, a builtin, a keyword,
// a variable.
func (g *generator) fnExpr(t *typ, d int) string {
	if g.chance(0.3) {
		if v, ok := g.varOf(t); ok {
			return v
		}
	}
	if g.chance(0.15) {
		return fmt.Sprintf("(if %s %s %s)", g.expr(boolT, d), g.fnValue(t, d), g.fnValue(t, d))
	}
	return g.fnValue(t, d)
}

// builtinFns are builtins usable as function values, with the types the
// generator relies on.
var builtinFns = []struct {
	name string
	t    *typ
}{
	{"inc", fnOf(true, intT, intT)}, {"dec", fnOf(true, intT, intT)}, {"abs", fnOf(true, intT, intT)},
	{"-", fnOf(true, intT, intT)}, {"str", fnOf(true, strT, anyT)}, {"type-name", fnOf(true, strT, anyT)},
	{"string-upper", fnOf(true, strT, strT)}, {"string-trim", fnOf(true, strT, strT)},
	{"count", fnOf(true, intT, vecOf(anyT))}, {"count", fnOf(true, intT, strT)},
	{"even?", fnOf(true, boolT, intT)}, {"odd?", fnOf(true, boolT, intT)}, {"zero?", fnOf(true, boolT, numT)},
	{"pos?", fnOf(true, boolT, numT)}, {"nil?", fnOf(true, boolT, anyT)}, {"string?", fnOf(true, boolT, anyT)},
	{"int?", fnOf(true, boolT, anyT)}, {"not", fnOf(true, boolT, anyT)},
	{"+", fnOf(true, intT, intT, intT)}, {"*", fnOf(true, intT, intT, intT)}, {"max", fnOf(true, intT, intT, intT)},
	{"-", fnOf(true, intT, intT, intT)}, {"str", fnOf(true, strT, anyT, anyT)}, {"=", fnOf(true, boolT, anyT, anyT)},
	{"<", fnOf(true, boolT, numT, numT)}, {"vector", fnOf(true, vecOf(anyT), anyT)},
	{"vector", fnOf(true, vecOf(anyT), anyT, anyT)}, {"float", fnOf(true, floatT, numT)},
	{"+", fnOf(true, numT, numT, numT)}, {"conj", fnOf(true, vecOf(anyT), vecOf(anyT), anyT)},
}

// fnValue returns a function of type t that is not a variable.
func (g *generator) fnValue(t *typ, d int) string {
	if g.chance(0.3) {
		var fits []string
		for _, b := range builtinFns {
			if assignable(b.t, t) && g.builtin(b.name) {
				fits = append(fits, b.name)
			}
		}
		if len(t.params) == 1 && t.params[0].kind == kMap {
			for _, f := range t.params[0].fields {
				if isKeywordKey(f.key) && assignable(f.t, t.ret) {
					fits = append(fits, f.key)
				}
			}
		}
		if len(fits) > 0 {
			return fits[g.r.IntN(len(fits))]
		}
	}
	return g.closure(t, d)
}

// closure returns (fn [params] body) of type t, or its #( ) shorthand when
// the body allows it.
func (g *generator) closure(t *typ, d int) string {
	saved := g.pure
	g.pure = g.pure || t.pure
	defer func() { g.pure = saved }()
	if len(t.params) <= 2 && g.chance(0.2) {
		if s, ok := g.shorthand(t, d); ok {
			return s
		}
	}
	return g.scoped(func() string {
		var params []string
		for _, p := range t.params {
			params = append(params, g.param(p))
		}
		ret := ""
		if g.chance(0.15) {
			ret = " " + t.ret.annotation()
		}
		return fmt.Sprintf("(%s [%s]%s %s)", g.oneOf("fn", "fn", "fn", "λ"), strings.Join(params, " "), ret, g.body(t.ret, d))
	})
}

// shorthand returns #(body) of type t if the body generated uses every
// parameter and is a call, as the reader requires.
func (g *generator) shorthand(t *typ, d int) (string, bool) {
	names := []string{"%"}
	if len(t.params) == 2 {
		names = []string{"%1", "%2"}
	}
	if len(t.params) == 0 {
		names = nil
	}
	body := g.scoped(func() string {
		for i, n := range names {
			g.bind(n, t.params[i])
		}
		return g.expr(t.ret, d)
	})
	if !strings.HasPrefix(body, "(") || strings.Contains(body, "#(") {
		return "", false
	}
	for _, n := range names {
		if !strings.Contains(body, n) {
			return "", false
		}
	}
	return "#" + body, true
}
