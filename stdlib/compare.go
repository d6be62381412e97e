package stdlib

import (
	"strings"

	"github.com/rtfs-go/rtfs/value"
)

var notEqualBuiltin = &value.Builtin{Name: "not=", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: notEqual}

var comparisonBuiltins = []*value.Builtin{
	{Name: "=", MinArgs: 1, MaxArgs: variadic, Pure: true, Fn: equal},
	notEqualBuiltin,
	alias("!=", notEqualBuiltin),
	{Name: "<", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: less},
	{Name: ">", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: greater},
	{Name: "<=", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: lessOrEqual},
	{Name: ">=", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: greaterOrEqual},
	{Name: "not", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: not},
	// and/or as values, for apply and reduce; in call position the compiler
	// turns them into short-circuiting special forms.
	{Name: "and", MinArgs: 0, MaxArgs: variadic, Pure: true, Fn: and},
	{Name: "or", MinArgs: 0, MaxArgs: variadic, Pure: true, Fn: or},
}

func equal(_ value.Runtime, args []value.Value) (value.Value, error) {
	if len(args) == 2 && args[0].Kind() == value.KInt && args[1].Kind() == value.KInt {
		return value.Bool(args[0].AsInt() == args[1].AsInt()), nil
	}
	for i := 1; i < len(args); i++ {
		if !value.Equal(args[i-1], args[i]) {
			return value.False, nil
		}
	}
	return value.True, nil
}

func notEqual(_ value.Runtime, args []value.Value) (value.Value, error) {
	return value.Bool(!value.Equal(args[0], args[1])), nil
}

func less(_ value.Runtime, args []value.Value) (value.Value, error) {
	if args[0].Kind() == value.KInt && args[1].Kind() == value.KInt {
		return value.Bool(args[0].AsInt() < args[1].AsInt()), nil
	}
	return order("<", args[0], args[1], func(c int) bool { return c < 0 })
}

func greater(_ value.Runtime, args []value.Value) (value.Value, error) {
	if args[0].Kind() == value.KInt && args[1].Kind() == value.KInt {
		return value.Bool(args[0].AsInt() > args[1].AsInt()), nil
	}
	return order(">", args[0], args[1], func(c int) bool { return c > 0 })
}

func lessOrEqual(_ value.Runtime, args []value.Value) (value.Value, error) {
	if args[0].Kind() == value.KInt && args[1].Kind() == value.KInt {
		return value.Bool(args[0].AsInt() <= args[1].AsInt()), nil
	}
	return order("<=", args[0], args[1], func(c int) bool { return c <= 0 })
}

func greaterOrEqual(_ value.Runtime, args []value.Value) (value.Value, error) {
	if args[0].Kind() == value.KInt && args[1].Kind() == value.KInt {
		return value.Bool(args[0].AsInt() >= args[1].AsInt()), nil
	}
	return order(">=", args[0], args[1], func(c int) bool { return c >= 0 })
}

// order compares two numbers (mixed integer/float allowed) or two strings
// (byte order) and applies holds to the comparison; a NaN operand makes
// every comparison false. Any other pair is a TypeError.
func order(op string, a, b value.Value, holds func(c int) bool) (value.Value, error) {
	if a.IsNumber() && b.IsNumber() {
		c, ok := value.CompareNumbers(a, b)
		return value.Bool(ok && holds(c)), nil
	}
	if a.Kind() == value.KString && b.Kind() == value.KString {
		return value.Bool(holds(strings.Compare(a.AsString(), b.AsString()))), nil
	}
	switch {
	case a.IsNumber():
		return value.Nil, value.TypeErr(op, "number", b)
	case a.Kind() == value.KString:
		return value.Nil, value.TypeErr(op, "string", b)
	}
	return value.Nil, value.TypeErr(op, "number or string", a)
}

func not(_ value.Runtime, args []value.Value) (value.Value, error) {
	return value.Bool(!args[0].Truthy()), nil
}

// and returns the first falsy argument, else the last (true when empty).
func and(_ value.Runtime, args []value.Value) (value.Value, error) {
	result := value.True
	for _, x := range args {
		if result = x; !x.Truthy() {
			break
		}
	}
	return result, nil
}

// or returns the first truthy argument, else the last (false when empty).
func or(_ value.Runtime, args []value.Value) (value.Value, error) {
	result := value.False
	for _, x := range args {
		if result = x; x.Truthy() {
			break
		}
	}
	return result, nil
}
