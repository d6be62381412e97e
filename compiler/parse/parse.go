// Package parse turns RTFS source into the abstract syntax of package ast:
// it reads forms (package syntax), expands macros, and validates and builds
// every special form.
//
// The front half works in one pass over the forms the reader produced, in
// source order, so that a macro is usable from its definition on:
//
//  1. Metadata is attached: the reader leaves `^{...}` and `^:delegation
//     :target "id"` as prefixes standing before what they annotate; they are
//     joined to the following forms first, so that every later step sees one
//     form per element (see attachSeq).
//  2. Each form is built into a node. A list whose head symbol is exactly the
//     name of a special form is validated and built by that form's builder;
//     special forms cannot be shadowed. A list headed by a macro name is
//     expanded (template substitution on the unevaluated argument forms) and
//     the expansion is built in its place, so nested and recursive macros
//     expand too. Everything else is a call.
//
// Errors never stop the build. A malformed special form is a parse-time
// error of kind InvalidInput, collected with its position; its node becomes
// an ast.Raise so that the tree stays complete. Errors the language defines
// as run-time ones although they are known here (bad step options, wrong
// macro arity, quasiquote outside a template, ...) are not reported: they
// become ast.Raise nodes that fail, catchably, when evaluated, as in the
// reference implementation.
package parse

import (
	"fmt"
	"sort"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/value"
)

// Source reads file and builds its program. It returns every error found,
// reader errors and malformed forms alike, ordered by position; the program
// is meaningful only when there are none.
func Source(file string, src []byte) (*ast.Program, []*value.Error) {
	forms, readErrs := syntax.Read(file, src)
	prog, buildErrs := BuildForms(file, forms)
	return prog, mergeErrors(readErrs, buildErrs)
}

// BuildForms builds a program from forms already read.
func BuildForms(file string, forms []*syntax.Form) (*ast.Program, []*value.Error) {
	b := &builder{macros: map[string]*macro{}}
	prog := &ast.Program{File: file}
	for _, f := range b.attachSeq(forms) {
		prog.Forms = append(prog.Forms, b.expr(f))
	}
	sortErrors(b.errs)
	prog.Warnings = b.warns
	return prog, b.errs
}

// mergeErrors orders both lists by position and keeps one report per
// position: a form the reader already rejected must not be reported twice.
func mergeErrors(a, b []*value.Error) []*value.Error {
	all := append(append([]*value.Error{}, a...), b...)
	sortErrors(all)
	out := all[:0]
	for _, e := range all {
		if len(out) > 0 && e.Pos.IsValid() && out[len(out)-1].Pos == e.Pos {
			continue
		}
		out = append(out, e)
	}
	return out
}

func sortErrors(errs []*value.Error) {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i].Pos, errs[j].Pos
		return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
	})
}

// builder holds the state of one build: the errors so far and the macros
// defined so far.
type builder struct {
	errs   []*value.Error
	warns  []*value.Error
	macros map[string]*macro
	// depth is the number of macro expansions being built inside each other;
	// expansions counts all expansions of the build. Both are bounded so that
	// a macro that expands into itself fails instead of looping.
	depth      int
	expansions int
	// steps numbers the step forms in source order (ast.Step.Index).
	steps int
}

func at(f *syntax.Form) ast.At { return ast.At{P: f.Pos} }

// fail reports a malformed special form (InvalidInput) at f and returns the
// node standing in for it.
func (b *builder) fail(f *syntax.Form, format string, args ...any) ast.Node {
	return b.report(f, value.InvalidInput, format, args...)
}

// report records an error of kind at f; the returned node raises it, which
// keeps the tree whole when the build goes on.
func (b *builder) report(f *syntax.Form, kind value.ErrorKind, format string, args ...any) ast.Node {
	err := &value.Error{Kind: kind, Message: fmt.Sprintf(format, args...), Pos: f.Pos}
	b.errs = append(b.errs, err)
	return &ast.Raise{At: at(f), Kind: kind, Message: err.Message}
}

// raise is a run-time error known statically: not reported, raised when the
// node is evaluated. The forms it replaces are still checked, so that errors
// inside them are reported.
func (b *builder) raise(f *syntax.Form, kind value.ErrorKind, message string, replaced ...*syntax.Form) ast.Node {
	b.exprs(replaced)
	return &ast.Raise{At: at(f), Kind: kind, Message: message}
}

// describe names a form in messages: "symbol x", "keyword :k", "a vector".
func describe(f *syntax.Form) string {
	switch f.Kind {
	case syntax.FSymbol:
		return "symbol " + f.Text
	case syntax.FInt, syntax.FFloat, syntax.FString, syntax.FBool, syntax.FNil, syntax.FKeyword:
		return f.Val.TypeName() + " " + f.Val.String()
	case syntax.FList:
		return "a list"
	case syntax.FVector:
		return "a vector"
	case syntax.FMap:
		return "a map"
	case syntax.FShortFn:
		return "a #( ) function"
	case syntax.FQuasi:
		return "a quasiquote"
	case syntax.FUnquote:
		return "an unquote"
	case syntax.FSplice:
		return "an unquote-splicing"
	case syntax.FMeta:
		return "metadata"
	case syntax.FContext:
		return "@" + f.Text
	}
	return "a form"
}

// keywordName returns the name of a keyword form.
func keywordName(f *syntax.Form) (string, bool) {
	if f.Kind != syntax.FKeyword {
		return "", false
	}
	return f.Val.AsKeyword().Name, true
}

// isKeyword reports whether f is the keyword :name.
func isKeyword(f *syntax.Form, name string) bool {
	n, ok := keywordName(f)
	return ok && n == name
}

// isColon reports whether f is the lone `:` that introduces a type
// annotation (`x : int`, `v :[:vector :int]`).
func isColon(f *syntax.Form) bool { return f.IsSymbol(":") }

// isMapKey reports whether f may be a map key: a keyword, string or integer
// literal.
func isMapKey(f *syntax.Form) bool {
	return f.Kind == syntax.FKeyword || f.Kind == syntax.FString || f.Kind == syntax.FInt
}
