package rtfs

import (
	"context"
	"fmt"
	"slices"

	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/codegen"
	"github.com/rtfs-go/rtfs/compiler/effects"
	"github.com/rtfs-go/rtfs/compiler/parse"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/caps"
	"github.com/rtfs-go/rtfs/interp"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
	"github.com/rtfs-go/rtfs/vm"
)

// Session runs inputs one after another as one plan, on the interpreter,
// the VM or WASM: what an input defines (def, defn, defstruct, defmacro),
// the inputs after it see, and the host, its workers and the chain are the
// session's. It is what rtfsvm repl runs. Each input gets the pre-flight
// check, the step profiles and the limits a program run gets; an error
// ends the input, not the session. On the VM, each input compiles to a
// module that continues the one before (codegen.Options.Base), so the
// functions defined earlier run on with their globals.
type Session struct {
	opts    Options
	reg     *host.Registry
	grants  host.Grants
	rc      *host.RuntimeContext
	host    *caps.PlanHost
	close   func()
	engine  Engine
	interp  *interp.Session
	vm      vmSession
	macros  []*syntax.Form // the defmacro forms entered so far, for the inputs after them
	started context.Context
}

// vmSession is what a session on the VM keeps from one input to the next:
// the module the last one compiled to, its globals, and the profiles of
// its steps (by step index).
type vmSession struct {
	module   *isa.Module
	globals  vm.Globals
	profiles []*StepProfile
}

// NewSession starts a session with opts, on opts.Engine (the interpreter
// when unset; Resume and the replay options do not apply: a session runs
// live).
func NewSession(opts Options) (*Session, error) {
	engine := opts.Engine
	switch engine {
	case "":
		engine = Interp
	case Interp, VM, WASM:
	default:
		return nil, fmt.Errorf("unknown engine %q (available: vm, wasm, interp)", engine)
	}
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
		engine: engine, started: context.Background()}
	s.interp = interp.NewSession(interp.Options{Host: h, Context: s.rc, MaxDepth: opts.Limits.MaxDepth,
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
	var (
		v   Value
		err error
	)
	if s.engine == Interp {
		v, err = s.interp.Eval(ctx, prog, profiles)
	} else {
		v, err = s.evalVM(ctx, prog, reach.StepTable(), profiles)
	}
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

// evalVM compiles prog as the continuation of the session's module and
// runs it on the VM (or WASM) with the session's globals.
func (s *Session) evalVM(ctx context.Context, prog *ast.Program, reach []isa.Reach, profiles []*StepProfile) (Value, error) {
	var warnings []*Error
	m, err := codegen.CompileWith(prog, codegen.Options{Reach: reach, Base: s.vm.module,
		Warn: func(w *value.Error) { warnings = append(warnings, w) }})
	if err != nil {
		return value.Nil, err
	}
	s.vm.module = m
	s.vm.profiles = append(s.vm.profiles, profiles...)
	v, err := vm.Run(ctx, m, vm.Options{Host: s.host, Context: s.rc, MaxDepth: s.opts.Limits.MaxDepth,
		MaxMemory: s.opts.Limits.MaxMemory, Stdout: s.opts.stdout(), Profiles: s.vm.profiles, Globals: &s.vm.globals,
		WASM: vm.WASMOptions{All: s.engine == WASM, CacheDir: s.opts.wasmCacheDir()}})
	hintFromSource(warnings, err)
	return v, err
}

// Engine is what the session runs on.
func (s *Session) Engine() Engine { return s.engine }

// Defined reports whether an input has defined anything yet.
func (s *Session) Defined() bool {
	return len(s.macros) > 0 || s.interp.Defined() || slices.Contains(s.vm.globals.Defined, true)
}

// SetEngine makes the inputs that follow run on e. Definitions do not
// cross engines, so only a session that has defined nothing may switch.
func (s *Session) SetEngine(e Engine) error {
	switch {
	case e != Interp && e != VM && e != WASM:
		return fmt.Errorf("unknown engine %q (available: vm, wasm, interp)", e)
	case e == s.engine:
		return nil
	case (e == Interp) != (s.engine == Interp) && s.Defined():
		return fmt.Errorf("the session has definitions on %s, which %s does not see: start a new session with --engine %s", s.engine, e, e)
	}
	s.engine = e
	return nil
}

// Close ends the session's plan and its workers.
func (s *Session) Close() {
	s.host.CompletePlan(s.started, value.Nil)
	s.close()
}
