// Package bench measures the RTFS engines, the tree-walking interpreter
// (package interp), the bytecode VM (package vm) and WebAssembly (the VM's
// module compiled by compiler/wasm, run under wazero), on the programs of
// bench/programs, and the front end on a generated program (Generate).
//
// The Go benchmarks of this package (BenchmarkInterp, BenchmarkVM,
// BenchmarkParse, BenchmarkCompile) are the ones to profile; the comparison
// tables come from bench/cmd/benchtable and, against other embeddable
// languages, from the separate module bench/peers, both of which measure
// with Compare so that the engines they compare share the machine's noise.
// Every run's result is checked against the program's expected value, so a
// broken engine cannot look fast.
package bench

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/codegen"
	"github.com/rtfs-go/rtfs/compiler/parse"
	"github.com/rtfs-go/rtfs/compiler/wasm"
	"github.com/rtfs-go/rtfs/interp"
	"github.com/rtfs-go/rtfs/value"
	"github.com/rtfs-go/rtfs/vm"
)

//go:embed programs/*.rtfs
var programFiles embed.FS

// wantPrefix starts the line of a program file that gives the printed form
// of the program's value, as in the conformance corpus.
const wantPrefix = ";; => "

// Program is a benchmark program and the value it must produce.
type Program struct {
	Name   string // the file name without .rtfs
	Source []byte
	Want   string // the printed form of the program's value
}

// Programs returns the programs of bench/programs, in file name order.
func Programs() ([]Program, error) {
	names, err := fs.Glob(programFiles, "programs/*.rtfs")
	if err != nil {
		return nil, err
	}
	programs := make([]Program, 0, len(names))
	for _, name := range names {
		src, err := programFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		want, err := expectedValue(src)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		programs = append(programs, Program{
			Name:   strings.TrimSuffix(path.Base(name), ".rtfs"),
			Source: src,
			Want:   want,
		})
	}
	return programs, nil
}

// expectedValue returns the text of the one wantPrefix line of src.
func expectedValue(src []byte) (string, error) {
	var wants []string
	for line := range bytes.Lines(src) {
		if text, ok := strings.CutPrefix(strings.TrimSpace(string(line)), wantPrefix); ok {
			wants = append(wants, text)
		}
	}
	if len(wants) != 1 {
		return "", fmt.Errorf("want one %q line, found %d", wantPrefix, len(wants))
	}
	return wants[0], nil
}

// check returns an error unless a run ended with the program's value.
func (p Program) check(v value.Value, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", p.Name, err)
	}
	if got := v.String(); got != p.Want {
		return fmt.Errorf("%s: got %s, want %s", p.Name, got, p.Want)
	}
	return nil
}

// Parse parses p's source.
func (p Program) Parse() (*ast.Program, error) {
	prog, errs := parse.Source(p.Name+".rtfs", p.Source)
	return prog, firstError(errs)
}

// firstError is the first of the front end's errors, or nil.
func firstError(errs []*value.Error) error {
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// A Run runs a prepared program once and returns its value.
type Run func() (value.Value, error)

// Engine is a way of running programs. Prepare does what the engine does
// once per program, before the runs that are measured.
type Engine struct {
	Name    string
	Prepare func(*ast.Program) (Run, error)
}

// Interp is the tree-walking interpreter, which runs the AST as it is.
var Interp = Engine{
	Name: "interp",
	Prepare: func(prog *ast.Program) (Run, error) {
		return func() (value.Value, error) {
			return interp.Run(context.Background(), prog, interp.Options{})
		}, nil
	},
}

// VM is the bytecode VM: the program is compiled once, and a run is vm.Run
// of the module, which verifies it every time (benchtable reports what
// that costs).
var VM = Engine{
	Name: "vm",
	Prepare: func(prog *ast.Program) (Run, error) {
		m, err := codegen.Compile(prog)
		if err != nil {
			return nil, err
		}
		return func() (value.Value, error) {
			return vm.Run(context.Background(), m, vm.Options{})
		}, nil
	},
}

// WASM is the whole program compiled to WebAssembly (compiler/wasm) and
// run under wazero: the module is compiled once, and a run instantiates
// it (from wazero's in-process cache) and runs it.
var WASM = Engine{
	Name: "wasm",
	Prepare: func(prog *ast.Program) (Run, error) {
		m, err := codegen.Compile(prog)
		if err != nil {
			return nil, err
		}
		mod, err := wasm.Compile(m, 0)
		if err != nil {
			return nil, err
		}
		return func() (value.Value, error) {
			return vm.Run(context.Background(), m, vm.Options{WASM: vm.WASMOptions{All: true, Module: mod}})
		}, nil
	},
}

// Prepare parses p and prepares it for e. The run it returns fails unless
// it produces p's value, so that a broken engine cannot look fast.
func (p Program) Prepare(e Engine) (func() error, error) {
	prog, err := p.Parse()
	if err != nil {
		return nil, err
	}
	run, err := e.Prepare(prog)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Name, err)
	}
	return func() error { return p.check(run()) }, nil
}
