package ast

import (
	"strings"

	"github.com/rtfs-go/rtfs/value"
)

// Pattern is a binding pattern (let, fn parameters) or a match pattern. The
// same shapes serve both; the rules differ and are the engines' to apply:
//
//   - destructuring (let, params): a vector pattern needs a vector of exactly
//     its length (at least, with a rest); a map pattern needs a map, missing
//     keys bind nil, Rest binds the map minus the consumed keys.
//   - matching: literals compare with =; a vector pattern needs a vector of
//     exactly its length (at least, with a rest); a map pattern needs every
//     key present with its sub-pattern matching and, without Rest, no other
//     keys; failure moves on to the next clause.
//
// Vector rests bind a vector in both.
type Pattern interface {
	patternNode()
}

// PBind binds the whole value to Name.
type PBind struct{ Name string }

// PIgnore is `_`.
type PIgnore struct{}

// PLit matches a literal (match only).
type PLit struct{ Val value.Value }

// PVector is `[p1 p2 & rest :as all]`.
type PVector struct {
	Elems []Pattern
	Rest  Pattern // nil when absent
	As    string  // "" when absent
}

// PMap is `{:keys [a b] :k pat & more :as whole}` (destructuring) or
// `{:k pat ...}` (match). `:keys [a b]` is expanded to the entries :a a, :b b.
type PMap struct {
	Keys []value.Value
	Pats []Pattern
	Rest string // "" when absent
	As   string
}

// PAs is the match pattern `(:as name pat)`.
type PAs struct {
	Name string
	Pat  Pattern
}

func (PBind) patternNode()   {}
func (PIgnore) patternNode() {}
func (PLit) patternNode()    {}
func (PVector) patternNode() {}
func (PMap) patternNode()    {}
func (PAs) patternNode()     {}

// ParamList is fn's parameter vector as written, `[x {:keys [a]} & more]`,
// for the hint of an arity error.
func ParamList(fn *Fn) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, p := range fn.Params {
		if i > 0 {
			b.WriteByte(' ')
		}
		writePattern(&b, p.Pattern)
	}
	if fn.Rest != nil {
		if len(fn.Params) > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("& " + fn.Rest.Name)
	}
	b.WriteByte(']')
	return b.String()
}

func writePattern(b *strings.Builder, p Pattern) {
	switch p := p.(type) {
	case PBind:
		b.WriteString(p.Name)
	case PIgnore:
		b.WriteByte('_')
	case PLit:
		b.WriteString(p.Val.String())
	case PVector:
		b.WriteByte('[')
		for i, e := range p.Elems {
			if i > 0 {
				b.WriteByte(' ')
			}
			writePattern(b, e)
		}
		if p.Rest != nil {
			b.WriteString(" & ")
			writePattern(b, p.Rest)
		}
		if p.As != "" {
			b.WriteString(" :as " + p.As)
		}
		b.WriteByte(']')
	case PMap:
		b.WriteByte('{')
		for i, k := range p.Keys {
			if i > 0 {
				b.WriteByte(' ')
			}
			writePattern(b, p.Pats[i])
			b.WriteString(" " + k.String())
		}
		b.WriteByte('}')
	case PAs:
		b.WriteString("(:as " + p.Name + " ")
		writePattern(b, p.Pat)
		b.WriteByte(')')
	}
}
