package host

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/rtfs-go/rtfs/value"
)

// A Capability is one thing a plan can ask the host to do with
// `(call :id args...)`. Its declared Effects are what the compiler's effect
// analysis unions into a step's profile; Signature is checked before Run,
// so Run sees a valid argument count and, for an options capability, a map
// whose known keys have the declared kinds.
type Capability struct {
	ID          string
	Description string
	Effects     []Effect
	Signature   Signature
	// Program is the program a manifest capability runs (an absolute
	// path), "" for the others: a confined worker must be able to start it.
	Program string
	// Sensitive are the parts of the arguments and results the causal
	// chain must not hold, only their digest (package caps, redact.go):
	// "headers.Authorization", "env", "0", "result", "result.headers".
	Sensitive []string
	// Run performs the call. call carries the policy in force; Run must
	// check every resource it touches against it (CallContext.CheckHost,
	// CallContext.ResolvePath) and honour ctx's deadline.
	Run func(ctx context.Context, call *CallContext, args []value.Value) (value.Value, error)
}

// Signature is the shape of a capability's arguments: positional arguments
// counted by MinArgs and MaxArgs, or, when Options is not nil, exactly one
// options map such as {:path "/tmp/x"}.
type Signature struct {
	MinArgs, MaxArgs int // MaxArgs < 0: no upper bound
	Options          []Option
}

// Option is one key of an options map. Keys may be written as keywords
// (:path) or strings ("path"); a nil value counts as absent.
type Option struct {
	Name     string     // without the colon
	Kind     value.Kind // KString, KInt, KBool, KMap or KVector (a list is accepted too)
	Required bool
}

// Positional is the signature of a capability taking min to max positional
// arguments.
func Positional(min, max int) Signature { return Signature{MinArgs: min, MaxArgs: max} }

// OptionsOf is the signature of a capability taking one options map.
func OptionsOf(opts ...Option) Signature { return Signature{MinArgs: 1, MaxArgs: 1, Options: opts} }

// check validates args against the signature of capability id.
func (s Signature) Check(id string, args []value.Value) error {
	if len(args) < s.MinArgs || (s.MaxArgs >= 0 && len(args) > s.MaxArgs) {
		return value.ArityErr(id, value.ArityText(s.MinArgs, s.MaxArgs), len(args))
	}
	if s.Options == nil {
		return nil
	}
	if args[0].Kind() != value.KMap {
		return value.TypeErr(id, "an options map", args[0])
	}
	m := args[0].AsMap()
	for e := range m.Entries() {
		if s.find(e.Key.KeyName()) == nil {
			return value.Errorf(value.InvalidArguments, "Invalid arguments to %s: unknown option %s (known: %s)", id, e.Key, s.optionNames())
		}
	}
	opts := OptionsMap{M: m}
	for _, o := range s.Options {
		v, ok := opts.Get(o.Name)
		switch {
		case !ok && o.Required:
			return value.Errorf(value.InvalidArguments, "Invalid arguments to %s: missing required option :%s", id, o.Name)
		case ok && v.Kind() != o.Kind && !(o.Kind == value.KVector && v.Kind() == value.KList):
			return value.TypeErr(id+" option :"+o.Name, o.Kind.String(), v)
		}
	}
	return nil
}

func (s Signature) find(name string) *Option {
	for i := range s.Options {
		if s.Options[i].Name == name {
			return &s.Options[i]
		}
	}
	return nil
}

func (s Signature) optionNames() string {
	names := make([]string, len(s.Options))
	for i, o := range s.Options {
		names[i] = ":" + o.Name
	}
	return strings.Join(names, " ")
}

// OptionsMap reads a checked options map.
type OptionsMap struct{ M *value.Map }

// get returns the value of option name, written as a keyword or a string;
// nil counts as absent.
func (o OptionsMap) Get(name string) (value.Value, bool) {
	v, ok := o.M.Get(value.Kw(name))
	if !ok || v.IsNil() {
		v, ok = o.M.Get(value.String(name))
	}
	return v, ok && !v.IsNil()
}

func (o OptionsMap) Str(name, def string) string {
	if v, ok := o.Get(name); ok {
		return v.AsString()
	}
	return def
}

func (o OptionsMap) Int(name string, def int64) int64 {
	if v, ok := o.Get(name); ok {
		return v.AsInt()
	}
	return def
}

// CallContext is what a capability's Run knows about the call: who is
// calling, under which policy, and where ccos.io.log writes.
type CallContext struct {
	Capability string
	// Step is the name of the running step; "" outside any step.
	Step string
	// Policy is the profile in force: the step's, or the run-level policy
	// outside steps. Never nil.
	Policy *StepProfile
	// Log receives ccos.io.log lines.
	Log io.Writer
}

// ParseEffect reads an effect name as written in manifests.
func ParseEffect(name string) (Effect, error) {
	for _, e := range AllEffects {
		if string(e) == name {
			return e, nil
		}
	}
	return "", fmt.Errorf("unknown effect %q (known: %s)", name, effectNames())
}

// AllEffects lists every effect a capability may declare.
var AllEffects = []Effect{EffectClock, EffectEnv, EffectExec, EffectFSRead, EffectFSWrite, EffectNetwork, EffectRandom}

func effectNames() string {
	names := make([]string, len(AllEffects))
	for i, e := range AllEffects {
		names[i] = string(e)
	}
	return strings.Join(names, ", ")
}

// TouchesOS reports whether running c reaches outside the engine's process:
// files, the network, programs (its own, for a manifest capability), or
// the process environment. Such calls run confined.
func (c *Capability) TouchesOS() bool {
	if c.Program != "" {
		return true
	}
	for _, e := range c.Effects {
		if e != EffectClock && e != EffectRandom {
			return true
		}
	}
	return false
}

// CountsAsIO reports whether a call with this effect is one of the I/O
// operations max_io_operations limits: file system, network and process
// execution. Reading the clock, the environment or the random source is
// not I/O in that sense.
func (e Effect) CountsAsIO() bool {
	return e == EffectFSRead || e == EffectFSWrite || e == EffectNetwork || e == EffectExec
}

// Registry is a set of capabilities by id. It does not change once made,
// so engines, the compiler and concurrent calls may share it freely.
type Registry struct {
	byID   map[string]*Capability
	sorted []*Capability
}

// NewRegistry makes a registry of caps; ids must be unique and non-empty.
func NewRegistry(caps ...Capability) (*Registry, error) {
	r := &Registry{byID: make(map[string]*Capability, len(caps))}
	for i := range caps {
		c := new(Capability)
		*c = caps[i]
		if c.ID == "" {
			return nil, fmt.Errorf("capability %d has no id", i+1)
		}
		if _, dup := r.byID[c.ID]; dup {
			return nil, fmt.Errorf("capability %s is defined twice", c.ID)
		}
		if c.Run == nil {
			return nil, fmt.Errorf("capability %s has no implementation", c.ID)
		}
		r.byID[c.ID] = c
		r.sorted = append(r.sorted, c)
	}
	sort.Slice(r.sorted, func(i, j int) bool { return r.sorted[i].ID < r.sorted[j].ID })
	return r, nil
}

// Lookup returns capability id.
func (r *Registry) Lookup(id string) (*Capability, bool) {
	c, ok := r.byID[id]
	return c, ok
}

// List returns every capability sorted by id. The slice is shared: callers
// must not modify it.
func (r *Registry) List() []*Capability { return r.sorted }

// Effects returns a copy of the declared effects of capability id; ok is
// false for an unknown id.
func (r *Registry) Effects(id string) (effects []Effect, ok bool) {
	c, ok := r.byID[id]
	if !ok {
		return nil, false
	}
	return slices.Clone(c.Effects), true
}

// Reach is r with the effects this registry declares for its capabilities
// (see ResolveReach). This is how a run re-derives a compiled step's reach
// under its own capability manifest.
func (r *Registry) Reach(reach Reach) Reach {
	return ResolveReach(reach, r.Effects)
}
