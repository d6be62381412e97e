package rt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

// MaxConcurrentBranches bounds how many branches of step-parallel forms
// run concurrently in one run, nested ones included. A branch that finds
// no free slot runs at once on the goroutine that reached it, so nothing
// ever waits for a slot. The bound keeps a run from flooding the host, and
// bounds what concurrency costs the engines: a concurrent branch needs a
// machine of its own (the VM's holds a whole register window, about
// 2 MiB), where one that runs in its turn reuses the machine it stands on,
// so that even a recursion through step-parallel thousands of calls deep
// holds only a few machines.
const MaxConcurrentBranches = 8

// Parallel runs the branches of the step-parallel forms of one run: it
// holds the run's budget of concurrent branches. It is safe for concurrent
// use; the engines share one among the machines of a run.
type Parallel struct {
	slots chan struct{}
}

// NewParallel returns the branch runner of a new run.
func NewParallel() *Parallel {
	return &Parallel{slots: make(chan struct{}, MaxConcurrentBranches)}
}

// Branch runs branch i of a step-parallel with ctx (the branch's own child
// action) and returns its value. When concurrent is set it runs on a
// goroutine of its own, concurrently with other branches, so it must use
// engine state of its own (a call depth, a stack); otherwise it runs on
// the goroutine that reached the step-parallel, which waits for it, and
// may use that goroutine's machine. Either way it writes its output to
// stdout only, and the engines give each branch a frame of its own, so
// that no branch writes a variable another can read.
// h is the host the branch runs against: its context is the branch's own
// (see branchHost).
type Branch func(ctx context.Context, i int, stdout io.Writer, concurrent bool, h host.Host) (value.Value, *value.Error)

// BranchName is the name the host knows branch i of a step-parallel by.
func BranchName(i int) string { return fmt.Sprintf("step-parallel/branch-%d", i) }

// Run runs the n branches of a step-parallel whose body runs under ctx
// and returns their values in source order. Branches start in order, each
// concurrently when the run has a slot free (MaxConcurrentBranches), else
// at once on this goroutine; the results do not depend on which.
//
// Each branch is a child action of the step: the host is told it starts
// (named by BranchName, in order) and completes or fails, and it runs with
// its own action id in ctx, under the profile of the step. What the
// branches print comes out as if they had run one after the other (see
// branchOutput). Every branch runs to its end, whatever the others do;
// then the error of the lowest-numbered failing branch is the step's — a
// limit error (Timeout, MemoryExceeded) before any other, since no catch
// may see one. A branch that panics fails with an InternalError. Each
// branch's host context is its own; when all succeeded, their writes are
// merged into h's by policy (see mergeBranches).
func (p *Parallel) Run(ctx context.Context, h host.Host, stdout io.Writer, n int, policy string, run Branch) ([]value.Value, *value.Error) {
	results := make([]value.Value, n)
	errs := make([]*value.Error, n)
	hosts := make([]*branchHost, n)
	out := newBranchOutput(stdout, n)
	branch := func(ctx context.Context, id string, i int, concurrent bool) {
		hosts[i] = newBranchHost(h)
		// A branch short enough never reaches its machine's next look at
		// the context; one that starts after the run's end fails at once,
		// so that a fan-out of a million branches stops with its deadline.
		if err := ctx.Err(); err != nil {
			errs[i] = TimeoutError(context.Cause(ctx))
		} else {
			results[i], errs[i] = runBranch(ctx, i, out.writer(i), concurrent, hosts[i], run)
		}
		out.finish(i)
		if errs[i] != nil {
			h.NotifyStepFailed(ctx, id, errs[i].Message)
		} else {
			h.NotifyStepCompleted(ctx, id, results[i])
		}
	}
	var wg sync.WaitGroup
	for i := range n {
		name := BranchName(i)
		id := h.NotifyStepStarted(ctx, name)
		branchCtx := withStepName(host.WithStep(ctx, id), name)
		select {
		case p.slots <- struct{}{}:
			wg.Go(func() {
				defer func() { <-p.slots }()
				branch(branchCtx, id, i, true)
			})
		default:
			branch(branchCtx, id, i, false)
		}
	}
	wg.Wait()
	var first *value.Error
	for _, err := range errs {
		if err != nil && (first == nil || first.Catchable() && !err.Catchable()) {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	mergeBranches(h, hosts, policy)
	return results, nil
}

// runBranch runs one branch, turning a panic into an error: a concurrent
// branch runs on a goroutine of its own, where no engine's recovery
// reaches.
func runBranch(ctx context.Context, i int, stdout io.Writer, concurrent bool, h host.Host, run Branch) (v value.Value, err *value.Error) {
	defer func() {
		if p := recover(); p != nil {
			v, err = value.Nil, value.Errorf(value.InternalError, "internal panic in %s: %v", BranchName(i), p)
		}
	}()
	return run(ctx, i, stdout, concurrent, h)
}

// branchOutput makes the output of concurrent branches come out as if they
// had run one after the other, in order, and never mixes two branches
// within a line. The first unfinished branch writes straight through; the
// later ones are buffered until every branch before them has finished,
// when their output so far is flushed and they in turn write through.
type branchOutput struct {
	mu      sync.Mutex
	out     io.Writer
	current int            // the branch writing through; n once all are done
	pending []bytes.Buffer // what each later branch has written meanwhile
	done    []bool
	err     error // the first failure writing to out; later writes report it
}

func newBranchOutput(out io.Writer, n int) *branchOutput {
	return &branchOutput{out: out, pending: make([]bytes.Buffer, n), done: make([]bool, n)}
}

// writer returns the writer of branch i.
func (o *branchOutput) writer(i int) io.Writer { return branchWriter{o, i} }

type branchWriter struct {
	o *branchOutput
	i int
}

func (w branchWriter) Write(p []byte) (int, error) {
	o := w.o
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case o.err != nil:
		return 0, o.err
	case w.i != o.current:
		return o.pending[w.i].Write(p)
	}
	n, err := o.out.Write(p)
	o.err = err
	return n, err
}

// finish records that branch i has ended, and hands the output over to
// the next unfinished branch once every branch before it has ended.
func (o *branchOutput) finish(i int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.done[i] = true
	for o.current < len(o.done) && o.done[o.current] {
		o.current++
		if o.current < len(o.done) && o.err == nil {
			_, o.err = o.pending[o.current].WriteTo(o.out)
		}
	}
}
