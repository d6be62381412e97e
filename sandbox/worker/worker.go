// Package worker runs capabilities that touch the operating system in a
// process of their own, confined by the kernel, away from the engine.
//
// A worker is the running binary started again (os.Executable) with an
// environment marker; this package's init function notices the marker and
// serves instead of running the program, so any binary that links the
// package can be its own worker (build it with CGO_ENABLED=0: the cgo path
// of the thread-synchronising syscalls hangs as PID 1 of a PID namespace).
//
// The parent (Start):
//   - creates a fresh cgroup v2 directory, used for the kill and the audit,
//     and, where the v1 hierarchies are writable, memory and pids cgroups
//     with the profile's limits;
//   - starts the worker straight into the v2 cgroup (CLONE_INTO_CGROUP) in
//     new mount, PID, IPC and UTS namespaces, and a new network namespace
//     when the profile allows no network, with SIGKILL as its parent-death
//     signal and nothing of the parent's environment but what the profile's
//     env effect needs;
//   - sends the Setup over a socketpair and waits for Ready.
//
// The worker, before it reads its first request: mounts a /proc of its own
// PID namespace, drops every capability on every thread (effective,
// permitted, inheritable, ambient; securebits locked so that execve gives
// root none), sets no_new_privs,
// restricts itself with Landlock (package sandbox/landlock) and installs
// the seccomp allow-list (package sandbox/seccomp). Then it answers
// requests, one at a time: a capability id and its arguments in, a value
// or an error out. Programs it starts inherit all of it.
//
// Kill (the step's end, its deadline, an interrupt, the plan's end) writes
// cgroup.kill, which takes the worker and everything it started, a
// process that called setsid or daemonised included.
package worker

import (
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/sandbox/landlock"
	"github.com/rtfs-go/rtfs/sandbox/seccomp"
)

// envMarker in a process's environment makes it serve as a worker.
const envMarker = "RTFS_CAPABILITY_WORKER"

// Setup is everything a worker needs to know, sent before it is confined.
type Setup struct {
	// Profile is the policy the capabilities check themselves against
	// (host.CallContext.Policy): the same rules, enforced again by the
	// kernel underneath.
	Profile host.StepProfile
	Step    string
	// Manifest is the capability manifest to load, "" for none.
	Manifest string
	Landlock landlock.Policy
	Seccomp  seccomp.Policy
	// MountProc mounts a /proc of the worker's PID namespace.
	MountProc bool
}

// Request is one capability call.
type Request struct {
	Capability string
	Args       []Wire
	// Resolved are the addresses the parent resolved host names to; the
	// worker connects only to these (or to IP literals).
	Resolved map[string][]string
}

// Response is a call's value or error.
type Response struct {
	Value   *Wire
	Kind    string // the error's kind, "" for success
	Message string
	Hint    string // what would help, for the diagnostic
}

// ready is the worker's first frame: it is confined and serving.
type ready struct {
	Pid   int
	Error string // why it could not confine itself, "" when it could
}
