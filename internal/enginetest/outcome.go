package enginetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/codegen"
	"github.com/rtfs-go/rtfs/compiler/parse"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/interp"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
	"github.com/rtfs-go/rtfs/vm"
)

// Outcome is everything a run shows. The differential tests compare two
// outcomes by their String, which is what a user could tell apart: the
// value, or the error's kind, position and message; what was printed; the
// step events.
type Outcome struct {
	Value  value.Value
	Err    error
	Stdout string
	Events []host.Event // as ComparableEvents leaves them
}

// Result prints the value or the error, with an RTFS error's kind and
// position, since the engines must agree on those too.
func (o Outcome) Result() string {
	var e *value.Error
	switch {
	case errors.As(o.Err, &e):
		return fmt.Sprintf("error %s at %s: %s", e.Kind, e.Pos, e.Message)
	case o.Err != nil:
		return "non-RTFS error: " + o.Err.Error()
	}
	return "value " + o.Value.String()
}

// Kind is "value", the RTFS error's kind, "panic" or "go-error": a coarse
// class of the result, for telling one divergence from another.
func (o Outcome) Kind() string {
	var e *value.Error
	var p *Panic
	switch {
	case errors.As(o.Err, &e):
		return string(e.Kind)
	case errors.As(o.Err, &p):
		return "panic"
	case o.Err != nil:
		return "go-error"
	}
	return "value"
}

// HasKind reports whether the run ended in an RTFS error of one of kinds.
// A run stopped by a limit of the machine rather than of the program
// proves nothing about the engines, so callers look for those.
func (o Outcome) HasKind(kinds ...value.ErrorKind) bool {
	var e *value.Error
	if !errors.As(o.Err, &e) {
		return false
	}
	for _, k := range kinds {
		if e.Kind == k {
			return true
		}
	}
	return false
}

func (o Outcome) String() string {
	return fmt.Sprintf("%s; stdout %q; events %v", o.Result(), o.Stdout, o.Events)
}

// Panic is the error of an outcome whose engine panicked (RunOptions.Recover).
type Panic struct{ Value any }

func (p *Panic) Error() string { return fmt.Sprintf("panic: %v", p.Value) }

// RunOptions are how RunInterp and RunVM run a program.
type RunOptions struct {
	MaxDepth int // the call depth limit; 0: the engine's default
	// NoFold compiles without constant folding, which must not change
	// what a program shows.
	NoFold bool
	// ThroughContainer takes the module through a .rtfsb container, as
	// rtfsvm does, so that encoding and decoding are tested too.
	ThroughContainer bool
	// Recover turns a panic of the engine into an outcome, for generated
	// programs, where a panic is one more divergence to reduce and report.
	Recover bool
	// WASM runs the whole program in WASM (vm.WASMOptions.All).
	WASM bool
}

// Parse parses src, returning the first error.
func Parse(file, src string) (*ast.Program, error) {
	prog, errs := parse.Source(file, []byte(src))
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return prog, nil
}

// Build compiles prog for the VM and, with throughContainer, takes the
// module through a .rtfsb container. The module it returns verifies.
func Build(prog *ast.Program, opts codegen.Options, throughContainer bool) (*isa.Module, error) {
	m, err := codegen.CompileWith(prog, opts)
	if err != nil {
		return nil, fmt.Errorf("codegen: %w", err)
	}
	if !throughContainer {
		// vm.Run verifies too, but as a run error; a build error says
		// plainly that the compiler is at fault.
		if err := isa.Verify(m, stdlib.Has); err != nil {
			return nil, fmt.Errorf("the module does not verify: %w", err)
		}
		return m, nil
	}
	data, err := isa.Encode(m)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	m, err = isa.Decode(data, stdlib.Has) // which verifies
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return m, nil
}

// RunInterp runs prog on the interpreter with a recording host.
func RunInterp(ctx context.Context, prog *ast.Program, opts RunOptions) Outcome {
	return record(opts, func(rec *host.Recorder, out *bytes.Buffer) (value.Value, error) {
		return interp.Run(ctx, prog, interp.Options{Host: rec, Stdout: out, MaxDepth: opts.MaxDepth})
	})
}

// RunVM builds prog (see Build) and runs it on the VM with a recording
// host. The error is the build's: whether that fails the test or is one
// more outcome is the caller's to say.
func RunVM(ctx context.Context, prog *ast.Program, opts RunOptions) (Outcome, error) {
	var buildErr error
	o := record(opts, func(rec *host.Recorder, out *bytes.Buffer) (value.Value, error) {
		m, err := Build(prog, codegen.Options{NoFold: opts.NoFold}, opts.ThroughContainer)
		if err != nil {
			buildErr = err
			return value.Nil, nil
		}
		return vm.Run(ctx, m, vm.Options{Host: rec, Stdout: out, MaxDepth: opts.MaxDepth, WASM: vm.WASMOptions{All: opts.WASM}})
	})
	if buildErr != nil {
		return Outcome{}, buildErr
	}
	return o, nil
}

// record makes one run with a fresh recorder and output and returns its
// outcome.
func record(opts RunOptions, run func(*host.Recorder, *bytes.Buffer) (value.Value, error)) (o Outcome) {
	rec := host.NewRecorder()
	var out bytes.Buffer
	defer func() {
		if opts.Recover {
			if p := recover(); p != nil {
				o = Outcome{Err: &Panic{p}}
			}
		}
		// Set here so that a panic's outcome has them too.
		o.Stdout, o.Events = out.String(), ComparableEvents(rec.Events())
	}()
	o.Value, o.Err = run(rec, &out)
	return o
}
