package codegen_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/codegen"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/conformance"
	"github.com/rtfs-go/rtfs/internal/enginetest"
	"github.com/rtfs-go/rtfs/interp"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/vm"
	"github.com/rtfs-go/rtfs/vm/value"
)

// outcome is everything observable about one run, in comparable form.
type outcome struct {
	value  value.Value
	err    error
	stdout string
	events []host.Event
}

// String prints the outcome with the error's kind, position and message.
func (o outcome) String() string {
	var e *value.Error
	switch {
	case errors.As(o.err, &e):
		return fmt.Sprintf("error %s at %s: %s; stdout %q; events %v", e.Kind, e.Pos, e.Message, o.stdout, o.events)
	case o.err != nil:
		return fmt.Sprintf("Go error %v; stdout %q; events %v", o.err, o.stdout, o.events)
	}
	return fmt.Sprintf("value %s; stdout %q; events %v", o.value, o.stdout, o.events)
}

// engine runs a parsed program with a recording host.
type engine func(t *testing.T, file, src string) outcome

func parse(t *testing.T, file, src string) (*ast.Program, error) {
	t.Helper()
	prog, errs := compiler.Parse(file, []byte(src))
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return prog, nil
}

func runInterp(t *testing.T, file, src string) outcome {
	prog, err := parse(t, file, src)
	if err != nil {
		return outcome{err: err}
	}
	rec := host.NewRecorder()
	var out bytes.Buffer
	v, err := interp.Run(context.Background(), prog, interp.Options{Host: rec, Stdout: &out})
	return outcome{value: v, err: err, stdout: out.String(), events: enginetest.ComparableEvents(rec.Events())}
}

// vmEngine compiles with opts, checks that the module verifies and runs it.
func vmEngine(opts codegen.Options) engine {
	return func(t *testing.T, file, src string) outcome {
		t.Helper()
		prog, err := parse(t, file, src)
		if err != nil {
			return outcome{err: err}
		}
		m, err := codegen.CompileWith(prog, opts)
		if err != nil {
			t.Fatalf("compile: %v", err)
		}
		if err := isa.Verify(m); err != nil {
			t.Fatalf("the module does not verify: %v", err)
		}
		rec := host.NewRecorder()
		var out bytes.Buffer
		v, err := vm.Run(context.Background(), m, vm.Options{Host: rec, Stdout: &out})
		return outcome{value: v, err: err, stdout: out.String(), events: enginetest.ComparableEvents(rec.Events())}
	}
}

// TestConformance runs the corpus through the compiler and the VM, with
// and without constant folding, and holds each run to the corpus's
// expectation and to the interpreter's outcome, error positions and
// messages and host events included.
func TestConformance(t *testing.T) {
	cases, err := conformance.Load("../../testdata/conformance")
	if err != nil {
		t.Fatal(err)
	}
	for _, variant := range []struct {
		name string
		opts codegen.Options
	}{{"folded", codegen.Options{}}, {"unfolded", codegen.Options{NoFold: true}}} {
		run := vmEngine(variant.opts)
		for _, c := range cases {
			t.Run(variant.name+"/"+c.TestName(), func(t *testing.T) {
				got := run(t, c.File, c.Source)
				if err := c.Check(got.value, got.stdout, got.err); err != nil {
					t.Error(err)
				}
				if want := runInterp(t, c.File, c.Source); got.String() != want.String() {
					t.Errorf("VM and interpreter differ:\n vm:     %s\n interp: %s\nprogram:\n%s", got, want, c.Source)
				}
			})
		}
	}
}
