// Command benchtable prints the table `make bench` shows: the interpreter
// and the VM on each program of bench/programs, measured side by side in
// rounds (see bench.Compare), with their ratio, their allocations and the
// performance targets each row is held to; then the speed of the front end
// on a generated program.
//
// Usage:
//
//	go run ./bench/cmd/benchtable [-budget 15s] [-lines 30000] [-run regexp]
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rtfs-go/rtfs/bench"
	"github.com/rtfs-go/rtfs/compiler/codegen"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
)

// A target is a performance goal a program's row is held to.
type target struct {
	program string
	goal    string
	met     func(interp, vm, wasm time.Duration) bool
}

// targets are the goals the engines were built to reach: the VM an order
// of magnitude over the interpreter on calls and on tail-recursive loops,
// and fib(30) in well under a fifth of a second; WASM three times the VM
// on the same two.
var targets = []target{
	{"fib25", "interp/vm >= 10x", tenTimesFaster},
	{"fib30", "interp/vm >= 10x", tenTimesFaster},
	{"fib30", "vm < 150ms", func(_, vm, _ time.Duration) bool { return vm < 150*time.Millisecond }},
	{"fib30", "vm/wasm >= 3x", threeTimesTheVM},
	{"tailsum", "interp/vm >= 10x", tenTimesFaster},
	{"tailsum", "vm/wasm >= 3x", threeTimesTheVM},
}

// compileRow, sandboxRow, wasmRow, startupRow and memoryRow are the names
// by which -run selects the compile-time table, the sandbox's and
// WebAssembly's costs, start-up and what collections take.
const (
	compileRow = "compile"
	sandboxRow = "sandbox"
	wasmRow    = "wasm"
	startupRow = "startup"
	memoryRow  = "memory"
)

func tenTimesFaster(interp, vm, _ time.Duration) bool { return interp >= 10*vm }

func threeTimesTheVM(_, vm, wasm time.Duration) bool { return vm >= 3*wasm }

func main() {
	budget := flag.Duration("budget", 15*time.Second,
		"time to spend on each row; slow rows still take at least 3 rounds")
	lines := flag.Int("lines", bench.CompileLines, "lines of the generated program the compile rows measure")
	only := flag.String("run", "",
		`measure only the rows this regular expression matches: programs, and "compile" for the front end`)
	flag.Parse()
	out := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	filter, err := regexp.Compile(*only)
	if err == nil {
		err = engineTable(out, *budget, filter)
	}
	if err == nil && filter.MatchString(compileRow) {
		err = compileTable(out, *budget, *lines)
	}
	if err == nil && filter.MatchString(sandboxRow) {
		err = sandboxTable(out)
	}
	if err == nil && filter.MatchString(wasmRow) {
		err = wasmTable(out)
	}
	if err == nil && filter.MatchString(startupRow) {
		err = startupTable(out)
	}
	if err == nil && filter.MatchString(memoryRow) {
		err = memoryTable(out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// engineTable measures on both engines every program filter matches and
// prints a row for each, then what the VM's verification of its module
// costs.
func engineTable(out *tabwriter.Writer, budget time.Duration, filter *regexp.Regexp) error {
	programs, err := bench.Programs()
	if err != nil {
		return err
	}
	for _, t := range targets {
		if !slices.ContainsFunc(programs, func(p bench.Program) bool { return p.Name == t.program }) {
			return fmt.Errorf("target %q names no program of bench/programs: %s", t.goal, t.program)
		}
	}
	programs = slices.DeleteFunc(programs, func(p bench.Program) bool { return !filter.MatchString(p.Name) })
	if len(programs) == 0 {
		return nil
	}
	fmt.Fprintf(out, "Interpreter vs VM vs WASM (%s)\n", bench.Machine())
	fmt.Fprintln(out, "Each row: the median of its rounds, a round running the interpreter, the VM and WASM once each;")
	fmt.Fprintln(out, "a WASM run instantiates the program's module (compiled once, cached by wazero) and runs it;")
	fmt.Fprintln(out, "allocations are heap allocations per run. Every run's value is checked.")
	fmt.Fprintln(out)
	fmt.Fprintln(out, "program\trounds\tinterp\tvm\twasm\tinterp/vm\tvm/wasm\tinterp allocs\tvm allocs\twasm allocs\ttargets")
	var worstVerifyShare float64
	for _, p := range programs {
		fmt.Fprintf(os.Stderr, "measuring %s...\n", p.Name)
		runs := make([]func() error, 0, 3)
		for _, e := range []bench.Engine{bench.Interp, bench.VM, bench.WASM} {
			run, err := p.Prepare(e)
			if err != nil {
				return err
			}
			runs = append(runs, run)
		}
		rounds, medians, err := bench.Compare(budget, runs...)
		if err != nil {
			return err
		}
		interp, vm, wasm := medians[0], medians[1], medians[2]
		fmt.Fprintf(out, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, rounds,
			bench.FormatDuration(interp.Elapsed), bench.FormatDuration(vm.Elapsed), bench.FormatDuration(wasm.Elapsed),
			bench.FormatRatio(interp.Elapsed, vm.Elapsed), bench.FormatRatio(vm.Elapsed, wasm.Elapsed),
			bench.FormatCount(float64(interp.Allocs)), bench.FormatCount(float64(vm.Allocs)), bench.FormatCount(float64(wasm.Allocs)),
			targetsOf(p.Name, interp.Elapsed, vm.Elapsed, wasm.Elapsed))
		verify, err := verifyCost(p)
		if err != nil {
			return err
		}
		worstVerifyShare = max(worstVerifyShare, float64(verify)/float64(vm.Elapsed))
	}
	fmt.Fprintf(out, "\nvm.Run verifies its module on every run: at most %.3f%% of a VM run above.\n\n",
		100*worstVerifyShare)
	return out.Flush()
}

// targetsOf prints the targets of program's row, each met or MISSED.
func targetsOf(program string, interp, vm, wasm time.Duration) string {
	var marks []string
	for _, t := range targets {
		if t.program != program {
			continue
		}
		mark := "MISSED"
		if t.met(interp, vm, wasm) {
			mark = "met"
		}
		marks = append(marks, t.goal+": "+mark)
	}
	if len(marks) == 0 {
		return "-"
	}
	return strings.Join(marks, ", ")
}

// verifyCost returns what one isa.Verify of p's module takes, averaged
// over enough calls to be measurable.
func verifyCost(p bench.Program) (time.Duration, error) {
	prog, err := p.Parse()
	if err != nil {
		return 0, err
	}
	m, err := codegen.Compile(prog)
	if err != nil {
		return 0, err
	}
	const measurable = 10 * time.Millisecond
	start := time.Now()
	calls := 0
	for time.Since(start) < measurable {
		if err := isa.Verify(m, stdlib.Has); err != nil {
			return 0, fmt.Errorf("%s: %w", p.Name, err)
		}
		calls++
	}
	return time.Since(start) / time.Duration(calls), nil
}

// compileTable measures the front end, alone and with code generation, on
// a generated program of the given number of lines.
func compileTable(out *tabwriter.Writer, budget time.Duration, lines int) error {
	src := bench.Generate(lines)
	lines = strings.Count(string(src), "\n")
	phases := []bench.Phase{bench.ParseOnly, bench.ParseCompile}
	runs := make([]func() error, len(phases))
	for i, phase := range phases {
		runs[i] = func() error { return phase.Run(src) }
	}
	fmt.Fprintln(os.Stderr, "measuring the front end...")
	rounds, medians, err := bench.Compare(budget, runs...)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Compile time: a generated program of %d lines (%.1f MB), median of %d rounds\n\n", lines, float64(len(src))/(1<<20), rounds)
	fmt.Fprintln(out, "phase\ttime\tlines/s\tallocs\ttarget")
	for i, phase := range phases {
		perMB := time.Duration(float64(medians[i].Elapsed) / (float64(len(src)) / (1 << 20)))
		target := "-"
		if phase.Name == bench.ParseCompile.Name {
			target = "1 MB in < 1s: met"
			if perMB >= time.Second {
				target = "1 MB in < 1s: missed"
			}
			target += " (" + bench.FormatDuration(perMB) + " per MB)"
		}
		fmt.Fprintf(out, "%s\t%s\t%s\t%s\t%s\n", phase.Name, bench.FormatDuration(medians[i].Elapsed),
			bench.FormatCount(float64(lines)/medians[i].Elapsed.Seconds()),
			bench.FormatCount(float64(medians[i].Allocs)), target)
	}
	return out.Flush()
}

// met prints whether a target is met.
func met(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}

// wasmTable prints what running steps in WebAssembly costs, against its
// targets.
func wasmTable(out *tabwriter.Writer) error {
	c, err := bench.MeasureWASM("testdata/plans/gather-report.rtfs", 11)
	if err != nil {
		return fmt.Errorf("wasm: %w", err)
	}
	fmt.Fprintf(out, "\nWebAssembly (medians; the gather plan's module, %d bytes):\n", c.ModuleBytes)
	fmt.Fprintln(out, "measure\ttime\ttarget")
	fmt.Fprintf(out, "compiler/wasm: bytecode to WASM\t%s\t-\n", c.CodegenTime.Round(time.Microsecond))
	fmt.Fprintf(out, "wazero compile, cold\t%s\t<= 20ms: %s\n", c.ColdCompile.Round(10*time.Microsecond), met(c.ColdCompile <= 20*time.Millisecond))
	fmt.Fprintf(out, "cached compile + instantiate\t%s\t<= 1ms: %s\n", c.Start.Round(time.Microsecond), met(c.Start <= time.Millisecond))
	fmt.Fprintf(out, "capability call (ccos.echo) from the VM\t%s\t-\n", c.CallFromVM.Round(10*time.Nanosecond))
	fmt.Fprintf(out, "capability call (ccos.echo) from WASM\t%s\tWASM/VM %.2fx\n", c.CallFromWASM.Round(10*time.Nanosecond),
		float64(c.CallFromWASM)/float64(c.CallFromVM))
	return out.Flush()
}

// sandboxTable prints what confinement costs, against its targets.
func sandboxTable(out *tabwriter.Writer) error {
	c, err := bench.MeasureSandbox("testdata/plans/gather-report.rtfs", 21)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	fmt.Fprintln(out, "\nConfinement (medians):")
	fmt.Fprintln(out, "measure\ttime\ttarget")
	fmt.Fprintf(out, "confined worker start, cold\t%s\t-\n", c.WorkerStart.Round(time.Microsecond))
	fmt.Fprintf(out, "confined worker start, pooled\t%s\t<= 5ms: %s\n", c.PooledStart.Round(time.Microsecond), met(c.PooledStart <= 5*time.Millisecond))
	fmt.Fprintf(out, "capability round trip\t%s\t<= 50us: %s\n", c.RoundTrip.Round(100*time.Nanosecond), met(c.RoundTrip <= 50*time.Microsecond))
	fmt.Fprintf(out, "gather plan confined\t%s\t-\n", c.GatherConfined.Round(10*time.Microsecond))
	fmt.Fprintf(out, "gather plan --unconfined\t%s\tconfined/unconfined %.1fx\n", c.GatherUnconfined.Round(10*time.Microsecond),
		float64(c.GatherConfined)/float64(c.GatherUnconfined))
	if c.HeavyStep > 0 {
		fmt.Fprintf(out, "gather plan audited\t%s\taudited/confined %+.0f%%\n", c.GatherAudited.Round(10*time.Microsecond),
			100*(float64(c.GatherAudited)/float64(c.GatherConfined)-1))
		fmt.Fprintf(out, "step making 20k syscalls\t%s\t-\n", c.HeavyStep.Round(10*time.Microsecond))
		overhead := float64(c.HeavyStepAudited)/float64(c.HeavyStep) - 1
		fmt.Fprintf(out, "same step audited\t%s\t<= +10%%: %s (%+.0f%%)\n", c.HeavyStepAudited.Round(10*time.Microsecond), met(overhead <= 0.10), 100*overhead)
		fmt.Fprintf(out, "audit load (once) + attach\t%s + %s\t<= 2ms: %s\n", c.AuditLoad.Round(10*time.Microsecond),
			c.AuditAttach.Round(10*time.Microsecond), met(c.AuditLoad+c.AuditAttach <= 2*time.Millisecond))
		fmt.Fprintf(out, "audit detach\t%s\t-\n", c.AuditDetach.Round(10*time.Microsecond))
	}
	return out.Flush()
}

// startupTable prints what starting a process costs, rtfsvm's against its
// target, and where rtfsvm's package initialisation goes.
func startupTable(out *tabwriter.Writer) error {
	c, err := bench.MeasureStartup(41)
	if err != nil {
		return fmt.Errorf("startup: %w", err)
	}
	fmt.Fprintln(out, "\nStart-up of a whole process (medians of 41 interleaved rounds):")
	fmt.Fprintln(out, "process\ttime\ttarget")
	for _, p := range c.Processes {
		target := "-"
		if p.Name == "rtfsvm exec small.rtfsb" {
			target = "<= 5ms: missed"
			if p.Median <= 5*time.Millisecond {
				target = "<= 5ms: met"
			}
		}
		fmt.Fprintf(out, "%s\t%s\t%s\n", p.Name, p.Median.Round(10*time.Microsecond), target)
	}
	fmt.Fprintf(out, "package initialisers of rtfsvm exec\t%s\t-\n", c.Inits.Round(10*time.Microsecond))
	for _, p := range c.TopInits {
		fmt.Fprintf(out, "  %s\t%s\t-\n", p.Package, p.Time.Round(10*time.Microsecond))
	}
	return out.Flush()
}

// memoryTable prints the live bytes per element of large collections and
// the peak resident size of the word-frequency program.
func memoryTable(out *tabwriter.Writer) error {
	dir, err := os.MkdirTemp("", "rtfs-memory-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	c, err := bench.MeasureMemory(dir)
	if err != nil {
		return fmt.Errorf("memory: %w", err)
	}
	fmt.Fprintf(out, "\nMemory (live heap after collection; a Value is %d bytes):\n", value.ValueBytes)
	fmt.Fprintln(out, "collection\tbytes per element")
	for _, r := range c.Rows {
		fmt.Fprintf(out, "%s\t%.1f\n", r.What, r.BytesPerElement)
	}
	fmt.Fprintf(out, "peak RSS of rtfsvm exec programs/wordfreq.rtfs\t%.1f MiB\n", float64(c.WordfreqPeakRSS)/(1<<20))
	return out.Flush()
}
