package seccomp

import (
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// groupCalls are the system calls of each group, by name. Base is what a
// static Go program (CGO_ENABLED=0) needs once it runs, measured with
// strace on this platform, plus the reads and writes of the worker's
// protocol; file opens are in Base because the runtime opens files itself,
// and Landlock decides which ones succeed.
var groupCalls = map[Group][]string{
	Base: {
		"read", "write", "readv", "writev", "pread64", "pwrite64", "close", "fstat", "newfstatat", "statx", "lseek",
		"openat", "getdents64", "fcntl", "dup", "dup3",
		"mmap", "munmap", "madvise", "mprotect", "mremap", "brk",
		"futex", "nanosleep", "clock_nanosleep", "clock_gettime", "gettimeofday", "sched_yield", "sched_getaffinity",
		"clone", "exit", "exit_group", "gettid", "getpid", "tgkill",
		"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "restart_syscall",
		"epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_pwait2", "eventfd2", "pipe2",
		"getrandom", "uname", "getuid", "geteuid", "getgid", "getegid", "prlimit64", "getrlimit",
	},
	FSRead: {
		"readlinkat", "faccessat", "faccessat2", "fadvise64", "statfs", "fstatfs",
	},
	FSWrite: {
		"mkdirat", "unlinkat", "renameat", "renameat2", "ftruncate", "fsync", "fdatasync",
		"fchmod", "fchmodat", "utimensat", "fallocate",
	},
	Network: {
		"socket", "connect", "getsockopt", "setsockopt", "getsockname", "getpeername",
		"sendto", "recvfrom", "sendmsg", "recvmsg", "shutdown", "poll", "ppoll",
	},
	// Exec is what the worker needs to start a program and what a dynamic
	// glibc program and a POSIX shell need to start up and run: the loader,
	// libc initialisation, job control of the program's own group.
	Exec: {
		"execve", "wait4", "waitid", "kill", "setpgid", "getpgid", "getpgrp", "getppid", "setsid", "getsid",
		"pidfd_open", "pidfd_send_signal", "vfork",
		"arch_prctl", "access", "set_tid_address", "set_robust_list", "rseq",
		"readlink", "readlinkat", "faccessat", "faccessat2", "getcwd", "chdir", "fchdir", "umask",
		"pipe", "dup2", "stat", "lstat", "sysinfo", "getrusage", "times", "select", "pselect6", "poll", "ppoll",
		"alarm", "setitimer", "getitimer", "fadvise64", "statfs", "fstatfs", "getresuid", "getresgid", "getgroups",
		"prctl",
	},
}

// numbers are the x86-64 numbers of every call a policy may name.
var numbers = map[string]uint32{
	"read": unix.SYS_READ, "write": unix.SYS_WRITE, "readv": unix.SYS_READV, "writev": unix.SYS_WRITEV,
	"pread64": unix.SYS_PREAD64, "pwrite64": unix.SYS_PWRITE64, "close": unix.SYS_CLOSE, "fstat": unix.SYS_FSTAT,
	"newfstatat": unix.SYS_NEWFSTATAT, "statx": unix.SYS_STATX, "lseek": unix.SYS_LSEEK, "openat": unix.SYS_OPENAT,
	"getdents64": unix.SYS_GETDENTS64, "fcntl": unix.SYS_FCNTL, "dup": unix.SYS_DUP, "dup3": unix.SYS_DUP3,
	"mmap": unix.SYS_MMAP, "munmap": unix.SYS_MUNMAP, "madvise": unix.SYS_MADVISE, "mprotect": unix.SYS_MPROTECT,
	"mremap": unix.SYS_MREMAP, "brk": unix.SYS_BRK, "futex": unix.SYS_FUTEX, "nanosleep": unix.SYS_NANOSLEEP,
	"clock_nanosleep": unix.SYS_CLOCK_NANOSLEEP, "clock_gettime": unix.SYS_CLOCK_GETTIME,
	"gettimeofday": unix.SYS_GETTIMEOFDAY, "sched_yield": unix.SYS_SCHED_YIELD,
	"sched_getaffinity": unix.SYS_SCHED_GETAFFINITY, "clone": unix.SYS_CLONE, "clone3": unix.SYS_CLONE3,
	"exit": unix.SYS_EXIT, "exit_group": unix.SYS_EXIT_GROUP, "gettid": unix.SYS_GETTID, "getpid": unix.SYS_GETPID,
	"tgkill": unix.SYS_TGKILL, "rt_sigaction": unix.SYS_RT_SIGACTION, "rt_sigprocmask": unix.SYS_RT_SIGPROCMASK,
	"rt_sigreturn": unix.SYS_RT_SIGRETURN, "sigaltstack": unix.SYS_SIGALTSTACK,
	"restart_syscall": unix.SYS_RESTART_SYSCALL, "epoll_create1": unix.SYS_EPOLL_CREATE1,
	"epoll_ctl": unix.SYS_EPOLL_CTL, "epoll_pwait": unix.SYS_EPOLL_PWAIT, "epoll_pwait2": unix.SYS_EPOLL_PWAIT2,
	"eventfd2": unix.SYS_EVENTFD2, "pipe2": unix.SYS_PIPE2, "getrandom": unix.SYS_GETRANDOM, "uname": unix.SYS_UNAME,
	"getuid": unix.SYS_GETUID, "geteuid": unix.SYS_GETEUID, "getgid": unix.SYS_GETGID, "getegid": unix.SYS_GETEGID,
	"prlimit64": unix.SYS_PRLIMIT64, "getrlimit": unix.SYS_GETRLIMIT,
	"readlinkat": unix.SYS_READLINKAT, "faccessat": unix.SYS_FACCESSAT, "faccessat2": unix.SYS_FACCESSAT2,
	"fadvise64": unix.SYS_FADVISE64, "statfs": unix.SYS_STATFS, "fstatfs": unix.SYS_FSTATFS,
	"mkdirat": unix.SYS_MKDIRAT, "unlinkat": unix.SYS_UNLINKAT, "renameat": unix.SYS_RENAMEAT,
	"renameat2": unix.SYS_RENAMEAT2, "ftruncate": unix.SYS_FTRUNCATE, "fsync": unix.SYS_FSYNC,
	"fdatasync": unix.SYS_FDATASYNC, "fchmod": unix.SYS_FCHMOD, "fchmodat": unix.SYS_FCHMODAT,
	"utimensat": unix.SYS_UTIMENSAT, "fallocate": unix.SYS_FALLOCATE,
	"socket": unix.SYS_SOCKET, "connect": unix.SYS_CONNECT, "getsockopt": unix.SYS_GETSOCKOPT,
	"setsockopt": unix.SYS_SETSOCKOPT, "getsockname": unix.SYS_GETSOCKNAME, "getpeername": unix.SYS_GETPEERNAME,
	"sendto": unix.SYS_SENDTO, "recvfrom": unix.SYS_RECVFROM, "sendmsg": unix.SYS_SENDMSG, "recvmsg": unix.SYS_RECVMSG,
	"shutdown": unix.SYS_SHUTDOWN, "poll": unix.SYS_POLL, "ppoll": unix.SYS_PPOLL,
	"execve": unix.SYS_EXECVE, "wait4": unix.SYS_WAIT4, "waitid": unix.SYS_WAITID, "kill": unix.SYS_KILL,
	"setpgid": unix.SYS_SETPGID, "getpgid": unix.SYS_GETPGID, "getpgrp": unix.SYS_GETPGRP, "getppid": unix.SYS_GETPPID,
	"setsid": unix.SYS_SETSID, "getsid": unix.SYS_GETSID, "pidfd_open": unix.SYS_PIDFD_OPEN,
	"pidfd_send_signal": unix.SYS_PIDFD_SEND_SIGNAL, "vfork": unix.SYS_VFORK, "arch_prctl": unix.SYS_ARCH_PRCTL,
	"access": unix.SYS_ACCESS, "set_tid_address": unix.SYS_SET_TID_ADDRESS, "set_robust_list": unix.SYS_SET_ROBUST_LIST,
	"rseq": unix.SYS_RSEQ, "readlink": unix.SYS_READLINK, "getcwd": unix.SYS_GETCWD, "chdir": unix.SYS_CHDIR,
	"fchdir": unix.SYS_FCHDIR, "umask": unix.SYS_UMASK, "pipe": unix.SYS_PIPE, "dup2": unix.SYS_DUP2,
	"stat": unix.SYS_STAT, "lstat": unix.SYS_LSTAT, "sysinfo": unix.SYS_SYSINFO, "getrusage": unix.SYS_GETRUSAGE,
	"times": unix.SYS_TIMES, "select": unix.SYS_SELECT, "pselect6": unix.SYS_PSELECT6, "alarm": unix.SYS_ALARM,
	"setitimer": unix.SYS_SETITIMER, "getitimer": unix.SYS_GETITIMER, "getresuid": unix.SYS_GETRESUID,
	"getresgid": unix.SYS_GETRESGID, "getgroups": unix.SYS_GETGROUPS, "prctl": unix.SYS_PRCTL,
	// Named so that a recorded profile or an audit can speak of them; no
	// group allows them.
	"ptrace": unix.SYS_PTRACE, "mount": unix.SYS_MOUNT, "umount2": unix.SYS_UMOUNT2, "unshare": unix.SYS_UNSHARE,
	"setns": unix.SYS_SETNS, "bpf": unix.SYS_BPF, "bind": unix.SYS_BIND, "listen": unix.SYS_LISTEN,
	"accept4": unix.SYS_ACCEPT4, "linkat": unix.SYS_LINKAT, "symlinkat": unix.SYS_SYMLINKAT,
	"execveat": unix.SYS_EXECVEAT, "chroot": unix.SYS_CHROOT, "pivot_root": unix.SYS_PIVOT_ROOT,
	"ioctl": unix.SYS_IOCTL, "fork": unix.SYS_FORK, "openat2": unix.SYS_OPENAT2, "mknodat": unix.SYS_MKNODAT,
	"sendmmsg": unix.SYS_SENDMMSG, "perf_event_open": unix.SYS_PERF_EVENT_OPEN, "keyctl": unix.SYS_KEYCTL,
	"process_vm_readv": unix.SYS_PROCESS_VM_READV, "process_vm_writev": unix.SYS_PROCESS_VM_WRITEV,
	"init_module": unix.SYS_INIT_MODULE, "reboot": unix.SYS_REBOOT,
}

// Number returns the x86-64 number of the system call name: one this
// package names, or "syscall_N" for any other.
func Number(name string) (uint32, bool) {
	if nr, ok := numbers[name]; ok {
		return nr, true
	}
	if digits, ok := strings.CutPrefix(name, "syscall_"); ok {
		nr, err := strconv.ParseUint(digits, 10, 32)
		return uint32(nr), err == nil && nr < 1024
	}
	return 0, false
}

// Name returns the name of system call number nr: its own, or "syscall_N".
func Name(nr uint32) string {
	for name, n := range numbers {
		if n == nr {
			return name
		}
	}
	return "syscall_" + strconv.FormatUint(uint64(nr), 10)
}
