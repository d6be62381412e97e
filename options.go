package rtfs

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/caps"
	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/value"
)

// Options configure one run. The zero value runs on the VM in a pure
// context: every capability call is a SecurityViolation.
type Options struct {
	Engine  Engine
	Context Context
	Grants  Grants
	Limits  Limits
	// Chain receives the causal chain (chain.OpenFile, chain.NewWriter);
	// nil records nothing.
	Chain *chain.Writer
	// Resume holds the records of a recorded run (chain.LastRun) whose
	// completed capability calls this run replays instead of making them
	// again; RetryInterrupted runs again a call the record shows started
	// but never completed, which is otherwise refused.
	Resume           []chain.Record
	RetryInterrupted bool
	// NoRedact records the sensitive arguments and results of capability
	// calls in the chain as they are, instead of their digest (for
	// debugging; the chain says so).
	NoRedact bool
	// Stdout receives println output, Stderr ccos.io.log lines and
	// warnings; nil means the process's own.
	Stdout, Stderr io.Writer
	// Capabilities are Go functions the plan may call, beside the built-in
	// capabilities and those of Manifest.
	Capabilities []Capability
	// Manifest is the path of a JSON manifest of external capabilities
	// (programs); "" for none.
	Manifest string
	// Unconfined runs the capabilities that touch the OS in this process,
	// without a sandbox: announced on Stderr and recorded in the chain.
	Unconfined bool
	// NoPreflight defers the refusals the pre-flight would make to the
	// calls themselves.
	NoPreflight bool
	// SeccompStrict kills a worker on a system call outside its allow-list
	// instead of failing the call with EPERM.
	SeccompStrict bool
	// SyscallProfile replaces, for the steps it names, the syscall groups
	// of the profile by exactly the calls listed (a profile recorded from
	// a real run).
	SyscallProfile map[string][]string
	// Audit records what every step's workers do to the kernel (an eBPF
	// syscall audit in the chain), not only the steps whose profile asks
	// for it (sandboxed ones). NoAudit runs every step unaudited, which the
	// chain records.
	Audit, NoAudit bool
	// WASMCache is the directory that keeps compiled WASM code between
	// runs ("": os.UserCacheDir()/rtfs/wasm; "off": none beyond the
	// process).
	WASMCache string
}

// Engine names what runs a program.
type Engine string

// The engines.
const (
	VM     Engine = "vm"     // the bytecode VM (the default); sandboxed steps run in WASM
	WASM   Engine = "wasm"   // the whole program compiled to WASM and run under wazero
	Interp Engine = "interp" // the reference interpreter; source programs only
)

// Level is how much of the host a run may use.
type Level = host.Level

// The levels of a runtime context.
const (
	Pure       = host.Pure       // no capability at all (the default)
	Controlled = host.Controlled // the capabilities of Context.Allow
	Full       = host.Full       // every capability
)

// Isolation is the isolation level a step runs at.
type Isolation = host.Isolation

// The isolation levels.
const (
	Inherit   = host.Inherit
	Isolated  = host.Isolated
	Sandboxed = host.Sandboxed
)

// Context is the runtime context of a run.
type Context struct {
	Level Level
	// Allow are the capability ids a Controlled context allows.
	Allow []string
	// Isolation are the levels steps may run at; nil allows all.
	Isolation []Isolation
	// Params are cross-plan parameters: the last fallback of symbol
	// resolution.
	Params map[string]Value
}

func (c Context) runtime() *host.RuntimeContext {
	rc := host.NewContext(c.Level, c.Allow...)
	if c.Isolation != nil {
		rc.DeniedIsolation = map[host.Isolation]bool{host.Inherit: true, host.Isolated: true, host.Sandboxed: true}
		for _, l := range c.Isolation {
			delete(rc.DeniedIsolation, l)
		}
	}
	rc.CrossPlanParams = c.Params
	return rc
}

// Grants are what steps may touch.
type Grants struct {
	// NetAllow are the hosts steps may reach: exact names or "*.suffix".
	NetAllow []string
	// FSRead are directories steps may read; FSWrite directories they may
	// read and write. Paths should be absolute.
	FSRead, FSWrite []string
}

// Limits bound a run; zero means none (MaxDepth: the default of 10,000).
type Limits struct {
	// Timeout stops the run after this long; it also caps every step's
	// time limit.
	Timeout time.Duration
	// MaxMemory stops the run with MemoryExceeded when the heap nears this
	// many bytes; it also caps every step's memory limit.
	MaxMemory int64
	// MaxDepth bounds the nesting of non-tail closure calls
	// (StackOverflow beyond).
	MaxDepth int
}

func (o *Options) grants() host.Grants {
	return host.Grants{Context: o.Context.runtime(), NetAllow: o.Grants.NetAllow, FSRead: o.Grants.FSRead, FSWrite: o.Grants.FSWrite,
		MaxExecutionTime: o.Limits.Timeout, MaxMemoryBytes: o.Limits.MaxMemory}
}

// Validate checks what can be checked before a run: that the manifest
// loads and the capabilities are well formed, with unique ids.
func (o *Options) Validate() error {
	_, err := o.registry()
	return err
}

// registry is every capability the run declares.
func (o *Options) registry() (*host.Registry, error) {
	var user []host.Capability
	if o.Manifest != "" {
		loaded, err := caps.LoadManifest(o.Manifest)
		if err != nil {
			return nil, err
		}
		user = loaded
	}
	for _, c := range o.Capabilities {
		if c.Func == nil {
			return nil, fmt.Errorf("capability %s has no Func", c.ID)
		}
		user = append(user, c.host())
	}
	return caps.BuiltinRegistry(user...)
}

// Effect is one kind of effect a capability may have on the world.
type Effect = host.Effect

// The effects a capability may declare.
const (
	EffectNetwork = host.EffectNetwork
	EffectFSRead  = host.EffectFSRead
	EffectFSWrite = host.EffectFSWrite
	EffectExec    = host.EffectExec
	EffectEnv     = host.EffectEnv
	EffectClock   = host.EffectClock
	EffectRandom  = host.EffectRandom
)

// Capability is a Go function a plan calls with `(call :ID args...)`.
// Effects declares what it does to the world: a step's profile is derived
// from the effects of the capabilities it reaches, so a function that
// reads files must say EffectFSRead. Func receives the arguments as
// evaluated; its error becomes a catchable RTFS error (a *Error keeps its
// kind, anything else is Generic).
type Capability struct {
	ID          string
	Description string
	Effects     []Effect
	Func        func(ctx context.Context, args []Value) (Value, error)
}

func (c Capability) host() host.Capability {
	return host.Capability{ID: c.ID, Description: c.Description, Effects: c.Effects, Signature: host.Positional(0, -1),
		Run: func(ctx context.Context, _ *host.CallContext, args []value.Value) (value.Value, error) {
			return c.Func(ctx, args)
		}}
}
