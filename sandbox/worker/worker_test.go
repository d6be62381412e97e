package worker

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
