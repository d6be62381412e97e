// Package stdlib is the RTFS standard library (§5 of the language
// reference): every builtin function, as a *value.Builtin shared by the
// tree-walking interpreter and the bytecode VM.
//
// A builtin is a plain Go function over a window of argument values. The
// engine resolves it by name (Lookup), checks the argument count against
// MinArgs/MaxArgs (Builtin.CheckArity) and then calls Fn, so Fn assumes a
// valid count and only checks types. The argument slice is a view of the
// caller's registers: a builtin reads it during the call and never keeps it
// (results that hold arguments copy them). Builtins that apply functions
// (map, filter, reduce, ...) go back to the engine through
// value.Runtime.Call, so closures, builtins and keywords are all called with
// the engine's own semantics; the few effectful builtins (println,
// context/get, context/set) reach the outside world only through the
// Runtime too. Everything else is Pure: its result depends on its arguments
// alone, which lets a compiler fold calls on constants.
//
// Failures are *value.Error values of the §6 kinds, never panics: a wrong
// operand type is a TypeError, a bad index IndexOutOfBounds, and so on.
// Hot arithmetic and comparison builtins test the two-integer case first and
// allocate nothing for numbers.
package stdlib

import (
	"sort"

	"github.com/rtfs-go/rtfs/value"
)

// variadic is the MaxArgs of a builtin without an upper bound.
const variadic = -1

var registry = map[string]*value.Builtin{}

// sortedBuiltins is All's answer, built once.
var sortedBuiltins []*value.Builtin

// The registry is filled in init rather than by a variable initializer
// because some builtins (update) look other builtins up by name, which would
// make the initializer refer to itself.
func init() {
	groups := [][]*value.Builtin{
		arithmeticBuiltins, comparisonBuiltins, stringBuiltins,
		collectionBuiltins, higherOrderBuiltins, predicateBuiltins,
		jsonBuiltins, miscBuiltins,
	}
	for _, group := range groups {
		for _, b := range group {
			registry[b.Name] = b
			sortedBuiltins = append(sortedBuiltins, b)
		}
	}
	sort.Slice(sortedBuiltins, func(i, j int) bool { return sortedBuiltins[i].Name < sortedBuiltins[j].Name })
}

// Lookup returns the builtin called name, or nil.
func Lookup(name string) *value.Builtin { return registry[name] }

// Has reports whether a builtin is called name (an isa.BuiltinSet).
func Has(name string) bool { return registry[name] != nil }

// All returns every builtin sorted by name. The slice is shared: callers
// must not modify it.
func All() []*value.Builtin { return sortedBuiltins }

// alias returns a copy of b under another name, so arity errors name the
// function the program called.
func alias(name string, b *value.Builtin) *value.Builtin {
	c := *b
	c.Name = name
	return &c
}

// seqOf returns the elements of a vector or list.
func seqOf(v value.Value) (*value.Vector, bool) {
	if v.IsSeq() {
		return v.AsVector(), true
	}
	return nil, false
}

// copyValues returns a fresh copy of vs, for results that outlive the call.
func copyValues(vs []value.Value) []value.Value {
	if len(vs) == 0 {
		return nil
	}
	out := make([]value.Value, len(vs))
	copy(out, vs)
	return out
}

// asInt extracts an integer argument or reports the TypeError of op.
func asInt(op string, v value.Value) (int64, error) {
	if v.Kind() != value.KInt {
		return 0, value.TypeErr(op, "integer", v)
	}
	return v.AsInt(), nil
}

// asString extracts a string argument or reports the TypeError of op.
func asString(op string, v value.Value) (string, error) {
	if v.Kind() != value.KString {
		return "", value.TypeErr(op, "string", v)
	}
	return v.AsString(), nil
}

// maxCollectionLen bounds the collections a builtin builds from a count
// rather than from existing values (range, numbers), so a typo like
// (range 1e12) fails with an error instead of exhausting memory.
const maxCollectionLen = 1 << 25

func tooLarge(op string, n uint64) error {
	return value.Errorf(value.Generic, "%s would build %d elements (limit %d)", op, n, maxCollectionLen)
}
