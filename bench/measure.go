package bench

import (
	"fmt"
	"runtime"
	"slices"
	"time"
)

// Sample is what one run cost.
type Sample struct {
	Elapsed time.Duration
	Allocs  uint64 // heap allocations made during the run
}

// Measure runs fn once and returns what it cost. It collects garbage
// first, so that a run is not charged for the garbage of the one before,
// which may belong to another engine.
func Measure(fn func() error) (Sample, error) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	err := fn()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return Sample{Elapsed: elapsed, Allocs: after.Mallocs - before.Mallocs}, err
}

// The bounds of the number of rounds Compare takes.
const (
	MinRounds = 3
	MaxRounds = 21
)

// Compare measures runs side by side: in rounds, each round running every
// one of runs once in turn, so that the noise of a shared machine falls on
// all of them alike and the ratio of their medians means something even
// when absolute times drift. The first round also tells how many rounds fit
// in budget (never fewer than MinRounds nor more than MaxRounds, and an odd
// number, so that each median is a measured sample). Compare returns the
// number of rounds taken and the median sample of each run; it stops at the
// first run that fails.
func Compare(budget time.Duration, runs ...func() error) (rounds int, medians []Sample, err error) {
	samples := make([][]Sample, len(runs))
	measureRound := func() (time.Duration, error) {
		var total time.Duration
		for i, run := range runs {
			s, err := Measure(run)
			if err != nil {
				return 0, err
			}
			samples[i] = append(samples[i], s)
			total += s.Elapsed
		}
		return total, nil
	}
	first, err := measureRound()
	if err != nil {
		return 0, nil, err
	}
	rounds = roundsWithin(budget, first)
	for range rounds - 1 {
		if _, err := measureRound(); err != nil {
			return 0, nil, err
		}
	}
	medians = make([]Sample, len(runs))
	for i, s := range samples {
		medians[i] = median(s)
	}
	return rounds, medians, nil
}

// roundsWithin returns how many rounds of the given cost fit in budget,
// within the bounds of Compare and odd.
func roundsWithin(budget, round time.Duration) int {
	n := MaxRounds
	if round > 0 {
		n = int(min(budget/round, MaxRounds))
	}
	n = max(n, MinRounds)
	if n%2 == 0 {
		n--
	}
	return n
}

// median returns the median time and the median allocation count of an
// odd number of samples, each taken separately.
func median(samples []Sample) Sample {
	times := make([]time.Duration, len(samples))
	allocs := make([]uint64, len(samples))
	for i, s := range samples {
		times[i], allocs[i] = s.Elapsed, s.Allocs
	}
	slices.Sort(times)
	slices.Sort(allocs)
	return Sample{Elapsed: times[len(times)/2], Allocs: allocs[len(allocs)/2]}
}

// FormatDuration prints d with three significant digits in a unit that
// keeps it short.
func FormatDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.3gs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.3gms", float64(d)/float64(time.Millisecond))
	case d >= time.Microsecond:
		return fmt.Sprintf("%.3gµs", float64(d)/float64(time.Microsecond))
	}
	return fmt.Sprintf("%dns", d.Nanoseconds())
}

// FormatCount prints n with three significant digits and a k, M or G
// suffix.
func FormatCount(n float64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.3gG", n/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.3gM", n/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.3gk", n/1e3)
	}
	return fmt.Sprintf("%.3g", n)
}

// FormatRatio prints how many times slower a is than b.
func FormatRatio(a, b time.Duration) string {
	return fmt.Sprintf("%.1fx", float64(a)/float64(b))
}

// Machine describes where the measurements are taken, for the head of a
// table.
func Machine() string {
	return fmt.Sprintf("%s %s/%s, %d CPUs, GOMAXPROCS %d",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0))
}
