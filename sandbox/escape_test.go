package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/caps"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/sandbox"
	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
	"golang.org/x/sys/unix"
)

// probeEnv makes the test binary, started by a plan inside a worker, try
// what a hostile program would and report each outcome (see probe).
const probeEnv = "RTFS_ESCAPE_PROBE"

func TestMain(m *testing.M) {
	if os.Getenv(probeEnv) == "1" {
		probe()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// probe runs inside the confinement of an exec step and prints
// "name=result" for each attempt.
func probe() {
	hostPid, _ := strconv.Atoi(os.Getenv("HOST_PID"))
	try := func(name string, r1 uintptr, e syscall.Errno) {
		result := "ok"
		if e != 0 {
			result = unix.ErrnoName(e)
		}
		fmt.Printf("%s=%s ", name, result)
		_ = r1
	}
	r, _, e := unix.RawSyscall(unix.SYS_PTRACE, unix.PTRACE_ATTACH, uintptr(os.Getppid()), 0)
	try("ptrace-parent", r, e)
	err := unix.Mount("tmpfs", "/tmp", "tmpfs", 0, "")
	var errno syscall.Errno
	errors.As(err, &errno)
	try("mount", 0, errno)
	r, _, e = unix.RawSyscall(unix.SYS_UNSHARE, unix.CLONE_NEWUSER|unix.CLONE_NEWNS, 0, 0)
	try("unshare", r, e)
	r, _, e = unix.RawSyscall(unix.SYS_KILL, uintptr(hostPid), 0, 0)
	try("kill-host", r, e)
	r, _, e = unix.RawSyscall(unix.SYS_SETUID, 0, 0, 0)
	try("setuid", r, e)
	r, _, e = unix.RawSyscall(unix.SYS_BPF, 0, 0, 0)
	try("bpf", r, e)
	fmt.Println()
}

// escape is one attempt to get out: it reports whether the confinement
// held and what happened.
type escape struct {
	name string
	try  func(t *testing.T, f *fixture) (contained bool, detail string)
}

// fixture is a granted directory, a secret outside it, and the options a
// plan runs with.
type fixture struct {
	in, out, secret string
	self            string // this test binary, run as a hostile program
}

const secretText = "TOPSECRET-7f3a"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{in: filepath.Join(root, "in"), out: filepath.Join(root, "out")}
	f.secret = filepath.Join(f.out, "secret.txt")
	for _, d := range []string{f.in, f.out} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(f.secret, []byte(secretText), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.in, "public.txt"), []byte("public"), 0o644); err != nil {
		t.Fatal(err)
	}
	if f.self, err = os.Executable(); err != nil {
		t.Fatal(err)
	}
	return f
}

// run runs src (IN, OUT and SECRET replaced) with every file and process
// capability allowed, IN readable, and extra applied.
func (f *fixture) run(t *testing.T, src string, extra func(*rtfs.Options)) (value.Value, error) {
	t.Helper()
	src = strings.NewReplacer("SECRET", f.secret, "IN", f.in, "OUT", f.out, "SELF", f.self,
		"HOSTPID", strconv.Itoa(os.Getpid())).Replace(src)
	prog, err := rtfs.Compile("escape.rtfs", []byte(src))
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, src)
	}
	opts := rtfs.Options{
		Context: rtfs.Context{Level: rtfs.Controlled, Allow: []string{"ccos.io.read-file", "ccos.io.write-file", "ccos.io.file-exists",
			"ccos.system.execute", "ccos.network.http-fetch", "ccos.io.list-dir"}},
		Grants: rtfs.Grants{FSRead: []string{f.in}},
		Limits: rtfs.Limits{Timeout: 20 * time.Second},
		Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{},
	}
	if extra != nil {
		extra(&opts)
	}
	return prog.Run(context.Background(), opts)
}

// leaked reports whether the secret shows in v or err.
func leaked(v value.Value, err error) bool {
	return strings.Contains(v.String(), secretText) || (err != nil && strings.Contains(err.Error(), secretText))
}

func kindOf(err error) value.ErrorKind {
	var e *value.Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

func outcome(v value.Value, err error) string {
	if err != nil {
		msg := err.Error()
		if len(msg) > 110 {
			msg = msg[:110] + "…"
		}
		return msg
	}
	s := v.String()
	if len(s) > 110 {
		s = s[:110] + "…"
	}
	return s
}

// execSrc is a step running cmd with args (RTFS vector syntax), returning
// the program's output and exit status.
func execSrc(cmd, args string) string {
	return `(step "hostile" (let [r (call :ccos.system.execute {:cmd "` + cmd + `" :args ` + args + ` :timeout-ms 5000})]
  (str (:exit r) " " (:stdout r) " " (:stderr r))))`
}

var escapes = []escape{
	{"read through ..", func(t *testing.T, f *fixture) (bool, string) {
		v, err := f.run(t, `(step "read" (call :ccos.io.read-file {:path "IN/../out/secret.txt"}))`, nil)
		return kindOf(err) == value.SecurityViolation && !leaked(v, err), outcome(v, err)
	}},
	{"read through a symlink", func(t *testing.T, f *fixture) (bool, string) {
		if err := os.Symlink(f.secret, filepath.Join(f.in, "link")); err != nil {
			t.Fatal(err)
		}
		v, err := f.run(t, `(step "read" (call :ccos.io.read-file {:path "IN/link"}))`, nil)
		return kindOf(err) == value.SecurityViolation && !leaked(v, err), outcome(v, err)
	}},
	{"symlink swap race, 3 s", symlinkRace},
	{"hard link made inside", func(t *testing.T, f *fixture) (bool, string) {
		v, err := f.run(t, execSrc("/bin/ln", `["SECRET" "IN/hard"]`), func(o *rtfs.Options) { o.Grants.FSWrite = []string{f.in} })
		_, statErr := os.Stat(filepath.Join(f.in, "hard"))
		return os.IsNotExist(statErr) && !leaked(v, err), outcome(v, err)
	}},
	{"/proc/1/root of the worker", func(t *testing.T, f *fixture) (bool, string) {
		v, err := f.run(t, execSrc("/bin/cat", `["/proc/1/root/SECRET"]`), nil)
		return err == nil && !leaked(v, err), outcome(v, err)
	}},
	{"/bin/cat outside the grant", func(t *testing.T, f *fixture) (bool, string) {
		v, err := f.run(t, execSrc("/bin/cat", `["SECRET"]`), nil)
		return err == nil && strings.Contains(v.String(), "Permission denied") && !leaked(v, err), outcome(v, err)
	}},
	{"connect to a loopback port not allowed", loopbackPorts},
	{"write in a read-only step", func(t *testing.T, f *fixture) (bool, string) {
		v, err := f.run(t, execSrc("/bin/sh", `["-c" "echo x > IN/written"]`), func(o *rtfs.Options) { o.Grants.FSWrite = []string{f.in} })
		_, statErr := os.Stat(filepath.Join(f.in, "written"))
		return err == nil && os.IsNotExist(statErr), outcome(v, err)
	}},
	{"exec in a worker without the exec effect", execWithoutEffect},
	{"top-level call", func(t *testing.T, f *fixture) (bool, string) {
		v, err := f.run(t, `(call :ccos.system.execute {:cmd "/bin/cat" :args ["SECRET"]})`, nil)
		return !leaked(v, err), outcome(v, err)
	}},
	{"capability through update and the host context", func(t *testing.T, f *fixture) (bool, string) {
		v, err := f.run(t, `(update {:k "x"} :k "context/set" (fn [] (call :ccos.system.execute {:cmd "/bin/cat" :args ["SECRET"]})))
(step "innocent" ((context/get "x")))`, func(o *rtfs.Options) { o.Grants.FSRead = append(o.Grants.FSRead, f.out) })
		return kindOf(err) == value.SecurityViolation && !leaked(v, err), outcome(v, err)
	}},
	{"capability through apply and the host context, tracked", func(t *testing.T, f *fixture) (bool, string) {
		v, err := f.run(t, `(def run-it (fn [] (call :ccos.system.execute {:cmd "/bin/cat" :args ["SECRET"]})))
(context/set "g" run-it)
(step "innocent" (apply (context/get "g") []))`, func(o *rtfs.Options) { o.Grants.FSRead = append(o.Grants.FSRead, f.out) })
		// The analysis follows run-it into the host context, so the step is
		// profiled to run programs: the kernel, not the bound, stops cat.
		return !leaked(v, err), outcome(v, err)
	}},
	{"forged step table", forgedStepTable},
	{"fork bomb", func(t *testing.T, f *fixture) (bool, string) {
		start := time.Now()
		v, err := f.run(t, execSrc("/bin/sh", `["-c" "b() { b | b & }; b; sleep 2"]`), nil)
		return len(processesMatching("b | b")) == 0 && time.Since(start) < 15*time.Second, outcome(v, err)
	}},
	{"memory bomb in a worker", func(t *testing.T, f *fixture) (bool, string) {
		v, err := f.run(t, execSrc("/bin/sh", `["-c" "a=x; while :; do a=\"$a$a\"; done"]`),
			func(o *rtfs.Options) { o.Limits.MaxMemory = 100 << 20 })
		return kindOf(err) == value.MemoryExceeded, outcome(v, err)
	}},
	{"setsid child outlives its step", func(t *testing.T, f *fixture) (bool, string) {
		v, err := f.run(t, execSrc("/usr/bin/setsid", `["-f" "/bin/sleep" "31337"]`), nil)
		time.Sleep(50 * time.Millisecond)
		left := processesMatching("31337")
		return len(left) == 0, fmt.Sprintf("%s; left behind: %d", outcome(v, err), len(left))
	}},
	{"ptrace, mount, unshare, kill of the host", func(t *testing.T, f *fixture) (bool, string) {
		// The step reads files too, so that the directory of the probe
		// (this test binary) is granted to it.
		v, err := f.run(t, `(step "hostile" (call :ccos.io.file-exists {:path "IN"}) (:stdout (call :ccos.system.execute
  {:cmd "SELF" :env {"RTFS_ESCAPE_PROBE" "1" "HOST_PID" "HOSTPID"} :timeout-ms 5000})))`,
			func(o *rtfs.Options) { o.Grants.FSRead = append(o.Grants.FSRead, filepath.Dir(f.self)) })
		out := v.String()
		ok := err == nil && strings.Contains(out, "ptrace-parent=") && !strings.Contains(out, "=ok")
		return ok, outcome(v, err)
	}},
}

// processesMatching are the pids whose command line contains s.
func processesMatching(s string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if bytes.Contains(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}), []byte(s)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// symlinkRace swaps a granted name between a file and a link to the
// secret while a worker reads it: the user-space path check and the open
// are two moments, and only the kernel (Landlock) closes the gap. The same
// race is run in this process for comparison.
func symlinkRace(t *testing.T, f *fixture) (bool, string) {
	race := filepath.Join(f.in, "race")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tmpLink, tmpFile := race+".l", race+".f"
		for {
			select {
			case <-stop:
				return
			default:
			}
			os.Remove(tmpLink)
			os.Symlink(f.secret, tmpLink)
			os.Rename(tmpLink, race)
			os.WriteFile(tmpFile, []byte("public"), 0o644)
			os.Rename(tmpFile, race)
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	profile := host.ProfileFor(0, host.Reach{Step: "race", Capabilities: []string{"ccos.io.read-file"}, Effects: []host.Effect{host.EffectFSRead}},
		host.Grants{FSRead: []string{f.in}})
	reg, err := caps.BuiltinRegistry()
	if err != nil {
		t.Fatal(err)
	}
	readFile, _ := reg.Lookup("ccos.io.read-file")
	args := []value.Value{value.MapFromEntries([]value.MapEntry{{Key: value.Kw("path"), Val: value.String(race)}})}
	call := &host.CallContext{Capability: readFile.ID, Step: "race", Policy: profile, Log: os.Stderr}
	count := func(d time.Duration, do func() (value.Value, error)) (reads, escaped, refused int) {
		deadline := time.Now().Add(d)
		for time.Now().Before(deadline) {
			v, err := do()
			reads++
			switch {
			case err == nil && v.AsString() == secretText:
				escaped++
			case err != nil:
				refused++
			}
		}
		return
	}
	ws := sandbox.NewWorkers(reg, sandbox.Options{})
	defer ws.Close()
	reads, escaped, refused := count(3*time.Second, func() (value.Value, error) {
		v, _, err := ws.Call(context.Background(), "race", call, readFile, args)
		return v, err
	})
	uReads, uEscaped, _ := count(time.Second, func() (value.Value, error) { return readFile.Run(context.Background(), call, args) })
	detail := fmt.Sprintf("confined: %d reads, %d escapes, %d refused; unconfined for comparison: %d reads, %d escapes",
		reads, escaped, refused, uReads, uEscaped)
	return escaped == 0 && reads > 100, detail
}

// loopbackPorts lets a step connect to one loopback port and tries
// another from a program it runs, through the kernel's own TCP stack.
func loopbackPorts(t *testing.T, f *fixture) (bool, string) {
	var ports []int
	for range 2 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	allowed, other := ports[0], ports[1]
	src := fmt.Sprintf(`(defn fetch [] (call :ccos.network.http-fetch {:url "http://127.0.0.1:%d/"}))
(step "hostile" (let [knock (fn [port] (:stdout (call :ccos.system.execute
        {:cmd "/bin/bash" :args ["-c" (str "exec 3<>/dev/tcp/127.0.0.1/" port " && echo open-" port " || echo shut-" port)]})))]
  (if false (fetch) (str (knock %d) (knock %d)))))`, allowed, allowed, other)
	v, err := f.run(t, src, func(o *rtfs.Options) { o.Grants.NetAllow = []string{fmt.Sprintf("127.0.0.1:%d", allowed)} })
	out := v.String()
	ok := err == nil && strings.Contains(out, fmt.Sprintf("open-%d", allowed)) && strings.Contains(out, fmt.Sprintf("shut-%d", other))
	return ok, outcome(v, err)
}

// execWithoutEffect sends an execute call straight to a worker whose
// profile has no exec effect, as a compromised host would: the worker's
// seccomp filter refuses to start the program.
func execWithoutEffect(t *testing.T, f *fixture) (bool, string) {
	reg, err := caps.BuiltinRegistry()
	if err != nil {
		t.Fatal(err)
	}
	profile := host.ProfileFor(0, host.Reach{Step: "read", Capabilities: []string{"ccos.io.read-file"}, Effects: []host.Effect{host.EffectFSRead}},
		host.Grants{FSRead: []string{"/bin", f.out}})
	execute, _ := reg.Lookup("ccos.system.execute")
	ws := sandbox.NewWorkers(reg, sandbox.Options{})
	defer ws.Close()
	call := &host.CallContext{Capability: execute.ID, Step: "read", Policy: profile, Log: os.Stderr}
	args := []value.Value{value.MapFromEntries([]value.MapEntry{{Key: value.Kw("cmd"), Val: value.String("/bin/cat")},
		{Key: value.Kw("args"), Val: value.NewVector([]value.Value{value.String(f.secret)})}})}
	v, _, err := ws.Call(context.Background(), "read", call, execute, args)
	return err != nil && !leaked(v, err), outcome(v, err)
}

// forgedStepTable edits a compiled plan's step table to say its step
// reaches nothing, recomputes the checksum, and runs it with grants that
// would allow the read: the profile derived from the forged table binds
// the call, so the exec is refused.
func forgedStepTable(t *testing.T, f *fixture) (bool, string) {
	src := strings.ReplaceAll(`(step "innocent" (call :ccos.system.execute {:cmd "/bin/cat" :args ["SECRET"]}))`, "SECRET", f.secret)
	prog, err := rtfs.Compile("forged.rtfs", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m := prog.Module()
	m.Steps[0].Reach = isa.Reach{}
	m.TopLevel = isa.Reach{}
	data, err := isa.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := isa.Decode(data, stdlib.Has); err != nil {
		t.Fatalf("the forged module does not verify: %v", err)
	}
	loaded, err := rtfs.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	v, err := loaded.Run(context.Background(), rtfs.Options{
		Context: rtfs.Context{Level: rtfs.Controlled, Allow: []string{"ccos.system.execute"}},
		Grants:  rtfs.Grants{FSRead: []string{f.out}}, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{},
	})
	return kindOf(err) == value.SecurityViolation && !leaked(v, err), outcome(v, err)
}

// TestEscapes runs every escape; each must be refused or contained. With
// -v (make escape) it prints the table.
func TestEscapes(t *testing.T) {
	if err := sandbox.Ready(); err != nil {
		t.Skipf("this kernel cannot confine workers: %v", err)
	}
	var contained atomic.Int32
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ESCAPE\tRESULT\tWHAT HAPPENED")
	for _, e := range escapes {
		t.Run(e.name, func(t *testing.T) {
			ok, detail := e.try(t, newFixture(t))
			result := "contained"
			if ok {
				contained.Add(1)
			} else {
				result = "ESCAPED"
				t.Errorf("%s: %s", e.name, detail)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", e.name, result, strings.ReplaceAll(detail, "\n", " "))
		})
	}
	tw.Flush()
	fmt.Fprintf(&table, "%d of %d escapes contained\n", contained.Load(), len(escapes))
	t.Logf("\n%s", table.String())
}
