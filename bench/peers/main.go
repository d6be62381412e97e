// Command peers compares the RTFS VM with other embeddable languages
// written in pure Go, on the programs of bench/programs written
// idiomatically in each (scripts/): gopher-lua (Lua 5.1), starlark-go and
// goja (JavaScript). Every engine runs a script compiled once, in a fresh
// interpreter state per run, and every run's value is checked against the
// RTFS program's expected value.
//
// It is a module of its own so that the main module's go.mod carries none
// of the peers. Usage, from this directory:
//
//	go run . [-budget 15s] [-run regexp]
package main

import (
	"embed"
	"flag"
	"fmt"
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
	{"fib25", "fib", 25},
	{"fib30", "fib", 30},
	{"tailsum", "tailsum", 10_000_000},
	{"mapfilterreduce", "mapfilterreduce", 1_000_000},
	{"strings", "strings", 100_000},
}

// A peer is an embeddable language. Prepare compiles a script once and
// returns a run of it, in a fresh interpreter state with N set to n, that
// returns the printed form of the script's value.
type peer struct {
	name    string
	ext     string // the extension of its scripts
	prepare func(file string, src []byte, n int) (func() (string, error), error)
}

var peers = []peer{luaPeer, starlarkPeer, gojaPeer}

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
// by side, and prints a row for each whose program filter matches.
func peerTable(budget time.Duration, filter *regexp.Regexp) error {
	programs, err := bench.Programs()
	if err != nil {
		return err
	}
	out := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(out, "RTFS VM vs embeddable Go languages (%s)\n", bench.Machine())
	fmt.Fprintln(out, "Each row: the median of its rounds, a round running every engine once; in parentheses the")
	fmt.Fprintln(out, "engine's time over the RTFS VM's (above 1x: the RTFS VM is faster). Every run's value is checked.")
	fmt.Fprintln(out)
	fmt.Fprint(out, "program\trounds\trtfs vm")
	for _, p := range peers {
		fmt.Fprintf(out, "\t%s", p.name)
	}
	fmt.Fprintln(out)
	for _, w := range workloads {
		if !filter.MatchString(w.program) {
			continue
		}
		i := slices.IndexFunc(programs, func(p bench.Program) bool { return p.Name == w.program })
		if i < 0 {
			return fmt.Errorf("no program %s in bench/programs", w.program)
		}
		fmt.Fprintf(os.Stderr, "measuring %s...\n", w.program)
		runs, err := prepare(programs[i], w)
		if err != nil {
			return err
		}
		rounds, medians, err := bench.Compare(budget, runs...)
		if err != nil {
			return err
		}
		rtfs := medians[0].Elapsed
		fmt.Fprintf(out, "%s\t%d\t%s", w.program, rounds, bench.FormatDuration(rtfs))
		for _, m := range medians[1:] {
			fmt.Fprintf(out, "\t%s (%s)", bench.FormatDuration(m.Elapsed), bench.FormatRatio(m.Elapsed, rtfs))
		}
		fmt.Fprintln(out)
	}
	return out.Flush()
}

// prepare returns the runs of one row: the RTFS program on the VM, then
// the workload's script on each peer, each checked against the program's
// value.
func prepare(program bench.Program, w workload) ([]func() error, error) {
	rtfs, err := program.Prepare(bench.VM)
	if err != nil {
		return nil, err
	}
	runs := []func() error{rtfs}
	for _, p := range peers {
		file := "scripts/" + w.script + p.ext
		src, err := scripts.ReadFile(file)
		if err != nil {
			return nil, err
		}
		run, err := p.prepare(file, src, w.n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
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
	return runs, nil
}

// formatFloat prints an integral float as an integer, as the languages
// whose only numbers are floats mean it.
func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}
