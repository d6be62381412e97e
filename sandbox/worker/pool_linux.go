package worker

import (
	"context"
	"strings"
	"sync"
)

// Pool starts workers ahead of need. Most of a worker's start is the exec
// of this binary and the Go runtime's start in it, which do not depend on
// the profile the worker will be confined by; only its namespaces and
// environment are fixed at the clone. So once a worker with given options
// is taken, the pool spawns the next one with the same options in the
// background, already moved into its v1 cgroups (the slow part of a
// start), and the next Start with those options only confines it: cgroup
// limits, then the setup the worker applies to itself. An idle worker
// runs nothing but the wait for its setup, without limits yet.
type Pool struct {
	mu     sync.Mutex
	idle   map[string]*Worker // by spawnKey, at most one each
	closed bool
	spawns sync.WaitGroup
}

// NewPool makes an empty pool.
func NewPool() *Pool { return &Pool{idle: map[string]*Worker{}} }

// spawnKey is what a pooled worker must have been spawned with to serve
// opts.
func spawnKey(opts Options) string {
	network := "net"
	if opts.NewNetwork {
		network = "nonet"
	}
	return network + "\x00" + strings.Join(opts.Env, "\x00")
}

// Start is worker.Start, from an idle worker when one was spawned with the
// same namespaces and environment.
func (p *Pool) Start(ctx context.Context, setup Setup, opts Options) (*Worker, error) {
	key := spawnKey(opts)
	p.mu.Lock()
	w := p.idle[key]
	delete(p.idle, key)
	closed := p.closed
	if !closed {
		p.spawns.Add(1) // under the lock, so that Close's Wait sees it
	}
	p.mu.Unlock()
	if closed {
		return Start(ctx, setup, opts)
	}
	go p.refill(key, opts)
	if w != nil && w.alive() {
		if err := w.confine(ctx, setup, opts); err == nil {
			return w, nil
		}
	}
	return Start(ctx, setup, opts)
}

// refill spawns the idle worker for key; Start has counted it in spawns.
func (p *Pool) refill(key string, opts Options) {
	defer p.spawns.Done()
	w, err := spawn(opts)
	if err == nil {
		var h Hierarchies
		if h, err = FindHierarchies(); err == nil {
			err = w.Cgroups.prepare(h, w.Pid, Limits{}, true)
		}
		if err != nil {
			w.Kill()
		}
	}
	if err != nil {
		return // the next Start spawns its own, and reports why it cannot
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.idle[key] != nil {
		w.Kill()
		return
	}
	p.idle[key] = w
}

// Close kills the idle workers, and those still being spawned, and makes
// every later Start a plain one.
func (p *Pool) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.spawns.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	for key, w := range p.idle {
		w.Kill()
		delete(p.idle, key)
	}
}

// alive reports whether the worker is still running and never killed.
func (w *Worker) alive() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case <-w.killed:
		return false
	default:
	}
	return w.dead == nil
}
