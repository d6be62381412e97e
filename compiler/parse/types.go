package parse

import (
	"strings"

	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/value"
)

// Type annotations (§3.6) are parsed into *value.Type here; both engines
// check values against them. A name the language does not know (`MyType`)
// is not an error: like the reference, the check always fails, so it is
// parsed as "never".

// simpleTypeNames maps the simple type names, in lower case, to their
// canonical name; `integer` and `boolean` are the aliases of §3.6 A28.
var simpleTypeNames = map[string]string{
	"int": "int", "integer": "int",
	"float": "float", "string": "string",
	"bool": "bool", "boolean": "bool",
	"nil": "nil", "keyword": "keyword", "symbol": "symbol",
	"any": "any", "never": "never", "fn": "fn",
}

// annotation reads an optional type annotation at the start of forms, `:T`
// or `: T`, and returns it with the number of forms it took (0 when there is
// none). form names the special form for messages.
func (b *builder) annotation(form string, forms []*syntax.Form) (*value.Type, int) {
	if len(forms) == 0 {
		return nil, 0
	}
	switch {
	case isColon(forms[0]):
		if len(forms) < 2 {
			b.fail(forms[0], "%s: ':' must be followed by a type", form)
			return nil, 1
		}
		return b.typeOf(forms[1]), 2
	case forms[0].Kind == syntax.FKeyword:
		return b.typeOf(forms[0]), 1
	}
	return nil, 0
}

// typeOf parses a type: a keyword or symbol name (`:int`, `int`, `Int`,
// `:string?`), nil, or a complex type vector (`[:vector :int]`).
func (b *builder) typeOf(f *syntax.Form) *value.Type {
	switch f.Kind {
	case syntax.FKeyword:
		return simpleType(f.Val.AsKeyword().Name)
	case syntax.FSymbol:
		return simpleType(f.Text)
	case syntax.FNil:
		return &value.Type{Name: "nil"}
	case syntax.FVector:
		return b.complexType(f)
	}
	b.fail(f, "expected a type, got %s", describe(f))
	return nil
}

// simpleType resolves a type name: a trailing `?` makes it optional, a
// capitalised alias (`Int`) is the lower-case name, `number` is an integer
// or a float.
func simpleType(name string) *value.Type {
	base, optional := strings.CutSuffix(name, "?")
	if base == "" {
		base, optional = name, false
	}
	base = strings.ToLower(base[:1]) + base[1:]
	var t *value.Type
	if base == "number" {
		t = &value.Type{Name: "union", Elems: []*value.Type{{Name: "int"}, {Name: "float"}}}
	} else if canonical, ok := simpleTypeNames[base]; ok {
		t = &value.Type{Name: canonical}
	} else {
		t = &value.Type{Name: "never"}
	}
	t.Optional = optional
	return t
}

// complexType parses `[:head args...]`.
func (b *builder) complexType(f *syntax.Form) *value.Type {
	if len(f.Elems) == 0 {
		b.fail(f, "expected a type, got an empty vector")
		return nil
	}
	var head string
	switch h := f.Elems[0]; h.Kind {
	case syntax.FKeyword:
		head = h.Val.AsKeyword().Name
	case syntax.FSymbol:
		head = h.Text
	default:
		b.fail(h, "type: expected a type constructor such as :vector, got %s", describe(h))
		return nil
	}
	args := f.Elems[1:]
	arity := func(min, max int) bool {
		if len(args) < min || (max >= 0 && len(args) > max) {
			b.fail(f, "type [:%s ...]: expected %s, got %d", head, value.ArityText(min, max), len(args))
			return false
		}
		return true
	}
	switch head {
	case "vector":
		if !arity(1, 1) {
			return nil
		}
		return &value.Type{Name: "vector", Elems: b.types(args)}
	case "tuple", "union":
		if !arity(1, -1) {
			return nil
		}
		return &value.Type{Name: head, Elems: b.types(args)}
	case "map-of", "dict":
		if !arity(2, 2) {
			return nil
		}
		return &value.Type{Name: "map-of", Elems: b.types(args)}
	case "map", "record":
		return &value.Type{Name: "map", Fields: b.typeFields(args)}
	case "and":
		if !arity(1, -1) {
			return nil
		}
		return &value.Type{Name: "and", Elems: b.types(args[:1]), Preds: b.typePreds(args[1:])}
	case "enum":
		if !arity(1, -1) {
			return nil
		}
		return &value.Type{Name: "enum", Values: b.literals(args)}
	case "val":
		if !arity(1, 1) {
			return nil
		}
		return &value.Type{Name: "val", Values: b.literals(args)}
	case "fn", "=>":
		// [:fn [P..] R] accepts any function; the signature is only checked
		// for well-formedness.
		if !arity(2, 2) {
			return nil
		}
		if args[0].Kind != syntax.FVector {
			b.fail(args[0], "type [:fn ...]: expected a vector of parameter types, got %s", describe(args[0]))
			return nil
		}
		for _, p := range args[0].Elems {
			if !p.IsSymbol("&") {
				b.typeOf(p)
			}
		}
		b.typeOf(args[1])
		return &value.Type{Name: "fnsig"}
	}
	return &value.Type{Name: "never"}
}

func (b *builder) types(fs []*syntax.Form) []*value.Type {
	out := make([]*value.Type, len(fs))
	for i, f := range fs {
		out[i] = b.typeOf(f)
	}
	return out
}

// typeFields parses the entries `[:k T]` and `[:k T ?]` of a map type. A
// trailing `?` on the type also makes the entry optional, as in the
// reference.
func (b *builder) typeFields(entries []*syntax.Form) []value.TypeField {
	var out []value.TypeField
	for _, e := range entries {
		n := len(e.Elems)
		if e.Kind != syntax.FVector || n < 2 || n > 3 || e.Elems[0].Kind != syntax.FKeyword || (n == 3 && !e.Elems[2].IsSymbol("?")) {
			b.fail(e, "type [:map ...]: expected entries [:key Type] or [:key Type ?], got %s", describe(e))
			continue
		}
		t := b.typeOf(e.Elems[1])
		out = append(out, value.TypeField{Key: e.Elems[0].Val, Type: t, Optional: n == 3 || (t != nil && t.Optional)})
	}
	return out
}

// typePreds parses the predicates of an [:and ...] type: `[:op]`, `[:op
// arg]`, or `[:op a b ...]` whose arguments become one vector.
func (b *builder) typePreds(preds []*syntax.Form) []value.TypePred {
	var out []value.TypePred
	for _, p := range preds {
		if p.Kind != syntax.FVector || len(p.Elems) == 0 || p.Elems[0].Kind != syntax.FKeyword {
			b.fail(p, "type [:and ...]: expected predicates such as [:> 0], got %s", describe(p))
			continue
		}
		pred := value.TypePred{Op: p.Elems[0].Val.AsKeyword().Name}
		switch args := b.literals(p.Elems[1:]); len(args) {
		case 0:
		case 1:
			pred.Arg = args[0]
		default:
			pred.Arg = value.NewVector(args)
		}
		out = append(out, pred)
	}
	return out
}

// literals reads literal forms as values: scalars and vectors of literals.
func (b *builder) literals(fs []*syntax.Form) []value.Value {
	out := make([]value.Value, 0, len(fs))
	for _, f := range fs {
		switch f.Kind {
		case syntax.FInt, syntax.FFloat, syntax.FString, syntax.FBool, syntax.FNil, syntax.FKeyword:
			out = append(out, f.Val)
		case syntax.FVector:
			out = append(out, value.NewVector(b.literals(f.Elems)))
		default:
			b.fail(f, "type: expected a literal, got %s", describe(f))
		}
	}
	return out
}
