package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/value"
)

// MemoryCosts are what collections take per element, each built the way a
// program builds it, and the peak resident size of a whole run.
type MemoryCosts struct {
	Rows []MemoryRow
	// WordfreqPeakRSS is the peak resident set of rtfsvm running
	// programs/wordfreq.rtfs, in bytes.
	WordfreqPeakRSS int64
}

// MemoryRow is one collection and its live heap bytes per element.
type MemoryRow struct {
	What            string
	BytesPerElement float64
}

// elements is the size of the measured collections.
const elements = 1_000_000

// MeasureMemory builds each collection of a million elements from a
// program, keeps it live, and reads the heap growth; then it runs the
// word-frequency program in rtfsvm (built into dir as the Makefile
// builds it) and reads its peak resident set.
func MeasureMemory(dir string) (MemoryCosts, error) {
	programs := []struct{ what, src string }{
		{"vector of 1M integers, (range n)", "(range 1000000)"},
		{"vector of 1M integers, conj one by one", "(reduce conj [] (range 1000000))"},
		{"map of 1M integer keys, assoc one by one", "(reduce (fn [m i] (assoc m i i)) {} (range 1000000))"},
		{"map of 1M integer keys, zipmap-style (one build)", "(apply hash-map (range 2000000))"},
	}
	var costs MemoryCosts
	for _, p := range programs {
		perElement, err := liveBytesPerElement(p.src)
		if err != nil {
			return costs, fmt.Errorf("%s: %w", p.what, err)
		}
		costs.Rows = append(costs.Rows, MemoryRow{p.what, perElement})
	}
	rtfsvm := filepath.Join(dir, "rtfsvm")
	if err := goBuild(rtfsvm, "-tags", StartupTags, "./cmd/rtfsvm"); err != nil {
		return costs, err
	}
	peak, err := peakRSS(rtfsvm, "exec", "bench/programs/wordfreq.rtfs")
	if err != nil {
		return costs, fmt.Errorf("wordfreq: %w", err)
	}
	costs.WordfreqPeakRSS = peak
	return costs, nil
}

// peakRSS runs a command and returns the high-water mark of its resident
// set (VmHWM), read every millisecond while it runs. The rusage a parent
// gets is no good here: a child started from a large process counts that
// process's resident set, which it shared until its exec, as its own.
func peakRSS(name string, args ...string) (int64, error) {
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	var peak int64
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return 0, fmt.Errorf("%v: %s", err, out.Bytes())
			}
			return peak, nil
		case <-tick.C:
			if kb, ok := highWaterKB(status); ok {
				peak = max(peak, kb*1024)
			}
		}
	}
}

// highWaterKB reads the VmHWM line of a /proc status file.
func highWaterKB(status string) (int64, bool) {
	data, err := os.ReadFile(status)
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}

// liveBytesPerElement runs src on the VM and measures how much the heap
// grew, after collection, for the result it keeps.
func liveBytesPerElement(src string) (float64, error) {
	prog, err := rtfs.Compile("memory.rtfs", []byte(src))
	if err != nil {
		return 0, err
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v, err := prog.Run(context.Background(), rtfs.Options{})
	if err != nil {
		return 0, err
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	n := elements
	if v.Kind() == value.KMap {
		n = v.AsMap().Len()
	} else if v.IsSeq() {
		n = v.AsVector().Len()
	}
	runtime.KeepAlive(v)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n), nil
}
