//go:build !unix

package caps

import (
	"os"
	"os/exec"
)

// killProcessGroupOnCancel keeps exec's default there: without process
// groups only the direct child is killed.
func killProcessGroupOnCancel(*exec.Cmd) {}

// exitStatus is the exit code of a finished process.
func exitStatus(state *os.ProcessState) int { return state.ExitCode() }
