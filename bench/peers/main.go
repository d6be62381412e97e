// Command peers compares the RTFS VM with RTFS compiled to WebAssembly and
// with other embeddable languages on the programs of bench/programs, each
// written idiomatically in every language (scripts/): gopher-lua (Lua
// 5.1), starlark-go, goja (JavaScript) and Tengo, all pure Go, and, when
// their binaries are installed, the C Lua 5.4 and LuaJIT as subprocesses. Every engine runs a script compiled
// once, in a fresh interpreter state per run, and every run's value is
// checked against the RTFS program's expected value.
//
// It is a module of its own so that the main module's go.mod carries none
// of the peers. Usage, from this directory:
//
//	go run . [-budget 15s] [-run regexp]
package main

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/rtfs-go/rtfs/bench"
)

//go:embed scripts
var scripts embed.FS

// A workload is a row of the table: an RTFS program and the script its
// peers run instead, at size N (a global each script reads), which must
// produce the same value.
type workload struct {
	program string // a program of bench/programs
	script  string // the scripts' name without extension
	n       int
}

var workloads = []workload{
	{"fib30", "fib", 30},
	{"tailsum", "tailsum", 10_000_000},
	{"mapfilterreduce", "mapfilterreduce", 1_000_000},
	{"strings", "strings", 100_000},
	{"wordfreq", "wordfreq", 200_000},
	{"floats", "floats", 2_000_000},
	{"sort", "sort", 200_000},
	{"closures", "closures", 1_000_000},
	{"assocmap", "assocmap", 20_000},
	{"assocvec", "assocvec", 20_000},
}

// A peer is an embeddable language. Prepare compiles a script once and
// returns a run of it, in a fresh interpreter state with N set to n, that
// returns the printed form of the script's value. A peer with no script
// for a workload sits out its row.
type peer struct {
	name    string
	ext     string // the extension of its scripts
	pureGo  bool   // the targets compare RTFS with the fastest of these
	prepare func(file string, src []byte, n int) (func() (string, error), error)
	// engine, for RTFS on another of its engines, runs the RTFS program
	// itself rather than a script.
	engine *bench.Engine
}

// wasmPeer is RTFS compiled to WebAssembly (bench.WASM), beside the VM.
var wasmPeer = peer{name: "rtfs wasm", engine: &bench.WASM}

// peers are the engines of the table, those that are not installed left
// out.
func peers() []peer {
	out := []peer{wasmPeer, luaPeer, starlarkPeer, gojaPeer, tengoPeer}
	for _, binary := range []string{"lua5.4", "luajit"} {
		if p, ok := luaProcess(binary); ok {
			out = append(out, p)
		}
	}
	return out
}

func main() {
	budget := flag.Duration("budget", 15*time.Second,
		"time to spend on each row; slow rows still take at least 3 rounds")
	only := flag.String("run", "", "measure only the programs this regular expression matches")
	flag.Parse()
	filter, err := regexp.Compile(*only)
	if err == nil {
		err = peerTable(*budget, filter)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

// peerTable measures every workload on the RTFS VM and on each peer, side
// by side, and prints a row for each whose program filter matches, then
// how each peer compares over all rows.
func peerTable(budget time.Duration, filter *regexp.Regexp) error {
	programs, err := bench.Programs()
	if err != nil {
		return err
	}
	engines := peers()
	out := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(out, "RTFS VM vs embeddable languages (%s)\n", bench.Machine())
	fmt.Fprintln(out, "Each row: the median of its rounds, a round running every engine once; in parentheses the")
	fmt.Fprintln(out, "engine's time over the RTFS VM's (above 1x: the RTFS VM is faster). Every run's value is checked.")
	fmt.Fprintln(out, "lua5.4 and luajit run as subprocesses: their times include starting the process (about 1 ms).")
	fmt.Fprintln(out)
	fmt.Fprint(out, "program\trounds\trtfs vm")
	for _, p := range engines {
		fmt.Fprintf(out, "\t%s", p.name)
	}
	fmt.Fprintln(out, "\tvs fastest pure-Go peer")
	ratios := make([][]float64, len(engines)) // per engine, peer/rtfs over the rows
	for _, w := range workloads {
		if !filter.MatchString(w.program) {
			continue
		}
		i := slices.IndexFunc(programs, func(p bench.Program) bool { return p.Name == w.program })
		if i < 0 {
			return fmt.Errorf("no program %s in bench/programs", w.program)
		}
		fmt.Fprintf(os.Stderr, "measuring %s...\n", w.program)
		runs, columns, err := prepare(programs[i], w, engines)
		if err != nil {
			return err
		}
		rounds, medians, err := bench.Compare(budget, runs...)
		if err != nil {
			return err
		}
		rtfs := medians[0].Elapsed
		fmt.Fprintf(out, "%s\t%d\t%s", w.program, rounds, bench.FormatDuration(rtfs))
		fastestGo := time.Duration(0)
		for j, p := range engines {
			k := slices.Index(columns, j)
			if k < 0 {
				fmt.Fprint(out, "\tn/a")
				continue
			}
			m := medians[k+1].Elapsed
			fmt.Fprintf(out, "\t%s (%s)", bench.FormatDuration(m), bench.FormatRatio(m, rtfs))
			ratios[j] = append(ratios[j], float64(m)/float64(rtfs))
			if p.pureGo && (fastestGo == 0 || m < fastestGo) {
				fastestGo = m
			}
		}
		verdict := "faster: met"
		if rtfs > fastestGo {
			verdict = "slower: MISSED"
		}
		fmt.Fprintf(out, "\t%s %s\n", bench.FormatRatio(fastestGo, rtfs), verdict)
	}
	fmt.Fprint(out, "geometric mean\t\t1x")
	for j := range engines {
		fmt.Fprintf(out, "\t%.2fx", geometricMean(ratios[j]))
	}
	fmt.Fprintln(out, "\t")
	return out.Flush()
}

func geometricMean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range xs {
		sum += math.Log(x)
	}
	return math.Exp(sum / float64(len(xs)))
}

// prepare returns the runs of one row, the RTFS program on the VM and then
// the workload's script on each engine that has one, each checked against
// the program's value, with the index in engines of each script's engine.
func prepare(program bench.Program, w workload, engines []peer) ([]func() error, []int, error) {
	rtfs, err := program.Prepare(bench.VM)
	if err != nil {
		return nil, nil, err
	}
	runs := []func() error{rtfs}
	var columns []int
	for j, p := range engines {
		if p.engine != nil {
			run, err := program.Prepare(*p.engine)
			if err != nil {
				return nil, nil, err
			}
			columns = append(columns, j)
			runs = append(runs, run)
			continue
		}
		file := "scripts/" + w.script + p.ext
		src, err := scripts.ReadFile(file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		run, err := p.prepare(file, src, w.n)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p.name, err)
		}
		columns = append(columns, j)
		runs = append(runs, func() error {
			got, err := run()
			if err != nil {
				return fmt.Errorf("%s %s: %w", p.name, file, err)
			}
			if got != program.Want {
				return fmt.Errorf("%s %s: got %s, want %s", p.name, file, got, program.Want)
			}
			return nil
		})
	}
	return runs, columns, nil
}

// formatFloat prints an integral float as an integer, as the languages
// whose only numbers are floats mean it.
func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}
