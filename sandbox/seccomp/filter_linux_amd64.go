package seccomp

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// Offsets into struct seccomp_data (include/uapi/linux/seccomp.h).
const (
	offNr   = 0
	offArch = 4
	offArgs = 16 // args[i] at 16+8*i, the low 32 bits first (little endian)
	x32Bit  = 0x40000000
	// ipprotoMPTCP is IPPROTO_MPTCP, which Landlock's TCP rules do not see.
	ipprotoMPTCP = 262
)

func errno(e unix.Errno) uint32 { return unix.SECCOMP_RET_ERRNO | uint32(e)&unix.SECCOMP_RET_DATA }

// Program assembles the filter of p.
func Program(p Policy) ([]bpf.RawInstruction, error) {
	names, err := p.Names()
	if err != nil {
		return nil, err
	}
	deny := errno(unix.EPERM)
	if p.Strict {
		deny = unix.SECCOMP_RET_KILL_PROCESS
	}
	kill := uint32(unix.SECCOMP_RET_KILL_PROCESS)
	prog := []bpf.Instruction{
		bpf.LoadAbsolute{Off: offArch, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.AUDIT_ARCH_X86_64, SkipTrue: 1},
		bpf.RetConstant{Val: kill},
		bpf.LoadAbsolute{Off: offNr, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: x32Bit, SkipFalse: 1},
		bpf.RetConstant{Val: kill},
		// clone3 passes its flags in memory the filter cannot read.
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.SYS_CLONE3, SkipFalse: 1},
		bpf.RetConstant{Val: errno(unix.ENOSYS)},
	}
	for _, name := range names {
		nr, _ := Number(name)
		switch {
		case name == "socket":
			// socket(domain, type, protocol): MPTCP is refused so that Go
			// falls back to TCP, which Landlock governs.
			prog = append(prog,
				bpf.JumpIf{Cond: bpf.JumpEqual, Val: nr, SkipFalse: 4},
				bpf.LoadAbsolute{Off: offArgs + 8*2, Size: 4},
				bpf.JumpIf{Cond: bpf.JumpEqual, Val: ipprotoMPTCP, SkipFalse: 1},
				bpf.RetConstant{Val: errno(unix.EPROTONOSUPPORT)},
				bpf.RetConstant{Val: unix.SECCOMP_RET_ALLOW})
		case name == "clone" && !p.allows(Exec):
			// Threads only: a new process needs the exec group.
			prog = append(prog,
				bpf.JumpIf{Cond: bpf.JumpEqual, Val: nr, SkipFalse: 4},
				bpf.LoadAbsolute{Off: offArgs, Size: 4},
				bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: unix.CLONE_THREAD, SkipTrue: 1},
				bpf.RetConstant{Val: deny},
				bpf.RetConstant{Val: unix.SECCOMP_RET_ALLOW})
		default:
			prog = append(prog,
				bpf.JumpIf{Cond: bpf.JumpEqual, Val: nr, SkipFalse: 1},
				bpf.RetConstant{Val: unix.SECCOMP_RET_ALLOW})
		}
		// The arg checks above load an argument; reload the number.
		if name == "socket" || (name == "clone" && !p.allows(Exec)) {
			prog = append(prog, bpf.LoadAbsolute{Off: offNr, Size: 4})
		}
	}
	prog = append(prog, bpf.RetConstant{Val: deny})
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("assembling the seccomp filter: %w", err)
	}
	return raw, nil
}

// Install installs the filter of p on every thread of the process (TSYNC).
// The calling thread sets no_new_privs first, which TSYNC carries to the
// others with the filter. It must run before the process does anything the
// filter would refuse, and cannot be undone.
func Install(p Policy) error {
	raw, err := Program(p)
	if err != nil {
		return err
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("PR_SET_NO_NEW_PRIVS: %w", err)
	}
	fprog := unix.SockFprog{Len: uint16(len(raw)), Filter: (*unix.SockFilter)(unsafe.Pointer(&raw[0]))}
	r, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&fprog)))
	runtime.KeepAlive(raw)
	if e != 0 {
		return fmt.Errorf("seccomp(SET_MODE_FILTER, TSYNC): %w", e)
	}
	if r != 0 {
		return fmt.Errorf("seccomp(SET_MODE_FILTER, TSYNC): thread %d could not be synchronised", r)
	}
	return nil
}

// Available reports whether this kernel installs seccomp filters, and
// whether it supports user notification (SECCOMP_RET_USER_NOTIF).
func Available() (filter, userNotif bool, err error) {
	action := uint32(unix.SECCOMP_RET_ERRNO)
	if _, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_GET_ACTION_AVAIL, 0, uintptr(unsafe.Pointer(&action))); e != 0 {
		return false, false, fmt.Errorf("seccomp(GET_ACTION_AVAIL): %w", e)
	}
	notif := uint32(unix.SECCOMP_RET_USER_NOTIF)
	_, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_GET_ACTION_AVAIL, 0, uintptr(unsafe.Pointer(&notif)))
	return true, e == 0, nil
}
