package value

import (
	"math"
	"strconv"
	"strings"
)

// String renders v in its printed form (§2).
func (v Value) String() string {
	var b strings.Builder
	writeValue(&b, v, true)
	return b.String()
}

// Str renders v the way `str` and `println` do: strings contribute their raw
// text, everything else its printed form.
func Str(v Value) string {
	if v.kind == KString {
		return v.ref.(string)
	}
	return v.String()
}

// AppendStr appends Str(v) to b.
func AppendStr(b *strings.Builder, v Value) {
	if v.kind == KString {
		b.WriteString(v.ref.(string))
		return
	}
	writeValue(b, v, true)
}

// FormatFloat prints a float as the shortest round-trip decimal without an
// exponent, always with a fractional part; specials as ##Inf, ##-Inf, ##NaN.
func FormatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "##NaN"
	case math.IsInf(f, 1):
		return "##Inf"
	case math.IsInf(f, -1):
		return "##-Inf"
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsRune(s, '.') {
		s += ".0"
	}
	return s
}

// QuoteString renders s between quotes with the escapes of §1.
func QuoteString(s string) string {
	var b strings.Builder
	writeQuoted(&b, s)
	return b.String()
}

func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

func writeValue(b *strings.Builder, v Value, top bool) {
	switch v.kind {
	case KNil:
		b.WriteString("nil")
	case KBool:
		if v.AsBool() {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case KInt:
		b.WriteString(strconv.FormatInt(v.AsInt(), 10))
	case KFloat:
		b.WriteString(FormatFloat(v.AsFloat()))
	case KString:
		writeQuoted(b, v.ref.(string))
	case KKeyword:
		b.WriteByte(':')
		b.WriteString(v.AsKeyword().Name)
	case KSymbol:
		b.WriteString(v.ref.(string))
	case KVector, KList:
		open, close := byte('['), byte(']')
		if v.kind == KList {
			open, close = '(', ')'
		}
		b.WriteByte(open)
		for i, x := range v.Items() {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeValue(b, x, false)
		}
		b.WriteByte(close)
	case KMap:
		b.WriteByte('{')
		for i, e := range v.AsMap().entries {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeValue(b, e.Key, false)
			b.WriteByte(' ')
			writeValue(b, e.Val, false)
		}
		b.WriteByte('}')
	case KFunc:
		b.WriteString("#<function>")
	case KError:
		b.WriteString("#<error: ")
		b.WriteString(v.AsError().Message)
		b.WriteByte('>')
	}
}

// Equal is RTFS structural, type-strict equality (§3.2): 1 and 1.0 differ,
// a list equals a vector with equal elements, NaN is not equal to itself,
// closures are equal only to themselves and builtins by name.
func Equal(a, b Value) bool {
	if a.kind != b.kind {
		if a.IsSeq() && b.IsSeq() {
			return seqEqual(a.Items(), b.Items())
		}
		return false
	}
	switch a.kind {
	case KNil:
		return true
	case KBool, KInt:
		return a.bits == b.bits
	case KFloat:
		return a.AsFloat() == b.AsFloat()
	case KString, KSymbol:
		return a.ref.(string) == b.ref.(string)
	case KKeyword:
		return a.ref == b.ref
	case KVector, KList:
		return seqEqual(a.Items(), b.Items())
	case KMap:
		x, y := a.AsMap().entries, b.AsMap().entries
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if compareKeys(x[i].Key, y[i].Key) != 0 || !Equal(x[i].Val, y[i].Val) {
				return false
			}
		}
		return true
	case KFunc:
		if na, ok := a.ref.(*Builtin); ok {
			nb, ok := b.ref.(*Builtin)
			return ok && na.Name == nb.Name
		}
		return a.ref == b.ref
	case KError:
		return a.ref == b.ref
	}
	return false
}

func seqEqual(x, y []Value) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if !Equal(x[i], y[i]) {
			return false
		}
	}
	return true
}

// kindRank places integers and floats together for the total order.
func kindRank(k Kind) int {
	switch k {
	case KNil:
		return 0
	case KBool:
		return 1
	case KInt, KFloat:
		return 2
	case KString:
		return 3
	case KKeyword:
		return 4
	case KSymbol:
		return 5
	case KVector:
		return 6
	case KList:
		return 7
	case KMap:
		return 8
	case KFunc:
		return 9
	}
	return 10
}

// Compare is the total order used by `sort` (§5): nil < bool < numbers <
// strings < keywords < symbols < vectors < lists < maps; within a kind the
// natural order, collections element by element.
func Compare(a, b Value) int {
	ra, rb := kindRank(a.kind), kindRank(b.kind)
	if ra != rb {
		return ra - rb
	}
	switch a.kind {
	case KBool:
		return int(a.bits) - int(b.bits)
	case KInt, KFloat:
		if a.kind == KInt && b.kind == KInt {
			return cmpOrdered(a.AsInt(), b.AsInt())
		}
		x, y := a.Num(), b.Num()
		if math.IsNaN(x) || math.IsNaN(y) {
			return cmpOrdered(boolInt(!math.IsNaN(x)), boolInt(!math.IsNaN(y)))
		}
		return cmpOrdered(x, y)
	case KString, KSymbol:
		return strings.Compare(a.ref.(string), b.ref.(string))
	case KKeyword:
		return strings.Compare(a.AsKeyword().Name, b.AsKeyword().Name)
	case KVector, KList:
		x, y := a.Items(), b.Items()
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := Compare(x[i], y[i]); c != 0 {
				return c
			}
		}
		return len(x) - len(y)
	case KMap:
		x, y := a.AsMap().entries, b.AsMap().entries
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := compareKeys(x[i].Key, y[i].Key); c != 0 {
				return c
			}
			if c := Compare(x[i].Val, y[i].Val); c != 0 {
				return c
			}
		}
		return len(x) - len(y)
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cmpOrdered[T int | int64 | float64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
