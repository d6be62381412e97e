// Package compiler compiles RTFS source to a bytecode module.
//
// A compilation runs the front end and the back end in order:
//
//	source ─ syntax (reader: forms with positions)
//	       ─ parse (macros expanded, special forms checked) ─► ast.Program
//	       ─ effects (what each step can reach)
//	       ─ codegen (registers, instructions, the step table) ─► isa.Module
//
// Every diagnostic of the front end is returned at once, each positioned at
// its file:line:col and rendered with the offending line and a caret. The
// module's step table stores what each step reaches (capability ids and
// whether a call was unresolved); which effects those capabilities have,
// and so each step's profile, the run decides under its own manifest and
// grants.
package compiler

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/codegen"
	"github.com/rtfs-go/rtfs/compiler/effects"
	"github.com/rtfs-go/rtfs/compiler/parse"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// Output is a compiled program: its tree (for the interpreter and the
// tools), its module (for the VM and the container) and what it reaches.
type Output struct {
	Program *ast.Program
	Module  *isa.Module
	Reach   effects.Analysis
	// Warnings are the calls that fail whenever they run (a builtin given
	// a wrong number of arguments, a literal called), in source order.
	Warnings []*value.Error
}

// Errors are the diagnostics of one source file. Error renders each with
// its source line and a caret.
type Errors struct {
	Src  []byte
	List []*value.Error
}

// MaxErrorsShown bounds the diagnostics Errors renders; the rest are
// counted.
const MaxErrorsShown = 20

func (e *Errors) Error() string {
	var b strings.Builder
	for i, err := range e.List {
		if i == MaxErrorsShown {
			fmt.Fprintf(&b, "... and %d more errors\n", len(e.List)-MaxErrorsShown)
			break
		}
		b.WriteString(syntax.Render(err, e.Src))
	}
	return strings.TrimRight(b.String(), "\n")
}

// DefaultMaxSourceBytes is the largest source Compile accepts.
const DefaultMaxSourceBytes = 16 << 20

// Limits bound what a compilation takes on.
type Limits struct {
	// MaxSourceBytes is the largest source accepted; 0 means
	// DefaultMaxSourceBytes.
	MaxSourceBytes int64
}

// Compile compiles the source src of file under the default limits. A
// failure is an *Errors holding every diagnostic.
func Compile(file string, src []byte) (*Output, error) {
	return CompileWith(file, src, Limits{})
}

// CompileWith is Compile under limits l.
func CompileWith(file string, src []byte, l Limits) (*Output, error) {
	limit := l.MaxSourceBytes
	if limit <= 0 {
		limit = DefaultMaxSourceBytes
	}
	if int64(len(src)) > limit {
		return nil, &Errors{Src: nil, List: []*value.Error{value.Errorf(value.ParseError,
			"%s: the source is %d bytes, more than the %d a program may have (--max-source-bytes)", file, len(src), limit)}}
	}
	prog, errs := parse.Source(file, src)
	if len(errs) > 0 {
		return nil, &Errors{Src: src, List: errs}
	}
	return compileProgram(prog, src)
}

// CompileForms compiles a program given as the JSON of its forms (see
// syntax.DecodeJSON) instead of source.
func CompileForms(data []byte) (*Output, error) {
	file, forms, err := syntax.DecodeJSON(data)
	if err != nil {
		return nil, err
	}
	prog, errs := parse.BuildForms(file, forms)
	if len(errs) > 0 {
		return nil, &Errors{List: errs}
	}
	return compileProgram(prog, nil)
}

// compileProgram generates the module of a parsed program; src, when the
// program came from source, lets errors show their line.
func compileProgram(prog *ast.Program, src []byte) (*Output, error) {
	reach := effects.Analyze(prog)
	warnings := slices.Clone(prog.Warnings)
	seen := map[string]bool{}
	warn := func(w *value.Error) {
		if !seen[w.Error()] {
			seen[w.Error()] = true
			warnings = append(warnings, w)
		}
	}
	m, err := codegen.CompileWith(prog, codegen.Options{Reach: reach.StepTable(), Warn: warn})
	if err == nil {
		m.TopLevel = isa.Reach{Capabilities: reach.TopLevel.Capabilities, Unresolved: reach.TopLevel.Unresolved}
	}
	if err != nil {
		// A limit of the instruction format, positioned at the node that
		// exceeded it.
		var verr *value.Error
		if errors.As(err, &verr) {
			return nil, &Errors{Src: src, List: []*value.Error{verr}}
		}
		return nil, err
	}
	slices.SortStableFunc(warnings, func(a, b *value.Error) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
	return &Output{Program: prog, Module: m, Reach: reach, Warnings: warnings}, nil
}
