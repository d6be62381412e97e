package vm

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// spinModule loops forever on one backward jump.
func spinModule() *isa.Module {
	return module(fn("main", 0, 1, nil, jmp(-1)))
}

// spinWithHandler loops forever inside a try whose handler is a catch
// (finally false) or a finally: the handler prints "handled" and raises
// the error again.
func spinWithHandler(finally bool) *isa.Module {
	main := fn("main", 0, 3, consts(value.String("handled")),
		jmp(-1),
		loadK(2, 0),
		callB(1, 1, 0),
		isa.ABC(isa.OpThrow, 0, 0, 0))
	main.Handlers = []isa.Handler{{Start: 0, End: 1, Target: 1, Reg: 0, Finally: finally}}
	m := module(main)
	m.Builtins = []string{"println"}
	return m
}

// doublingModule doubles a vector with concat until something stops it.
func doublingModule() *isa.Module {
	m := module(fn("main", 0, 4, consts(ints(1)),
		loadK(0, 0),
		move(2, 0),
		move(3, 0),
		callB(1, 2, 0),
		move(0, 1),
		jmp(-5)))
	m.Builtins = []string{"concat"}
	return m
}

func TestTimeoutStopsARunawayLoop(t *testing.T) {
	for name, m := range map[string]*isa.Module{"backward jump": spinModule(), "tail call": sumModule(-1)} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := Run(ctx, m, Options{})
			if e, ok := err.(*value.Error); !ok || e.Kind != value.Timeout {
				t.Fatalf("got %v, want a Timeout error", err)
			}
			if late := time.Since(start) - 20*time.Millisecond; late > 200*time.Millisecond {
				t.Errorf("stopped %v after the deadline", late)
			}
		})
	}
}

func TestTimeoutIsNotCaughtButRunsFinally(t *testing.T) {
	for _, finally := range []bool{false, true} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		var out strings.Builder
		_, err := Run(ctx, spinWithHandler(finally), Options{Stdout: &out})
		cancel()
		if e, ok := err.(*value.Error); !ok || e.Kind != value.Timeout {
			t.Fatalf("finally %t: got %v, want a Timeout error", finally, err)
		}
		want := ""
		if finally {
			want = "handled\n"
		}
		if out.String() != want {
			t.Errorf("finally %t: printed %q, want %q", finally, out.String(), want)
		}
	}
}

func TestMemoryCeilingStopsAnAllocationBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates hundreds of MiB")
	}
	start := time.Now()
	_, err := Run(context.Background(), doublingModule(), Options{MaxMemory: 256 << 20})
	if e, ok := err.(*value.Error); !ok || e.Kind != value.MemoryExceeded {
		t.Fatalf("got %v, want a MemoryExceeded error", err)
	}
	t.Logf("%v after %v", err, time.Since(start))
}

// TestLimitErrorsAreNotReplaced checks that once a limit error has been
// raised the run ends with it, even if a finally handler raises an
// ordinary error that an outer catch then handles.
func TestLimitErrorsAreNotReplaced(t *testing.T) {
	main := fn("main", 0, 3, consts(value.Int(1), value.Int(0), value.Kw("caught")),
		jmp(-1),                       // 0: spin, under both handlers
		op(isa.OpDiv, 1, k(0), k(1)),  // 1: the finally raises DivisionByZero
		isa.ABC(isa.OpThrow, 0, 0, 0), // 2
		loadK(2, 2),                   // 3: the outer catch returns :caught
		ret(2))                        // 4
	main.Handlers = []isa.Handler{
		{Start: 0, End: 1, Target: 1, Reg: 0, Finally: true},
		{Start: 0, End: 3, Target: 3, Reg: 1},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := Run(ctx, module(main), Options{})
	if e, ok := err.(*value.Error); !ok || e.Kind != value.Timeout {
		t.Fatalf("got %v, want a Timeout error", err)
	}
}
