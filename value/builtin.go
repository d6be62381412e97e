package value

import "io"

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
}

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
