package stdlib

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/rtfs-go/rtfs/value"
)

var arithmeticBuiltins = []*value.Builtin{
	{Name: "+", MinArgs: 1, MaxArgs: variadic, Pure: true, Fn: add},
	{Name: "-", MinArgs: 1, MaxArgs: variadic, Pure: true, Fn: subtract},
	{Name: "*", MinArgs: 1, MaxArgs: variadic, Pure: true, Fn: multiply},
	{Name: "/", MinArgs: 1, MaxArgs: variadic, Pure: true, Fn: divide},
	{Name: "mod", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: modulo},
	{Name: "inc", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: step("inc", 1)},
	{Name: "dec", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: step("dec", -1)},
	{Name: "max", MinArgs: 1, MaxArgs: variadic, Pure: true, Fn: extremum("max", 1)},
	{Name: "min", MinArgs: 1, MaxArgs: variadic, Pure: true, Fn: extremum("min", -1)},
	{Name: "abs", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: abs},
	{Name: "sqrt", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: sqrt},
	{Name: "pow", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: pow},
	{Name: "factorial", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: factorial},
	{Name: "even?", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: parity("even?", 0)},
	{Name: "odd?", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: parity("odd?", 1)},
	{Name: "zero?", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: sign("zero?", 0)},
	{Name: "pos?", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: sign("pos?", 1)},
	{Name: "neg?", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: sign("neg?", -1)},
	{Name: "parse-int", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: parseInt},
	{Name: "parse-float", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: parseFloat},
	{Name: "int", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: toInt},
	{Name: "float", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: toFloat},
}

func add(_ value.Runtime, args []value.Value) (value.Value, error) {
	if len(args) == 2 && args[0].Kind() == value.KInt && args[1].Kind() == value.KInt {
		return value.Int(args[0].AsInt() + args[1].AsInt()), nil
	}
	return fold("+", args, func(a, b int64) int64 { return a + b }, func(a, b float64) float64 { return a + b })
}

func subtract(_ value.Runtime, args []value.Value) (value.Value, error) {
	if len(args) == 2 && args[0].Kind() == value.KInt && args[1].Kind() == value.KInt {
		return value.Int(args[0].AsInt() - args[1].AsInt()), nil
	}
	if len(args) == 1 {
		switch x := args[0]; x.Kind() {
		case value.KInt:
			return value.Int(-x.AsInt()), nil
		case value.KFloat:
			return value.Float(-x.AsFloat()), nil
		default:
			return value.Nil, value.TypeErr("-", "number", x)
		}
	}
	return fold("-", args, func(a, b int64) int64 { return a - b }, func(a, b float64) float64 { return a - b })
}

func multiply(_ value.Runtime, args []value.Value) (value.Value, error) {
	if len(args) == 2 && args[0].Kind() == value.KInt && args[1].Kind() == value.KInt {
		return value.Int(args[0].AsInt() * args[1].AsInt()), nil
	}
	return fold("*", args, func(a, b int64) int64 { return a * b }, func(a, b float64) float64 { return a * b })
}

// fold applies op left to right. Integer pairs stay integers (wrapping on
// overflow, ⚠ A25); once a float is involved the result is a float.
func fold(op string, args []value.Value, ints func(a, b int64) int64, floats func(a, b float64) float64) (value.Value, error) {
	acc := args[0]
	if !acc.IsNumber() {
		return value.Nil, value.TypeErr(op, "number", acc)
	}
	for _, x := range args[1:] {
		switch {
		case !x.IsNumber():
			return value.Nil, value.TypeErr(op, "number", x)
		case acc.Kind() == value.KInt && x.Kind() == value.KInt:
			acc = value.Int(ints(acc.AsInt(), x.AsInt()))
		default:
			acc = value.Float(floats(acc.Num(), x.Num()))
		}
	}
	return acc, nil
}

func divisionByZero() error { return value.Errorf(value.DivisionByZero, "Division by zero") }

// divide is the reference algorithm of §3.3: every operand as a float,
// divided left to right, and a quotient without fractional part returned as
// an integer, so (/ 6.0 2) is 3 and (/ 7 2) is 3.5.
func divide(_ value.Runtime, args []value.Value) (value.Value, error) {
	if !args[0].IsNumber() {
		return value.Nil, value.TypeErr("/", "number", args[0])
	}
	q := args[0].Num()
	for _, d := range args[1:] {
		if !d.IsNumber() {
			return value.Nil, value.TypeErr("/", "number", d)
		}
		if d.Num() == 0 {
			return value.Nil, divisionByZero()
		}
		q /= d.Num()
	}
	return integralIfWhole(q), nil
}

// twoTo63 is 2^63, the first float above the int64 range.
const twoTo63 = 9223372036854775808.0

// integralIfWhole returns q as an integer when it is whole and fits an
// int64, else as a float (infinities, NaN, fractions, huge values).
func integralIfWhole(q float64) value.Value {
	if q == math.Trunc(q) && q >= -twoTo63 && q < twoTo63 {
		return value.Int(int64(q))
	}
	return value.Float(q)
}

func modulo(_ value.Runtime, args []value.Value) (value.Value, error) {
	a, b := args[0], args[1]
	if a.Kind() == value.KInt && b.Kind() == value.KInt {
		if b.AsInt() == 0 {
			return value.Nil, divisionByZero()
		}
		return value.Int(a.AsInt() % b.AsInt()), nil
	}
	for _, x := range args {
		if !x.IsNumber() {
			return value.Nil, value.TypeErr("mod", "number", x)
		}
	}
	if b.Num() == 0 {
		return value.Nil, divisionByZero()
	}
	return value.Float(math.Mod(a.Num(), b.Num())), nil
}

// step is inc (delta 1) or dec (delta -1). A non-number is a Generic error
// here, not a TypeError: that is what programs written against the
// reference catch.
func step(op string, delta int64) func(value.Runtime, []value.Value) (value.Value, error) {
	return func(_ value.Runtime, args []value.Value) (value.Value, error) {
		switch x := args[0]; x.Kind() {
		case value.KInt:
			return value.Int(x.AsInt() + delta), nil
		case value.KFloat:
			return value.Float(x.AsFloat() + float64(delta)), nil
		default:
			return value.Nil, value.Errorf(value.Generic, "%s expects a number", op)
		}
	}
}

// extremum is max (want 1) or min (want -1): the first argument that beats
// every other is returned unchanged, integer or float.
func extremum(op string, want int) func(value.Runtime, []value.Value) (value.Value, error) {
	return func(_ value.Runtime, args []value.Value) (value.Value, error) {
		best := args[0]
		for _, x := range args {
			if !x.IsNumber() {
				return value.Nil, value.Errorf(value.Generic, "%s can only compare numbers", op)
			}
			if c, ok := value.CompareNumbers(x, best); ok && c == want {
				best = x
			}
		}
		return best, nil
	}
}

func abs(_ value.Runtime, args []value.Value) (value.Value, error) {
	switch x := args[0]; x.Kind() {
	case value.KInt:
		if n := x.AsInt(); n < 0 {
			return value.Int(-n), nil
		}
		return x, nil
	case value.KFloat:
		return value.Float(math.Abs(x.AsFloat())), nil
	default:
		return value.Nil, value.TypeErr("abs", "number", x)
	}
}

func sqrt(_ value.Runtime, args []value.Value) (value.Value, error) {
	x := args[0]
	if !x.IsNumber() {
		return value.Nil, value.TypeErr("sqrt", "number", x)
	}
	if x.Num() < 0 {
		return value.Nil, value.Errorf(value.InvalidArgument, "Cannot take the square root of a negative number: %s", x)
	}
	return value.Float(math.Sqrt(x.Num())), nil
}

// pow keeps integers exact (wrapping on overflow) for a non-negative
// integer exponent; any float or a negative exponent gives a float.
func pow(_ value.Runtime, args []value.Value) (value.Value, error) {
	base, exp := args[0], args[1]
	for _, x := range args {
		if !x.IsNumber() {
			return value.Nil, value.TypeErr("pow", "number", x)
		}
	}
	if base.Kind() == value.KInt && exp.Kind() == value.KInt && exp.AsInt() >= 0 {
		result, b := int64(1), base.AsInt()
		for e := exp.AsInt(); e > 0; e >>= 1 {
			if e&1 == 1 {
				result *= b
			}
			b *= b
		}
		return value.Int(result), nil
	}
	return value.Float(math.Pow(base.Num(), exp.Num())), nil
}

// factorialWrapsToZero is the smallest n whose n! has 64 factors of two, so
// that n! and every larger factorial wrap to exactly 0 in int64 arithmetic.
// Answering those directly keeps (factorial 1000000000000) from looping.
const factorialWrapsToZero = 66

func factorial(_ value.Runtime, args []value.Value) (value.Value, error) {
	n, err := asInt("factorial", args[0])
	if err != nil {
		return value.Nil, err
	}
	if n < 0 {
		return value.Nil, value.Errorf(value.InvalidArgument, "Factorial is not defined for negative numbers: %d", n)
	}
	if n >= factorialWrapsToZero {
		return value.Int(0), nil
	}
	result := int64(1)
	for i := int64(2); i <= n; i++ {
		result *= i
	}
	return value.Int(result), nil
}

// parity is even? (remainder 0) or odd? (remainder 1). Floats are truncated
// first; NaN and infinities are neither even nor odd.
func parity(op string, remainder float64) func(value.Runtime, []value.Value) (value.Value, error) {
	return func(_ value.Runtime, args []value.Value) (value.Value, error) {
		switch x := args[0]; x.Kind() {
		case value.KInt:
			// Squaring folds the remainder -1 of negative odd numbers onto 1.
			r := x.AsInt() % 2
			return value.Bool(float64(r*r) == remainder), nil
		case value.KFloat:
			r := math.Abs(math.Mod(math.Trunc(x.AsFloat()), 2))
			return value.Bool(r == remainder), nil
		default:
			return value.Nil, value.TypeErr(op, "number", x)
		}
	}
}

// sign is zero? (want 0), pos? (1) or neg? (-1).
func sign(op string, want int) func(value.Runtime, []value.Value) (value.Value, error) {
	return func(_ value.Runtime, args []value.Value) (value.Value, error) {
		x := args[0]
		if !x.IsNumber() {
			return value.Nil, value.TypeErr(op, "number", x)
		}
		c, ok := value.CompareNumbers(x, value.Int(0))
		return value.Bool(ok && c == want), nil
	}
}

// truncToInt converts like the reference's `as i64`: toward zero,
// saturating at the int64 bounds, NaN to 0.
func truncToInt(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= twoTo63:
		return math.MaxInt64
	case f < -twoTo63:
		return math.MinInt64
	}
	return int64(f)
}

func parseIntText(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// parseFloatText accepts decimal and exponent notation, inf and nan, like
// the reference; hexadecimal floats, which Go alone accepts, are refused.
// Out-of-range text parses to an infinity.
func parseFloatText(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "xX") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

func parseInt(_ value.Runtime, args []value.Value) (value.Value, error) {
	switch x := args[0]; x.Kind() {
	case value.KString:
		if n, ok := parseIntText(x.AsString()); ok {
			return value.Int(n), nil
		}
	case value.KInt:
		return x, nil
	case value.KFloat:
		return value.Int(truncToInt(x.AsFloat())), nil
	}
	return value.Nil, nil
}

func parseFloat(_ value.Runtime, args []value.Value) (value.Value, error) {
	switch x := args[0]; x.Kind() {
	case value.KString:
		if f, ok := parseFloatText(x.AsString()); ok {
			return value.Float(f), nil
		}
	case value.KInt, value.KFloat:
		return value.Float(x.Num()), nil
	}
	return value.Nil, nil
}

// toInt coerces anything to an integer; what cannot be read is 0.
func toInt(_ value.Runtime, args []value.Value) (value.Value, error) {
	switch x := args[0]; x.Kind() {
	case value.KInt:
		return x, nil
	case value.KFloat:
		return value.Int(truncToInt(x.AsFloat())), nil
	case value.KString:
		n, _ := parseIntText(x.AsString())
		return value.Int(n), nil
	case value.KBool:
		if x.AsBool() {
			return value.Int(1), nil
		}
	}
	return value.Int(0), nil
}

// toFloat coerces anything to a float; what cannot be read is 0.0.
func toFloat(_ value.Runtime, args []value.Value) (value.Value, error) {
	switch x := args[0]; x.Kind() {
	case value.KInt, value.KFloat:
		return value.Float(x.Num()), nil
	case value.KString:
		f, _ := parseFloatText(x.AsString())
		return value.Float(f), nil
	case value.KBool:
		if x.AsBool() {
			return value.Float(1), nil
		}
	}
	return value.Float(0), nil
}
