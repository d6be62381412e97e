package vm_test

import (
	"context"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/internal/conformance"
	"github.com/rtfs-go/rtfs/internal/enginetest"
	"github.com/rtfs-go/rtfs/value"
)

// TestConformance runs the corpus the way rtfsvm runs a plan: source, AST,
// bytecode, a .rtfsb container, the module decoded (and so verified) from
// it, the VM. Every case must meet its expectation and agree with the
// interpreter on everything a program shows: its value, or its error's
// kind, position and message; what it printed; the step events the host
// saw.
func TestConformance(t *testing.T) {
	conformance.Each(t, "../testdata/conformance", func(t *testing.T, c conformance.Case) {
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
		if err := c.Check(got.Value, got.Stdout, got.Err); err != nil {
			t.Error(err)
		}
		if want := runInterp(prog, 0); got.String() != want.String() {
			t.Errorf("the VM and the interpreter differ:\n vm:     %s\n interp: %s\nprogram:\n%s", got, want, c.Source)
		}
		if onWASM := runWASM(t, prog, 0); onWASM.String() != got.String() {
			t.Errorf("WASM and the VM differ:\n wasm: %s\n vm:   %s\nprogram:\n%s", onWASM, got, c.Source)
		}
	})
}

// The tests of the VM share enginetest's harness under these short names.
var parse = enginetest.Parse

// runVM runs prog the way rtfsvm does, through its container (maxDepth 0:
// the default depth).
func runVM(t *testing.T, prog *ast.Program, maxDepth int) enginetest.Outcome {
	t.Helper()
	o, err := enginetest.RunVM(context.Background(), prog, enginetest.RunOptions{MaxDepth: maxDepth, ThroughContainer: true})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// runWASM runs prog like runVM, all of it in WASM.
func runWASM(t *testing.T, prog *ast.Program, maxDepth int) enginetest.Outcome {
	t.Helper()
	o, err := enginetest.RunVM(context.Background(), prog, enginetest.RunOptions{MaxDepth: maxDepth, ThroughContainer: true, WASM: true})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func runInterp(prog *ast.Program, maxDepth int) enginetest.Outcome {
	return enginetest.RunInterp(context.Background(), prog, enginetest.RunOptions{MaxDepth: maxDepth})
}
