// Package value is the one value model shared by the interpreter and the VM.
//
// A Value is 16 bytes passed by value: a pointer and a 64-bit word. A
// boolean, integer or float points at its kind's byte of scalarTags and
// keeps its payload in the word, so none of them allocates; nil is the zero
// Value. Every other kind points at its data (a string header, an interned
// keyword, a collection, a function's box, an error) and keeps its kind in
// the word. Every RTFS value is immutable: collections are never changed in
// place once another value can see them (see Vector and Map).
package value

import (
	"math"
	"sync"
	"unsafe"
)

// Kind is the dynamic type of a Value.
type Kind uint8

// The kinds, in the order the total order of `sort` puts them (§5): nil <
// bool < numbers < strings < keywords < symbols < vectors < lists < maps.
// Functions and errors sort last.
const (
	KNil Kind = iota
	KBool
	KInt
	KFloat
	KString
	KKeyword
	KSymbol
	KVector
	KList
	KMap
	KFunc
	KError
	// KCell is an engine-internal box holding a captured variable that may
	// be read before it is initialised; programs never see one.
	KCell
)

// Value is an RTFS value. The zero Value is nil.
type Value struct {
	ptr  unsafe.Pointer
	bits uint64
}

// scalarTags gives each scalar kind an address: a scalar's pointer is that
// of its kind's byte. Kind tells a scalar by where its pointer points, so
// that all 64 bits of the word are the payload.
var scalarTags [KFloat + 1]byte

func scalar(k Kind, bits uint64) Value {
	return Value{ptr: unsafe.Pointer(&scalarTags[k]), bits: bits}
}

// boxed makes a value of a kind whose data p points at.
func boxed(k Kind, p unsafe.Pointer) Value { return Value{ptr: p, bits: uint64(k)} }

// Nil is the RTFS nil.
var Nil = Value{}

// True and False are the two booleans.
var (
	True  = scalar(KBool, 1)
	False = scalar(KBool, 0)
)

// Int makes an integer.
func Int(i int64) Value { return scalar(KInt, uint64(i)) }

// Float makes a float.
func Float(f float64) Value { return scalar(KFloat, math.Float64bits(f)) }

// Bool makes a boolean.
func Bool(b bool) Value {
	if b {
		return True
	}
	return False
}

// String makes a string.
func String(s string) Value { return boxed(KString, unsafe.Pointer(&s)) }

// Symbol makes a symbol value (rare at run time).
func Symbol(name string) Value { return boxed(KSymbol, unsafe.Pointer(&name)) }

// Keyword is an interned keyword name, without its colon.
type Keyword struct{ Name string }

var keywords sync.Map // string -> *Keyword

// Intern returns the unique *Keyword for name.
func Intern(name string) *Keyword {
	if k, ok := keywords.Load(name); ok {
		return k.(*Keyword)
	}
	k, _ := keywords.LoadOrStore(name, &Keyword{Name: name})
	return k.(*Keyword)
}

// KeywordOf makes a keyword value from an interned keyword.
func KeywordOf(k *Keyword) Value { return boxed(KKeyword, unsafe.Pointer(k)) }

// Kw makes the keyword value named name (interning it).
func Kw(name string) Value { return KeywordOf(Intern(name)) }

// Kind reports the dynamic type.
func (v Value) Kind() Kind {
	if d := uintptr(v.ptr) - uintptr(unsafe.Pointer(&scalarTags)); d < uintptr(len(scalarTags)) {
		return Kind(d)
	}
	if v.ptr == nil {
		return KNil
	}
	return Kind(v.bits)
}

// IsNil reports whether v is nil.
func (v Value) IsNil() bool { return v.ptr == nil }

// Truthy implements RTFS truthiness: only nil and false are false.
func (v Value) Truthy() bool { return v.ptr != nil && v != False }

// as returns the data of a value of kind k (or either of two kinds); a
// value of another kind is a bug in the caller, which must have checked.
func (v Value) as(k, or Kind) unsafe.Pointer {
	if kind := v.Kind(); kind != k && kind != or {
		panic("value: a " + kind.String() + " used as a " + k.String())
	}
	return v.ptr
}

// AsInt returns the integer payload; v must be KInt.
func (v Value) AsInt() int64 { return int64(v.bits) }

// AsFloat returns the float payload; v must be KFloat.
func (v Value) AsFloat() float64 { return math.Float64frombits(v.bits) }

// AsBool returns the boolean payload; v must be KBool.
func (v Value) AsBool() bool { return v.bits != 0 }

// AsString returns the text of a string or the name of a symbol, "" for
// any other value.
func (v Value) AsString() string {
	if k := v.Kind(); k == KString || k == KSymbol {
		return *(*string)(v.ptr)
	}
	return ""
}

// KeyName is the text of a keyword or string map key: the keyword's name
// or the string itself; "" for any other value.
func (v Value) KeyName() string {
	switch v.Kind() {
	case KKeyword:
		return v.AsKeyword().Name
	case KString:
		return v.AsString()
	}
	return ""
}

// AsKeyword returns the interned keyword; v must be KKeyword.
func (v Value) AsKeyword() *Keyword { return (*Keyword)(v.as(KKeyword, KKeyword)) }

// AsVector returns the elements holder of a vector or list.
func (v Value) AsVector() *Vector { return (*Vector)(v.as(KVector, KList)) }

// AsMap returns the map of a KMap value.
func (v Value) AsMap() *Map { return (*Map)(v.as(KMap, KMap)) }

// AsError returns the error of a KError value.
func (v Value) AsError() *Error { return (*Error)(v.as(KError, KError)) }

// Ref returns the function of a KFunc value (each engine keeps its own
// closures there), and nil for any other value, so that a type switch on it
// tells what to call.
func (v Value) Ref() any {
	if v.Kind() != KFunc {
		return nil
	}
	return (*funcBox)(v.ptr).f
}

// IsNumber reports whether v is an integer or a float.
func (v Value) IsNumber() bool { k := v.Kind(); return k == KInt || k == KFloat }

// IsSeq reports whether v is a vector or a list.
func (v Value) IsSeq() bool { k := v.Kind(); return k == KVector || k == KList }

// Num returns v as a float64; v must be a number.
func (v Value) Num() float64 {
	if v.Kind() == KInt {
		return float64(int64(v.bits))
	}
	return math.Float64frombits(v.bits)
}

// TypeName is the result of `type-name`.
func (v Value) TypeName() string { return v.Kind().String() }

func (k Kind) String() string {
	switch k {
	case KNil:
		return "nil"
	case KBool:
		return "boolean"
	case KInt:
		return "integer"
	case KFloat:
		return "float"
	case KString:
		return "string"
	case KKeyword:
		return "keyword"
	case KSymbol:
		return "symbol"
	case KVector:
		return "vector"
	case KList:
		return "list"
	case KMap:
		return "map"
	case KFunc:
		return "function"
	case KError:
		return "error"
	}
	return "unknown"
}

// Function is implemented by every callable value: builtins here, closures
// in each engine. Name is used in arity errors; closures may return "fn".
type Function interface {
	FuncName() string
}

// funcBox holds a function: an interface is two words, a Value's pointer
// one.
type funcBox struct{ f Function }

// Func wraps a function into a Value.
func Func(f Function) Value { return boxed(KFunc, unsafe.Pointer(&funcBox{f})) }

// AsFunction returns the function of a KFunc value.
func (v Value) AsFunction() Function { return (*funcBox)(v.as(KFunc, KFunc)).f }

// ErrorValue wraps an error as a first-class value (what catch binds).
func ErrorValue(e *Error) Value { return boxed(KError, unsafe.Pointer(e)) }

// Cell is the box of a KCell value.
type Cell struct{ V Value }

// NewCell makes a cell holding v.
func NewCell(v Value) Value { return boxed(KCell, unsafe.Pointer(&Cell{V: v})) }

// AsCell returns the box of a KCell value.
func (v Value) AsCell() *Cell { return (*Cell)(v.as(KCell, KCell)) }
