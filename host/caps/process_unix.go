//go:build unix

package caps

import (
	"os"
	"os/exec"
	"syscall"
)

// killProcessGroupOnCancel starts cmd in a new process group and makes
// cancellation kill that whole group rather than the direct child alone.
func killProcessGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// The group id is the child's pid (Setpgid with Pgid 0).
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// exitStatus is the exit code of a finished process, or 128+n when signal n
// killed it (the shell convention).
func exitStatus(state *os.ProcessState) int {
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return state.ExitCode()
}
