//go:build linux

package caps

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/wanterr"
	"github.com/rtfs-go/rtfs/value"
)

func TestExecute(t *testing.T) {
	th := newTestHost(t, host.StepProfile{})
	res := th.mustCall(t, "ccos.system.execute", opts("cmd", "/bin/echo", "args", []string{"hi", "there; ls"}))
	if get(t, res, "exit").AsInt() != 0 || get(t, res, "stdout").AsString() != "hi there; ls\n" || get(t, res, "stderr").AsString() != "" {
		t.Errorf("echo = %s", res)
	}
	res = th.mustCall(t, "ccos.system.execute", opts("cmd", "/bin/sh", "args", []string{"-c", "echo out; echo err >&2; exit 3"}))
	if get(t, res, "exit").AsInt() != 3 || get(t, res, "stdout").AsString() != "out\n" || get(t, res, "stderr").AsString() != "err\n" {
		t.Errorf("sh = %s", res)
	}
	res = th.mustCall(t, "ccos.system.execute", opts("cmd", "/bin/sh", "args", []string{"-c", "kill -TERM $$"}))
	if got := get(t, res, "exit").AsInt(); got != 128+int64(syscall.SIGTERM) {
		t.Errorf("exit status of a process killed by SIGTERM = %d", got)
	}
	dir := t.TempDir()
	res = th.mustCall(t, "ccos.system.execute", opts("cmd", "/bin/sh", "args", []string{"-c", "pwd; cat"}, "dir", dir, "stdin", "fed"))
	if got := get(t, res, "stdout").AsString(); got != dir+"\nfed" {
		t.Errorf("dir and stdin: stdout = %q", got)
	}
	// A bare name is looked up in the host's PATH.
	res = th.mustCall(t, "ccos.system.execute", opts("cmd", "echo", "args", []string{"found"}))
	if get(t, res, "stdout").AsString() != "found\n" {
		t.Errorf("bare echo = %s", res)
	}
}

func TestExecuteEnvironmentIsExactlyEnv(t *testing.T) {
	t.Setenv("RTFS_HOST_SECRET", "leak")
	th := newTestHost(t, host.StepProfile{})
	res := th.mustCall(t, "ccos.system.execute", opts("cmd", "/usr/bin/env"))
	if got := get(t, res, "stdout").AsString(); got != "" {
		t.Errorf("env without :env printed %q, want nothing", got)
	}
	res = th.mustCall(t, "ccos.system.execute", opts("cmd", "/usr/bin/env", "env", opts("K", "V", "EMPTY", "")))
	if got := get(t, res, "stdout").AsString(); got != "EMPTY=\nK=V\n" {
		t.Errorf("env with :env printed %q", got)
	}
	_, err := th.call("ccos.system.execute", opts("cmd", "/usr/bin/env", "env", map[string]string{"A=B": "x"}))
	wanterr.Check(t, err, value.InvalidArguments, `bad environment variable name "A=B"`)
	_, err = th.call("ccos.system.execute", opts("cmd", "/usr/bin/env", "env", opts("K", 1)))
	wanterr.Check(t, err, value.TypeError, "option :env")
}

func TestExecuteErrors(t *testing.T) {
	th := newTestHost(t, host.StepProfile{})
	_, err := th.call("ccos.system.execute", opts("cmd", "/nonexistent/program"))
	wanterr.Check(t, err, value.Generic, "ccos.system.execute", "no such file or directory")
	_, err = th.call("ccos.system.execute", opts("cmd", ""))
	wanterr.Check(t, err, value.InvalidArguments, ":cmd is empty")
	_, err = th.call("ccos.system.execute", opts("cmd", "/bin/echo", "args", opts("a", 1)))
	wanterr.Check(t, err, value.TypeError, "option :args", "expected vector, got map")
	_, err = th.call("ccos.system.execute", opts("cmd", "/bin/echo", "args", value.NewVector([]value.Value{value.Int(1)})))
	wanterr.Check(t, err, value.TypeError, "option :args", "a vector of strings")
	_, err = th.call("ccos.system.execute", opts("cmd", "/bin/echo", "timeout-ms", -5))
	wanterr.Check(t, err, value.InvalidArguments, ":timeout-ms must be positive")
	_, err = th.call("ccos.system.execute", opts("cmd", "/bin/sh", "args", []string{"-c", "while :; do echo xxxxxxxxxxxxxxxx; done"},
		"max-output-bytes", 1000))
	wanterr.Check(t, err, value.Generic, "wrote more than 1000 bytes of output; its process group was killed")
}

// TestExecuteTimeoutKillsProcessGroup runs a shell that starts a
// background sleep and waits; the timeout must kill the sleep too.
func TestExecuteTimeoutKillsProcessGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	th := newTestHost(t, host.StepProfile{})
	start := time.Now()
	_, err := th.call("ccos.system.execute", opts("cmd", "/bin/sh",
		"args", []string{"-c", "sleep 60 & echo $! > " + pidFile + "; wait"}, "timeout-ms", 300))
	wanterr.Check(t, err, value.Generic, "timed out after 300ms; its process group was killed")
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("the call took %s", elapsed)
	}
	data, readErr := os.ReadFile(pidFile)
	if readErr != nil {
		t.Fatal(readErr)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	for deadline := time.Now().Add(5 * time.Second); processAlive(pid); {
		if time.Now().After(deadline) {
			t.Fatalf("background child %d survived the timeout", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processAlive reports whether pid runs; a zombie awaiting its reaper
// counts as dead.
func processAlive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) == 0 || fields[0] != "Z"
}
