package interp

import (
	"fmt"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/vm/value"
)

// patternMode selects the rules of bindPattern (see compiler/ast/pattern.go).
type patternMode uint8

const (
	// destructuring (let, parameters): a shape mismatch is a TypeError and
	// missing map keys bind nil.
	destructuring patternMode = iota
	// matching (match clauses): a mismatch means "try the next clause";
	// map keys must all be present and, without a rest, no others.
	matching
)

// bindPattern binds the names of p to the parts of v in e. It reports
// whether v fits p; when it does not, destructuring also returns the
// TypeError describing why. A failed match may leave some names bound in
// e: match clauses bind into a frame of their own, thrown away on failure.
func bindPattern(p ast.Pattern, v value.Value, e *env, mode patternMode) (bool, *value.Error) {
	switch p := p.(type) {
	case ast.PIgnore:
		return true, nil
	case ast.PBind:
		e.define(p.Name, v)
		return true, nil
	case ast.PLit:
		if !value.Equal(p.Val, v) {
			return mismatch(mode, p.Val.String(), v.String())
		}
		return true, nil
	case ast.PAs:
		e.define(p.Name, v)
		return bindPattern(p.Pat, v, e, mode)
	case ast.PVector:
		return bindVector(p, v, e, mode)
	case ast.PMap:
		return bindMap(p, v, e, mode)
	}
	return false, value.Errorf(value.NotImplemented, "Unsupported pattern %T", p)
}

// mismatch is the outcome of a value not fitting a pattern.
func mismatch(mode patternMode, expected, got string) (bool, *value.Error) {
	if mode == matching {
		return false, nil
	}
	return false, value.Errorf(value.TypeError, "Type error in destructuring: expected %s, got %s", expected, got)
}

func bindVector(p ast.PVector, v value.Value, e *env, mode patternMode) (bool, *value.Error) {
	if v.Kind() != value.KVector {
		return mismatch(mode, "vector", v.TypeName())
	}
	items := v.Items()
	n := len(p.Elems)
	if len(items) < n || (p.Rest == nil && len(items) > n) {
		expected := fmt.Sprintf("vector of %d elements", n)
		if p.Rest != nil {
			expected = fmt.Sprintf("vector of at least %d elements", n)
		}
		return mismatch(mode, expected, fmt.Sprintf("vector of %d elements", len(items)))
	}
	for i, elem := range p.Elems {
		if ok, err := bindPattern(elem, items[i], e, mode); !ok {
			return false, err
		}
	}
	if p.Rest != nil {
		// Sharing items[n:] is safe: vectors are never written in place.
		if ok, err := bindPattern(p.Rest, value.NewVector(items[n:]), e, mode); !ok {
			return false, err
		}
	}
	if p.As != "" {
		e.define(p.As, v)
	}
	return true, nil
}

func bindMap(p ast.PMap, v value.Value, e *env, mode patternMode) (bool, *value.Error) {
	if v.Kind() != value.KMap {
		return mismatch(mode, "map", v.TypeName())
	}
	m := v.AsMap()
	// rest is the map minus the consumed keys: bound by a `& rest`, and in
	// matching without one it must come out empty.
	trackRest := p.Rest != "" || mode == matching
	rest := m
	for i, k := range p.Keys {
		x, ok := m.Get(k)
		if !ok && mode == matching {
			return false, nil
		}
		if ok, err := bindPattern(p.Pats[i], x, e, mode); !ok {
			return false, err
		}
		if trackRest {
			rest = rest.Dissoc(k)
		}
	}
	if p.Rest == "" && mode == matching && rest.Len() > 0 {
		return false, nil
	}
	if p.Rest != "" {
		e.define(p.Rest, value.MapOf(rest))
	}
	if p.As != "" {
		e.define(p.As, v)
	}
	return true, nil
}

// rebinds reports whether p binds a name already bound in frame.
func rebinds(p ast.Pattern, frame *env) bool {
	switch p := p.(type) {
	case ast.PBind:
		return frame.has(p.Name)
	case ast.PAs:
		return frame.has(p.Name) || rebinds(p.Pat, frame)
	case ast.PVector:
		for _, elem := range p.Elems {
			if rebinds(elem, frame) {
				return true
			}
		}
		return (p.Rest != nil && rebinds(p.Rest, frame)) || (p.As != "" && frame.has(p.As))
	case ast.PMap:
		for _, sub := range p.Pats {
			if rebinds(sub, frame) {
				return true
			}
		}
		return (p.Rest != "" && frame.has(p.Rest)) || (p.As != "" && frame.has(p.As))
	}
	return false
}
