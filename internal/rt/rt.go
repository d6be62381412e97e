// Package rt holds the run-time rules of RTFS that do not depend on how a
// program is represented: what calling a keyword does, how a closure's
// arity is checked, the texts of the errors every engine raises, the shape
// rules of destructuring and match patterns, symbol fallback to the host,
// capability calls, the step forms (profiles, time limits, concurrent
// step-parallel branches) and cancellation.
//
// The tree-walking interpreter (package interp) and the bytecode VM
// (package vm) both call these functions, so each rule and each error
// message exists once and the two engines cannot drift apart; the compiler
// may use the description helpers to name what a type check is about.
package rt

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

// DefaultMaxDepth is the call depth an engine allows when its options
// leave it zero (§3.5): the nesting of closure calls made outside tail
// position, builtin calls not counted.
const DefaultMaxDepth = 10000

// StackOverflow is the error of a closure call made at the depth limit.
func StackOverflow(maxDepth int) *value.Error {
	return value.Errorf(value.StackOverflow, "Maximum call depth (%d) exceeded", maxDepth)
}

// NotCallable is the error of calling a value that is neither a function
// nor a keyword (§3.7).
func NotCallable(callee value.Value) *value.Error {
	return value.TypeErr("function call", "function", callee)
}

// FuncName is the name a function is reported under: its defn name, or
// "fn" for an anonymous function.
func FuncName(name string) string {
	if name == "" {
		return "fn"
	}
	return name
}

// CheckArity checks the argument count of a call of the closure name that
// has fixed positional parameters and, if variadic, a `& rest` (§3.7).
func CheckArity(name string, fixed int, variadic bool, got int) *value.Error {
	if got == fixed || (variadic && got > fixed) {
		return nil
	}
	most := fixed
	if variadic {
		most = -1
	}
	return value.ArityErr(name, value.ArityText(fixed, most), got)
}

// KeywordCall implements (:k m) and (:k m default) (§3.7). An error value
// answers :message and :type, so caught errors can be inspected.
func KeywordCall(k value.Value, args []value.Value) (value.Value, *value.Error) {
	name := k.String()
	if len(args) < 1 || len(args) > 2 {
		return value.Nil, value.ArityErr(name, value.ArityText(1, 2), len(args))
	}
	fallback := value.Nil
	if len(args) == 2 {
		fallback = args[1]
	}
	switch target := args[0]; target.Kind() {
	case value.KMap:
		if v, ok := target.AsMap().Get(k); ok {
			return v, nil
		}
	case value.KError:
		switch k.AsKeyword().Name {
		case "message":
			return value.String(target.AsError().Message), nil
		case "type":
			return value.Kw(string(target.AsError().Kind)), nil
		}
	case value.KNil:
	default:
		return value.Nil, value.TypeErr(name, "map", target)
	}
	return fallback, nil
}

// ValidationError is the TypeValidationError of v failing the annotation t;
// what says which value was checked (see the *What helpers).
func ValidationError(t *value.Type, v value.Value, what string) *value.Error {
	return value.Errorf(value.TypeValidationError, "Type validation failed for %s: expected %s, got %s",
		what, t, v.TypeName())
}

// ParamWhat describes positional parameter i (from 1) of the function fn.
func ParamWhat(i int, fn string) string { return fmt.Sprintf("parameter %d of %s", i, fn) }

// RestWhat describes the elements of the rest parameter rest of fn.
func RestWhat(rest, fn string) string { return fmt.Sprintf("rest parameter %s of %s", rest, fn) }

// ReturnWhat describes the return value of fn.
func ReturnWhat(fn string) string { return "return value of " + fn }

// DefWhat describes the value of the definition of name.
func DefWhat(name string) string { return "definition of " + name }

// LetWhat describes the value of an annotated let binding.
const LetWhat = "let binding"

// StructConstructor is the one-argument function defstruct binds: it
// returns its map argument unchanged once the map satisfies record, the
// struct's map type (extra keys are allowed).
func StructConstructor(name string, record *value.Type) *value.Builtin {
	return &value.Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Pure: true,
		Fn: func(_ value.Runtime, args []value.Value) (value.Value, error) {
			switch m := args[0]; {
			case m.Kind() != value.KMap:
				return value.Nil, value.TypeErr(name, "map", m)
			case !value.Check(record, m):
				return value.Nil, ValidationError(record, m, name)
			default:
				return m, nil
			}
		}}
}

// Undefined is the error of a symbol bound nowhere, with a hint when the
// name looks like a misspelt special form, builtin or one of the names
// the program has bound (known).
func Undefined(name string, known iter.Seq[string]) *value.Error {
	err := value.Errorf(value.UndefinedSymbol, "Undefined symbol: %s", name)
	err.Hint = didYouMean(name, known)
	return err
}

// Fallback resolves a symbol the program does not bind (§3.8): the host
// execution context, then the cross-plan parameters of the run.
func Fallback(h host.Host, rc *host.RuntimeContext, name string) (value.Value, bool) {
	if v, ok := h.GetContextValue(name); ok {
		return v, true
	}
	v, ok := rc.CrossPlanParams[name]
	return v, ok
}

// ContextRef is the value of `@name`: the host context value, or the
// string "@name" when the host has none.
func ContextRef(h host.Host, name string) value.Value {
	if v, ok := h.GetContextValue(name); ok {
		return v
	}
	return value.String("@" + name)
}

// TimeoutError is the uncatchable error of a run whose context ended.
func TimeoutError(cause error) *value.Error {
	switch {
	case errors.Is(cause, context.DeadlineExceeded):
		return value.Errorf(value.Timeout, "Execution timed out")
	case cause == nil || errors.Is(cause, context.Canceled):
		return value.Errorf(value.Timeout, "Execution cancelled")
	}
	return value.Errorf(value.Timeout, "Execution cancelled: %v", cause)
}

// ToError turns an error from a builtin or the host into an RTFS error.
// Hosts may return plain Go errors; they become Generic errors (catchable),
// except the run's own cancellation, which stays a Timeout.
func ToError(err error) *value.Error {
	var e *value.Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return TimeoutError(err)
	}
	return value.Errorf(value.Generic, "%s", err.Error())
}

// GoError returns e as an error interface, nil when e is nil (a nil
// *value.Error in an interface would not compare equal to nil).
func GoError(e *value.Error) error {
	if e == nil {
		return nil
	}
	return e
}

// IsRuntimeHint reports whether a metadata key is a `runtime.` hint, the
// only entries of `^{...}` that are evaluated (§1, Metadata).
func IsRuntimeHint(k value.Value) bool { return strings.HasPrefix(k.KeyName(), "runtime.") }
