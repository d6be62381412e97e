package worker

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Cgroups are the control groups of one worker: a cgroup v2 directory
// (kill, and the id the audit filters on) and, where the v1 hierarchies
// are mounted and writable, memory and pids cgroups holding its limits.
type Cgroups struct {
	V2     string // the directory
	Memory string // "" when no v1 memory cgroup could be made
	Pids   string // "" when no v1 pids cgroup could be made
	CPU    string // "" when no v1 cpu cgroup could be made
	// Notes says which limits could not be applied, and why.
	Notes []string
}

// Hierarchies says where this machine mounts its cgroups and where this
// process sits in each.
type Hierarchies struct {
	V2                string // cgroup2 mount point + this process's path; "" when not mounted
	Memory, Pids, CPU string // v1 mount point + this process's path; "" when not mounted
	V2Controllers     string
	MemoryWritable    bool
	PidsWritable      bool
}

// FindHierarchies reads /proc/self/mountinfo and /proc/self/cgroup, once
// per process: mounts and this process's cgroups do not move under a run.
func FindHierarchies() (Hierarchies, error) {
	hierarchiesOnce.Do(func() { hierarchies, hierarchiesErr = findHierarchies() })
	return hierarchies, hierarchiesErr
}

var (
	hierarchiesOnce sync.Once
	hierarchies     Hierarchies
	hierarchiesErr  error
)

func findHierarchies() (Hierarchies, error) {
	var h Hierarchies
	mounts, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return h, err
	}
	defer mounts.Close()
	mountOf := map[string]string{} // "2" for cgroup2, else the v1 controller
	sc := bufio.NewScanner(mounts)
	for sc.Scan() {
		// id parent major:minor root mountpoint options - fstype source superoptions
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		fields, tail := strings.Fields(pre), strings.Fields(post)
		if len(fields) < 5 || len(tail) < 3 {
			continue
		}
		switch tail[0] {
		case "cgroup2":
			mountOf["2"] = fields[4]
		case "cgroup":
			for _, opt := range strings.Split(tail[2], ",") {
				if opt == "memory" || opt == "pids" || opt == "cpu" {
					mountOf[opt] = fields[4]
				}
			}
		}
	}
	own, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return h, err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(own)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && mountOf["2"] != "":
			h.V2 = filepath.Join(mountOf["2"], parts[2])
		case parts[1] == "memory" && mountOf["memory"] != "":
			h.Memory = filepath.Join(mountOf["memory"], parts[2])
		case parts[1] == "pids" && mountOf["pids"] != "":
			h.Pids = filepath.Join(mountOf["pids"], parts[2])
		case strings.Contains(","+parts[1]+",", ",cpu,") && mountOf["cpu"] != "":
			h.CPU = filepath.Join(mountOf["cpu"], parts[2])
		}
	}
	if h.V2 != "" {
		controllers, _ := os.ReadFile(filepath.Join(h.V2, "cgroup.controllers"))
		h.V2Controllers = strings.TrimSpace(string(controllers))
	}
	h.MemoryWritable = writableDir(h.Memory)
	h.PidsWritable = writableDir(h.Pids)
	for _, dir := range []string{h.V2, h.Memory, h.Pids, h.CPU} {
		sweepStale(dir)
	}
	return h, nil
}

// sweepStale removes the worker cgroups a process that died without
// cleaning up (kill -9) left in dir: empty ones named after a pid that is
// gone.
func sweepStale(dir string) {
	if dir == "" {
		return
	}
	stale, _ := filepath.Glob(filepath.Join(dir, "rtfs-worker-*-*"))
	for _, path := range stale {
		fields := strings.Split(filepath.Base(path), "-")
		pid, err := strconv.Atoi(fields[2])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if _, err := os.Stat(filepath.Join("/proc", fields[2])); os.IsNotExist(err) {
			os.Remove(path) // fails, harmlessly, while anything is still in it
		}
	}
}

func writableDir(dir string) bool {
	if dir == "" {
		return false
	}
	probe := filepath.Join(dir, fmt.Sprintf("rtfs-probe-%d", os.Getpid()))
	if err := os.Mkdir(probe, 0o755); err != nil {
		return false
	}
	os.Remove(probe)
	return true
}

var cgroupSeq atomic.Int64

// newCgroups makes the cgroup v2 directory of one worker, which it is
// started in.
func newCgroups(h Hierarchies) (*Cgroups, error) {
	if h.V2 == "" {
		return nil, errors.New("cgroup v2 is not mounted: a worker needs a cgroup of its own to be killed with everything it started")
	}
	c := &Cgroups{V2: filepath.Join(h.V2, fmt.Sprintf("rtfs-worker-%d-%d", os.Getpid(), cgroupSeq.Add(1)))}
	if err := os.Mkdir(c.V2, 0o755); err != nil {
		return nil, fmt.Errorf("creating cgroup %s: %w", c.V2, err)
	}
	return c, nil
}

// cfsPeriod is the CFS period of a CPU limit, in microseconds.
const cfsPeriod = 100_000

// prepare makes the v1 cgroups the limits l need (memory, pids, CPU; all
// three when every is set) and moves pid into them. Moving a process into
// a v1 memory cgroup takes milliseconds (the kernel migrates its pages
// and waits for readers to drain), which is why a pooled worker is
// prepared while it is idle, before its limits are known.
func (c *Cgroups) prepare(h Hierarchies, pid int, l Limits, every bool) error {
	name := filepath.Base(c.V2)
	var made []string
	for _, v := range []struct {
		dir          *string
		parent, kind string
		needed       bool
	}{
		{&c.Memory, h.Memory, "memory", l.MemoryBytes > 0},
		{&c.Pids, h.Pids, "pids", l.Pids > 0},
		{&c.CPU, h.CPU, "cpu", l.CPU > 0},
	} {
		if (every || v.needed) && *v.dir == "" {
			if *v.dir = c.v1(v.parent, name, v.kind); *v.dir != "" {
				made = append(made, *v.dir)
			}
		}
	}
	return join(made, pid)
}

// limit writes the limits l into the v1 cgroups prepare made; a limit
// whose hierarchy is missing is a note, as it is at prepare.
func (c *Cgroups) limit(l Limits) error {
	for _, w := range []struct {
		dir, file string
		set       bool
		value     string
	}{
		{c.Memory, "memory.limit_in_bytes", l.MemoryBytes > 0, strconv.FormatInt(l.MemoryBytes, 10)},
		{c.Pids, "pids.max", l.Pids > 0, strconv.Itoa(l.Pids)},
		{c.CPU, "cpu.cfs_quota_us", l.CPU > 0, strconv.Itoa(max(int(l.CPU*cfsPeriod), 1000))},
	} {
		if !w.set || w.dir == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(w.dir, w.file), []byte(w.value), 0); err != nil {
			return fmt.Errorf("setting %s: %w", w.file, err)
		}
	}
	return nil
}

// v1 makes a v1 cgroup below parent and returns its directory, or "" with
// a note when the hierarchy does not allow it.
func (c *Cgroups) v1(parent, name, controller string) string {
	if parent == "" {
		c.Notes = append(c.Notes, controller+": no v1 hierarchy mounted")
		return ""
	}
	dir := filepath.Join(parent, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		c.Notes = append(c.Notes, fmt.Sprintf("%s: %v", controller, err))
		return ""
	}
	return dir
}

// join moves pid into the v1 cgroups dirs (it was started in its v2 one).
func join(dirs []string, pid int) error {
	for _, dir := range dirs {
		if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0); err != nil {
			return fmt.Errorf("joining %s: %w", dir, err)
		}
	}
	return nil
}

// OOMKilled reports whether the memory cgroup's OOM killer fired.
func (c *Cgroups) OOMKilled() bool {
	if c.Memory == "" {
		return false
	}
	data, err := os.ReadFile(filepath.Join(c.Memory, "memory.oom_control"))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if n, ok := strings.CutPrefix(line, "oom_kill "); ok && strings.TrimSpace(n) != "0" {
			return true
		}
	}
	return false
}

// kill kills every process of the cgroup and removes the cgroups once
// they are empty (a dying process leaves its v1 cgroups a moment after its
// v2 one, so each removal is tried until it succeeds, for a while).
func (c *Cgroups) kill() error {
	err := os.WriteFile(filepath.Join(c.V2, "cgroup.kill"), []byte("1"), 0)
	deadline := time.Now().Add(2 * time.Second)
	for _, dir := range []string{c.V2, c.Memory, c.Pids, c.CPU} {
		if dir == "" {
			continue
		}
		for {
			rerr := os.Remove(dir)
			if rerr == nil || errors.Is(rerr, os.ErrNotExist) {
				break
			}
			if time.Now().After(deadline) {
				if err == nil {
					err = rerr
				}
				break
			}
			time.Sleep(200 * time.Microsecond)
		}
	}
	return err
}
