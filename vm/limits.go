package vm

import (
	"context"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
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
// milliseconds. With a memory ceiling it also reads the heap statistics of
// runtime/metrics every memoryPollRatio looks at the context (a read costs
// about half a microsecond and stops nothing), and after builtin results
// large enough to add up to a good part of the ceiling, since one builtin
// call (concat, range, map) can allocate far more than many instructions.
const (
	pollInterval    = 1024
	memoryPollRatio = 16
	// largeResult is the estimated size from which a builtin's result
	// counts towards the next heap check.
	largeResult = 64 << 10
	// valueSize is the size of a value.Value, for estimates.
	valueSize = 32
)

// The heap metrics read: all allocated objects (live or not yet swept),
// and what the last collection found live.
var heapMetrics = []string{"/memory/classes/heap/objects:bytes", "/gc/heap/live:bytes"}

// limits is the polling state of a run.
type limits struct {
	// deadline is the context's, looked at directly: the context's timer
	// needs a thread to run on to close Done, which a loaded machine may
	// give it late.
	deadline        time.Time
	hasDeadline     bool
	countdown       int // events until the next look at the context
	memoryCountdown int // looks at the context until the next at the heap
	maxMemory       int64
	resultBudget    int64 // estimated bytes of large results until the next heap check
	samples         []metrics.Sample
}

func (l *limits) init(ctx context.Context, maxMemory int64) {
	l.deadline, l.hasDeadline = ctx.Deadline()
	l.countdown = pollInterval
	l.memoryCountdown = memoryPollRatio
	if maxMemory <= 0 {
		return
	}
	l.maxMemory = maxMemory
	l.resultBudget = l.resultAllowance()
	l.samples = make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		l.samples[i].Name = name
	}
}

// resultAllowance is how many bytes of large results may pass between two
// heap checks.
func (l *limits) resultAllowance() int64 { return l.maxMemory / 8 }

// limitMemory makes the garbage collector work hard as the heap nears
// limit, and returns the function restoring the previous setting.
func (m *machine) limitMemory(limit int64) (restore func()) {
	previous := debug.SetMemoryLimit(-1)
	if limit >= previous {
		return func() {}
	}
	debug.SetMemoryLimit(limit)
	return func() { debug.SetMemoryLimit(previous) }
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
		return rt.TimeoutError(m.ctx.Err())
	default:
	}
	if m.limits.hasDeadline && !time.Now().Before(m.limits.deadline) {
		return rt.TimeoutError(context.DeadlineExceeded)
	}
	if m.limits.maxMemory > 0 {
		if m.limits.memoryCountdown--; m.limits.memoryCountdown <= 0 {
			m.limits.memoryCountdown = memoryPollRatio
			return m.checkHeap()
		}
	}
	return nil
}

// noteResult charges a builtin's result against the heap-check allowance
// when it is large.
func (m *machine) noteResult(v value.Value) *value.Error {
	size := estimatedSize(v)
	if size < largeResult {
		return nil
	}
	if m.limits.resultBudget -= size; m.limits.resultBudget > 0 {
		return nil
	}
	return m.checkHeap()
}

// estimatedSize is a cheap estimate of the memory v holds directly.
func estimatedSize(v value.Value) int64 {
	switch v.Kind() {
	case value.KVector, value.KList:
		return int64(len(v.Items())) * valueSize
	case value.KMap:
		return int64(v.AsMap().Len()) * 2 * valueSize
	case value.KString:
		return int64(len(v.AsString()))
	}
	return 0
}

// checkHeap stops the run when the live heap has outgrown three quarters
// of the ceiling: the next doublings of a growing value would not fit. The
// live heap is what the last collection marked; when the heap holds more
// than the ceiling, mostly garbage perhaps, the machine collects it first
// rather than stop a run that may not be at fault.
func (m *machine) checkHeap() *value.Error {
	l := &m.limits
	l.resultBudget = l.resultAllowance()
	objects, live := l.readHeap()
	if objects > l.maxMemory && live <= l.maxMemory/4*3 {
		runtime.GC()
		objects, live = l.readHeap()
	}
	if live <= l.maxMemory/4*3 {
		return nil
	}
	return value.Errorf(value.MemoryExceeded,
		"Memory limit exceeded: the heap holds %d MiB (limit %d MiB)", max(objects, live)>>20, l.maxMemory>>20)
}

// readHeap returns the bytes of all allocated objects and of the live heap
// of the last collection.
func (l *limits) readHeap() (objects, live int64) {
	metrics.Read(l.samples)
	return sampleBytes(l.samples[0]), sampleBytes(l.samples[1])
}

func sampleBytes(s metrics.Sample) int64 {
	if s.Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(min(s.Value.Uint64(), math.MaxInt64))
}
