package vm

import (
	"context"
	"time"

	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/value"
)

// How a run is stopped from outside the language.
//
// Every call and backward jump is an event; a program that runs for long
// makes events at a steady rate, because RTFS iterates only by recursion
// and loops. Every pollInterval events the machine looks at the context
// with a non-blocking receive: a few nanoseconds, so the check costs
// nothing measurable and a deadline stops a runaway loop within
// milliseconds. With a memory ceiling it also watches the heap
// (rt.MemoryLimit).
const pollInterval = 1024

// limits is the polling state of a run.
type limits struct {
	// deadline is the context's, looked at directly: the context's timer
	// needs a thread to run on to close Done, which a loaded machine may
	// give it late.
	deadline    time.Time
	hasDeadline bool
	countdown   int // events until the next look at the context
	memory      rt.MemoryLimit
}

func (l *limits) init(ctx context.Context, maxMemory int64) {
	l.deadline, l.hasDeadline = ctx.Deadline()
	l.countdown = pollInterval
	l.memory = rt.NewMemoryLimit(maxMemory)
}

// tick counts one event (a call or a backward jump) and polls when the
// countdown runs out. It returns the limit error to raise, or nil.
func (m *machine) tick() *value.Error {
	if m.limits.countdown--; m.limits.countdown > 0 {
		return nil
	}
	return m.poll()
}

// poll is called once the event countdown has run out: it looks at the
// context and, now and then, at the heap. It returns the limit error to
// raise, or nil.
func (m *machine) poll() *value.Error {
	m.limits.countdown = pollInterval
	select {
	case <-m.done:
		return rt.TimeoutError(context.Cause(m.ctx))
	default:
	}
	if m.limits.hasDeadline && !time.Now().Before(m.limits.deadline) {
		return rt.TimeoutError(context.DeadlineExceeded)
	}
	return m.limits.memory.Poll()
}
