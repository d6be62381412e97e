package rtfs

import (
	"context"
	"fmt"

	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/compiler/effects"
	"github.com/rtfs-go/rtfs/compiler/parse"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/caps"
	"github.com/rtfs-go/rtfs/interp"
	"github.com/rtfs-go/rtfs/value"
)

// Session runs inputs one after another as one plan, on the interpreter:
// what an input defines (def, defn, defstruct, defmacro), the inputs after
// it see, and the host, its workers and the chain are the session's. It is
// what rtfsvm repl runs. Each input gets the pre-flight check, the step
// profiles and the limits a program run gets; an error ends the input,
// not the session.
type Session struct {
	opts    Options
	reg     *host.Registry
	grants  host.Grants
	rc      *host.RuntimeContext
	host    *caps.PlanHost
	close   func()
	engine  *interp.Session
	macros  []*syntax.Form // the defmacro forms entered so far, for the inputs after them
	started context.Context
}

// NewSession starts a session with opts (Engine, Resume and the
// replay options do not apply: a session runs on the interpreter, live).
func NewSession(opts Options) (*Session, error) {
	reg, err := opts.registry()
	if err != nil {
		return nil, err
	}
	grants := opts.grants()
	// The code outside steps may call whatever the grants and the runtime
	// context allow: inputs are not known in advance.
	var every host.Reach
	for _, c := range reg.List() {
		every.Capabilities = append(every.Capabilities, c.ID)
	}
	h, closeHost, err := newPlanHost(opts, reg, host.PlanProfile(reg.Reach(every), grants), "", nil)
	if err != nil {
		return nil, err
	}
	s := &Session{opts: opts, reg: reg, grants: grants, rc: opts.Context.runtime(), host: h, close: closeHost,
		started: context.Background()}
	s.engine = interp.NewSession(interp.Options{Host: h, Context: s.rc, MaxDepth: opts.Limits.MaxDepth,
		MaxMemory: opts.Limits.MaxMemory, Stdout: opts.stdout()})
	h.StartPlan(s.started, "<session>")
	return s, nil
}

// Eval runs src, the input called name, and returns the value of its last
// form. A syntax error is a *compiler.Errors, as Compile's.
func (s *Session) Eval(ctx context.Context, name string, src []byte) (Value, error) {
	forms, errs := syntax.Read(name, src)
	if len(errs) > 0 {
		return value.Nil, &compiler.Errors{Src: src, List: errs}
	}
	prog, errs := parse.BuildForms(name, append(append([]*syntax.Form(nil), s.macros...), forms...))
	if len(errs) > 0 {
		return value.Nil, &compiler.Errors{Src: src, List: errs}
	}
	reach := effects.Analyze(prog)
	steps, top := resolveReach(s.reg, reach.Steps, reach.TopLevel)
	profiles := profilesOf(steps, s.grants)
	plan := host.PlanProfile(top, s.grants)
	if !s.opts.NoPreflight {
		if err := preflight(s.reg, s.rc, append(profiles, plan), s.opts); err != nil {
			s.host.RecordViolation(ctx, "", err)
			return value.Nil, err
		}
	}
	for _, p := range profiles {
		if err := s.host.RecordStepProfile(ctx, p); err != nil {
			return value.Nil, err
		}
	}
	if s.opts.Limits.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opts.Limits.Timeout)
		defer cancel()
	}
	v, err := s.engine.Eval(ctx, prog, profiles)
	if err == nil {
		for _, f := range forms {
			if f.Kind == syntax.FList && len(f.Elems) > 0 && f.Elems[0].IsSymbol("defmacro") {
				s.macros = append(s.macros, f)
			}
		}
	}
	if herr := s.host.Err(); herr != nil {
		return value.Nil, fmt.Errorf("causal chain: %w", herr)
	}
	return v, err
}

// Close ends the session's plan and its workers.
func (s *Session) Close() {
	s.host.CompletePlan(s.started, value.Nil)
	s.close()
}
