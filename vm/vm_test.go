package vm

import (
	"context"
	"errors"
	"testing"

	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/vm/value"
)

// run runs m with default options and fails the test on an error.
func run(t *testing.T, m *isa.Module) value.Value {
	t.Helper()
	v, err := Run(context.Background(), m, Options{})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return v
}

// runErr runs m, which must fail, and returns its error.
func runErr(t *testing.T, m *isa.Module, opts Options) *value.Error {
	t.Helper()
	v, err := Run(context.Background(), m, opts)
	var e *value.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, %v; want an RTFS error", v, err)
	}
	return e
}

func TestFib(t *testing.T) {
	if got := run(t, fibModule(20)); got.String() != "6765" {
		t.Errorf("fib(20) = %s, want 6765", got)
	}
}

func TestTailRecursionRunsInConstantSpace(t *testing.T) {
	m := &machine{}
	_ = m
	mod := sumModule(1_000_000)
	if got := run(t, mod); got.String() != "500000500000" {
		t.Errorf("sum = %s", got)
	}
}
