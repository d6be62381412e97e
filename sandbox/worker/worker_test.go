package worker

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/sandbox/landlock"
	"github.com/rtfs-go/rtfs/sandbox/seccomp"
	"github.com/rtfs-go/rtfs/value"
)

func startOrSkip(t *testing.T, setup Setup, opts Options) *Worker {
	t.Helper()
	if abi, _ := landlock.Version(); abi < landlock.ABI {
		t.Skipf("Landlock ABI %d < %d", abi, landlock.ABI)
	}
	if ok, _, err := seccomp.Available(); !ok {
		t.Skipf("seccomp: %v", err)
	}
	w, err := Start(context.Background(), setup, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Kill)
	return w
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}

func TestLimitsAndKill(t *testing.T) {
	h, err := FindHierarchies()
	if err != nil || h.V2 == "" {
		t.Skipf("no cgroup v2: %v", err)
	}
	dir := t.TempDir()
	setup := Setup{Profile: host.StepProfile{StepName: "t", FSPolicy: host.FSPolicy{Mode: host.FSReadOnly, Read: []string{dir}}},
		Landlock: landlock.Policy{ReadDirs: []string{dir}, RestrictTCP: true}, Seccomp: seccomp.Policy{Groups: []seccomp.Group{seccomp.FSRead}},
		MountProc: true}
	w := startOrSkip(t, setup, Options{NewNetwork: true, Limits: Limits{MemoryBytes: 64 << 20, Pids: 32, CPU: 0.5}})
	procs := read(t, filepath.Join(w.Cgroups.V2, "cgroup.procs"))
	if procs == "" {
		t.Fatal("the worker is not in its cgroup")
	}
	checks := map[string]string{
		filepath.Join(w.Cgroups.Memory, "memory.limit_in_bytes"): "67108864",
		filepath.Join(w.Cgroups.Pids, "pids.max"):                "32",
		filepath.Join(w.Cgroups.CPU, "cpu.cfs_quota_us"):         "50000",
	}
	for file, want := range checks {
		if filepath.Dir(file) == "." {
			t.Logf("no v1 cgroup for %s (%v)", file, w.Cgroups.Notes)
			continue
		}
		if got := read(t, file); got != want {
			t.Errorf("%s = %s, want %s", file, got, want)
		}
	}
	args := []value.Value{value.MapFromEntries([]value.MapEntry{{Key: value.Kw("path"), Val: value.String(dir)}})}
	if v, err := w.Call(context.Background(), "ccos.io.file-exists", args, nil); err != nil || !v.AsBool() {
		t.Fatalf("file-exists in the worker: %v, %v", v, err)
	}
	w.Kill()
	for _, d := range []string{w.Cgroups.V2, w.Cgroups.Memory, w.Cgroups.Pids, w.Cgroups.CPU} {
		if _, err := os.Stat(d); d != "" && !os.IsNotExist(err) {
			t.Errorf("cgroup %s left behind after Kill", d)
		}
	}
	if _, err := w.Call(context.Background(), "ccos.io.file-exists", args, nil); err == nil {
		t.Error("a killed worker answered")
	}
}

func TestWireRoundTrip(t *testing.T) {
	v := value.MapFromEntries([]value.MapEntry{
		{Key: value.Kw("k"), Val: value.NewList([]value.Value{value.Int(-3), value.Float(2.5), value.Nil, value.True})},
		{Key: value.String("s"), Val: value.NewVector([]value.Value{value.String("x\n"), value.Kw("a/b")})},
		{Key: value.Int(7), Val: value.Float(1e300)},
	})
	w, err := ToWire(v)
	if err != nil {
		t.Fatal(err)
	}
	back, err := FromWire(w)
	if err != nil || !value.Equal(back, v) || back.String() != v.String() {
		t.Errorf("round trip: %s, %v; want %s", back, err, v)
	}
	if _, err := ToWire(value.Func(nil)); err == nil {
		t.Error("a function crossed the wire")
	}
}

// A worker taken from the pool was spawned before its profile was known:
// it must end up confined by its own setup and limits, not by those of
// the worker whose start spawned it.
func TestPoolConfinesWhatItHandsOut(t *testing.T) {
	h, err := FindHierarchies()
	if err != nil || h.V2 == "" {
		t.Skipf("no cgroup v2: %v", err)
	}
	first, second := t.TempDir(), t.TempDir()
	for _, dir := range []string{first, second} {
		os.WriteFile(filepath.Join(dir, "f"), []byte("in "+dir), 0o644)
	}
	setupFor := func(dir string) Setup {
		return Setup{Profile: host.StepProfile{StepName: "t", FSPolicy: host.FSPolicy{Mode: host.FSReadOnly, Read: []string{dir}}},
			Landlock: landlock.Policy{ReadDirs: []string{dir}, RestrictTCP: true}, Seccomp: seccomp.Policy{Groups: []seccomp.Group{seccomp.FSRead}},
			MountProc: true}
	}
	startOrSkip(t, setupFor(first), Options{NewNetwork: true}) // the kernel can confine workers
	pool := NewPool()
	defer pool.Close()
	w1, err := pool.Start(context.Background(), setupFor(first), Options{NewNetwork: true, Limits: Limits{MemoryBytes: 64 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	defer w1.Kill()
	var idle *Worker
	for deadline := time.Now().Add(10 * time.Second); idle == nil && time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		pool.mu.Lock()
		idle = pool.idle[spawnKey(Options{NewNetwork: true})]
		pool.mu.Unlock()
	}
	if idle == nil {
		t.Fatal("the pool never spawned the next worker")
	}
	w2, err := pool.Start(context.Background(), setupFor(second), Options{NewNetwork: true, Limits: Limits{MemoryBytes: 32 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Kill()
	if w2 != idle {
		t.Fatal("the second start did not take the idle worker")
	}
	readFile := func(w *Worker, dir string) (value.Value, error) {
		args := []value.Value{value.MapFromEntries([]value.MapEntry{{Key: value.Kw("path"), Val: value.String(filepath.Join(dir, "f"))}})}
		return w.Call(context.Background(), "ccos.io.read-file", args, nil)
	}
	if v, err := readFile(w2, second); err != nil || v.AsString() != "in "+second {
		t.Errorf("the pooled worker reads its own grant: %v, %v", v, err)
	}
	if v, err := readFile(w2, first); err == nil {
		t.Errorf("the pooled worker read outside its grant: %v", v)
	}
	if w2.Cgroups.Memory != "" {
		if got := read(t, filepath.Join(w2.Cgroups.Memory, "memory.limit_in_bytes")); got != "33554432" {
			t.Errorf("the pooled worker's memory limit is %s, want its own 33554432", got)
		}
	}
	// Closing the pool kills the worker it spawned for the next start.
	pool.Close()
	pool.mu.Lock()
	left := len(pool.idle)
	pool.mu.Unlock()
	if left != 0 {
		t.Errorf("%d idle workers left after Close", left)
	}
}
