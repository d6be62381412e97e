package value

import "fmt"

// ErrorKind is one name of the error taxonomy (§6). Kinds are reported
// verbatim: tests and catch clauses match on them.
type ErrorKind string

// The error kinds.
const (
	ParseError            ErrorKind = "ParseError"
	InvalidLiteral        ErrorKind = "InvalidLiteral"
	InvalidEscapeSequence ErrorKind = "InvalidEscapeSequence"
	InvalidInput          ErrorKind = "InvalidInput"
	UndefinedSymbol       ErrorKind = "UndefinedSymbol"
	TypeError             ErrorKind = "TypeError"
	ArityMismatch         ErrorKind = "ArityMismatch"
	DivisionByZero        ErrorKind = "DivisionByZero"
	IndexOutOfBounds      ErrorKind = "IndexOutOfBounds"
	MatchError            ErrorKind = "MatchError"
	TypeValidationError   ErrorKind = "TypeValidationError"
	InvalidArgument       ErrorKind = "InvalidArgument"
	InvalidArguments      ErrorKind = "InvalidArguments"
	SecurityViolation     ErrorKind = "SecurityViolation"
	UnknownCapability     ErrorKind = "UnknownCapability"
	NotImplemented        ErrorKind = "NotImplemented"
	InternalError         ErrorKind = "InternalError"
	StackOverflow         ErrorKind = "StackOverflow"
	Generic               ErrorKind = "Generic"
	// Limit errors stop a run from outside the language: they are reported
	// like any other error but no catch clause can intercept them.
	Timeout        ErrorKind = "Timeout"
	MemoryExceeded ErrorKind = "MemoryExceeded"
)

// RuntimeKinds are the kinds a catch clause may name (§4.9).
var RuntimeKinds = []ErrorKind{
	UndefinedSymbol, TypeError, ArityMismatch, DivisionByZero, IndexOutOfBounds,
	MatchError, TypeValidationError, InvalidArgument, InvalidArguments,
	SecurityViolation, UnknownCapability, NotImplemented, InternalError,
	StackOverflow, Generic,
}

// IsRuntimeKind reports whether name is a catchable error kind.
func IsRuntimeKind(name string) bool {
	for _, k := range RuntimeKinds {
		if string(k) == name {
			return true
		}
	}
	return false
}

// Pos is a source position: file, 1-based line and column.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// IsValid reports whether p names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Error is an RTFS error. It is both the Go error both engines return and,
// once caught, the payload of an error value.
type Error struct {
	Kind    ErrorKind
	Message string
	Pos     Pos
	// Hint, when not empty, suggests a fix ("did you mean `match`?"); it
	// is shown with the diagnostic and is not part of the message a
	// program catches.
	Hint string
	// Stack is the chain of calls the error was raised in, innermost
	// first, at most MaxStack of them; StackMore counts those left out.
	Stack     []Frame
	StackMore int
	// Steps are the steps the error was raised in, innermost first.
	Steps []string
}

// Frame is one call of an error's chain: the function and where it was
// called.
type Frame struct {
	Func string
	Pos  Pos
}

// MaxStack is the most frames an error's Stack keeps.
const MaxStack = 10

// AddFrame adds the call of fn at pos, the next one out, to e's chain.
func (e *Error) AddFrame(fn string, pos Pos) {
	if len(e.Stack) < MaxStack {
		e.Stack = append(e.Stack, Frame{fn, pos})
	} else {
		e.StackMore++
	}
}

func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return fmt.Sprintf("%s: error[%s]: %s", e.Pos, e.Kind, e.Message)
	}
	return fmt.Sprintf("error[%s]: %s", e.Kind, e.Message)
}

// Catchable reports whether try/catch may intercept e.
func (e *Error) Catchable() bool { return e.Kind != Timeout && e.Kind != MemoryExceeded }

// Errorf makes an error of the given kind.
func Errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// TypeErr is the standard "Type error in OP: expected E, got A".
func TypeErr(op, expected string, got Value) *Error {
	return Errorf(TypeError, "Type error in %s: expected %s, got %s", op, expected, got.TypeName())
}

// ArityErr is the standard "Arity mismatch in F: expected E, got N".
func ArityErr(fn, expected string, got int) *Error {
	return Errorf(ArityMismatch, "Arity mismatch in %s: expected %s, got %d", fn, expected, got)
}

// ArityText renders an arity range the way ArityErr expects it: "2",
// "at least 1", "between 2 and 3". max < 0 means variadic.
func ArityText(min, max int) string {
	switch {
	case max < 0:
		return fmt.Sprintf("at least %d", min)
	case min == max:
		return fmt.Sprintf("%d", min)
	}
	return fmt.Sprintf("between %d and %d", min, max)
}

// WithPos returns e positioned at p unless it already has a position.
func (e *Error) WithPos(p Pos) *Error {
	if e.Pos.IsValid() || !p.IsValid() {
		return e
	}
	c := *e
	c.Pos = p
	return &c
}
