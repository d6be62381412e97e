package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/sandbox"
)

// fiveSteps appends the step's number to the file named by the counter
// parameter, in each of five steps; the third then computes for a while,
// long enough to be killed in.
const fiveSteps = `
(defn effect [n]
  (let [before (if (call :ccos.io.file-exists {:path counter}) (call :ccos.io.read-file {:path counter}) "")]
    (call :ccos.io.write-file {:path counter :content (str before n "\n")})))
(defn spin [n] (if (= n 0) :done (spin (- n 1))))
(step "one" (effect 1))
(step "two" (effect 2))
(step "three" (do (effect 3) (spin 50000000)))
(step "four" (effect 4))
(step "five" (effect 5))
:finished
`

// startKilled starts rtfsvm exec with args, waits until the chain holds
// want times the text want, kills the process and waits for it.
func startKilled(t *testing.T, chainFile, want string, times int, args ...string) {
	t.Helper()
	startKilledAfter(t, chainFile, want, times, 0, args...)
}

// startKilledAfter is startKilled that waits delay more before the kill.
func startKilledAfter(t *testing.T, chainFile, want string, times int, delay time.Duration, args ...string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Args = append([]string{"rtfsvm"}, args...)
	cmd.Env = append(os.Environ(), asMain+"=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		data, _ := os.ReadFile(chainFile)
		if strings.Count(string(data), want) >= times {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the chain never held %s:\n%s", want, data)
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(delay)
	cmd.Process.Kill()
	cmd.Wait()
}

// A plan killed during its third of five steps resumes from its chain:
// the calls it made are answered from the record, so the counter file
// shows every step's effect exactly once.
func TestResumeAfterAKill(t *testing.T) {
	if err := sandbox.Ready(); err != nil {
		t.Skip(err)
	}
	work, state := t.TempDir(), t.TempDir()
	counter, chainFile := filepath.Join(work, "counter"), filepath.Join(state, "run.jsonl")
	plan := writeFile(t, "five.rtfs", []byte(fiveSteps))
	args := []string{"exec", "--context", "full", "--fs-write", work, "--param", "counter=" + counter}
	// Each write is recorded twice, started and done: the kill comes after
	// the third write, during the computation that follows it.
	startKilled(t, chainFile, `"capability":"ccos.io.write-file","call":`, 6, append(args, "--engine", "interp", "--chain", chainFile, plan)...)
	if data, _ := os.ReadFile(counter); string(data) != "1\n2\n3\n" {
		t.Fatalf("the effects before the kill:\n%s", data)
	}
	// The killed run was the interpreter's, from source; the resumed run,
	// on the VM from bytecode, replays the same program's calls.
	prog, err := rtfs.Compile(plan, []byte(fiveSteps))
	if err != nil {
		t.Fatal(err)
	}
	code, err := prog.Bytecode()
	if err != nil {
		t.Fatal(err)
	}
	compiled := writeFile(t, "five.rtfsb", code)
	got := runCLI(t, "", append(args, "--resume", chainFile, compiled)...)
	if got.code != 0 || got.stdout != ":finished\n" {
		t.Fatalf("resume: %+v", got)
	}
	if data, _ := os.ReadFile(counter); string(data) != "1\n2\n3\n4\n5\n" {
		t.Errorf("the effects after a kill and a resume:\n%s", data)
	}
	if got := runCLI(t, "", "chain", "verify", chainFile); got.code != 0 {
		t.Errorf("the chain after the resume: %+v", got)
	}
	data, _ := os.ReadFile(chainFile)
	// Steps one to three made eight calls (no file to read at first).
	if n := bytes.Count(data, []byte(`"provider":"replay"`)); n != 8 {
		t.Errorf("%d replayed calls in the chain, want 8", n)
	}
}

// A call that started and never finished is not replayed: its effect may
// have happened. Resuming refuses it unless --retry-interrupted; a plan
// that calls something else at a recorded position has diverged.
func TestResumeInterruptedAndDiverged(t *testing.T) {
	if err := sandbox.Ready(); err != nil {
		t.Skip(err)
	}
	state := t.TempDir()
	chainFile := filepath.Join(state, "run.jsonl")
	slow := writeFile(t, "slow.rtfs", []byte(`(step "wait" (call :ccos.system.execute {:cmd "/bin/sleep" :args [(str delay)]})) :woke`))
	args := []string{"exec", "--context", "full"}
	startKilled(t, chainFile, `"CapabilityCallStarted"`, 1, append(args, "--param", "delay=30", "--chain", chainFile, slow)...)
	got := runCLI(t, "", append(args, "--param", "delay=30", "--resume", chainFile, slow)...)
	if got.code == 0 || !strings.Contains(got.stderr, "was interrupted") || !strings.Contains(got.stderr, "--retry-interrupted") {
		t.Fatalf("resuming an interrupted call: %+v", got)
	}
	other := writeFile(t, "other.rtfs", []byte(`(step "wait" (call :ccos.system.execute {:cmd "/bin/sleep" :args [(str delay)]})) :other`))
	got = runCLI(t, "", append(args, "--param", "delay=30", "--resume", chainFile, other)...)
	if !strings.Contains(got.stderr, "ran another program") {
		t.Fatalf("resuming with another program: %+v", got)
	}
	got = runCLI(t, "", append(args, "--param", "delay=0", "--resume", chainFile, "--retry-interrupted", slow)...)
	if !strings.Contains(got.stderr, "diverged at call 1") {
		t.Fatalf("other arguments at the interrupted call: %+v", got)
	}
	got = runCLI(t, "", append(args, "--param", "delay=30", "--resume", chainFile, "--retry-interrupted", "--timeout", "100ms", slow)...)
	if got.code == 0 || strings.Contains(got.stderr, "interrupted in run") {
		t.Fatalf("--retry-interrupted must run the call again (and time out here): %+v", got)
	}
}

// Killed at random points (before, during or after a write), a run and its
// resume never make an effect twice: the counter file is always a prefix
// of 1..5 without repeats, and all of it when the resume could finish
// (it refuses, by default, to redo a call the kill interrupted).
func TestResumeAtRandomKillPoints(t *testing.T) {
	if err := sandbox.Ready(); err != nil {
		t.Skip(err)
	}
	plan := writeFile(t, "five.rtfs", []byte(strings.Replace(fiveSteps, "(spin 50000000)", "(spin 10)", 1)))
	r := rand.New(rand.NewPCG(7, 7))
	for trial := range 6 {
		work, state := t.TempDir(), t.TempDir()
		counter, chainFile := filepath.Join(work, "counter"), filepath.Join(state, "run.jsonl")
		args := []string{"exec", "--context", "full", "--fs-write", work, "--param", "counter=" + counter}
		writes := 1 + r.IntN(4)
		delay := time.Duration(r.IntN(30)) * time.Millisecond
		startKilledAfter(t, chainFile, `"CapabilityCallStarted","run":"`, 3*writes-1, delay, append(args, "--chain", chainFile, plan)...)
		before, _ := os.ReadFile(counter)
		got := runCLI(t, "", append(args, "--resume", chainFile, plan)...)
		after, _ := os.ReadFile(counter)
		if !strings.HasPrefix("1\n2\n3\n4\n5\n", string(after)) || !strings.HasPrefix(string(after), string(before)) {
			t.Errorf("trial %d (kill near write %d, +%v): %q before the resume, %q after", trial, writes, delay, before, after)
		}
		if got.code == 0 && string(after) != "1\n2\n3\n4\n5\n" {
			t.Errorf("trial %d: the resume finished with %q", trial, after)
		}
		if got.code != 0 && !strings.Contains(got.stderr, "was interrupted") {
			t.Errorf("trial %d: the resume failed: %+v", trial, got)
		}
	}
}

// Ctrl-C (SIGINT) or SIGTERM during a plan stops it as a timeout would:
// the running program is killed with its worker, what was printed is
// flushed, the chain ends with PlanAborted saying why, and the exit status
// is 128 + the signal's number.
func TestSignalsStopTheRun(t *testing.T) {
	if err := sandbox.Ready(); err != nil {
		t.Skip(err)
	}
	plan := writeFile(t, "slow.rtfs", []byte(`(println "before")
(step "slow" (call :ccos.system.execute {:cmd "/bin/sleep" :args ["31"]}))`))
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		chainFile := filepath.Join(t.TempDir(), "run.jsonl")
		cmd := exec.Command(self)
		cmd.Args = []string{"rtfsvm", "exec", "--context", "full", "--chain", chainFile, plan}
		cmd.Env = append(os.Environ(), asMain+"=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if data, _ := os.ReadFile(chainFile); bytes.Contains(data, []byte(`"CapabilityCallStarted"`)) {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatal("the call never started")
			}
		}
		time.Sleep(100 * time.Millisecond)
		cmd.Process.Signal(sig)
		cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 128+int(sig) || stdout.String() != "before\n" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", sig, code, stdout.String(), stderr.String())
		}
		data, _ := os.ReadFile(chainFile)
		if got := runCLI(t, "", "chain", "verify", chainFile); got.code != 0 || !strings.Contains(got.stdout, "ends with PlanAborted") ||
			!bytes.Contains(data, []byte("interrupted by "+unix.SignalName(sig))) {
			t.Errorf("%v: the chain %+v\n%s", sig, got, data)
		}
		if left := processesNamed("sleep 31"); left > 0 {
			t.Errorf("%v: %d sleep processes left", sig, left)
		}
	}
}
