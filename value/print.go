package value

import (
	"math"
	"strconv"
	"strings"
)

// String renders v in its printed form (§2).
func (v Value) String() string {
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}

// Str renders v the way `str` and `println` do: strings contribute their raw
// text, everything else its printed form.
func Str(v Value) string {
	if v.Kind() == KString {
		return v.AsString()
	}
	return v.String()
}

// StrLine is the line println and ccos.io.log write: the Str text of each
// value, separated by single spaces, and a newline.
func StrLine(vs []Value) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(' ')
		}
		AppendStr(&b, v)
	}
	b.WriteByte('\n')
	return b.String()
}

// AppendStr appends Str(v) to b.
func AppendStr(b *strings.Builder, v Value) {
	if v.Kind() == KString {
		b.WriteString(v.AsString())
		return
	}
	writeValue(b, v)
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

// writeValue prints v. Collections are walked with an explicit stack rather
// than Go recursion, so a value nested millions deep prints instead of
// overflowing the goroutine stack.
func writeValue(b *strings.Builder, v Value) {
	var stack []printFrame
	for {
		switch v.Kind() {
		case KVector, KList:
			open, close := byte('['), byte(']')
			if v.Kind() == KList {
				open, close = '(', ')'
			}
			b.WriteByte(open)
			stack = append(stack, printFrame{items: v.AsVector(), close: close})
		case KMap:
			b.WriteByte('{')
			stack = append(stack, printFrame{entries: v.AsMap().AppendEntries(nil), isMap: true, close: '}'})
		default:
			writeScalar(b, v)
		}
		var ok bool
		if v, ok = nextToPrint(b, &stack); !ok {
			return
		}
	}
}

// printFrame is a collection being printed: its elements (or entries, each
// printed as key then value) and how many have been printed.
type printFrame struct {
	items   *Vector
	entries []MapEntry
	isMap   bool
	next    int
	close   byte
}

// nextToPrint closes the collections that are done and returns the next
// element to print, after its separating space; false when all is printed.
func nextToPrint(b *strings.Builder, stack *[]printFrame) (Value, bool) {
	for len(*stack) > 0 {
		top := &(*stack)[len(*stack)-1]
		var n int
		if top.isMap {
			n = 2 * len(top.entries)
		} else {
			n = top.items.Len()
		}
		if top.next == n {
			b.WriteByte(top.close)
			*stack = (*stack)[:len(*stack)-1]
			continue
		}
		if top.next > 0 {
			b.WriteByte(' ')
		}
		i := top.next
		top.next++
		if !top.isMap {
			return top.items.Nth(i), true
		}
		if e := top.entries[i/2]; i%2 == 0 {
			return e.Key, true
		} else {
			return e.Val, true
		}
	}
	return Nil, false
}

func writeScalar(b *strings.Builder, v Value) {
	switch v.Kind() {
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
		writeQuoted(b, v.AsString())
	case KKeyword:
		b.WriteByte(':')
		b.WriteString(v.AsKeyword().Name)
	case KSymbol:
		b.WriteString(v.AsString())
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
// closures are equal only to themselves and builtins by name. Nested
// collections are compared with an explicit stack, not Go recursion.
func Equal(a, b Value) bool {
	pending := []MapEntry{{a, b}} // pairs still to compare
	for len(pending) > 0 {
		x, y := pending[len(pending)-1].Key, pending[len(pending)-1].Val
		pending = pending[:len(pending)-1]
		switch {
		case x.IsSeq() && y.IsSeq():
			xs, ys := x.AsVector(), y.AsVector()
			if xs.Len() != ys.Len() {
				return false
			}
			for i, xi := range xs.All() {
				pending = append(pending, MapEntry{xi, ys.Nth(i)})
			}
		case x.Kind() == KMap && y.Kind() == KMap:
			xm, ym := x.AsMap().AppendEntries(nil), y.AsMap().AppendEntries(nil)
			if len(xm) != len(ym) {
				return false
			}
			for i := range xm {
				if compareKeys(xm[i].Key, ym[i].Key) != 0 {
					return false
				}
				pending = append(pending, MapEntry{xm[i].Val, ym[i].Val})
			}
		case !equalScalar(x, y):
			return false
		}
	}
	return true
}

// equalScalar compares two values of which at most one is a collection.
func equalScalar(a, b Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case KNil:
		return true
	case KBool, KInt:
		return a.bits == b.bits
	case KFloat:
		return a.AsFloat() == b.AsFloat()
	case KString, KSymbol:
		return a.AsString() == b.AsString()
	case KKeyword, KError:
		return a.ptr == b.ptr
	case KFunc:
		fa, fb := a.AsFunction(), b.AsFunction()
		if na, ok := fa.(*Builtin); ok {
			nb, ok := fb.(*Builtin)
			return ok && na.Name == nb.Name
		}
		return fa == fb
	}
	return false
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
// natural order, collections element by element (maps entry by entry, key
// then value). Nested collections are walked with an explicit stack, not
// Go recursion.
func Compare(a, b Value) int {
	var stack []compareFrame
	for {
		if c, frame, nested := compareHead(a, b); nested {
			stack = append(stack, frame)
		} else if c != 0 {
			return c
		}
		var c int
		var more bool
		if a, b, c, more = nextToCompare(&stack); !more {
			return c
		}
	}
}

// compareFrame is a pair of collections of one kind being compared: their
// elements or entries, and how many pairs have compared equal so far.
type compareFrame struct {
	x, y   *Vector
	xm, ym []MapEntry
	isMap  bool
	next   int
}

// compareHead orders a and b by kind and, for scalars, by value; two
// collections of the same kind are returned as a frame to walk.
func compareHead(a, b Value) (int, compareFrame, bool) {
	ra, rb := kindRank(a.Kind()), kindRank(b.Kind())
	if ra != rb {
		return ra - rb, compareFrame{}, false
	}
	switch a.Kind() {
	case KBool:
		return int(a.bits) - int(b.bits), compareFrame{}, false
	case KInt, KFloat:
		if a.Kind() == KInt && b.Kind() == KInt {
			return cmpOrdered(a.AsInt(), b.AsInt()), compareFrame{}, false
		}
		x, y := a.Num(), b.Num()
		if math.IsNaN(x) || math.IsNaN(y) {
			return cmpOrdered(boolInt(!math.IsNaN(x)), boolInt(!math.IsNaN(y))), compareFrame{}, false
		}
		return cmpOrdered(x, y), compareFrame{}, false
	case KString, KSymbol:
		return strings.Compare(a.AsString(), b.AsString()), compareFrame{}, false
	case KKeyword:
		return strings.Compare(a.AsKeyword().Name, b.AsKeyword().Name), compareFrame{}, false
	case KVector, KList:
		return 0, compareFrame{x: a.AsVector(), y: b.AsVector()}, true
	case KMap:
		return 0, compareFrame{xm: a.AsMap().AppendEntries(nil), ym: b.AsMap().AppendEntries(nil), isMap: true}, true
	}
	return 0, compareFrame{}, false
}

// nextToCompare returns the next pair of values to compare, or, when no
// pair is left, the order the walk ended with (more false). A collection
// whose elements all compared equal orders by its length.
func nextToCompare(stack *[]compareFrame) (a, b Value, c int, more bool) {
	for len(*stack) > 0 {
		top := &(*stack)[len(*stack)-1]
		i := top.next
		top.next++
		if !top.isMap {
			if i < top.x.Len() && i < top.y.Len() {
				return top.x.Nth(i), top.y.Nth(i), 0, true
			}
			if d := top.x.Len() - top.y.Len(); d != 0 {
				return Nil, Nil, d, false
			}
		} else {
			if i < len(top.xm) && i < len(top.ym) {
				if d := compareKeys(top.xm[i].Key, top.ym[i].Key); d != 0 {
					return Nil, Nil, d, false
				}
				return top.xm[i].Val, top.ym[i].Val, 0, true
			}
			if d := len(top.xm) - len(top.ym); d != 0 {
				return Nil, Nil, d, false
			}
		}
		*stack = (*stack)[:len(*stack)-1]
	}
	return Nil, Nil, 0, false
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
