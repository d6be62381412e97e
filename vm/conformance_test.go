package vm_test

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

// TestConformance runs the corpus the way rtfsvm runs a plan: source, AST,
// bytecode, a .rtfsb container, the module decoded (and so verified) from
// it, the VM. Every case must meet its expectation and agree with the
// interpreter on everything a program shows: its value, or its error's
// kind, position and message; what it printed; the step events the host
// saw.
func TestConformance(t *testing.T) {
	cases, err := conformance.Load("../testdata/conformance")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.TestName(), func(t *testing.T) {
			prog, perr := parse(c.File, c.Source)
			if perr != nil {
				// Parse errors never reach an engine; the corpus still
				// expects them.
				if err := c.Check(value.Nil, "", perr); err != nil {
					t.Error(err)
				}
				return
			}
			got := runVM(t, prog, 0)
			if err := c.Check(got.value, got.stdout, got.err); err != nil {
				t.Error(err)
			}
			if want := runInterp(prog, 0); got.String() != want.String() {
				t.Errorf("the VM and the interpreter differ:\n vm:     %s\n interp: %s\nprogram:\n%s", got, want, c.Source)
			}
		})
	}
}

// outcome is everything a run shows, printed comparably.
type outcome struct {
	value  value.Value
	err    error
	stdout string
	events []host.Event
}

func (o outcome) String() string {
	var e *value.Error
	switch {
	case errors.As(o.err, &e):
		return fmt.Sprintf("error %s at %s: %s; stdout %q; events %v", e.Kind, e.Pos, e.Message, o.stdout, o.events)
	case o.err != nil:
		return fmt.Sprintf("non-RTFS error %v; stdout %q; events %v", o.err, o.stdout, o.events)
	}
	return fmt.Sprintf("value %s; stdout %q; events %v", o.value, o.stdout, o.events)
}

func parse(file, src string) (*ast.Program, error) {
	prog, errs := compiler.Parse(file, []byte(src))
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return prog, nil
}

// runVM compiles prog, takes the module through its container and runs it
// (maxDepth 0: the default depth).
func runVM(t *testing.T, prog *ast.Program, maxDepth int) outcome {
	t.Helper()
	compiled, err := codegen.Compile(prog)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	data, err := isa.Encode(compiled)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	m, err := isa.Decode(data)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	rec := host.NewRecorder()
	var out bytes.Buffer
	v, err := vm.Run(context.Background(), m, vm.Options{Host: rec, Stdout: &out, MaxDepth: maxDepth})
	return outcome{value: v, err: err, stdout: out.String(), events: enginetest.ComparableEvents(rec.Events())}
}

func runInterp(prog *ast.Program, maxDepth int) outcome {
	rec := host.NewRecorder()
	var out bytes.Buffer
	v, err := interp.Run(context.Background(), prog, interp.Options{Host: rec, Stdout: &out, MaxDepth: maxDepth})
	return outcome{value: v, err: err, stdout: out.String(), events: enginetest.ComparableEvents(rec.Events())}
}
