package parse

import (
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/value"
)

// Patterns come in two dialects over the same shapes (see ast.Pattern):
// destructuring (let, parameters), where `:as name` and `:keys [...]` are
// directives, and matching (match), where every keyword is a literal.

// isName reports whether f is a symbol that can be bound: any but the `&`
// and `:` markers.
func isName(f *syntax.Form) bool {
	return f.Kind == syntax.FSymbol && !f.IsSymbol("&") && !isColon(f)
}

// isPatternForm reports whether f can start a destructuring pattern.
func isPatternForm(f *syntax.Form) bool {
	return isName(f) || f.Kind == syntax.FVector || f.Kind == syntax.FMap
}

// bindingPattern builds a destructuring pattern; form names the special
// form for messages.
func (b *builder) bindingPattern(form string, f *syntax.Form) ast.Pattern {
	switch {
	case f.IsSymbol("_"):
		return ast.PIgnore{}
	case f.Kind == syntax.FVector:
		return b.vectorPattern(form, f, true)
	case f.Kind == syntax.FMap:
		return b.destructuringMap(form, f)
	case isName(f):
		return ast.PBind{Name: f.Text}
	}
	b.fail(f, "%s: expected a binding pattern (symbol, vector or map), got %s", form, describe(f))
	return ast.PIgnore{}
}

// matchPattern builds a match pattern.
func (b *builder) matchPattern(f *syntax.Form) ast.Pattern {
	switch f.Kind {
	case syntax.FInt, syntax.FFloat, syntax.FString, syntax.FBool, syntax.FNil, syntax.FKeyword:
		return ast.PLit{Val: f.Val}
	case syntax.FSymbol:
		if f.IsSymbol("_") {
			return ast.PIgnore{}
		}
		if isName(f) {
			return ast.PBind{Name: f.Text}
		}
	case syntax.FVector:
		return b.vectorPattern("match", f, false)
	case syntax.FMap:
		return b.matchMap(f)
	case syntax.FList:
		return b.asPattern(f)
	}
	b.fail(f, "match: expected a pattern, got %s", describe(f))
	return ast.PIgnore{}
}

// asPattern builds `(:as name pat)`. Other list patterns are the
// reference's type patterns, which it does not implement either.
func (b *builder) asPattern(f *syntax.Form) ast.Pattern {
	if len(f.Elems) == 0 || !isKeyword(f.Elems[0], "as") {
		b.report(f, value.NotImplemented, "match: list patterns other than (:as name pattern) are not implemented")
		return ast.PIgnore{}
	}
	if len(f.Elems) != 3 || !isName(f.Elems[1]) {
		b.fail(f, "match: expected (:as name pattern)")
		return ast.PIgnore{}
	}
	return ast.PAs{Name: f.Elems[1].Text, Pat: b.matchPattern(f.Elems[2])}
}

// vectorPattern builds `[p1 p2 & rest :as all]`; `:as` only when
// destructuring.
func (b *builder) vectorPattern(form string, f *syntax.Form, destructuring bool) ast.Pattern {
	sub := func(e *syntax.Form) ast.Pattern {
		if destructuring {
			return b.bindingPattern(form, e)
		}
		return b.matchPattern(e)
	}
	var p ast.PVector
	elems := f.Elems
	i := 0
	for ; i < len(elems) && !elems[i].IsSymbol("&") && !(destructuring && isKeyword(elems[i], "as")); i++ {
		p.Elems = append(p.Elems, sub(elems[i]))
	}
	if i < len(elems) && elems[i].IsSymbol("&") {
		if i+1 == len(elems) {
			b.fail(elems[i], "%s: & must be followed by a rest pattern", form)
			return p
		}
		p.Rest = sub(elems[i+1])
		i += 2
	}
	if destructuring && i < len(elems) && isKeyword(elems[i], "as") {
		if i+1 == len(elems) || !isName(elems[i+1]) {
			b.fail(elems[i], "%s: :as must be followed by a symbol", form)
			return p
		}
		p.As = elems[i+1].Text
		i += 2
	}
	if i < len(elems) {
		b.fail(elems[i], "%s: unexpected %s at the end of a vector pattern", form, describe(elems[i]))
	}
	return p
}

// destructuringMap builds `{:keys [a b] :k pat "s" pat sym :k & more :as
// whole}`.
func (b *builder) destructuringMap(form string, f *syntax.Form) ast.Pattern {
	var p ast.PMap
	for i := 0; i+1 < len(f.Elems); i += 2 {
		k, v := f.Elems[i], f.Elems[i+1]
		switch {
		case isKeyword(k, "keys"):
			if v.Kind != syntax.FVector {
				b.fail(v, "%s: :keys must be followed by a vector of symbols, got %s", form, describe(v))
				continue
			}
			for _, s := range v.Elems {
				if !isName(s) {
					b.fail(s, "%s: :keys names must be symbols, got %s", form, describe(s))
					continue
				}
				p.Keys = append(p.Keys, value.Kw(s.Text))
				p.Pats = append(p.Pats, ast.PBind{Name: s.Text})
			}
		case isKeyword(k, "as"), k.IsSymbol("&"):
			if !isName(v) {
				b.fail(v, "%s: %s must be followed by a symbol, got %s", form, describe(k), describe(v))
				continue
			}
			if k.IsSymbol("&") {
				p.Rest = v.Text
			} else {
				p.As = v.Text
			}
		case isMapKey(k):
			p.Keys = append(p.Keys, k.Val)
			p.Pats = append(p.Pats, b.bindingPattern(form, v))
		case isPatternForm(k) && isMapKey(v):
			// Clojure style: {name :key}
			p.Keys = append(p.Keys, v.Val)
			p.Pats = append(p.Pats, b.bindingPattern(form, k))
		default:
			b.fail(k, "%s: expected a map pattern entry (:key pattern, symbol :key, :keys, :as or &), got %s", form, describe(k))
		}
	}
	return p
}

// matchMap builds `{:k pat ... & rest}`: literal keys, every one required.
func (b *builder) matchMap(f *syntax.Form) ast.Pattern {
	var p ast.PMap
	for i := 0; i+1 < len(f.Elems); i += 2 {
		k, v := f.Elems[i], f.Elems[i+1]
		switch {
		case k.IsSymbol("&"):
			if !isName(v) {
				b.fail(v, "match: & must be followed by a symbol, got %s", describe(v))
				continue
			}
			p.Rest = v.Text
		case isMapKey(k):
			p.Keys = append(p.Keys, k.Val)
			p.Pats = append(p.Pats, b.matchPattern(v))
		default:
			b.fail(k, "match: map pattern keys must be keyword, string or integer literals, got %s", describe(k))
		}
	}
	return p
}
