package value

import (
	"io"
	"unsafe"
)

// Runtime is what a builtin may ask of the engine running it: calling a
// function value (for map, filter, reduce, ...), the output stream of
// println, and the host's step context.
type Runtime interface {
	// Call applies fn (closure, builtin or keyword) to args with full call
	// semantics: arity checks, destructuring, type annotations. Like a
	// builtin, Call must not keep args after it returns: callers reuse the
	// slice (a `& rest` parameter copies what it binds).
	Call(fn Value, args []Value) (Value, error)
	Stdout() io.Writer
	ContextValue(key string) (Value, bool)
	SetContextValue(key string, v Value)
	// Interrupted returns the error that must stop a long builtin now
	// (the run's deadline passed or it was cancelled, its memory is
	// exhausted), or nil. Builtins ask every few thousand steps of a loop.
	Interrupted() error
	// Reserve returns the MemoryExceeded error when building a value of
	// about n more bytes would pass the run's memory limits: builtins ask
	// before they allocate a large result.
	Reserve(n int64) error
}

// InterruptEvery is how many steps of a loop a builtin takes between two
// questions to Runtime.Interrupted: often enough to stop within a
// millisecond, rarely enough to cost nothing measurable.
const InterruptEvery = 1 << 12

// Interrupted is rt.Interrupted, for an rt that may be nil (a builtin
// folded by the compiler or run as a pure capability has no run to stop).
func Interrupted(rt Runtime) error {
	if rt == nil {
		return nil
	}
	return rt.Interrupted()
}

// Reserve is rt.Reserve, for an rt that may be nil.
func Reserve(rt Runtime, n int64) error {
	if rt == nil {
		return nil
	}
	return rt.Reserve(n)
}

// ValueBytes is what one element of a collection takes.
const ValueBytes = int64(unsafe.Sizeof(Value{}))

// Builtin is a function implemented in Go. Pure builtins depend only on
// their arguments and may be constant-folded by the compiler.
type Builtin struct {
	Name    string
	MinArgs int
	MaxArgs int // -1: variadic
	Pure    bool
	Fn      func(rt Runtime, args []Value) (Value, error)
}

// FuncName implements Function.
func (b *Builtin) FuncName() string { return b.Name }

// CheckArity returns the ArityMismatch error for n arguments, or nil.
func (b *Builtin) CheckArity(n int) error {
	if n < b.MinArgs || (b.MaxArgs >= 0 && n > b.MaxArgs) {
		return ArityErr(b.Name, ArityText(b.MinArgs, b.MaxArgs), n)
	}
	return nil
}
