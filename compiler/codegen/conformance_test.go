package codegen_test

import (
	"context"
	"testing"

	"github.com/rtfs-go/rtfs/internal/conformance"
	"github.com/rtfs-go/rtfs/internal/enginetest"
)

// run parses src and runs it on the VM, compiled with or without constant
// folding, and on the interpreter. A parse error is the outcome of both:
// the corpus expects some.
func run(t *testing.T, file, src string, noFold bool) (vm, in enginetest.Outcome) {
	t.Helper()
	prog, err := enginetest.Parse(file, src)
	if err != nil {
		return enginetest.Outcome{Err: err}, enginetest.Outcome{Err: err}
	}
	vm, err = enginetest.RunVM(context.Background(), prog, enginetest.RunOptions{NoFold: noFold})
	if err != nil {
		t.Fatal(err)
	}
	return vm, enginetest.RunInterp(context.Background(), prog, enginetest.RunOptions{})
}

// TestConformance runs the corpus through the compiler and the VM, with
// and without constant folding, and holds each run to the corpus's
// expectation and to the interpreter's outcome, error positions and
// messages and host events included.
func TestConformance(t *testing.T) {
	for _, variant := range []struct {
		name   string
		noFold bool
	}{{"folded", false}, {"unfolded", true}} {
		t.Run(variant.name, func(t *testing.T) {
			conformance.Each(t, "../../testdata/conformance", func(t *testing.T, c conformance.Case) {
				got, want := run(t, c.File, c.Source, variant.noFold)
				if err := c.Check(got.Value, got.Stdout, got.Err); err != nil {
					t.Error(err)
				}
				if got.String() != want.String() {
					t.Errorf("VM and interpreter differ:\n vm:     %s\n interp: %s\nprogram:\n%s", got, want, c.Source)
				}
			})
		})
	}
}
