package audit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// inCgroup runs argv in a fresh cgroup v2 directory that w audits, and
// returns the report.
func inCgroup(t *testing.T, argv ...string) Report {
	t.Helper()
	if err := Supported(); err != nil {
		t.Skip(err)
	}
	a, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	v2 := cgroupV2(t)
	dir := filepath.Join(v2, fmt.Sprintf("rtfs-audit-test-%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(dir)
	w, err := a.Watch(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: fd}
	cmd.Run()
	r, err := w.Collect()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func cgroupV2(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, " - cgroup2 ") {
			return strings.Fields(line)[4]
		}
	}
	t.Skip("cgroup v2 is not mounted")
	return ""
}

func TestAuditOfAProgram(t *testing.T) {
	granted := filepath.Join(t.TempDir(), "granted.txt")
	if err := os.WriteFile(granted, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The test process opens a file of its own while the program runs:
	// it is not in the cgroup, so it must not appear.
	mine := filepath.Join(t.TempDir(), "not-audited.txt")
	os.WriteFile(mine, nil, 0o644)
	r := inCgroup(t, "/bin/cat", granted, "/nonexistent/rtfs-audit")
	os.ReadFile(mine)
	if r.Syscalls["execve"] == 0 || r.Syscalls["openat"] == 0 {
		t.Errorf("histogram lacks execve/openat: %v", r.Syscalls)
	}
	var sawExec, sawOpen, sawRefused bool
	for _, e := range r.Events {
		switch {
		case e.Syscall == "execve" && e.Path == "/bin/cat" && e.Ret == 0:
			sawExec = true
		case e.Syscall == "openat" && e.Path == granted && e.Ret >= 0:
			sawOpen = true
		case e.Syscall == "openat" && e.Path == "/nonexistent/rtfs-audit" && e.Errno == "ENOENT":
			sawRefused = true
		case strings.Contains(e.Path, "not-audited"):
			t.Errorf("an event of another process: %+v", e)
		}
	}
	if !sawExec || !sawOpen || !sawRefused {
		t.Errorf("events: exec %v open %v refused %v:\n%+v", sawExec, sawOpen, sawRefused, r.Events)
	}
	a, _ := Open()
	if a.Attached() {
		t.Error("the programs stay attached with nothing watched")
	}
}
