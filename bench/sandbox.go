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
	"github.com/rtfs-go/rtfs/sandbox/worker"
	"github.com/rtfs-go/rtfs/value"
)

// SandboxCosts are what confinement costs, each a median.
type SandboxCosts struct {
	WorkerStart time.Duration // start a confined worker, until it is ready, and kill it
	RoundTrip   time.Duration // one capability call to a running worker (ccos.io.file-exists)
	// The gather plan of testdata/plans, run confined and with
	// --unconfined, interleaved.
	GatherConfined, GatherUnconfined time.Duration
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
	c.GatherConfined, c.GatherUnconfined, err = gather(planPath, dir, rounds)
	return c, err
}

func gather(planPath, dir string, rounds int) (confined, unconfined time.Duration, err error) {
	src, err := os.ReadFile(planPath)
	if err != nil {
		return 0, 0, err
	}
	prog, err := rtfs.Compile(planPath, src)
	if err != nil {
		return 0, 0, err
	}
	input := filepath.Join(dir, "input.txt")
	if err := os.WriteFile(input, []byte("five words in this file"), 0o644); err != nil {
		return 0, 0, err
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "doc") }))
	defer srv.Close()
	opts := rtfs.Options{
		Context: rtfs.Context{Level: rtfs.Controlled, Allow: []string{"ccos.io.read-file", "ccos.network.http-fetch", "ccos.system.execute"},
			Params: map[string]value.Value{"input-path": value.String(input), "doc-url": value.String(srv.URL + "/doc")}},
		Grants: rtfs.Grants{FSRead: []string{dir}, NetAllow: []string{"127.0.0.1"}},
		Stdout: io.Discard, Stderr: &bytes.Buffer{},
	}
	var times [2][]time.Duration
	for i := range 2 * rounds {
		o := opts
		o.Unconfined = i%2 == 1
		start := time.Now()
		if _, err := prog.Run(context.Background(), o); err != nil {
			return 0, 0, fmt.Errorf("gather plan (unconfined %v): %w", o.Unconfined, err)
		}
		times[i%2] = append(times[i%2], time.Since(start))
	}
	return medianDuration(times[0]), medianDuration(times[1]), nil
}

func medianDuration(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
