package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rtfs-go/rtfs"
)

// StartupCosts are medians of whole-process runs, taken in interleaved
// rounds, and where a start of rtfsvm spends its package initialisation.
type StartupCosts struct {
	// Processes are the commands timed, in order: an empty Go program
	// (the floor any Go binary pays), rtfsvm --version (start-up without
	// running anything), rtfsvm exec of a one-line .rtfsb, and Lua 5.4
	// running the same expression when lua5.4 is installed.
	Processes []TimedProcess
	// Inits is the sum of the package initialisers' time (GODEBUG
	// inittrace) in one start of rtfsvm exec, TopInits the largest.
	Inits    time.Duration
	TopInits []PackageInit
}

// TimedProcess is one command and its median time.
type TimedProcess struct {
	Name   string
	Median time.Duration
}

// PackageInit is one package's initialisation time.
type PackageInit struct {
	Package string
	Time    time.Duration
}

// StartupTags are the build tags of the CLIs (see the Makefile).
const StartupTags = "urfave_cli_no_docs"

// MeasureStartup builds rtfsvm as the Makefile does, from the repository
// root that is the working directory, and an empty Go program into a
// temporary directory, compiles `(+ 1 2)` to bytecode, and times
// each process rounds times, taking turns.
func MeasureStartup(rounds int) (StartupCosts, error) {
	dir, err := os.MkdirTemp("", "rtfs-startup-")
	if err != nil {
		return StartupCosts{}, err
	}
	defer os.RemoveAll(dir)
	rtfsvm := filepath.Join(dir, "rtfsvm")
	empty := filepath.Join(dir, "empty")
	plan := filepath.Join(dir, "small.rtfsb")
	if err := goBuild(rtfsvm, "-tags", StartupTags, "./cmd/rtfsvm"); err != nil {
		return StartupCosts{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.go"), []byte("package main\n\nfunc main() {}\n"), 0o600); err != nil {
		return StartupCosts{}, err
	}
	if err := goBuild(empty, filepath.Join(dir, "empty.go")); err != nil {
		return StartupCosts{}, err
	}
	prog, err := rtfs.Compile("small.rtfs", []byte("(+ 1 2)"))
	if err != nil {
		return StartupCosts{}, err
	}
	code, err := prog.Bytecode()
	if err != nil {
		return StartupCosts{}, err
	}
	if err := os.WriteFile(plan, code, 0o600); err != nil {
		return StartupCosts{}, err
	}
	commands := [][]string{{empty}, {rtfsvm, "--version"}, {rtfsvm, "exec", plan}}
	names := []string{"empty Go program", "rtfsvm --version", "rtfsvm exec small.rtfsb"}
	if lua, err := exec.LookPath("lua5.4"); err == nil {
		commands = append(commands, []string{lua, "-e", "print(1 + 2)"})
		names = append(names, "lua5.4 -e 'print(1 + 2)'")
	}
	times := make([][]time.Duration, len(commands))
	for range rounds {
		for i, c := range commands {
			start := time.Now()
			if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
				return StartupCosts{}, fmt.Errorf("%s: %v: %s", names[i], err, out)
			}
			times[i] = append(times[i], time.Since(start))
		}
	}
	var costs StartupCosts
	for i, name := range names {
		costs.Processes = append(costs.Processes, TimedProcess{name, medianDuration(times[i])})
	}
	costs.Inits, costs.TopInits, err = initTrace(rtfsvm, plan)
	return costs, err
}

// goBuild runs go build in the working directory, which must be the
// repository's root, as it is for make bench.
func goBuild(output string, args ...string) error {
	cmd := exec.Command("go", append([]string{"build", "-o", output}, args...)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

// initTrace runs rtfsvm exec plan with GODEBUG=inittrace=1 and sums the
// lines "init PACKAGE @T ms, D ms clock, ...".
func initTrace(rtfsvm, plan string) (time.Duration, []PackageInit, error) {
	cmd := exec.Command(rtfsvm, "exec", plan)
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var trace bytes.Buffer
	cmd.Stderr = &trace
	if err := cmd.Run(); err != nil {
		return 0, nil, fmt.Errorf("rtfsvm with inittrace: %v", err)
	}
	var total time.Duration
	var inits []PackageInit
	lines := bufio.NewScanner(&trace)
	for lines.Scan() {
		f := strings.Fields(lines.Text())
		if len(f) < 7 || f[0] != "init" || f[6] != "clock," {
			continue
		}
		ms, err := strconv.ParseFloat(f[4], 64)
		if err != nil {
			continue
		}
		d := time.Duration(ms * float64(time.Millisecond))
		total += d
		inits = append(inits, PackageInit{f[1], d})
	}
	slices.SortFunc(inits, func(a, b PackageInit) int { return int(b.Time - a.Time) })
	return total, inits[:min(len(inits), 5)], nil
}
