// Package value is the one value model shared by the interpreter and the VM.
//
// A Value is a small struct passed by value: a kind tag, a 64-bit payload and
// a reference. Integers, floats, booleans and nil live entirely in the tag and
// the payload, and keywords are interned pointers, so none of them allocates.
// Strings, collections, functions and errors carry their data in the
// reference. Every RTFS value is immutable: collections are never changed in
// place once another value can see them (see Vector and Map).
package value

import (
	"math"
	"sync"
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
	kind Kind
	bits uint64
	ref  any
}

// Nil is the RTFS nil.
var Nil = Value{}

// True and False are the two booleans.
var (
	True  = Value{kind: KBool, bits: 1}
	False = Value{kind: KBool}
)

// Int makes an integer.
func Int(i int64) Value { return Value{kind: KInt, bits: uint64(i)} }

// Float makes a float.
func Float(f float64) Value { return Value{kind: KFloat, bits: math.Float64bits(f)} }

// Bool makes a boolean.
func Bool(b bool) Value {
	if b {
		return True
	}
	return False
}

// String makes a string.
func String(s string) Value { return Value{kind: KString, ref: s} }

// Symbol makes a symbol value (rare at run time).
func Symbol(name string) Value { return Value{kind: KSymbol, ref: name} }

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
func KeywordOf(k *Keyword) Value { return Value{kind: KKeyword, ref: k} }

// Kw makes the keyword value named name (interning it).
func Kw(name string) Value { return KeywordOf(Intern(name)) }

// Kind reports the dynamic type.
func (v Value) Kind() Kind { return v.kind }

// IsNil reports whether v is nil.
func (v Value) IsNil() bool { return v.kind == KNil }

// Truthy implements RTFS truthiness: only nil and false are false.
func (v Value) Truthy() bool {
	return !(v.kind == KNil || (v.kind == KBool && v.bits == 0))
}

// AsInt returns the integer payload; v must be KInt.
func (v Value) AsInt() int64 { return int64(v.bits) }

// AsFloat returns the float payload; v must be KFloat.
func (v Value) AsFloat() float64 { return math.Float64frombits(v.bits) }

// AsBool returns the boolean payload; v must be KBool.
func (v Value) AsBool() bool { return v.bits != 0 }

// AsString returns the text of a string or the name of a symbol.
func (v Value) AsString() string { s, _ := v.ref.(string); return s }

// KeyName is the text of a keyword or string map key: the keyword's name
// or the string itself; "" for any other value.
func (v Value) KeyName() string {
	switch v.kind {
	case KKeyword:
		return v.AsKeyword().Name
	case KString:
		return v.ref.(string)
	}
	return ""
}

// AsKeyword returns the interned keyword; v must be KKeyword.
func (v Value) AsKeyword() *Keyword { return v.ref.(*Keyword) }

// AsVector returns the elements holder of a vector or list.
func (v Value) AsVector() *Vector { return v.ref.(*Vector) }

// AsMap returns the map of a KMap value.
func (v Value) AsMap() *Map { return v.ref.(*Map) }

// AsError returns the error of a KError value.
func (v Value) AsError() *Error { return v.ref.(*Error) }

// Ref returns the reference payload (functions keep their engine-specific
// closure here).
func (v Value) Ref() any { return v.ref }

// IsNumber reports whether v is an integer or a float.
func (v Value) IsNumber() bool { return v.kind == KInt || v.kind == KFloat }

// IsSeq reports whether v is a vector or a list.
func (v Value) IsSeq() bool { return v.kind == KVector || v.kind == KList }

// Num returns v as a float64; v must be a number.
func (v Value) Num() float64 {
	if v.kind == KInt {
		return float64(int64(v.bits))
	}
	return math.Float64frombits(v.bits)
}

// TypeName is the result of `type-name`.
func (v Value) TypeName() string { return v.kind.String() }

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

// Func wraps a function into a Value.
func Func(f Function) Value { return Value{kind: KFunc, ref: f} }

// AsFunction returns the function of a KFunc value.
func (v Value) AsFunction() Function { return v.ref.(Function) }

// ErrorValue wraps an error as a first-class value (what catch binds).
func ErrorValue(e *Error) Value { return Value{kind: KError, ref: e} }

// Cell is the box of a KCell value.
type Cell struct{ V Value }

// NewCell makes a cell holding v.
func NewCell(v Value) Value { return Value{kind: KCell, ref: &Cell{V: v}} }

// AsCell returns the box of a KCell value.
func (v Value) AsCell() *Cell { return v.ref.(*Cell) }
