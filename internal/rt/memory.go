package rt

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"

	"github.com/rtfs-go/rtfs/value"
)

// How a run is held to its memory ceiling, in both engines.
//
// The engine polls its context every so many events (calls, iterations);
// with a ceiling, every memoryPollRatio polls it also reads the heap
// statistics of runtime/metrics (about half a microsecond, and it stops
// nothing). One builtin call (concat, range, map) can allocate far more
// than many instructions, so the engine also charges builtin results that
// are large against an allowance, and reads the heap when it runs out.
const (
	memoryPollRatio = 16
	// largeResult is the estimated size from which a builtin's result
	// counts towards the next heap check.
	largeResult = 64 << 10
	// valueSize is the size of a value.Value, for estimates.
	valueSize = value.ValueBytes
)

// The heap metrics read: all allocated objects (live or not yet swept),
// and what the last collection found live.
var heapMetrics = []string{"/memory/classes/heap/objects:bytes", "/gc/heap/live:bytes"}

// MemoryLimit is the memory state of one run (or of one branch of a
// step-parallel): the run's ceiling on the heap, and the limit of the
// innermost running step whose profile sets one, on what the heap grows by
// while it runs (the engine's own work for the step; what its capabilities
// do in a worker is bounded by the worker's memory cgroup). The zero value
// checks nothing.
type MemoryLimit struct {
	max          int64
	step         stepMemory
	countdown    int   // polls until the next heap check
	resultBudget int64 // estimated bytes of large results until the next heap check
	samples      []metrics.Sample
}

// stepMemory is the memory limit of a running step: the live heap may grow
// by at most max beyond base, what it held when the step began.
type stepMemory struct {
	name      string
	max, base int64
}

// NewMemoryLimit watches the heap against max bytes; 0 or less is none.
func NewMemoryLimit(max int64) MemoryLimit {
	l := MemoryLimit{max: max}
	l.reset()
	return l
}

// reset arms the countdowns for the limits in force.
func (l *MemoryLimit) reset() {
	l.countdown = memoryPollRatio
	l.resultBudget = l.allowance()
	if l.samples == nil && l.enabled() {
		l.samples = make([]metrics.Sample, len(heapMetrics))
		for i, name := range heapMetrics {
			l.samples[i].Name = name
		}
	}
}

func (l *MemoryLimit) enabled() bool { return l.max > 0 || l.step.max > 0 }

// Max is the ceiling in bytes, 0 for none.
func (l *MemoryLimit) Max() int64 { return l.max }

// allowance is how many bytes of large results may pass between two heap
// checks.
func (l *MemoryLimit) allowance() int64 {
	limit := l.max
	if l.step.max > 0 && (limit <= 0 || l.step.max < limit) {
		limit = l.step.max
	}
	return limit / 8
}

// EnterStep starts bounding the heap's growth by max bytes (0: no limit of
// its own) while the step called name runs, and returns the function
// restoring the limit of the step around it when the step ends.
func (l *MemoryLimit) EnterStep(name string, max int64) (restore func()) {
	if max <= 0 {
		return func() {}
	}
	outer := l.step
	l.step = stepMemory{name: name, max: max}
	l.reset()
	_, l.step.base = l.readHeap()
	return func() {
		l.step = outer
		l.reset()
	}
}

// Poll is called each time the engine polls its context: now and then it
// checks the heap. It returns the MemoryExceeded error to raise, or nil.
func (l *MemoryLimit) Poll() *value.Error {
	if !l.enabled() {
		return nil
	}
	if l.countdown--; l.countdown > 0 {
		return nil
	}
	l.countdown = memoryPollRatio
	return l.Check()
}

// NoteResult charges a builtin's result against the heap-check allowance
// when it is large.
func (l *MemoryLimit) NoteResult(v value.Value) *value.Error {
	if !l.enabled() {
		return nil
	}
	size := estimatedSize(v)
	if size < largeResult {
		return nil
	}
	if l.resultBudget -= size; l.resultBudget > 0 {
		return nil
	}
	return l.Check()
}

// reserveFloor is the size below which Reserve does not look at the heap:
// small values are charged by NoteResult afterwards.
const reserveFloor = 1 << 20

// Reserve returns MemoryExceeded when a value of about n more bytes would
// not fit: the live heap plus n passes three quarters of a limit.
func (l *MemoryLimit) Reserve(n int64) *value.Error {
	if !l.enabled() || n < reserveFloor {
		return nil
	}
	_, live := l.readHeap()
	switch {
	case l.max > 0 && live+n > l.max/4*3:
		return value.Errorf(value.MemoryExceeded,
			"Memory limit exceeded: a value of %d MiB would not fit (the heap holds %d MiB, limit %d MiB)", n>>20, live>>20, l.max>>20)
	case l.step.max > 0 && live+n-l.step.base > l.step.max/4*3:
		return value.Errorf(value.MemoryExceeded,
			"Memory limit exceeded: a value of %d MiB would not fit in step %q (its limit is %d MiB, max_memory_bytes)", n>>20, l.step.name, l.step.max>>20)
	}
	return nil
}

// Large reports whether v is large enough that building it took a while:
// the engines look at the clock after a builtin returns one.
func Large(v value.Value) bool { return estimatedSize(v) >= largeResult }

// estimatedSize is a cheap estimate of the memory v holds directly.
func estimatedSize(v value.Value) int64 {
	switch v.Kind() {
	case value.KVector, value.KList:
		return int64(v.AsVector().Len()) * valueSize
	case value.KMap:
		return int64(v.AsMap().Len()) * 2 * valueSize
	case value.KString:
		return int64(len(v.AsString()))
	}
	return 0
}

// Check stops the run when the live heap has outgrown three quarters of
// the ceiling, or a step's heap growth three quarters of its limit: the
// next doublings of a growing value would not fit. The live heap is what
// the last collection marked; when the heap holds more than a limit allows,
// mostly garbage perhaps, it collects first rather than stop a run that may
// not be at fault.
func (l *MemoryLimit) Check() *value.Error {
	l.resultBudget = l.allowance()
	objects, live := l.readHeap()
	if l.over(objects) && !l.over(live) {
		runtime.GC()
		objects, live = l.readHeap()
	}
	switch {
	case l.max > 0 && live > l.max/4*3:
		return value.Errorf(value.MemoryExceeded,
			"Memory limit exceeded: the heap holds %d MiB (limit %d MiB)", max(objects, live)>>20, l.max>>20)
	case l.step.max > 0 && live-l.step.base > l.step.max/4*3:
		return value.Errorf(value.MemoryExceeded,
			"Memory limit exceeded: step %q grew the heap by %d MiB (its limit is %d MiB, max_memory_bytes)", l.step.name, (live-l.step.base)>>20, l.step.max>>20)
	}
	return nil
}

// over reports whether a heap of this many bytes passes a limit.
func (l *MemoryLimit) over(heap int64) bool {
	return (l.max > 0 && heap > l.max/4*3) || (l.step.max > 0 && heap-l.step.base > l.step.max/4*3)
}

// readHeap returns the bytes of all allocated objects and of the live heap
// of the last collection.
func (l *MemoryLimit) readHeap() (objects, live int64) {
	metrics.Read(l.samples)
	return sampleBytes(l.samples[0]), sampleBytes(l.samples[1])
}

func sampleBytes(s metrics.Sample) int64 {
	if s.Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(min(s.Value.Uint64(), math.MaxInt64))
}

// LimitGC makes the garbage collector work hard as the heap nears limit,
// and returns the function restoring the previous setting. The setting is
// process-wide: concurrent runs share the lowest ceiling.
func LimitGC(limit int64) (restore func()) {
	previous := debug.SetMemoryLimit(-1)
	if limit <= 0 || limit >= previous {
		return func() {}
	}
	debug.SetMemoryLimit(limit)
	return func() { debug.SetMemoryLimit(previous) }
}
