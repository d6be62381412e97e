package seccomp

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// childEnv makes the test binary a child that installs a filter and
// reports what it can still do (see TestMain).
const childEnv = "RTFS_SECCOMP_TEST_CHILD"

func TestMain(m *testing.M) {
	if groups, ok := os.LookupEnv(childEnv); ok {
		os.Exit(child(groups))
	}
	os.Exit(m.Run())
}

// child installs a filter with the comma-separated groups and prints one
// line per attempt: "name ok" or "name <errno>".
func child(groups string) int {
	var p Policy
	for _, g := range strings.Split(groups, ",") {
		if g != "" {
			p.Groups = append(p.Groups, Group(g))
		}
	}
	if err := Install(p); err != nil {
		fmt.Println("install", err)
		return 1
	}
	report := func(name string, err error) {
		if err == nil {
			fmt.Println(name, "ok")
			return
		}
		var errno syscall.Errno
		if errors.As(err, &errno) {
			fmt.Println(name, unix.ErrnoName(errno))
			return
		}
		fmt.Println(name, err)
	}
	report("getppid", rawErr(unix.SYS_GETPPID, 0, 0, 0))
	report("ptrace", rawErr(unix.SYS_PTRACE, unix.PTRACE_TRACEME, 0, 0))
	report("mount", rawErr(unix.SYS_MOUNT, 0, 0, 0))
	report("unshare", rawErr(unix.SYS_UNSHARE, unix.CLONE_NEWNS, 0, 0))
	report("clone3", rawErr(unix.SYS_CLONE3, 0, 0, 0))
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, ipprotoMPTCP)
	report("socket-mptcp", err)
	if err == nil {
		unix.Close(fd)
	}
	fd, err = unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	report("socket-tcp", err)
	if err == nil {
		unix.Close(fd)
	}
	_, err = exec.Command("/bin/true").Output()
	report("exec", err)
	var st unix.Stat_t
	report("stat", unix.Stat("/", &st))
	_, err = net.Listen("tcp", "127.0.0.1:0")
	report("listen", err)
	// The runtime must keep working: threads, GC, timers.
	done := make(chan bool)
	go func() { runtime.GC(); done <- true }()
	<-done
	fmt.Println("runtime ok")
	return 0
}

func rawErr(nr, a, b, c uintptr) error {
	if _, _, e := unix.RawSyscall(nr, a, b, c); e != 0 {
		return e
	}
	return nil
}

func runChild(t *testing.T, groups string) map[string]string {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip(ErrUnsupported)
	}
	if ok, _, err := Available(); !ok {
		t.Skipf("seccomp unavailable: %v", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+groups)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, result, _ := strings.Cut(line, " ")
		got[name] = result
	}
	if got["runtime"] != "ok" {
		t.Fatalf("the Go runtime did not survive the filter:\n%s", out)
	}
	return got
}

func TestFilterOnTheKernel(t *testing.T) {
	tests := []struct {
		groups string
		want   map[string]string
	}{
		{"", map[string]string{"getppid": "EPERM", "ptrace": "EPERM", "mount": "EPERM", "unshare": "EPERM", "clone3": "ENOSYS",
			"socket-mptcp": "EPERM", "socket-tcp": "EPERM", "exec": "EPERM", "stat": "ok", "listen": "EPERM"}},
		{"network", map[string]string{"socket-mptcp": "EPROTONOSUPPORT", "socket-tcp": "ok", "exec": "EPERM", "listen": "EPERM", "ptrace": "EPERM"}},
		{"exec", map[string]string{"exec": "ok", "getppid": "ok", "ptrace": "EPERM", "mount": "EPERM", "unshare": "EPERM", "socket-tcp": "EPERM"}},
	}
	for _, tt := range tests {
		t.Run("groups="+tt.groups, func(t *testing.T) {
			got := runChild(t, tt.groups)
			for name, want := range tt.want {
				if got[name] != want {
					t.Errorf("%s: %s, want %s", name, got[name], want)
				}
			}
		})
	}
}

func TestProgram(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip(ErrUnsupported)
	}
	all, err := Program(Policy{Groups: Groups})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) > 4096 {
		t.Errorf("%d instructions: more than BPF_MAXINSNS", len(all))
	}
	if _, err := Program(Policy{Groups: []Group{"gpu"}}); err == nil {
		t.Error("an unknown group assembled")
	}
	if _, err := Program(Policy{Syscalls: []string{"read", "frobnicate"}}); err == nil {
		t.Error("an unknown syscall assembled")
	}
	names, _ := Policy{Syscalls: []string{"connect"}}.Names()
	if !contains(names, "connect") || !contains(names, "futex") || contains(names, "execve") {
		t.Errorf("recorded policy names: %v", names)
	}
	groups, extra := GroupsOf([]string{"read", "connect", "execve", "ptrace"})
	if fmt.Sprint(groups) != "[network exec]" || fmt.Sprint(extra) != "[ptrace]" {
		t.Errorf("GroupsOf = %v %v", groups, extra)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
