package rt

import (
	"fmt"

	"github.com/rtfs-go/rtfs/value"
)

// The engines represent patterns differently (AST nodes binding names,
// bytecode descriptors binding registers) but apply the same rules, which
// are these: each engine walks its own pattern tree and asks, at each
// vector or map node, whether the value fits and what the parts are.

// Mode selects the rules a pattern is applied with (see
// compiler/ast/pattern.go).
type Mode uint8

const (
	// Destructuring (let, parameters): a shape mismatch is a TypeError and
	// missing map keys bind nil.
	Destructuring Mode = iota
	// Matching (match clauses): a mismatch means "try the next clause";
	// map keys must all be present and, without a rest, no others.
	Matching
)

// Mismatch is the outcome of a value not fitting a pattern: a plain "no"
// when matching, the TypeError saying why when destructuring.
func Mismatch(mode Mode, expected, got string) (bool, *value.Error) {
	if mode == Matching {
		return false, nil
	}
	return false, value.Errorf(value.TypeError, "Type error in destructuring: expected %s, got %s", expected, got)
}

// LiteralFits applies a literal pattern: the value must equal lit (=).
func LiteralFits(lit, v value.Value, mode Mode) (bool, *value.Error) {
	if !value.Equal(lit, v) {
		return Mismatch(mode, lit.String(), v.String())
	}
	return true, nil
}

// VectorFits checks v against a vector pattern of n element patterns,
// with or without a `& rest`, and returns the elements. A list does not
// fit: destructuring and matching want a vector.
func VectorFits(v value.Value, n int, hasRest bool, mode Mode) (*value.Vector, bool, *value.Error) {
	if v.Kind() != value.KVector {
		ok, err := Mismatch(mode, "vector", v.TypeName())
		return nil, ok, err
	}
	items := v.AsVector()
	if items.Len() < n || (!hasRest && items.Len() > n) {
		expected := fmt.Sprintf("vector of %d elements", n)
		if hasRest {
			expected = fmt.Sprintf("vector of at least %d elements", n)
		}
		ok, err := Mismatch(mode, expected, fmt.Sprintf("vector of %d elements", items.Len()))
		return nil, ok, err
	}
	return items, true, nil
}

// VectorRest is what the `& rest` of a vector pattern of n elements binds:
// a vector of the elements after them, sharing items.
func VectorRest(items *value.Vector, n int) value.Value {
	return items.Sub(n, items.Len()).WithKind(value.KVector)
}

// MapFits checks that v is a map, the subject a map pattern needs.
func MapFits(v value.Value, mode Mode) (*value.Map, bool, *value.Error) {
	if v.Kind() != value.KMap {
		ok, err := Mismatch(mode, "map", v.TypeName())
		return nil, ok, err
	}
	return v.AsMap(), true, nil
}

// MapKey looks up the key k of a map pattern: a missing key binds nil when
// destructuring and makes a match fail (ok false).
func MapKey(m *value.Map, k value.Value, mode Mode) (v value.Value, ok bool) {
	v, found := m.Get(k)
	return v, found || mode == Destructuring
}

// MapRemainder returns m without the keys its pattern named: what a `&
// rest` binds. ok is false when a match without a rest finds keys the
// pattern did not name.
func MapRemainder(m *value.Map, keys []value.Value, hasRest bool, mode Mode) (rest *value.Map, ok bool) {
	if !hasRest && mode == Destructuring {
		return nil, true
	}
	rest = m
	for _, k := range keys {
		rest = rest.Dissoc(k)
	}
	return rest, hasRest || rest.Len() == 0
}
