package rt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

func TestBranchOutputComesInBranchOrder(t *testing.T) {
	var out bytes.Buffer
	o := newBranchOutput(&out, 3)
	write := func(i int, s string) {
		if _, err := io.WriteString(o.writer(i), s); err != nil {
			t.Fatal(err)
		}
	}
	write(2, "c1\n")
	write(1, "b1\n")
	write(0, "a1\n")
	if out.String() != "a1\n" {
		t.Fatalf("only branch 0 writes through, got %q", out.String())
	}
	o.finish(2)
	write(1, "b2\n")
	o.finish(0) // branch 1 now writes through, branch 2 still waits for it
	if out.String() != "a1\nb1\nb2\n" {
		t.Fatalf("after branch 0: %q", out.String())
	}
	write(1, "b3\n")
	o.finish(1)
	if want := "a1\nb1\nb2\nb3\nc1\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestBranchOutputReportsWriteErrors(t *testing.T) {
	o := newBranchOutput(failingWriter{}, 2)
	if _, err := o.writer(1).Write([]byte("later\n")); err != nil {
		t.Fatalf("a buffered write failed: %v", err)
	}
	if _, err := o.writer(0).Write([]byte("now\n")); err != io.ErrClosedPipe {
		t.Fatalf("a write through got %v", err)
	}
	if _, err := o.writer(1).Write([]byte("again\n")); err != io.ErrClosedPipe {
		t.Errorf("a write after the failure got %v", err)
	}
}

func TestParallelRun(t *testing.T) {
	limit := value.Errorf(value.Timeout, "Execution timed out")
	for _, c := range []struct {
		name string
		errs []*value.Error // per branch; nil succeeds with i
		want string
	}{
		{"values in order", []*value.Error{nil, nil, nil}, "[0 1 2]"},
		{"lowest failing branch", []*value.Error{nil, value.Errorf(value.TypeError, "one"), value.Errorf(value.Generic, "two")}, "TypeError: one"},
		{"limit error first", []*value.Error{value.Errorf(value.TypeError, "zero"), nil, limit}, "Timeout: Execution timed out"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := host.NewRecorder()
			results, err := NewParallel().Run(context.Background(), rec, io.Discard, len(c.errs), "",
				func(ctx context.Context, i int, _ io.Writer, _ bool, _ host.Host) (value.Value, *value.Error) {
					if host.StepFromContext(ctx) == "" || stepName(ctx) != BranchName(i) {
						return value.Nil, value.Errorf(value.Generic, "branch %d runs in step %q", i, stepName(ctx))
					}
					return value.Int(int64(i)), c.errs[i]
				})
			if got := show(value.NewVector(results), err); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
			if events := rec.Events(); len(events) != 2*len(c.errs) {
				t.Errorf("events %v, want a start and an end for each branch", events)
			}
		})
	}
}

func TestParallelRunsInTurnWithoutASlot(t *testing.T) {
	p := NewParallel()
	var mu sync.Mutex
	concurrently := map[string]bool{}
	run := func(_ context.Context, i int, _ io.Writer, concurrent bool, _ host.Host) (value.Value, *value.Error) {
		mu.Lock()
		concurrently[fmt.Sprint(i, concurrent)] = true
		mu.Unlock()
		return value.Int(int64(i)), nil
	}
	// Hold every slot: the branches must run at once, in their turn.
	for range MaxConcurrentBranches {
		p.slots <- struct{}{}
	}
	results, err := p.Run(context.Background(), host.NewRecorder(), io.Discard, 3, "", run)
	if got := show(value.NewVector(results), err); got != "[0 1 2]" {
		t.Fatalf("got %s", got)
	}
	if !concurrently["0 false"] || !concurrently["2 false"] || concurrently["0 true"] {
		t.Errorf("branches ran %v, want all in their turn", concurrently)
	}
}

func TestParallelBranchPanicIsAnError(t *testing.T) {
	_, err := NewParallel().Run(context.Background(), host.NewRecorder(), io.Discard, 2, "",
		func(_ context.Context, i int, _ io.Writer, _ bool, _ host.Host) (value.Value, *value.Error) {
			if i == 1 {
				panic("boom")
			}
			return value.Nil, nil
		})
	if err == nil || err.Kind != value.InternalError || !strings.Contains(err.Message, "step-parallel/branch-1: boom") {
		t.Errorf("got %v, want an InternalError naming the branch", err)
	}
}

// TestParallelContextIsDeterministic runs branches that all write the same
// key, and one that also reads its own write back, many times over: each
// policy must always give one result, whatever the scheduling.
func TestParallelContextIsDeterministic(t *testing.T) {
	m := func(k string, v int64) value.Value {
		return value.MapFromEntries([]value.MapEntry{{Key: value.Kw(k), Val: value.Int(v)}})
	}
	for _, c := range []struct{ policy, want string }{
		{"", "{:c 2}"},
		{MergeOverwrite, "{:c 2}"},
		{MergeKeepExisting, "{:before 0}"},
		{MergeMerge, "{:a 0 :b 1 :before 0 :c 2}"},
	} {
		t.Run(c.policy, func(t *testing.T) {
			for range 100 {
				rec := host.NewRecorder()
				rec.SetContextValue("k", m("before", 0))
				_, err := NewParallel().Run(context.Background(), rec, io.Discard, 3, c.policy,
					func(_ context.Context, i int, _ io.Writer, _ bool, h host.Host) (value.Value, *value.Error) {
						h.SetContextValue("k", m(string(rune('a'+i)), int64(i)))
						if got, _ := h.GetContextValue("k"); !value.Equal(got, m(string(rune('a'+i)), int64(i))) {
							return value.Nil, value.Errorf(value.Generic, "branch %d reads %s", i, got.String())
						}
						if i == 1 {
							h.SetContextValue("only-1", value.Int(1))
						}
						if _, seen := h.GetContextValue("only-1"); seen && i != 1 {
							return value.Nil, value.Errorf(value.Generic, "branch %d sees another's write", i)
						}
						return value.Nil, nil
					})
				if err != nil {
					t.Fatal(err)
				}
				got, _ := rec.GetContextValue("k")
				if got.String() != c.want {
					t.Fatalf("k = %s, want %s", got.String(), c.want)
				}
			}
		})
	}
}

func TestParallelFailureMergesNothing(t *testing.T) {
	rec := host.NewRecorder()
	_, err := NewParallel().Run(context.Background(), rec, io.Discard, 2, "",
		func(_ context.Context, i int, _ io.Writer, _ bool, h host.Host) (value.Value, *value.Error) {
			h.SetContextValue("k", value.Int(int64(i)))
			if i == 1 {
				return value.Nil, value.Errorf(value.Generic, "fails")
			}
			return value.Nil, nil
		})
	if err == nil {
		t.Fatal("want the failure")
	}
	if v, ok := rec.GetContextValue("k"); ok {
		t.Errorf("a failed step-parallel merged k = %s", v.String())
	}
}
