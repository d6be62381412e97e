package worker

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"unsafe"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/caps"
	"github.com/rtfs-go/rtfs/sandbox/landlock"
	"github.com/rtfs-go/rtfs/sandbox/seccomp"
	"github.com/rtfs-go/rtfs/value"
	"golang.org/x/sys/unix"
)

func init() {
	if os.Getenv(envMarker) == "1" {
		os.Exit(serve(os.NewFile(3, "worker-conn")))
	}
}

// serve is the worker's whole life: setup, confinement, requests until the
// parent hangs up (or kills it).
func serve(conn *os.File) int {
	in := bufio.NewReader(conn)
	var setup Setup
	if err := readFrame(in, &setup); err != nil {
		return 2
	}
	registry, err := registryOf(setup.Manifest)
	if err == nil {
		err = confine(setup)
	}
	if err != nil {
		_ = writeFrame(conn, ready{Pid: os.Getpid(), Error: err.Error()})
		return 1
	}
	if err := writeFrame(conn, ready{Pid: os.Getpid()}); err != nil {
		return 2
	}
	for {
		var req Request
		if err := readFrame(in, &req); err != nil {
			if errors.Is(err, io.EOF) {
				return 0
			}
			return 2
		}
		if err := writeFrame(conn, handle(registry, setup, req)); err != nil {
			return 2
		}
	}
}

func registryOf(manifest string) (*host.Registry, error) {
	var user []host.Capability
	if manifest != "" {
		var err error
		if user, err = caps.LoadManifest(manifest); err != nil {
			return nil, err
		}
	}
	return caps.BuiltinRegistry(user...)
}

// confine applies the setup to this process, in the order that keeps each
// step possible: mounts need CAP_SYS_ADMIN, so they come before the
// capabilities go; Landlock and seccomp need no_new_privs without it.
func confine(s Setup) error {
	if s.MountProc {
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			return fmt.Errorf("making the mount namespace private: %w", err)
		}
		if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
			return fmt.Errorf("mounting /proc: %w", err)
		}
	}
	if err := dropCapabilities(); err != nil {
		return err
	}
	if err := landlock.Restrict(s.Landlock); err != nil {
		return err
	}
	return seccomp.Install(s.Seccomp)
}

// The securebits of capabilities(7): root gains no capabilities through
// execve (NOROOT), none are kept or restored across uid changes
// (NO_SETUID_FIXUP, KEEP_CAPS), and each setting is locked.
const (
	secbitNoRoot             = 1 << 0
	secbitNoRootLocked       = 1 << 1
	secbitNoSetuidFixup      = 1 << 2
	secbitNoSetuidFixupLock  = 1 << 3
	secbitKeepCapsLocked     = 1 << 5
	secbitNoCapAmbientRaise  = 1 << 6
	secbitNoCapAmbientLocked = 1 << 7
	lockedSecurebits         = secbitNoRoot | secbitNoRootLocked | secbitNoSetuidFixup | secbitNoSetuidFixupLock |
		secbitKeepCapsLocked | secbitNoCapAmbientRaise | secbitNoCapAmbientLocked
)

// dropCapabilities empties the effective, permitted and inheritable
// capabilities of every thread and locks the securebits so that root in the
// worker is an ordinary user to the kernel, and so are the programs it
// starts: execve gives uid 0 nothing (NOROOT), the ambient set (empty, as
// the parent starts the worker) cannot be raised, and no_new_privs (set by
// Landlock next) makes file capabilities inert, so the bounding set no
// longer matters. Each call here stops every thread of the runtime; dropping
// the bounding set would take one per capability, milliseconds per worker.
func dropCapabilities() error {
	if _, _, e := syscall.AllThreadsSyscall(syscall.SYS_PRCTL, unix.PR_SET_SECUREBITS, lockedSecurebits, 0); e != 0 {
		if e == syscall.ENOTSUP {
			// The runtime cannot reach the threads cgo starts.
			return fmt.Errorf("locking the securebits: this binary was built with cgo; a worker must be built with CGO_ENABLED=0")
		}
		return fmt.Errorf("locking the securebits: %w", e)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if _, _, e := syscall.AllThreadsSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
		return fmt.Errorf("capset: %w", e)
	}
	return nil
}

// handle runs one request.
func handle(registry *host.Registry, setup Setup, req Request) Response {
	fail := func(err error) Response {
		var verr *value.Error
		if errors.As(err, &verr) {
			return Response{Kind: string(verr.Kind), Message: verr.Message, Hint: verr.Hint}
		}
		return Response{Kind: string(value.Generic), Message: err.Error()}
	}
	c, ok := registry.Lookup(req.Capability)
	if !ok {
		return fail(value.Errorf(value.UnknownCapability, "Unknown capability: %s", req.Capability))
	}
	args := make([]value.Value, len(req.Args))
	for i, a := range req.Args {
		v, err := FromWire(a)
		if err != nil {
			return fail(err)
		}
		args[i] = v
	}
	profile := setup.Profile
	call := &host.CallContext{Capability: req.Capability, Step: setup.Step, Policy: &profile, Log: io.Discard}
	ctx := caps.WithResolved(context.Background(), req.Resolved)
	v, err := c.Run(ctx, call, args)
	if err != nil {
		return fail(err)
	}
	w, err := ToWire(v)
	if err != nil {
		return fail(err)
	}
	return Response{Value: &w}
}
