package vm

import (
	"context"
	"errors"
	"testing"

	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

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
	v, err := Run(context.Background(), fibModule(20), Options{})
	if err != nil || v.String() != "6765" {
		t.Errorf("fib(20) = %v, %v; want 6765", v, err)
	}
}

// floatLoopModule adds 0.5 n times with a tail-recursive loop, so that
// every instruction of the loop works on floats:
//
//	(defn loop [i acc] (if (= i 0) acc (loop (- i 1) (+ acc 0.5))))
//	(loop n 0.0)
func floatLoopModule(n int) *isa.Module {
	m := module(
		fn("main", 0, 3, consts(value.Float(0)),
			closure(0, 1),
			defGlobal(0, 0),
			getGlobal(0, 0),
			loadInt(1, n),
			loadK(2, 0),
			call(0, 2),
			ret(0)),
		fn("loop", 2, 5, consts(value.Int(0), value.Int(1), value.Float(0.5)),
			ifOp(isa.OpIfEq, 0, k(0), 1),
			ret(1),
			getGlobal(2, 0),
			op(isa.OpSub, 3, 0, k(1)),
			op(isa.OpAdd, 4, 1, k(2)),
			tailCall(2, 2)),
	)
	m.Globals = []string{"loop"}
	return m
}

// TestCallsAndArithmeticDoNotAllocate runs the same programs on small and
// larger inputs: what a run allocates must not grow with the number of
// calls, returns, tail calls and arithmetic instructions it executes.
func TestCallsAndArithmeticDoNotAllocate(t *testing.T) {
	for _, c := range []struct {
		name        string
		small, many *isa.Module
	}{
		{"recursion", fibModule(5), fibModule(15)},
		{"tail calls", sumModule(10), sumModule(10000)},
		{"floats", floatLoopModule(10), floatLoopModule(10000)},
	} {
		allocs := func(m *isa.Module) float64 {
			return testing.AllocsPerRun(5, func() {
				if _, err := Run(context.Background(), m, Options{}); err != nil {
					t.Fatal(err)
				}
			})
		}
		if small, many := allocs(c.small), allocs(c.many); many != small {
			t.Errorf("%s: %v allocations for the small run, %v for the long one", c.name, small, many)
		}
	}
}

// TestTailCallsRunInConstantSpace checks that a long tail-recursive loop
// leaves the stacks as they were made.
func TestTailCallsRunInConstantSpace(t *testing.T) {
	m := newMachine(context.Background(), sumModule(1_000_000), Options{})
	v, err := m.runMain()
	if err != nil || v.String() != "500000500000" {
		t.Fatalf("sum = %v, %v", v, err)
	}
	if len(m.stack) != 1+window+initialStack || cap(m.frames) != initialFrames {
		t.Errorf("the stacks grew: %d values, room for %d frames", len(m.stack), cap(m.frames))
	}
}

func TestNonTailRecursionOverflows(t *testing.T) {
	e := runErr(t, fibModule(30), Options{MaxDepth: 10})
	if e.Kind != value.StackOverflow || e.Message != "Maximum call depth (10) exceeded" {
		t.Errorf("got %v", e)
	}
}

func TestInvalidModule(t *testing.T) {
	e := runErr(t, &isa.Module{}, Options{})
	if e.Kind != value.InternalError {
		t.Errorf("got %v, want an InternalError", e)
	}
}

// typedLoopModule is a typed tail-recursive loop whose return type is
// named retType:
//
//	(defn lp [n] :retType (if (= n 0) n (lp (- n 1))))
//	(lp n)
func typedLoopModule(n int, retType string) *isa.Module {
	m := module(
		fn("main", 0, 2, nil,
			closure(0, 1),
			defGlobal(0, 0),
			getGlobal(0, 0),
			loadInt(1, n),
			call(0, 1),
			ret(0)),
		fn("lp", 1, 3, consts(value.Int(0), value.Int(1)),
			isa.ABx(isa.OpReturnType, 0, 0),
			ifOp(isa.OpIfEq, 0, k(0), 1),
			ret(0),
			getGlobal(1, 0),
			op(isa.OpSub, 2, 0, k(1)),
			tailCall(1, 1)),
	)
	m.Globals = []string{"lp"}
	m.Types = []*value.Type{{Name: retType}}
	return m
}

func TestReturnTypesSurviveTailCalls(t *testing.T) {
	mc := newMachine(context.Background(), typedLoopModule(100_000, "int"), Options{})
	if v, err := mc.runMain(); err != nil || v.String() != "0" {
		t.Fatalf("got %v, %v; want 0", v, err)
	}
	if cap(mc.returnChecks) > 1 {
		t.Errorf("the loop remembered %d return checks", cap(mc.returnChecks))
	}
	e := runErr(t, typedLoopModule(3, "string"), Options{})
	want := "t.rtfs:1:1: error[TypeValidationError]: Type validation failed for return value of lp: expected :string, got integer"
	if e.Error() != want {
		t.Errorf("got  %v\nwant %s", e, want)
	}
}
