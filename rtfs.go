// Package rtfs runs RTFS plans from Go programs.
//
// A plan is compiled from source (Compile) or loaded from a verified .rtfsb
// module (Load), then run (Program.Run) on one of the engines: the bytecode
// VM (the default) or the reference interpreter. Every run goes through
// the same life cycle whichever engine runs it: the capabilities the run
// declares (the built-ins, a JSON manifest, Go functions registered as
// Capability values), the runtime context and grants that say what steps
// may touch, the profile each step gets from what it reaches under those
// grants, limits on time, memory and call depth, and the causal chain that
// records every step and every capability call.
//
//	prog, err := rtfs.Compile("plan.rtfs", src)
//	...
//	v, err := prog.Run(ctx, rtfs.Options{
//		Context: rtfs.Context{Level: rtfs.Controlled, Allow: []string{"ccos.io.read-file"}},
//		Grants:  rtfs.Grants{FSRead: []string{"/data"}},
//		Limits:  rtfs.Limits{Timeout: 10 * time.Second},
//	})
//
// Errors a plan raises are *Error values carrying their kind (§6 of
// doc/language.md) and position; syntax errors come back together as one
// *compiler.Errors that renders each with its line and a caret.
package rtfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"

	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	cw "github.com/rtfs-go/rtfs/compiler/wasm"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/caps"
	"github.com/rtfs-go/rtfs/interp"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/sandbox"
	"github.com/rtfs-go/rtfs/sandbox/wasm"
	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
	"github.com/rtfs-go/rtfs/vm"
)

// Value is an RTFS value. Value.Go converts it to a plain Go value;
// ValueOf converts the other way.
type Value = value.Value

// Error is an error an RTFS program raised: its Kind (TypeError,
// SecurityViolation, ...), message and position.
type Error = value.Error

// Keyword is a keyword as a Go value: Value.Go gives one for `:name`, and
// ValueOf takes one.
type Keyword = value.Keyword

// ValueOf converts a Go value to an RTFS value: nil, booleans, integers,
// floats, strings, Keywords, slices and maps (keyed by strings, Keywords
// or integers) of those, and Values themselves.
func ValueOf(x any) (Value, error) { return value.FromGo(x) }

// StepProfile is the security profile a run gives a step.
type StepProfile = host.StepProfile

// Program is a compiled plan, ready to run any number of times.
type Program struct {
	name   string
	prog   *ast.Program // nil for a loaded module: the interpreter needs source
	module *isa.Module
	wasm   *cw.Module   // the module's WASM, as rtfsc stored it; nil: compiled when needed
	steps  []host.Reach // what each step reaches, by step index
	top    host.Reach   // what the code outside steps reaches
	// warnings are the compiler's (see Warnings); none for bytecode.
	warnings []*Error
}

// Compile compiles the source src of the file called name. A failure is a
// *compiler.Errors holding every diagnostic.
func Compile(name string, src []byte) (*Program, error) {
	return CompileWith(name, src, CompileOptions{})
}

// CompileOptions bound a compilation.
type CompileOptions struct {
	// MaxSourceBytes is the largest source accepted; 0 means 16 MiB.
	MaxSourceBytes int64
}

// CompileWith is Compile under opts.
func CompileWith(name string, src []byte, opts CompileOptions) (*Program, error) {
	out, err := compiler.CompileWith(name, src, compiler.Limits{MaxSourceBytes: opts.MaxSourceBytes})
	if err != nil {
		return nil, err
	}
	return fromOutput(out), nil
}

// CompileJSON compiles a program given as the JSON of its forms, as
// rtfsc parse --json writes it: a program generated as data.
func CompileJSON(data []byte) (*Program, error) {
	out, err := compiler.CompileForms(data)
	if err != nil {
		return nil, err
	}
	return fromOutput(out), nil
}

// IsFormsJSON reports whether data is a program as JSON forms (CompileJSON)
// rather than source.
func IsFormsJSON(data []byte) bool { return syntax.IsFormsJSON(data) }

func fromOutput(out *compiler.Output) *Program {
	return &Program{name: out.Program.File, prog: out.Program, module: out.Module, steps: out.Reach.Steps, top: out.Reach.TopLevel,
		warnings: out.Warnings}
}

// Load reads a .rtfsb module and verifies it. What its steps reach is read
// from its step table; the run binds every call to the profile derived
// from it, so the table cannot widen what a step may do.
func Load(rtfsb []byte) (*Program, error) {
	m, err := isa.Decode(rtfsb, stdlib.Has)
	if err != nil {
		return nil, &BadBytecode{Reason: err}
	}
	steps := make([]host.Reach, len(m.Steps))
	for i, s := range m.Steps {
		steps[i] = host.Reach{Step: s.Name, Capabilities: s.Reach.Capabilities, Unresolved: s.Reach.Unresolved}
	}
	top := host.Reach{Capabilities: m.TopLevel.Capabilities, Unresolved: m.TopLevel.Unresolved}
	wasmModule, err := cw.FromSection(m)
	if err != nil {
		return nil, &BadBytecode{Reason: err}
	}
	// The program is its bytecode: with or without its WASM, it has one
	// digest.
	delete(m.Sections, cw.SectionName)
	return &Program{name: m.File, module: m, wasm: wasmModule, steps: steps, top: top}, nil
}

// BadBytecode is the error of Load on a file that is not a valid module.
type BadBytecode struct{ Reason error }

func (e *BadBytecode) Error() string { return "not a valid rtfs bytecode file: " + e.Reason.Error() }

func (e *BadBytecode) Unwrap() error { return e.Reason }

// IsBytecode reports whether data is a .rtfsb container (by its magic,
// whatever the file is called).
func IsBytecode(data []byte) bool { return isa.HasMagic(data) }

// Name is the file the program was compiled from.
func (p *Program) Name() string { return p.name }

// Module is the program's bytecode.
func (p *Program) Module() *isa.Module { return p.module }

// Bytecode encodes the program as a .rtfsb container, with its WASM
// module in a section of its own (compiler/wasm.SectionName).
func (p *Program) Bytecode() ([]byte, error) {
	mod, err := p.WASM()
	if err != nil {
		return nil, err
	}
	m := *p.module
	m.Sections = maps.Clone(m.Sections)
	if m.Sections == nil {
		m.Sections = map[string][]byte{}
	}
	m.Sections[cw.SectionName] = mod.Marshal()
	return isa.Encode(&m)
}

// WASM is the program compiled to WebAssembly (compiler/wasm).
func (p *Program) WASM() (*cw.Module, error) {
	if p.wasm == nil {
		mod, err := cw.Compile(p.module, 0)
		if err != nil {
			return nil, err
		}
		p.wasm = mod
	}
	return p.wasm, nil
}

// Warnings are the calls of a program compiled from source that fail
// whenever they run: a builtin given a wrong number of arguments, a
// literal called as a function. rtfsc check reports them.
func (p *Program) Warnings() []*Error { return p.warnings }

// Undeclared lists the capability calls of the program that no capability
// of opts (the built-ins, Capabilities and Manifest) declares, as "step
// "s" calls ID" or "the top level calls ID": calls that fail whenever they
// run. rtfsc check warns of them.
func (p *Program) Undeclared(opts Options) ([]string, error) {
	reg, err := opts.registry()
	if err != nil {
		return nil, err
	}
	var out []string
	report := func(where string, r host.Reach) {
		for _, id := range r.Capabilities {
			if _, known := reg.Lookup(id); !known {
				out = append(out, fmt.Sprintf("%s calls %s, which no capability declares", where, id))
			}
		}
	}
	for _, r := range p.steps {
		report(fmt.Sprintf("step %q", r.Step), r)
	}
	report("the top level", p.top)
	return out, nil
}

// HasSource reports whether the program was compiled from source here, so
// that the interpreter can run it.
func (p *Program) HasSource() bool { return p.prog != nil }

// Reach is what the program's steps reach, by step index, and what its
// top level reaches, by the declarations of the capabilities of opts.
func (p *Program) Reach(opts Options) (steps []host.Reach, top host.Reach, err error) {
	reg, err := opts.registry()
	if err != nil {
		return nil, host.Reach{}, err
	}
	return p.reach(reg)
}

func (p *Program) reach(reg *host.Registry) ([]host.Reach, host.Reach, error) {
	steps, top := resolveReach(reg, p.steps, p.top)
	return steps, top, nil
}

// resolveReach adds to what steps and the top level reach the effects reg
// declares for their capabilities.
func resolveReach(reg *host.Registry, steps []host.Reach, top host.Reach) ([]host.Reach, host.Reach) {
	out := make([]host.Reach, len(steps))
	for i, r := range steps {
		out[i] = reg.Reach(r)
	}
	return out, reg.Reach(top)
}

// Profiles are the profiles a run with opts gives the steps, by step
// index, and the plan profile of the code outside steps.
func (p *Program) Profiles(opts Options) (steps []*StepProfile, plan *StepProfile, err error) {
	reach, top, err := p.Reach(opts)
	if err != nil {
		return nil, nil, err
	}
	g := opts.grants()
	return profilesOf(reach, g), host.PlanProfile(top, g), nil
}

func profilesOf(reach []host.Reach, g host.Grants) []*StepProfile {
	profiles := make([]*StepProfile, len(reach))
	for i, r := range reach {
		profiles[i] = host.ProfileFor(i, r, g)
	}
	return profiles
}

// Run runs the program with opts and returns the value of its last
// top-level form. A program error is a *Error; the run's own failures
// (an unknown engine, a manifest that does not load, a causal chain that
// cannot be written) are plain errors.
//
// Before anything runs, the pre-flight checks every capability the plan
// can reach against the runtime context and the grants, and refuses a plan
// that would be refused, listing what it lacks (Options.NoPreflight defers
// the refusals to the calls). Capabilities that touch the OS run in
// confined workers (package sandbox) unless Options.Unconfined.
func (p *Program) Run(ctx context.Context, opts Options) (Value, error) {
	engine, err := p.engine(opts.Engine)
	if err != nil {
		return value.Nil, err
	}
	reg, err := opts.registry()
	if err != nil {
		return value.Nil, err
	}
	reach, top, err := p.reach(reg)
	if err != nil {
		return value.Nil, err
	}
	grants := opts.grants()
	profiles := profilesOf(reach, grants)
	plan := host.PlanProfile(top, grants)
	var program string
	if opts.Chain != nil || opts.Resume != nil {
		if program, err = isa.Digest(p.module); err != nil {
			return value.Nil, err
		}
	}
	replay, err := replayOf(opts.Resume, program, opts.RetryInterrupted)
	if err != nil {
		return value.Nil, err
	}
	h, closeHost, err := newPlanHost(opts, reg, plan, program, replay)
	if err != nil {
		return value.Nil, err
	}
	defer closeHost()
	if opts.Limits.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Limits.Timeout)
		defer cancel()
	}
	rc := opts.Context.runtime()
	h.StartPlan(ctx, p.name)
	for _, profile := range append(profiles, plan) {
		if err := h.RecordStepProfile(ctx, profile); err != nil {
			return value.Nil, err
		}
	}
	var result Value
	runErr := error(nil)
	if !opts.NoPreflight {
		if runErr = preflight(reg, rc, append(profiles, plan), opts); runErr != nil {
			h.RecordViolation(ctx, "", runErr)
		}
	}
	if runErr == nil {
		result, runErr = engine(ctx, engineOptions{host: h, context: rc, limits: opts.Limits, stdout: opts.stdout(), profiles: profiles,
			wasmCache: opts.wasmCacheDir()})
		hintFromSource(p.warnings, runErr)
	}
	if runErr != nil {
		h.AbortPlan(ctx, runErr)
	} else {
		h.CompletePlan(ctx, result)
	}
	if herr := h.Err(); herr != nil {
		return value.Nil, fmt.Errorf("causal chain: %w", herr)
	}
	if runErr != nil {
		return value.Nil, runErr
	}
	return result, nil
}

// hintFromSource gives an undefined symbol the hint the compiler warned of
// it with (warnings), when the program was compiled from source here: the
// compiler saw the locals in scope, which the VM's code no longer names.
func hintFromSource(warnings []*Error, err error) {
	var e *value.Error
	if !errors.As(err, &e) || e.Kind != value.UndefinedSymbol {
		return
	}
	for _, w := range warnings {
		if w.Kind == e.Kind && w.Pos == e.Pos && w.Hint != "" {
			e.Hint = w.Hint
			return
		}
	}
}

// newPlanHost makes the host of a run (or session) with opts: its
// confinement (workers, unless Unconfined, which it announces) and its
// plan-level policy plan. The returned function ends the confinement.
func newPlanHost(opts Options, reg *host.Registry, plan *StepProfile, program string, replay *caps.Replay) (*caps.PlanHost, func(), error) {
	stderr := opts.stderr()
	var confinement caps.Confinement
	closeConfinement := func() {}
	if opts.Unconfined {
		fmt.Fprintln(stderr, "warning: --unconfined: capabilities that touch the OS run in this process, without a sandbox")
	} else {
		workers := sandbox.NewWorkers(reg, sandbox.Options{Manifest: opts.Manifest, Strict: opts.SeccompStrict, Syscalls: opts.SyscallProfile,
			Audit: opts.Audit, NoAudit: opts.NoAudit})
		confinement, closeConfinement = workers, workers.Close
	}
	h, err := caps.NewPlanHost(caps.Config{Registry: reg, Policy: *plan, Chain: opts.Chain, Log: stderr,
		Confinement: confinement, Unconfined: opts.Unconfined, NoAudit: opts.NoAudit, Program: program, Replay: replay, NoRedact: opts.NoRedact})
	if err != nil {
		closeConfinement()
		return nil, nil, err
	}
	return h, closeConfinement, nil
}

type engineOptions struct {
	host     host.Host
	context  *host.RuntimeContext
	limits   Limits
	stdout   io.Writer
	profiles []*StepProfile
	// wasmCache is the directory of compiled WASM code, "" for none.
	wasmCache string
}

// engine returns the function running the program on the named engine.
func (p *Program) engine(e Engine) (func(context.Context, engineOptions) (Value, error), error) {
	switch e {
	case VM, WASM, "":
		return func(ctx context.Context, o engineOptions) (Value, error) {
			return vm.Run(ctx, p.module, vm.Options{Host: o.host, Context: o.context, MaxDepth: o.limits.MaxDepth,
				MaxMemory: o.limits.MaxMemory, Stdout: o.stdout, Profiles: o.profiles,
				WASM: vm.WASMOptions{All: e == WASM, Module: p.wasm, CacheDir: o.wasmCache}})
		}, nil
	case Interp:
		if p.prog == nil {
			return nil, errors.New("the interpreter runs source programs; use the vm engine for bytecode")
		}
		return func(ctx context.Context, o engineOptions) (Value, error) {
			return interp.Run(ctx, p.prog, interp.Options{Host: o.host, Context: o.context, MaxDepth: o.limits.MaxDepth,
				MaxMemory: o.limits.MaxMemory, Stdout: o.stdout, Profiles: o.profiles})
		}, nil
	}
	return nil, fmt.Errorf("unknown engine %q (available: vm, wasm, interp)", e)
}

// wasmCacheDir is the directory of compiled WASM code the run uses.
func (o *Options) wasmCacheDir() string {
	switch o.WASMCache {
	case "off":
		return ""
	case "":
		return wasm.DefaultCacheDir()
	}
	return o.WASMCache
}

func (o *Options) stdout() io.Writer {
	if o.Stdout == nil {
		return os.Stdout
	}
	return o.Stdout
}

func (o *Options) stderr() io.Writer {
	if o.Stderr == nil {
		return os.Stderr
	}
	return o.Stderr
}
