package value

// Type is a parsed type annotation (§3.6). The front end builds it from
// annotation syntax; both engines check values against it with Check.
//
// Name is one of: "int", "float", "string", "bool", "nil", "keyword",
// "symbol", "any", "never", "fn" (simple types; Optional set for a trailing
// `?`), or a complex head: "vector" (Elems[0]), "tuple" (Elems), "map"
// (Fields; `:record` is an alias), "map-of" (Elems[0] key, Elems[1] value;
// `:dict` alias), "union" (Elems), "and" (Elems[0] base, Preds), "enum"
// (Values), "val" (Values[0]), "fnsig" ([:fn [P..] R]: any function).
type Type struct {
	Name     string
	Optional bool
	Elems    []*Type
	Fields   []TypeField
	Preds    []TypePred
	Values   []Value
}

// TypeField is one `[:k T]` or `[:k T ?]` entry of a map type.
type TypeField struct {
	Key      Value
	Type     *Type
	Optional bool
}

// TypePred is one predicate of an `[:and T pred..]` type, e.g. `[:> 0]` is
// {Op: ">", Arg: 0} and `[:min-length 3]` is {Op: "min-length", Arg: 3}.
type TypePred struct {
	Op  string
	Arg Value
}
