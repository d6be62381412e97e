package sandbox

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sync"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/sandbox/audit"
	"github.com/rtfs-go/rtfs/sandbox/worker"
	"github.com/rtfs-go/rtfs/value"
)

// Workers runs capability calls in confined workers, one per scope (a
// step's execution, or the plan outside steps): it implements
// caps.Confinement.
type Workers struct {
	registry *host.Registry
	opts     Options
	pool     *worker.Pool // so that a step's worker is usually started already

	mu     sync.Mutex
	scopes map[string]*scope
	closed bool
	// held is the auditor kept attached for the rest of the run once a
	// first step was audited.
	held *audit.Auditor
}

// scope is the worker of one step execution, started at its first call.
type scope struct {
	once    sync.Once
	worker  *worker.Worker
	watch   *audit.Watch // nil when the step is not audited
	err     error
	conf    Confinement
	profile *host.StepProfile
	// mu keeps one call at a time between the audit's two readings, so
	// that what the worker did is the call's.
	mu sync.Mutex
}

// NewWorkers makes the confinement of a run whose capabilities reg
// declares.
func NewWorkers(reg *host.Registry, opts Options) *Workers {
	return &Workers{registry: reg, opts: opts, pool: worker.NewPool(), scopes: map[string]*scope{}}
}

// Call implements caps.Confinement.
func (ws *Workers) Call(ctx context.Context, scopeID string, call *host.CallContext, c *host.Capability, args []value.Value) (value.Value, *chain.Placement, error) {
	s, err := ws.scope(scopeID, call.Policy)
	if err != nil {
		return value.Nil, nil, err
	}
	s.once.Do(func() { ws.start(ctx, s) })
	if s.err != nil {
		return value.Nil, nil, call.Violation("%s must run in a confined worker, which could not start: %v", c.ID, s.err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watch != nil {
		// What the worker did before this call (starting, earlier calls
		// already reported) is not this call's.
		if _, err := s.watch.Collect(); err != nil {
			return value.Nil, nil, value.Errorf(value.Generic, "%s: the syscall audit failed: %v", c.ID, err)
		}
	}
	digest, rules := s.conf.Rules()
	where := &chain.Placement{Pid: s.worker.Pid, Cgroup: s.worker.Cgroups.V2, Digest: digest, Rules: rules}
	resolved, err := resolve(ctx, call, c.ID, args)
	if err != nil {
		return value.Nil, where, value.Errorf(value.Generic, "%s: %v", c.ID, err)
	}
	v, err := s.worker.Call(ctx, c.ID, args, resolved)
	if s.watch != nil {
		report, aerr := s.watch.Collect()
		if aerr != nil {
			return value.Nil, where, value.Errorf(value.Generic, "%s: the syscall audit failed: %v", c.ID, aerr)
		}
		where.Audit = &report
	}
	switch {
	case s.worker.Cgroups.OOMKilled():
		// Something in the worker passed the step's memory limit and the
		// kernel killed it: the step is out of memory, whatever the call
		// itself made of the killed process.
		ws.End(scopeID)
		return value.Nil, where, value.Errorf(value.MemoryExceeded,
			"Memory limit exceeded: %s passed the step's limit of %d MiB in its worker (the kernel's memory cgroup killed it)", c.ID, s.profile.ResourceLimits.MaxMemoryBytes>>20)
	case err != nil && ctx.Err() != nil:
		return value.Nil, where, rt.TimeoutError(context.Cause(ctx))
	}
	return v, where, err
}

// scope returns the scope of id, made for profile at the first call. A
// scope keeps the profile it was made for: workers are never shared
// between profiles.
func (ws *Workers) scope(id string, profile *host.StepProfile) (*scope, error) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.closed {
		return nil, value.Errorf(value.Generic, "the plan has ended: no more capability calls")
	}
	s := ws.scopes[id]
	if s == nil || s.profile != profile {
		if s != nil {
			go s.kill()
		}
		s = &scope{profile: profile}
		ws.scopes[id] = s
	}
	return s, nil
}

// start starts the scope's worker and, when its step is audited, the
// audit of the worker's cgroup.
func (ws *Workers) start(ctx context.Context, s *scope) {
	s.conf = For(s.profile, ws.registry, ws.opts)
	audited := (ws.opts.Audit || s.profile.SecurityFlags.LogSyscalls) && !ws.opts.NoAudit
	if audited {
		if s.err = AuditReady(); s.err != nil {
			s.err = fmt.Errorf("its step is audited and %v; run with --no-audit to accept running it without the audit", s.err)
			return
		}
	}
	if s.worker, s.err = ws.pool.Start(ctx, s.conf.Setup, s.conf.Options); s.err != nil || !audited {
		return
	}
	a, err := audit.Open()
	if err == nil {
		err = ws.hold(a)
	}
	if err == nil {
		s.watch, err = a.Watch(s.worker.Cgroups.V2)
	}
	if err != nil {
		s.worker.Kill()
		s.err = fmt.Errorf("its step is audited and the syscall audit could not start: %v; run with --no-audit to accept running it without the audit", err)
	}
}

func (s *scope) kill() {
	s.once.Do(func() {}) // a scope never started stays unstarted
	if s.watch != nil {
		s.watch.Close()
	}
	if s.worker != nil {
		s.worker.Kill()
	}
}

// End implements caps.Confinement.
func (ws *Workers) End(id string) {
	ws.mu.Lock()
	s := ws.scopes[id]
	delete(ws.scopes, id)
	ws.mu.Unlock()
	if s != nil {
		s.kill()
	}
}

// hold keeps a attached until the run's end.
func (ws *Workers) hold(a *audit.Auditor) error {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.held != nil {
		return nil
	}
	if err := a.Hold(); err != nil {
		return err
	}
	ws.held = a
	return nil
}

// Close implements caps.Confinement.
func (ws *Workers) Close() {
	ws.mu.Lock()
	scopes, held := ws.scopes, ws.held
	ws.scopes, ws.closed, ws.held = map[string]*scope{}, true, nil
	ws.mu.Unlock()
	for _, s := range scopes {
		s.kill()
	}
	ws.pool.Close()
	if held != nil {
		held.Release()
	}
}

// resolve resolves, here in the plan host, the host name an HTTP fetch
// names, so that the worker connects only to the addresses the policy's
// name check let through (the worker itself resolves nothing).
func resolve(ctx context.Context, call *host.CallContext, id string, args []value.Value) (map[string][]string, error) {
	if id != "ccos.network.http-fetch" || len(args) != 1 || args[0].Kind() != value.KMap {
		return nil, nil
	}
	raw, ok := host.OptionsMap{M: args[0].AsMap()}.Get("url")
	if !ok || raw.Kind() != value.KString {
		return nil, nil
	}
	u, err := url.Parse(raw.AsString())
	if err != nil || u.Hostname() == "" || net.ParseIP(u.Hostname()) != nil {
		return map[string][]string{}, nil
	}
	// A name the policy refuses is not looked up at all: the query itself
	// would reach the network.
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443"}[u.Scheme]
		if port == "" {
			port = "80"
		}
	}
	if err := call.CheckHost(u.Hostname(), port); err != nil {
		return map[string][]string{}, nil
	}
	addrs, err := net.DefaultResolver.LookupHost(ctx, u.Hostname())
	if err != nil {
		return nil, err
	}
	return map[string][]string{u.Hostname(): addrs}, nil
}
