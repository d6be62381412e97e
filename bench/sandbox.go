package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/caps"
	"github.com/rtfs-go/rtfs/sandbox"
	"github.com/rtfs-go/rtfs/sandbox/audit"
	"github.com/rtfs-go/rtfs/sandbox/worker"
	"github.com/rtfs-go/rtfs/value"
)

// SandboxCosts are what confinement costs, each a median.
type SandboxCosts struct {
	WorkerStart time.Duration // start a confined worker, until it is ready, and kill it
	// PooledStart is the same when the run's pool has spawned the worker
	// ahead (worker.Pool): what a step's first call waits for from the
	// second step on.
	PooledStart time.Duration
	RoundTrip   time.Duration // one capability call to a running worker (ccos.io.file-exists)
	// The gather plan of testdata/plans, run confined, with --unconfined,
	// and confined with every step audited, interleaved.
	GatherConfined, GatherUnconfined, GatherAudited time.Duration
	// A step whose program makes 20,000 system calls, unaudited and
	// audited, interleaved.
	HeavyStep, HeavyStepAudited time.Duration
	// AuditLoad is what loading the eBPF programs took (once per
	// process); AuditAttach attaching them to a first cgroup, AuditDetach
	// detaching them after the last.
	AuditLoad, AuditAttach, AuditDetach time.Duration
}

// MeasureSandbox measures the costs of confinement; planPath is
// gather-report.rtfs. A kernel without the mechanisms is an error.
func MeasureSandbox(planPath string, rounds int) (SandboxCosts, error) {
	var c SandboxCosts
	if err := sandbox.Ready(); err != nil {
		return c, err
	}
	dir, err := os.MkdirTemp("", "rtfs-bench-sandbox")
	if err != nil {
		return c, err
	}
	defer os.RemoveAll(dir)
	reg, err := caps.BuiltinRegistry()
	if err != nil {
		return c, err
	}
	profile := host.ProfileFor(0, host.Reach{Step: "bench", Capabilities: []string{"ccos.io.file-exists"}, Effects: []host.Effect{host.EffectFSRead}},
		host.Grants{FSRead: []string{dir}})
	conf := sandbox.For(profile, reg, sandbox.Options{})
	var starts []time.Duration
	for range rounds {
		start := time.Now()
		w, err := worker.Start(context.Background(), conf.Setup, conf.Options)
		if err != nil {
			return c, err
		}
		starts = append(starts, time.Since(start))
		w.Kill()
	}
	c.WorkerStart = medianDuration(starts)
	if c.PooledStart, err = pooledStart(conf, rounds); err != nil {
		return c, err
	}
	w, err := worker.Start(context.Background(), conf.Setup, conf.Options)
	if err != nil {
		return c, err
	}
	defer w.Kill()
	args := []value.Value{value.MapFromEntries([]value.MapEntry{{Key: value.Kw("path"), Val: value.String(dir)}})}
	var trips []time.Duration
	for range 200 * rounds {
		start := time.Now()
		if _, err := w.Call(context.Background(), "ccos.io.file-exists", args, nil); err != nil {
			return c, err
		}
		trips = append(trips, time.Since(start))
	}
	c.RoundTrip = medianDuration(trips)
	if c.GatherConfined, c.GatherUnconfined, c.GatherAudited, err = gather(planPath, dir, rounds); err != nil {
		return c, err
	}
	if err := sandbox.AuditReady(); err != nil {
		return c, nil
	}
	if c.HeavyStep, c.HeavyStepAudited, err = heavyStep(rounds); err != nil {
		return c, err
	}
	c.AuditLoad, c.AuditAttach, c.AuditDetach, err = auditSetup(w.Cgroups.V2, rounds)
	return c, err
}

// pooledStart times starts from a pool that has had the time to spawn the
// next worker, as it has between a plan's steps.
func pooledStart(conf sandbox.Confinement, rounds int) (time.Duration, error) {
	pool := worker.NewPool()
	defer pool.Close()
	var starts []time.Duration
	for i := range rounds + 1 {
		time.Sleep(20 * time.Millisecond) // the spawn in the background
		start := time.Now()
		w, err := pool.Start(context.Background(), conf.Setup, conf.Options)
		if err != nil {
			return 0, err
		}
		if i > 0 { // the first start found the pool empty
			starts = append(starts, time.Since(start))
		}
		w.Kill()
	}
	return medianDuration(starts), nil
}

// heavyStep times a step running a shell loop of 20,000 writes, plain and
// audited.
func heavyStep(rounds int) (plain, audited time.Duration, err error) {
	prog, err := rtfs.Compile("heavy.rtfs", []byte(`(step "heavy" (:exit (call :ccos.system.execute
  {:cmd "/bin/sh" :args ["-c" "i=0; while [ $i -lt 20000 ]; do echo x; i=$((i+1)); done >/dev/null"]})))`))
	if err != nil {
		return 0, 0, err
	}
	opts := rtfs.Options{Context: rtfs.Context{Level: rtfs.Full}, Stdout: io.Discard, Stderr: io.Discard}
	var times [2][]time.Duration
	for i := range 2 * rounds {
		o := opts
		o.Audit = i%2 == 1
		start := time.Now()
		if _, err := prog.Run(context.Background(), o); err != nil {
			return 0, 0, fmt.Errorf("heavy step (audited %v): %w", o.Audit, err)
		}
		times[i%2] = append(times[i%2], time.Since(start))
	}
	return medianDuration(times[0]), medianDuration(times[1]), nil
}

// auditSetup is the audit's load time and the median times to attach it
// to a cgroup and to detach it again.
func auditSetup(cgroup string, rounds int) (load, attach, detach time.Duration, err error) {
	a, err := audit.Open()
	if err != nil {
		return 0, 0, 0, err
	}
	// A detach is finished only once the kernel's tracepoint users have
	// drained, which an attach right after it waits for: each attach here
	// follows a pause, as a run's first does.
	var attaches, detaches []time.Duration
	for range rounds {
		time.Sleep(50 * time.Millisecond)
		start := time.Now()
		w, err := a.Watch(cgroup)
		if err != nil {
			return 0, 0, 0, err
		}
		attaches = append(attaches, time.Since(start))
		start = time.Now()
		w.Close()
		detaches = append(detaches, time.Since(start))
	}
	return a.LoadTime, medianDuration(attaches), medianDuration(detaches), nil
}

func gather(planPath, dir string, rounds int) (confined, unconfined, audited time.Duration, err error) {
	src, err := os.ReadFile(planPath)
	if err != nil {
		return 0, 0, 0, err
	}
	prog, err := rtfs.Compile(planPath, src)
	if err != nil {
		return 0, 0, 0, err
	}
	input := filepath.Join(dir, "input.txt")
	if err := os.WriteFile(input, []byte("five words in this file"), 0o644); err != nil {
		return 0, 0, 0, err
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "doc") }))
	defer srv.Close()
	opts := rtfs.Options{
		Context: rtfs.Context{Level: rtfs.Controlled, Allow: []string{"ccos.io.read-file", "ccos.network.http-fetch", "ccos.system.execute"},
			Params: map[string]value.Value{"input-path": value.String(input), "doc-url": value.String(srv.URL + "/doc")}},
		Grants: rtfs.Grants{FSRead: []string{dir}, NetAllow: []string{"127.0.0.1"}},
		Stdout: io.Discard, Stderr: &bytes.Buffer{},
	}
	var times [3][]time.Duration
	for i := range 3 * rounds {
		o := opts
		o.Unconfined, o.Audit = i%3 == 1, i%3 == 2
		if o.Audit && sandbox.AuditReady() != nil {
			continue
		}
		start := time.Now()
		if _, err := prog.Run(context.Background(), o); err != nil {
			return 0, 0, 0, fmt.Errorf("gather plan (unconfined %v, audited %v): %w", o.Unconfined, o.Audit, err)
		}
		times[i%3] = append(times[i%3], time.Since(start))
	}
	if len(times[2]) == 0 {
		times[2] = []time.Duration{0}
	}
	return medianDuration(times[0]), medianDuration(times[1]), medianDuration(times[2]), nil
}

func medianDuration(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
