package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/sandbox/audit"
	"github.com/rtfs-go/rtfs/sandbox/landlock"
	"github.com/rtfs-go/rtfs/sandbox/seccomp"
	"github.com/rtfs-go/rtfs/sandbox/wasm"
	"github.com/rtfs-go/rtfs/sandbox/worker"
)

// Mechanism is one kernel feature the sandbox uses, as this machine has it.
type Mechanism struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Needed says whether a confined worker cannot run without it.
	Needed bool `json:"needed"`
}

// Probe finds out what this kernel offers. Beside reading what the kernel
// says of itself, it starts one confined worker, which exercises the
// namespaces, the cgroup, Landlock and seccomp together.
func Probe(ctx context.Context) []Mechanism {
	var ms []Mechanism
	filter, notif, err := seccomp.Available()
	ms = append(ms, Mechanism{Name: "seccomp-bpf filter", OK: filter, Needed: true, Detail: detail(filter, "SECCOMP_RET_ERRNO and TSYNC", err)})
	ms = append(ms, Mechanism{Name: "seccomp user notification", OK: notif, Detail: detail(notif, "SECCOMP_RET_USER_NOTIF (not used to decide)", err)})
	abi, err := landlock.Version()
	ms = append(ms, Mechanism{Name: "Landlock", OK: abi >= landlock.ABI, Needed: true,
		Detail: detail(abi >= landlock.ABI, fmt.Sprintf("ABI %d (need %d: files, TCP ports, scoped signals)", abi, landlock.ABI), err)})
	h, err := worker.FindHierarchies()
	v2 := h.V2 != "" && err == nil && writable(h.V2)
	ms = append(ms, Mechanism{Name: "cgroup v2", OK: v2, Needed: true,
		Detail: detail(v2, fmt.Sprintf("%s (controllers: %q); cgroup.kill and CLONE_INTO_CGROUP", h.V2, h.V2Controllers), err)})
	ms = append(ms, Mechanism{Name: "cgroup v1 memory", OK: h.MemoryWritable, Detail: detail(h.MemoryWritable, h.Memory+" (per-step memory limits)", err)})
	ms = append(ms, Mechanism{Name: "cgroup v1 pids", OK: h.PidsWritable, Detail: detail(h.PidsWritable, h.Pids+" (per-step process limits)", err)})
	for _, ns := range []string{"mnt", "pid", "ipc", "uts", "net"} {
		_, err := os.Stat(filepath.Join("/proc/self/ns", ns))
		ms = append(ms, Mechanism{Name: ns + " namespace", OK: err == nil, Needed: true, Detail: detail(err == nil, "/proc/self/ns/"+ns, err)})
	}
	err = audit.Supported()
	var load string
	if err == nil {
		var a *audit.Auditor
		if a, err = audit.Open(); err == nil {
			load = fmt.Sprintf("sys_enter/sys_exit programs loaded in %s, attached only while audited steps run", a.LoadTime.Round(10*time.Microsecond))
		}
	}
	ms = append(ms, Mechanism{Name: "eBPF raw tracepoints", OK: err == nil, Detail: detail(err == nil, load, err)})
	took, err := wasm.Probe(ctx)
	ms = append(ms, Mechanism{Name: "WebAssembly (wazero)", OK: err == nil,
		Detail: detail(err == nil, fmt.Sprintf("runtime for sandboxed steps started in %s", took.Round(10*time.Microsecond)), err)})
	start := time.Now()
	err = probeWorker(ctx)
	ms = append(ms, Mechanism{Name: "confined worker", OK: err == nil, Needed: true,
		Detail: detail(err == nil, fmt.Sprintf("started, confined and stopped in %s", time.Since(start).Round(10*time.Microsecond)), err)})
	return ms
}

func detail(ok bool, what string, err error) string {
	if ok || err == nil {
		return what
	}
	return fmt.Sprintf("%s: %v", what, err)
}

func writable(dir string) bool {
	probe := filepath.Join(dir, fmt.Sprintf("rtfs-probe-%d", os.Getpid()))
	if err := os.Mkdir(probe, 0o755); err != nil {
		return false
	}
	return os.Remove(probe) == nil
}

// probeWorker starts and stops a worker confined as tightly as a profile
// can be: no files, no network, no programs.
func probeWorker(ctx context.Context) error {
	reg, err := host.NewRegistry()
	if err != nil {
		return err
	}
	c := For(&host.StepProfile{StepName: "doctor"}, reg, Options{})
	w, err := worker.Start(ctx, c.Setup, c.Options)
	if err != nil {
		return err
	}
	w.Kill()
	return nil
}

var (
	readyOnce sync.Once
	readyErr  error
)

// Ready reports, once per process, whether this kernel has every
// mechanism a confined worker needs, naming the first one missing.
func Ready() error {
	readyOnce.Do(func() {
		if ok, _, err := seccomp.Available(); !ok {
			readyErr = fmt.Errorf("seccomp-bpf is unavailable: %v", err)
			return
		}
		if abi, err := landlock.Version(); abi < landlock.ABI {
			readyErr = fmt.Errorf("the Landlock ABI %d is below the %d a worker needs (%v)", abi, landlock.ABI, err)
			return
		}
		if h, err := worker.FindHierarchies(); err != nil || h.V2 == "" {
			readyErr = fmt.Errorf("cgroup v2 is not mounted (%v)", err)
		}
	})
	return readyErr
}

// AuditReady reports, naming what is missing, whether this kernel runs the
// syscall audit.
func AuditReady() error {
	if err := audit.Supported(); err != nil {
		return err
	}
	_, err := audit.Open()
	return err
}
