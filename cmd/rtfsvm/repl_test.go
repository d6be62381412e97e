package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Piped, the REPL prints values and errors without prompts: definitions
// persist, a form may span lines, an error ends its input only.
func TestREPLPiped(t *testing.T) {
	script := "(defn sq [x] (* x x))\n(sq\n  7)\n(+ 1 \"a\")\n(defmacro twice [e] `(do ~e ~e))\n(twice (println :hi))\n:engine\n:nope\n" +
		"(defn later [] (helper)) (defn helper [] (sq 3))\n(later)\n(sq \"b\")\n:quit\n(never)\n"
	for _, engine := range []string{"vm", "wasm", "interp"} {
		got := runCLI(t, script, "repl", "--engine", engine)
		wantOut := "#<function>\n49\nnil\n:hi\n:hi\nnil\nthe session runs on " + engine + "\n#<function>\n9\n"
		if got.code != 0 || got.stdout != wantOut {
			t.Errorf("%s: stdout %q, want %q", engine, got.stdout, wantOut)
		}
		for _, want := range []string{
			"<repl:3>:1:1: error[TypeError]: Type error in +: expected number, got string", `  1 | (+ 1 "a")`, "unknown command :nope",
			// An error in a function an earlier input defined is positioned in that input.
			"<repl:1>:1:14: error[TypeError]: Type error in *: expected number, got string",
		} {
			if !strings.Contains(got.stderr, want) {
				t.Errorf("%s: stderr %q lacks %q", engine, got.stderr, want)
			}
		}
		if strings.Contains(got.stdout+got.stderr, "never") || strings.Contains(got.stdout, "rtfs>") {
			t.Errorf("%s: ran past :quit or prompted: %+v", engine, got)
		}
	}
}

// A session switches engines only before it defines anything: definitions
// do not cross from the interpreter to the VM.
func TestREPLEngineSwitch(t *testing.T) {
	got := runCLI(t, ":engine interp\n(def x 1)\n:engine vm\n:engine wasm\nx\n", "repl")
	if got.stdout != "the session runs on interp\n1\n1\n" ||
		!strings.Contains(got.stderr, "error: the session has definitions on interp, which vm does not see") {
		t.Errorf("%+v", got)
	}
	got = runCLI(t, "(def x 2)\n:engine wasm\n(* x 10)\n", "repl")
	if got.stdout != "2\nthe session runs on wasm\n20\n" || got.stderr != "" {
		t.Errorf("vm to wasm, which share definitions: %+v", got)
	}
}

// On a terminal (a pseudo-terminal here) the REPL prompts, edits lines
// and keeps its history in a file across sessions.
func TestREPLOnATerminal(t *testing.T) {
	master, slave, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	historyFile := filepath.Join(t.TempDir(), "history")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Args = []string{"rtfsvm"} // no command: the REPL, on a terminal
	cmd.Env = append(os.Environ(), asMain+"=1", "RTFS_HISTORY="+historyFile)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	var mu sync.Mutex
	var screen bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	waitFor := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			seen := strings.Contains(screen.String(), want)
			mu.Unlock()
			if seen {
				return
			}
		}
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the terminal never showed %q:\n%q", want, screen.String())
	}
	waitFor("rtfs> ")
	master.Write([]byte("(def x 41)\r"))
	waitFor("41")
	master.Write([]byte("(inc\r"))
	waitFor("  ... ")
	master.Write([]byte("x)\r"))
	waitFor("42")
	master.Write([]byte("\x1b[A\x1b[A\r")) // up twice: "(inc" again, which stays open
	waitFor("  ... ")
	master.Write([]byte("x)\r\x04")) // and Ctrl-D to leave
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the REPL exited with %v", err)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the REPL did not leave on Ctrl-D")
	}
	if data, _ := os.ReadFile(historyFile); !strings.Contains(string(data), "(def x 41)\n(inc\nx)\n") {
		t.Errorf("history file %q", data)
	}
}

// openPTY opens a pseudo-terminal pair.
func openPTY() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(master.Fd())
	if err = unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err == nil {
		var n int
		if n, err = unix.IoctlGetInt(fd, unix.TIOCGPTN); err == nil {
			slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
		}
	}
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}
