package stdlib

import (
	"io"

	"github.com/rtfs-go/rtfs/value"
)

var miscBuiltins = []*value.Builtin{
	{Name: "getMessage", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: getMessage},
	// Not Pure: every call makes a distinct error value, and error values
	// are equal only to themselves.
	{Name: "Exception.", MinArgs: 1, MaxArgs: variadic, Fn: exception},
	{Name: "process-data", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: identity},
	{Name: "deftype", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: deftype},
	{Name: "println", MinArgs: 0, MaxArgs: variadic, Fn: printLine},
	{Name: "context/get", MinArgs: 1, MaxArgs: 1, Fn: contextGet},
	{Name: "context/set", MinArgs: 2, MaxArgs: 2, Fn: contextSet},
}

func getMessage(_ value.Runtime, args []value.Value) (value.Value, error) {
	if args[0].Kind() != value.KError {
		return value.Nil, value.TypeErr("getMessage", "error", args[0])
	}
	return value.String(args[0].AsError().Message), nil
}

// exception builds, without raising it, a Generic error whose message is
// the str text of the first argument; further arguments (a cause, in the
// Java habit this name comes from) are accepted and ignored.
func exception(_ value.Runtime, args []value.Value) (value.Value, error) {
	return value.ErrorValue(&value.Error{Kind: value.Generic, Message: value.Str(args[0])}), nil
}

func identity(_ value.Runtime, args []value.Value) (value.Value, error) {
	return args[0], nil
}

// deftype is accepted for compatibility and defines nothing.
func deftype(value.Runtime, []value.Value) (value.Value, error) {
	return value.Nil, nil
}

// printLine is println: it writes the str text of its arguments, separated by spaces, and a
// newline.
func printLine(rt value.Runtime, args []value.Value) (value.Value, error) {
	if _, err := io.WriteString(rt.Stdout(), value.StrLine(args)); err != nil {
		return value.Nil, value.Errorf(value.Generic, "println: %v", err)
	}
	return value.Nil, nil
}

// contextKey reads the key of context/get and context/set: a string, or the
// name of a keyword or symbol.
func contextKey(op string, k value.Value) (string, error) {
	switch k.Kind() {
	case value.KString, value.KSymbol:
		return k.AsString(), nil
	case value.KKeyword:
		return k.AsKeyword().Name, nil
	}
	return "", value.TypeErr(op, "string, keyword or symbol", k)
}

func contextGet(rt value.Runtime, args []value.Value) (value.Value, error) {
	key, err := contextKey("context/get", args[0])
	if err != nil {
		return value.Nil, err
	}
	if v, ok := rt.ContextValue(key); ok {
		return v, nil
	}
	return value.Nil, nil
}

func contextSet(rt value.Runtime, args []value.Value) (value.Value, error) {
	key, err := contextKey("context/set", args[0])
	if err != nil {
		return value.Nil, err
	}
	rt.SetContextValue(key, args[1])
	return value.Nil, nil
}
