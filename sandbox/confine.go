// Package sandbox decides where each capability call runs and under which
// confinement, and reports what this kernel offers.
//
// Three providers serve the isolation levels of the profiles:
//
//	inprocess  inherit     pure capabilities (no effect on the world), in the engine's process
//	worker     isolated,   capabilities that touch the OS (files, network, programs, the
//	           sandboxed   environment), in a confined worker process (package sandbox/worker)
//
// A step's worker is started at its first OS call and killed, with
// everything it started, when the step ends; calls outside steps share a
// worker for the plan profile, killed at the plan's end. Workers are never
// shared between profiles. The confinement of a worker follows from the
// step's profile (For): Landlock from the file system and network
// policies, a seccomp allow-list from the effects, namespaces (a network
// namespace of its own when the profile allows no network), and cgroup
// limits from the resource limits.
//
// Where the kernel lacks a mechanism a worker needs, the call fails with
// an error naming the mechanism; nothing falls back to running unconfined
// unless the run says so (--unconfined).
package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/sandbox/landlock"
	"github.com/rtfs-go/rtfs/sandbox/seccomp"
	"github.com/rtfs-go/rtfs/sandbox/worker"
)

// Options are the run's choices about confinement.
type Options struct {
	// Manifest is the capability manifest the workers load.
	Manifest string
	// Strict kills a worker on a system call outside its allow-list
	// instead of failing the call with EPERM (--seccomp-strict).
	Strict bool
	// Syscalls, when it has an entry for a step's name, replaces the
	// step's syscall groups by exactly those calls (a profile recorded
	// from a real run, --syscall-profile).
	Syscalls map[string][]string
	// Audit audits every step's worker (--audit), not only those whose
	// profile asks for a syscall log; NoAudit audits none (--no-audit).
	Audit, NoAudit bool
}

// systemDirs are what a dynamically linked program needs to start: the
// loader, the C library, the programs themselves.
var systemDirs = []string{"/bin", "/sbin", "/usr", "/lib", "/lib64", "/lib32", "/libx32", "/etc/ld.so.cache"}

// Pid limits of a worker: the Go runtime's threads count as tasks, and so
// do the processes a program with the exec effect starts.
const (
	pidsWorker = 64
	pidsExec   = 128
)

// Confinement is how one profile is confined: the worker's setup and how to
// start it.
type Confinement struct {
	Setup   worker.Setup
	Options worker.Options
}

// For derives the confinement of a step running under p; reg declares the
// capabilities (manifest programs the worker must be able to start).
func For(p *host.StepProfile, reg *host.Registry, o Options) Confinement {
	has := func(e host.Effect) bool { return slices.Contains(p.Effects, e) }
	var ll landlock.Policy
	switch p.FSPolicy.Mode {
	case host.FSReadOnly:
		ll.ReadDirs = p.FSPolicy.Read
	case host.FSReadWrite:
		ll.ReadDirs, ll.WriteDirs = subtract(p.FSPolicy.Read, p.FSPolicy.Write), p.FSPolicy.Write
	case host.FSFull:
		ll.WriteDirs = []string{"/"}
	}
	if p.SecurityFlags.ReadOnlyFS {
		ll.ReadDirs, ll.WriteDirs = append(slices.Clone(ll.ReadDirs), ll.WriteDirs...), nil
	}
	var groups []seccomp.Group
	if has(host.EffectFSRead) || has(host.EffectFSWrite) {
		groups = append(groups, seccomp.FSRead)
	}
	if len(ll.WriteDirs) > 0 {
		groups = append(groups, seccomp.FSWrite)
	}
	programs := programsOf(p, reg)
	if has(host.EffectExec) || len(programs) > 0 {
		groups = append(groups, seccomp.FSRead, seccomp.Exec)
		ll.System = append(slices.Clone(systemDirs), "/proc")
		ll.ReadDirs = append(slices.Clone(ll.ReadDirs), programs...)
		ll.WriteFiles = []string{"/dev/null"}
	}
	network := has(host.EffectNetwork) && p.NetworkPolicy.Mode != host.NetworkDenied && p.NetworkPolicy.Mode != ""
	if network {
		groups = append(groups, seccomp.Network)
		ll.RestrictTCP, ll.ConnectPorts = tcpPorts(p.NetworkPolicy)
	} else {
		ll.RestrictTCP = true
	}
	sc := seccomp.Policy{Groups: dedupe(groups), Strict: o.Strict}
	if calls, ok := o.Syscalls[p.StepName]; ok {
		sc = seccomp.Policy{Syscalls: calls, Strict: o.Strict}
	}
	var env []string
	if has(host.EffectEnv) {
		env = os.Environ()
	}
	pids := pidsWorker
	if slices.Contains(groups, seccomp.Exec) {
		pids = pidsExec
	}
	return Confinement{
		Setup: worker.Setup{Profile: *p, Step: p.StepName, Manifest: o.Manifest, Landlock: ll, Seccomp: sc, MountProc: true},
		Options: worker.Options{NewNetwork: !network, Env: env,
			Limits: worker.Limits{MemoryBytes: p.ResourceLimits.MaxMemoryBytes, Pids: pids, CPU: p.ResourceLimits.MaxCPUUsage}},
	}
}

// programsOf are the directories of the manifest programs the step may
// call.
func programsOf(p *host.StepProfile, reg *host.Registry) []string {
	var dirs []string
	for _, id := range p.Capabilities {
		if c, ok := reg.Lookup(id); ok && c.Program != "" {
			dirs = append(dirs, filepath.Dir(c.Program))
		}
	}
	return dedupe(dirs)
}

// tcpPorts are the TCP ports Landlock lets a step with network policy np
// connect to: every port when some host is allowed without one.
func tcpPorts(np host.NetworkPolicy) (restrict bool, ports []uint16) {
	if np.Mode != host.NetworkAllowList {
		return false, nil
	}
	for _, entry := range np.Hosts {
		_, port := host.SplitEntry(entry)
		n, err := strconv.ParseUint(port, 10, 16)
		if port == "" || err != nil {
			return false, nil
		}
		ports = append(ports, uint16(n))
	}
	return true, ports
}

func subtract(list, remove []string) []string {
	var out []string
	for _, x := range list {
		if !slices.Contains(remove, x) {
			out = append(out, x)
		}
	}
	return out
}

func dedupe[T comparable](list []T) []T {
	var out []T
	for _, x := range list {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// Rules are the confinement as the chain records it: a short digest and
// the rules themselves.
func (c Confinement) Rules() (digest string, rules string) {
	namespaces := "mnt,pid,ipc,uts"
	if c.Options.NewNetwork {
		namespaces += ",net"
	}
	rules = strings.Join([]string{
		"landlock: " + c.Setup.Landlock.String(),
		"seccomp: " + c.Setup.Seccomp.String(),
		"namespaces: " + namespaces,
	}, "; ")
	data, _ := json.Marshal(struct {
		L landlock.Policy
		S seccomp.Policy
		N bool
	}{c.Setup.Landlock, c.Setup.Seccomp, c.Options.NewNetwork})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:12], rules
}
