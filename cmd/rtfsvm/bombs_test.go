package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/sandbox"
	"github.com/rtfs-go/rtfs/value"
)

// asMain makes the test binary, started again by the bomb suite, run as
// rtfsvm itself: a bomb that crashed the process, or grew it, would
// otherwise take the test with it.
const asMain = "RTFSVM_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" {
		code := run(os.Args, os.Stdin, os.Stdout, os.Stderr)
		// The kernel's ru_maxrss of a child counts the RSS of the process
		// that started it; the high-water mark of this process's own
		// memory is in /proc/self/status.
		if status, err := os.ReadFile("/proc/self/status"); err == nil {
			if m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(status); m != nil {
				fmt.Fprintf(os.Stderr, "\n%s %s\n", peakMarker, m[1])
			}
		}
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// peakMarker introduces the peak RSS a bomb's process reports.
const peakMarker = "rtfs-bomb-peak-rss-kb"

// bomb is one resource bomb: a program, the flags that limit it, and the
// error kind it must end in (per engine when they differ).
type bomb struct {
	name   string
	file   string // the program
	flags  []string
	expect map[string]string // engine -> error kind; "ok" for success
	setup  string
	// slack is how much later than the deadline this bomb may stop, for a
	// known cause its header gives; 0 holds it to the 100 ms target.
	slack time.Duration
}

var bombHeader = regexp.MustCompile(`(?m)^; (bomb|flags|expect|setup|slack): (.*)$`)

// loadBombs reads testdata/bombs and adds the generated ones.
func loadBombs(t *testing.T, dir string) []bomb {
	t.Helper()
	files, err := filepath.Glob("../../testdata/bombs/*.rtfs")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bombs: %v", err)
	}
	var bombs []bomb
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		b := bomb{name: strings.TrimSuffix(filepath.Base(file), ".rtfs"), file: file}
		for _, m := range bombHeader.FindAllStringSubmatch(string(src), -1) {
			switch m[1] {
			case "flags":
				b.flags = strings.Fields(m[2])
			case "expect":
				b.expect = map[string]string{"vm": m[2], "interp": m[2]}
			case "setup":
				b.setup = m[2]
			case "slack":
				if b.slack, err = time.ParseDuration(strings.Fields(m[2])[0]); err != nil {
					t.Fatalf("%s: slack: %v", file, err)
				}
			}
		}
		bombs = append(bombs, b)
	}
	return append(bombs, generatedBombs(t, dir)...)
}

// generatedBombs are the bombs whose programs are too big to keep.
func generatedBombs(t *testing.T, dir string) []bomb {
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// A function nesting 400 calls of + around its recursive call,
	// recursing 9,000 times: 3.6 million nested evaluations. The VM does not
	// recurse in Go to evaluate nested expressions and stays within the
	// call depth; the interpreter does, and must stop with StackOverflow
	// rather than crash.
	deep := "(defn f [n] (if (= n 0) 0 " + strings.Repeat("(+ 1 ", 400) + "(f (- n 1))" + strings.Repeat(")", 400) + "))\n(f 9000)\n"
	bigFile := filepath.Join(dir, "big.rtfs")
	f, err := os.Create(bigFile)
	if err != nil {
		t.Fatal(err)
	}
	line := bytes.Repeat([]byte("(+ 1 2)\n"), 1<<10)
	for range 50 << 20 / len(line) {
		f.Write(line)
	}
	f.Close()
	flood := bytes.Repeat([]byte(")"), 20<<10)
	// A module whose constant is a 100 MB string: a few kilobytes
	// compressed.
	prog, err := rtfs.Compile("b.rtfs", []byte(`(def s "a") (count s)`))
	if err != nil {
		t.Fatal(err)
	}
	m := prog.Module()
	huge := value.String(strings.Repeat("a", 100<<20))
	for i, k := range m.Protos[0].Consts {
		if k.Kind() == value.KString && k.AsString() == "a" {
			m.Protos[0].Consts[i] = huge
		}
	}
	bytecode, err := isa.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	both := func(kind string) map[string]string { return map[string]string{"vm": kind, "interp": kind} }
	return []bomb{
		{name: "deep-nesting", file: write("deep.rtfs", []byte(deep)), flags: []string{"--timeout", "20s"},
			expect: map[string]string{"vm": "ok", "interp": "StackOverflow"}},
		{name: "50MB-source", file: bigFile, flags: []string{"--timeout", "20s"}, expect: both("usage")},
		{name: "20KB-of-errors", file: write("flood.rtfs", flood), flags: []string{"--timeout", "20s"}, expect: both("usage")},
		{name: "rtfsb-expansion", file: write("expand.rtfsb", bytecode), flags: []string{"--timeout", "20s", "--max-memory", "200000000"},
			expect: map[string]string{"vm": "usage"}},
	}
}

type bombResult struct {
	kind    string // the error kind, "ok", "usage" (exit 2) or what went wrong
	elapsed time.Duration
	rssMB   int64
	stderr  string
}

func runBomb(t *testing.T, b bomb, engine, dir, url string) bombResult {
	src, err := os.ReadFile(b.file)
	if err != nil {
		t.Fatal(err)
	}
	file := b.file
	if b.setup != "" {
		long := dir + "/" + strings.Repeat("x/", 70000) + strings.Repeat("../", 40000) + "secret"
		replaced := strings.NewReplacer("LONG", strconv.Quote(long), "DIR", dir, "URL", url).Replace(string(src))
		file = filepath.Join(dir, b.name+".rtfs")
		if err := os.WriteFile(file, []byte(replaced), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	flags := strings.Fields(strings.NewReplacer("DIR", dir).Replace(strings.Join(b.flags, " ")))
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Args = append(append([]string{"rtfsvm", "exec", "--engine", engine}, flags...), file)
	cmd.Env = append(os.Environ(), asMain+"=1")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	err = cmd.Run()
	r := bombResult{elapsed: time.Since(start), stderr: stderr.String()}
	if m := regexp.MustCompile(peakMarker + ` (\d+)`).FindStringSubmatch(r.stderr); m != nil {
		kb, _ := strconv.ParseInt(m[1], 10, 64)
		r.rssMB = kb >> 10
	} else if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rssMB = ru.Maxrss >> 10 // an upper bound: see TestMain
	}
	code := cmd.ProcessState.ExitCode()
	switch {
	case strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "fatal error:"):
		r.kind = "CRASH"
	case err == nil:
		r.kind = "ok"
	case code == 2:
		r.kind = "usage"
	case code == 1:
		if m := regexp.MustCompile(`error\[(\w+)\]`).FindStringSubmatch(r.stderr); m != nil {
			r.kind = m[1]
		} else {
			r.kind = "no kind"
		}
	default:
		r.kind = fmt.Sprintf("exit %d", code)
	}
	return r
}

// flagValue returns the value following name in flags.
func flagValue(flags []string, name string) string {
	for i, f := range flags {
		if f == name && i+1 < len(flags) {
			return flags[i+1]
		}
	}
	return ""
}

// TestBombs runs every bomb on both engines, each in a process of its
// own: it must end in its error kind, within 100 ms of its deadline (2x
// for deadlines under 100 ms), under 1.5x its memory ceiling plus 50 MB,
// and never with a Go panic or fatal error. With -v (make bombs) it
// prints the table.
func TestBombs(t *testing.T) {
	if testing.Short() {
		t.Skip("the bomb suite takes a minute")
	}
	if err := sandbox.Ready(); err != nil {
		t.Skipf("the bombs that touch the OS need the sandbox: %v", err)
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("z"), 1<<20)
		for range 1500 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	bombs := loadBombs(t, dir)
	// A child's peak RSS starts from this process's RSS when it forks:
	// give back what making the bombs took.
	debug.FreeOSMemory()
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BOMB\tENGINE\tLIMITS\tSTOPPED AFTER\tPEAK RSS\tOUTCOME")
	for _, b := range bombs {
		for _, engine := range []string{"vm", "interp"} {
			want, ok := b.expect[engine]
			if !ok {
				continue
			}
			t.Run(b.name+"/"+engine, func(t *testing.T) {
				r := runBomb(t, b, engine, dir, srv.URL)
				var problems []string
				if r.kind != want {
					problems = append(problems, fmt.Sprintf("ended in %s, want %s", r.kind, want))
				}
				if timeout, err := time.ParseDuration(flagValue(b.flags, "--timeout")); err == nil {
					limit := timeout + 100*time.Millisecond
					if timeout < 100*time.Millisecond {
						limit = 2 * timeout
					}
					if want == "Timeout" && r.elapsed > limit+startupAllowance+b.slack {
						problems = append(problems, fmt.Sprintf("stopped after %s, past %s", r.elapsed.Round(time.Millisecond), limit))
					}
					if r.elapsed > timeout+time.Second+b.slack {
						problems = append(problems, fmt.Sprintf("ran %s under a %s timeout", r.elapsed.Round(time.Millisecond), timeout))
					}
				}
				if ceiling, err := strconv.ParseInt(flagValue(b.flags, "--max-memory"), 10, 64); err == nil {
					if limit := ceiling*3/2 + 50<<20; r.rssMB<<20 > limit {
						problems = append(problems, fmt.Sprintf("peak RSS %d MB over %d MB", r.rssMB, limit>>20))
					}
				}
				outcome := r.kind
				if len(problems) > 0 {
					outcome = "FAILED: " + strings.Join(problems, "; ")
					t.Errorf("%s on %s: %s\n%s", b.name, engine, strings.Join(problems, "; "), clipText(r.stderr, 600))
				}
				if b.slack > 0 {
					outcome += fmt.Sprintf(" (allowed %s late)", b.slack)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d MB\t%s\n", b.name, engine, strings.Join(b.flags, " "), r.elapsed.Round(time.Millisecond), r.rssMB, outcome)
			})
		}
	}
	tw.Flush()
	t.Logf("\n%s", table.String())
}

// startupAllowance is what starting the process and loading the program
// take before the deadline starts to count.
const startupAllowance = 150 * time.Millisecond

func clipText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// TestChainSurvivesAKill kills a run with SIGKILL while its step runs a
// program, and checks that its chain verifies as incomplete, that the next
// run appends to it, and that the whole file then verifies.
func TestChainSurvivesAKill(t *testing.T) {
	if err := sandbox.Ready(); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	chainFile := filepath.Join(dir, "run.jsonl")
	plan := writeFile(t, "slow.rtfs", []byte(`(step "slow" (call :ccos.system.execute {:cmd "/bin/sleep" :args ["30"]}))`))
	startKilledAfter(t, chainFile, `"PlanStepStarted"`, 1, 200*time.Millisecond, "exec", "--context", "full", "--chain", chainFile, plan)
	if got := runCLI(t, "", "chain", "verify", chainFile); got.code == 0 ||
		!(strings.Contains(got.stderr, "incomplete") || strings.Contains(got.stderr, "interrupted")) {
		t.Fatalf("the chain of a killed run: %+v", got)
	}
	next := writeFile(t, "next.rtfs", []byte(`(+ 1 2)`))
	if got := runCLI(t, "", "exec", "--chain", chainFile, next); got.code != 0 {
		t.Fatalf("the next run could not append: %+v", got)
	}
	if got := runCLI(t, "", "chain", "verify", chainFile); got.code != 0 {
		t.Fatalf("the chain after the next run: %+v", got)
	}
	if left := processesNamed("sleep 30"); left > 0 {
		t.Errorf("%d processes of the killed run are left", left)
	}
}

// processesNamed counts the processes whose command line contains s.
func processesNamed(s string) int {
	n := 0
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}), []byte(s)) {
			n++
		}
	}
	return n
}
