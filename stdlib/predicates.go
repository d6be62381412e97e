package stdlib

import (
	"slices"

	"github.com/rtfs-go/rtfs/value"
)

var predicateBuiltins = []*value.Builtin{
	isKind("nil?", value.KNil),
	isKind("bool?", value.KBool),
	isKind("int?", value.KInt),
	isKind("float?", value.KFloat),
	isKind("number?", value.KInt, value.KFloat),
	isKind("string?", value.KString),
	isKind("string-p", value.KString),
	isKind("keyword?", value.KKeyword),
	isKind("symbol?", value.KSymbol),
	isKind("vector?", value.KVector),
	isKind("list?", value.KList),
	isKind("map?", value.KMap),
	isKind("fn?", value.KFunc),
	{Name: "type-name", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: typeName},
}

// isKind makes the one-argument predicate true for values of the kinds.
func isKind(name string, kinds ...value.Kind) *value.Builtin {
	return &value.Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Pure: true,
		Fn: func(_ value.Runtime, args []value.Value) (value.Value, error) {
			return value.Bool(slices.Contains(kinds, args[0].Kind())), nil
		}}
}

// typeNames holds the answer of type-name for each kind, made once.
var typeNames = func() (names [value.KError + 1]value.Value) {
	for k := range names {
		names[k] = value.String(value.Kind(k).String())
	}
	return names
}()

func typeName(_ value.Runtime, args []value.Value) (value.Value, error) {
	return typeNames[args[0].Kind()], nil
}
