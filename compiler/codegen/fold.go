package codegen

import (
	"errors"
	"io"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// Constant folding. A literal vector or map of constants is one constant;
// so is the result of a call of a pure builtin bound at compile time (see
// directBuiltin) on constant arguments, provided the call succeeds: a call
// that fails is left to the run time, which raises its error at its
// position. Results must be values a constant pool may hold, no deeper than
// the container allows, and small: folding (range 0 1000000) would only
// move the work into the module.

// maxFoldedSize bounds the elements (and string bytes / 16) of a folded
// call's result.
const maxFoldedSize = 256

// generators are the builtins whose result size is set by a number rather
// than by the size of their arguments. They are never folded: the compiler
// would build a collection of any size only to find it too large to keep.
var generators = map[string]bool{"range": true, "numbers": true}

// folding memoizes the constant value of a node, if it has one.
type folding struct {
	val   value.Value
	depth int // nesting of vectors and maps, 0 for a scalar
	ok    bool
}

// constantOf returns the value of n when it is known at compile time.
func (m *moduleGen) constantOf(n ast.Node) (value.Value, bool) {
	f := m.fold(n)
	return f.val, f.ok
}

func (m *moduleGen) fold(n ast.Node) folding {
	switch n := n.(type) {
	case *ast.Const:
		return folding{val: n.Val, ok: true}
	case *ast.Vector, *ast.Map, *ast.Call:
	default:
		return folding{}
	}
	if f, seen := m.folded[n]; seen {
		return f
	}
	var f folding
	switch n := n.(type) {
	case *ast.Vector:
		if items, depth, ok := m.foldAll(n.Elems); ok {
			f = folding{val: value.NewVector(items), depth: depth + 1, ok: depth < isa.MaxNesting}
		}
	case *ast.Map:
		if vals, depth, ok := m.foldAll(n.Vals); ok {
			entries := make([]value.MapEntry, len(vals))
			for i, v := range vals {
				entries[i] = value.MapEntry{Key: n.Keys[i], Val: v}
			}
			f = folding{val: value.MapFromEntries(entries), depth: depth + 1, ok: depth < isa.MaxNesting}
		}
	case *ast.Call:
		f = m.foldCall(n)
	}
	m.folded[n] = f
	return f
}

// foldAll folds every node of ns, reporting the deepest nesting.
func (m *moduleGen) foldAll(ns []ast.Node) ([]value.Value, int, bool) {
	vals := make([]value.Value, len(ns))
	depth := 0
	for i, n := range ns {
		f := m.fold(n)
		if !f.ok {
			return nil, 0, false
		}
		vals[i], depth = f.val, max(depth, f.depth)
	}
	return vals, depth, true
}

func (m *moduleGen) foldCall(n *ast.Call) folding {
	if m.opts.NoFold {
		return folding{}
	}
	b := m.directBuiltin(n)
	if b == nil || !b.Pure || generators[b.Name] {
		return folding{}
	}
	args, _, ok := m.foldAll(n.Args)
	if !ok {
		return folding{}
	}
	v, err := b.Fn(foldRuntime{}, args)
	if err != nil {
		return folding{}
	}
	budget := maxFoldedSize
	depth, ok := constantShape(v, &budget, 0)
	return folding{val: v, depth: depth, ok: ok}
}

// constantShape reports whether v can be a constant of a module, spending
// budget on its size, and returns its nesting.
func constantShape(v value.Value, budget *int, depth int) (int, bool) {
	if depth > isa.MaxNesting {
		return 0, false
	}
	switch v.Kind() {
	case value.KNil, value.KBool, value.KInt, value.KFloat, value.KKeyword:
		*budget--
		return 0, *budget >= 0
	case value.KString:
		*budget -= 1 + len(v.AsString())/16
		return 0, *budget >= 0
	case value.KVector:
		deepest := 0
		for _, x := range v.AsVector().All() {
			d, ok := constantShape(x, budget, depth+1)
			if !ok {
				return 0, false
			}
			deepest = max(deepest, d)
		}
		return deepest + 1, true
	case value.KMap:
		deepest := 0
		for e := range v.AsMap().Entries() {
			*budget--
			d, ok := constantShape(e.Val, budget, depth+1)
			if !ok {
				return 0, false
			}
			deepest = max(deepest, d)
		}
		return deepest + 1, *budget >= 0
	}
	return 0, false
}

// errNotFoldable stops a fold that would need the engine.
var errNotFoldable = errors.New("not foldable")

// foldRuntime is the value.Runtime of folded calls. Pure builtins do not
// use it; should one try, the fold fails and the call is left to run time.
type foldRuntime struct{}

func (foldRuntime) Call(value.Value, []value.Value) (value.Value, error) {
	return value.Nil, errNotFoldable
}
func (foldRuntime) Stdout() io.Writer                         { return io.Discard }
func (foldRuntime) ContextValue(string) (value.Value, bool)   { return value.Nil, false }
func (foldRuntime) SetContextValue(key string, v value.Value) {}
func (foldRuntime) Interrupted() error                        { return nil }
func (foldRuntime) Reserve(int64) error                       { return nil }
