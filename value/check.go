package value

import (
	"math"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Check reports whether v conforms to the annotation t (§3.6). A nil type is
// the absence of an annotation and accepts everything. Unknown type names
// accept nothing (⚠ A28). A malformed complex type (a missing element type)
// constrains nothing where the element is missing rather than panicking.
func Check(t *Type, v Value) bool {
	if t == nil {
		return true
	}
	if t.Optional && v.Kind() == KNil {
		return true
	}
	switch t.Name {
	case "any":
		return true
	case "never":
		return false
	case "int":
		return v.Kind() == KInt
	case "float":
		return v.Kind() == KFloat || v.Kind() == KInt
	case "string":
		return v.Kind() == KString
	case "bool":
		return v.Kind() == KBool
	case "nil":
		return v.Kind() == KNil
	case "keyword":
		return v.Kind() == KKeyword
	case "symbol":
		return v.Kind() == KSymbol
	case "fn", "fnsig":
		// A signature is not checked against the function: RTFS functions
		// carry no declared type to compare with.
		return v.Kind() == KFunc
	case "vector":
		if !v.IsSeq() {
			return false
		}
		elem := t.elem(0)
		for _, x := range v.AsVector().All() {
			if !Check(elem, x) {
				return false
			}
		}
		return true
	case "tuple":
		if !v.IsSeq() || v.AsVector().Len() != len(t.Elems) {
			return false
		}
		for i, x := range v.AsVector().All() {
			if !Check(t.Elems[i], x) {
				return false
			}
		}
		return true
	case "map":
		return v.Kind() == KMap && checkFields(t.Fields, v.AsMap())
	case "map-of":
		if v.Kind() != KMap {
			return false
		}
		keyType, valType := t.elem(0), t.elem(1)
		for e := range v.AsMap().Entries() {
			if !Check(keyType, e.Key) || !Check(valType, e.Val) {
				return false
			}
		}
		return true
	case "union":
		for _, alt := range t.Elems {
			if Check(alt, v) {
				return true
			}
		}
		return false
	case "and":
		for _, part := range t.Elems {
			if !Check(part, v) {
				return false
			}
		}
		for _, p := range t.Preds {
			if !p.Holds(v) {
				return false
			}
		}
		return true
	case "enum":
		for _, allowed := range t.Values {
			if Equal(allowed, v) {
				return true
			}
		}
		return false
	case "val":
		return len(t.Values) > 0 && Equal(t.Values[0], v)
	}
	return false
}

// elem returns the i-th element type, or nil (anything) when absent.
func (t *Type) elem(i int) *Type {
	if i < len(t.Elems) {
		return t.Elems[i]
	}
	return nil
}

// checkFields checks a record type. A field named by a keyword is also found
// under the string of the same name (and the other way round), because maps
// parsed from JSON carry string keys where plans write keywords.
func checkFields(fields []TypeField, m *Map) bool {
	for _, f := range fields {
		val, ok := m.Get(f.Key)
		if !ok {
			val, ok = m.Get(alternateKey(f.Key))
		}
		if !ok {
			if f.Optional {
				continue
			}
			return false
		}
		if !Check(f.Type, val) {
			return false
		}
	}
	return true
}

func alternateKey(k Value) Value {
	switch k.Kind() {
	case KKeyword:
		return String(k.AsKeyword().Name)
	case KString:
		return Kw(k.AsString())
	}
	return k
}

// Holds reports whether v satisfies the predicate. Order predicates (> >= <
// <=) and in-range compare numbers only (integers and floats mixed);
// min-length, max-length and length count the Unicode characters of a
// string; min-count, max-count and count the elements of a vector, list or
// map. in-range takes its bounds as a two-element vector Arg. A predicate
// applied to a value it does not speak about, or an unknown predicate,
// fails.
func (p TypePred) Holds(v Value) bool {
	switch p.Op {
	case ">", ">=", "<", "<=":
		c, ok := CompareNumbers(v, p.Arg)
		if !ok {
			return false
		}
		switch p.Op {
		case ">":
			return c > 0
		case ">=":
			return c >= 0
		case "<":
			return c < 0
		}
		return c <= 0
	case "=":
		return Equal(v, p.Arg)
	case "!=", "not=":
		return !Equal(v, p.Arg)
	case "in-range":
		if !p.Arg.IsSeq() || p.Arg.AsVector().Len() != 2 {
			return false
		}
		lo, okLo := CompareNumbers(v, p.Arg.AsVector().Nth(0))
		hi, okHi := CompareNumbers(v, p.Arg.AsVector().Nth(1))
		return okLo && okHi && lo >= 0 && hi <= 0
	case "min-length", "max-length", "length":
		if v.Kind() != KString || p.Arg.Kind() != KInt {
			return false
		}
		return compareSize(p.Op, int64(utf8.RuneCountInString(v.AsString())), p.Arg.AsInt())
	case "min-count", "max-count", "count":
		n, ok := collectionSize(v)
		if !ok || p.Arg.Kind() != KInt {
			return false
		}
		return compareSize(p.Op, int64(n), p.Arg.AsInt())
	case "non-empty":
		if v.Kind() == KString {
			return v.AsString() != ""
		}
		n, ok := collectionSize(v)
		return ok && n > 0
	case "matches-regex":
		if v.Kind() != KString || p.Arg.Kind() != KString {
			return false
		}
		re, err := regexp.Compile(p.Arg.AsString())
		return err == nil && re.MatchString(v.AsString())
	case "has-key":
		if v.Kind() != KMap {
			return false
		}
		_, ok := v.AsMap().Get(p.Arg)
		return ok
	case "is-url":
		s := v.AsString()
		return v.Kind() == KString && (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"))
	case "is-email":
		return v.Kind() == KString && emailPattern.MatchString(v.AsString())
	}
	return false
}

var emailPattern = regexp.MustCompile(`^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$`)

// CompareNumbers orders two numbers (integers exactly, mixed pairs as
// floats); ok is false when either is not a number or the pair is
// unordered (NaN).
func CompareNumbers(a, b Value) (c int, ok bool) {
	if !a.IsNumber() || !b.IsNumber() {
		return 0, false
	}
	if a.Kind() == KInt && b.Kind() == KInt {
		return cmpOrdered(a.AsInt(), b.AsInt()), true
	}
	x, y := a.Num(), b.Num()
	if math.IsNaN(x) || math.IsNaN(y) {
		return 0, false
	}
	return cmpOrdered(x, y), true
}

func collectionSize(v Value) (int, bool) {
	switch v.Kind() {
	case KVector, KList:
		return v.AsVector().Len(), true
	case KMap:
		return v.AsMap().Len(), true
	}
	return 0, false
}

// compareSize applies a min-/max-/exact size predicate.
func compareSize(op string, size, bound int64) bool {
	switch {
	case strings.HasPrefix(op, "min-"):
		return size >= bound
	case strings.HasPrefix(op, "max-"):
		return size <= bound
	}
	return size == bound
}

// String renders t in annotation syntax, e.g. `:int`, `:string?`,
// `[:vector :int]`, `[:map [:name :string] [:age :int ?]]`.
func (t *Type) String() string {
	var b strings.Builder
	t.write(&b)
	return b.String()
}

func (t *Type) write(b *strings.Builder) {
	if t == nil {
		b.WriteString(":any")
		return
	}
	switch t.Name {
	case "fnsig":
		// A signature constrains nothing beyond being a function (see
		// Check), and the front end keeps none of it.
		b.WriteString(":fn")
		return
	case "vector", "tuple", "map-of", "union", "and", "enum", "val", "map":
	default:
		b.WriteByte(':')
		b.WriteString(t.Name)
		if t.Optional {
			b.WriteByte('?')
		}
		return
	}
	// Only simple names have the `?` suffix; an optional complex type is
	// spelled as the union it means.
	if t.Optional {
		b.WriteString("[:union ")
		plain := *t
		plain.Optional = false
		plain.write(b)
		b.WriteString(" :nil]")
		return
	}
	b.WriteString("[:")
	switch t.Name {
	case "map":
		b.WriteString("map")
		for _, f := range t.Fields {
			b.WriteString(" [")
			writeValue(b, f.Key)
			b.WriteByte(' ')
			f.Type.write(b)
			if f.Optional {
				b.WriteString(" ?")
			}
			b.WriteByte(']')
		}
	case "enum", "val":
		b.WriteString(t.Name)
		for _, v := range t.Values {
			b.WriteByte(' ')
			writeValue(b, v)
		}
	default:
		b.WriteString(t.Name)
		if len(t.Elems) > 0 {
			b.WriteByte(' ')
			writeTypes(b, t.Elems)
		}
		for _, p := range t.Preds {
			b.WriteString(" [:")
			b.WriteString(p.Op)
			p.writeArg(b)
			b.WriteByte(']')
		}
	}
	b.WriteByte(']')
}

func writeTypes(b *strings.Builder, types []*Type) {
	for i, t := range types {
		if i > 0 {
			b.WriteByte(' ')
		}
		t.write(b)
	}
}

// writeArg writes the predicate's argument; in-range spreads its bounds and
// argument-less predicates (non-empty, is-url, is-email) write nothing.
func (p TypePred) writeArg(b *strings.Builder) {
	switch {
	case p.Op == "in-range" && p.Arg.IsSeq():
		for _, bound := range p.Arg.AsVector().All() {
			b.WriteByte(' ')
			writeValue(b, bound)
		}
	case p.Op == "non-empty" || p.Op == "is-url" || p.Op == "is-email":
	default:
		b.WriteByte(' ')
		writeValue(b, p.Arg)
	}
}
