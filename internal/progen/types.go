package progen

import "strings"

// kind is the shape of a static type of the generator. The types are the
// generator's knowledge, not RTFS's: they let it build calls whose
// arguments have the types the callee expects, so that a program fails only
// where an error was put on purpose.
type kind uint8

const (
	kInt kind = iota
	kFloat
	kNum // an integer or a float, as (/ a b) returns
	kStr
	kBool
	kKw
	kNil
	kVec
	kMap
	kFn
	kErr // a caught error value
	kAny
)

// typ is a static type. Vectors know their element type; maps are records
// whose entries are known; functions know their signature.
type typ struct {
	kind   kind
	elem   *typ    // kVec
	fields []field // kMap
	params []*typ  // kFn
	ret    *typ    // kFn
	// pure marks a function type whose values never reach a top-level
	// function that takes fuel: only those may be passed into one, or
	// fuel would stop bounding the recursion (see generator.fuel).
	pure bool
}

// field is a map entry of a record type; key is the source text of its
// literal key (:k, "s" or 3).
type field struct {
	key string
	t   *typ
}

var (
	intT   = &typ{kind: kInt}
	floatT = &typ{kind: kFloat}
	numT   = &typ{kind: kNum}
	strT   = &typ{kind: kStr}
	boolT  = &typ{kind: kBool}
	kwT    = &typ{kind: kKw}
	nilT   = &typ{kind: kNil}
	errT   = &typ{kind: kErr}
	anyT   = &typ{kind: kAny}
)

func vecOf(elem *typ) *typ { return &typ{kind: kVec, elem: elem} }

func fnOf(pure bool, ret *typ, params ...*typ) *typ {
	return &typ{kind: kFn, params: params, ret: ret, pure: pure}
}

// isKeywordKey reports whether a record key is a keyword, the only keys
// :keys destructuring, keyword calls and map type annotations can name.
func isKeywordKey(key string) bool { return strings.HasPrefix(key, ":") }

// isIntKey reports whether a record key is an integer, which get-in cannot
// follow.
func isIntKey(key string) bool { return key[0] >= '0' && key[0] <= '9' }

// fieldOf returns the type of the entry key, or nil.
func (t *typ) fieldOf(key string) *typ {
	for _, f := range t.fields {
		if f.key == key {
			return f.t
		}
	}
	return nil
}

// without returns the record type t minus the entry key.
func (t *typ) without(key string) *typ {
	r := &typ{kind: kMap}
	for _, f := range t.fields {
		if f.key != key {
			r.fields = append(r.fields, f)
		}
	}
	return r
}

// with returns the record type t with the entry key set to ft.
func (t *typ) with(key string, ft *typ) *typ {
	r := t.without(key)
	r.fields = append(r.fields, field{key, ft})
	return r
}

// assignable reports whether every value of type from is a value of type to.
func assignable(from, to *typ) bool {
	switch to.kind {
	case kAny:
		return true
	case kNum:
		return from.kind == kInt || from.kind == kFloat || from.kind == kNum
	case kVec:
		return from.kind == kVec && assignable(from.elem, to.elem)
	case kMap:
		if from.kind != kMap {
			return false
		}
		for _, f := range to.fields {
			ft := from.fieldOf(f.key)
			if ft == nil || !assignable(ft, f.t) {
				return false
			}
		}
		return true
	case kFn:
		if from.kind != kFn || len(from.params) != len(to.params) || (to.pure && !from.pure) {
			return false
		}
		for i, p := range to.params {
			if !assignable(p, from.params[i]) {
				return false
			}
		}
		return assignable(from.ret, to.ret)
	}
	return from.kind == to.kind
}

// impure reports whether values of t may hold functions that are not pure,
// directly or inside collections.
func (t *typ) impure() bool {
	switch t.kind {
	case kFn:
		return !t.pure
	case kVec:
		return t.elem.impure()
	case kMap:
		for _, f := range t.fields {
			if f.t.impure() {
				return true
			}
		}
	}
	return false
}

// annotation is an RTFS type annotation every value of t satisfies, as
// written after a parameter or binding (":int", ":[:vector :int]").
func (t *typ) annotation() string {
	if e := t.typeExpr(); strings.HasPrefix(e, "[") {
		return ":" + e
	}
	return t.typeExpr()
}

// typeExpr is the type expression for t, as written inside a complex type
// (":int", "[:vector :int]").
func (t *typ) typeExpr() string {
	switch t.kind {
	case kInt:
		return ":int"
	case kFloat, kNum:
		return ":float" // :float accepts integers too
	case kStr:
		return ":string"
	case kBool:
		return ":bool"
	case kKw:
		return ":keyword"
	case kNil:
		return ":nil"
	case kFn:
		return ":fn"
	case kVec:
		return "[:vector " + t.elem.typeExpr() + "]"
	case kMap:
		var entries []string
		for _, f := range t.fields {
			if isKeywordKey(f.key) {
				entries = append(entries, "["+f.key+" "+f.t.typeExpr()+"]")
			}
		}
		if len(entries) == 0 {
			return ":any"
		}
		return "[:map " + strings.Join(entries, " ") + "]"
	}
	return ":any"
}

// scalarType is a random type of atoms.
func (g *generator) scalarType() *typ {
	return []*typ{intT, intT, floatT, numT, strT, strT, boolT, kwT}[g.r.IntN(8)]
}

// oneType returns one of ts.
func (g *generator) oneType(ts ...*typ) *typ { return ts[g.r.IntN(len(ts))] }

// randType is a random type of values, nested at most depth deep.
func (g *generator) randType(depth int) *typ {
	if depth <= 0 {
		return g.scalarType()
	}
	switch g.r.IntN(10) {
	case 0, 1:
		return vecOf(g.randType(depth - 1))
	case 2:
		return g.recordType(depth - 1)
	case 3:
		return anyT
	case 4:
		if g.chance(0.4) {
			return g.fnType(false)
		}
	}
	return g.scalarType()
}

// dataType is randType without functions, for JSON.
func (g *generator) dataType(depth int) *typ {
	if depth > 0 && g.chance(0.4) {
		if g.chance(0.5) {
			return vecOf(g.dataType(depth - 1))
		}
		rec := &typ{kind: kMap}
		for range 1 + g.r.IntN(3) {
			rec = rec.with(g.recordKey(), g.dataType(depth-1))
		}
		return rec
	}
	return g.scalarType()
}

// recordType is a random record of up to three entries.
func (g *generator) recordType(depth int) *typ {
	rec := &typ{kind: kMap}
	for range g.r.IntN(4) {
		rec = rec.with(g.recordKey(), g.randType(depth))
	}
	return rec
}

// recordKey is the literal key of a record entry: mostly keywords, which
// destructuring and keyword calls can reach, sometimes strings or integers.
func (g *generator) recordKey() string {
	return g.oneOf(":a", ":b", ":c", ":id", ":name", ":tags", ":x/y", `"s"`, `"key"`, "1", "42")
}

// fnType is a random function signature of one or two parameters.
func (g *generator) fnType(pure bool) *typ {
	t := fnOf(pure, g.randType(1), g.scalarType())
	if g.chance(0.3) {
		t.params = append(t.params, g.scalarType())
	}
	return t
}

// paramType is the type of a parameter of a top-level recursive function:
// functions passed in must be pure.
func (g *generator) paramType() *typ {
	if g.chance(0.15) {
		return g.fnType(true)
	}
	t := g.randType(2)
	for t.impure() {
		t = g.randType(2)
	}
	return t
}
