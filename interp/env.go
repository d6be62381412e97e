package interp

import (
	"iter"

	"github.com/rtfs-go/rtfs/value"
)

// indexThreshold is the size from which a frame keeps a name index. Call
// and let frames hold a handful of bindings, for which a backwards scan is
// cheaper than a map; the global and builtin frames hold hundreds.
const indexThreshold = 16

// env is one frame of the environment chain. Frames are mutable and captured
// by reference (A8): a closure sees every binding later added to the frames
// it closes over, which is what makes forward references, top-level mutual
// recursion and letrec work.
type env struct {
	parent *env
	vars   []variable
	index  map[string]int // position in vars; nil until the frame reaches indexThreshold
}

type variable struct {
	name string
	val  value.Value
}

func newEnv(parent *env) *env { return &env{parent: parent} }

// newEnvFor makes a frame with room for n bindings (a call's parameters).
func newEnvFor(parent *env, n int) *env {
	return &env{parent: parent, vars: make([]variable, 0, n)}
}

// slot returns the position of name in this frame only.
func (e *env) slot(name string) (int, bool) {
	if e.index != nil {
		i, ok := e.index[name]
		return i, ok
	}
	for i := len(e.vars) - 1; i >= 0; i-- {
		if e.vars[i].name == name {
			return i, true
		}
	}
	return 0, false
}

// has reports whether name is bound in this frame (not its parents).
func (e *env) has(name string) bool {
	_, ok := e.slot(name)
	return ok
}

// lookup finds name in this frame or the nearest parent binding it.
func (e *env) lookup(name string) (value.Value, bool) {
	for f := e; f != nil; f = f.parent {
		if i, ok := f.slot(name); ok {
			return f.vars[i].val, true
		}
	}
	return value.Nil, false
}

// names yields the names bound in e and the frames around it but the
// builtins' (for the hint of an undefined symbol).
func (e *env) names() iter.Seq[string] {
	return func(yield func(string) bool) {
		for f := e; f != nil && f != builtinFrame(); f = f.parent {
			for _, v := range f.vars {
				if !yield(v.name) {
					return
				}
			}
		}
	}
}

// define binds name in this frame, replacing an existing binding of the
// same frame (a redefinition, visible to every closure over the frame).
func (e *env) define(name string, v value.Value) {
	if i, ok := e.slot(name); ok {
		e.vars[i].val = v
		return
	}
	e.vars = append(e.vars, variable{name, v})
	switch {
	case e.index != nil:
		e.index[name] = len(e.vars) - 1
	case len(e.vars) >= indexThreshold:
		e.index = make(map[string]int, 2*len(e.vars))
		for i, x := range e.vars {
			e.index[x.name] = i
		}
	}
}
