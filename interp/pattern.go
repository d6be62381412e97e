package interp

import (
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/value"
)

// bindPattern binds the names of p to the parts of v in e, with the rules
// of mode (package rt has them, shared with the VM). It reports whether v
// fits p; when it does not, destructuring also returns the TypeError
// describing why. A failed match may leave some names bound in e: match
// clauses bind into a frame of their own, thrown away on failure.
func bindPattern(p ast.Pattern, v value.Value, e *env, mode rt.Mode) (bool, *value.Error) {
	switch p := p.(type) {
	case ast.PIgnore:
		return true, nil
	case ast.PBind:
		e.define(p.Name, v)
		return true, nil
	case ast.PLit:
		return rt.LiteralFits(p.Val, v, mode)
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

func bindVector(p ast.PVector, v value.Value, e *env, mode rt.Mode) (bool, *value.Error) {
	items, ok, err := rt.VectorFits(v, len(p.Elems), p.Rest != nil, mode)
	if !ok {
		return false, err
	}
	for i, elem := range p.Elems {
		if ok, err := bindPattern(elem, items.Nth(i), e, mode); !ok {
			return false, err
		}
	}
	if p.Rest != nil {
		if ok, err := bindPattern(p.Rest, rt.VectorRest(items, len(p.Elems)), e, mode); !ok {
			return false, err
		}
	}
	if p.As != "" {
		e.define(p.As, v)
	}
	return true, nil
}

func bindMap(p ast.PMap, v value.Value, e *env, mode rt.Mode) (bool, *value.Error) {
	m, ok, err := rt.MapFits(v, mode)
	if !ok {
		return false, err
	}
	for i, k := range p.Keys {
		x, ok := rt.MapKey(m, k, mode)
		if !ok {
			return false, nil
		}
		if ok, err := bindPattern(p.Pats[i], x, e, mode); !ok {
			return false, err
		}
	}
	rest, ok := rt.MapRemainder(m, p.Keys, p.Rest != "", mode)
	if !ok {
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
