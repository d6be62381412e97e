package vm

import (
	"iter"

	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
)

// function is a prototype prepared for running: the fields the dispatch
// loop reads on every call, one indirection away from a closure.
type function struct {
	proto     *isa.Proto
	index     int    // in Module.Protos
	file      string // of its source, for error positions
	name      string // for arity errors
	code      []isa.Instr
	consts    []value.Value
	numParams int
	numRegs   int
	variadic  bool
	// capability is the host capability a delegated function's calls go
	// to, "" for a function that runs here; answerType is the type the
	// host's answer must have, the one the function's RETURNTYPE declares
	// (nil: any).
	capability string
	answerType *value.Type
}

// Closure is the function value CLOSURE makes: a prototype and the values
// it captured (cells, for variables that may change after capture).
type Closure struct {
	fn     *function
	upvals []value.Value
}

// FuncName implements value.Function.
func (c *Closure) FuncName() string { return c.fn.name }

// link prepares the module's tables for the run: functions, builtins bound
// at compile time, struct constructors and global slots.
func (m *machine) link() {
	mod := m.module
	m.functions = make([]function, len(mod.Protos))
	for i, p := range mod.Protos {
		capability, _ := rt.DelegatedCapability(p.DelegateTarget, p.DelegateID)
		m.functions[i] = function{
			proto:      p,
			index:      i,
			file:       mod.File,
			name:       rt.FuncName(p.Name),
			code:       p.Code,
			consts:     p.Consts,
			numParams:  p.NumParams,
			numRegs:    p.NumRegs,
			variadic:   p.Variadic,
			capability: capability,
		}
		if i > 0 && i < mod.Continued {
			m.functions[i].file = mod.CarriedFiles[i]
		}
		if first := p.Code[0]; capability != "" && first.Op() == isa.OpReturnType {
			m.functions[i].answerType = mod.Types[first.Bx()]
		}
	}
	m.builtins = make([]*value.Builtin, len(mod.Builtins))
	for i, name := range mod.Builtins {
		m.builtins[i] = stdlib.Lookup(name)
	}
	m.structs = make([]value.Value, len(mod.Structs))
	for i, s := range mod.Structs {
		m.structs[i] = value.Func(rt.StructConstructor(s.Name, mod.Types[s.Type]))
	}
	m.globals = make([]value.Value, len(mod.Globals))
	m.defined = make([]bool, len(mod.Globals))
	m.fallbacks = make([]value.Value, len(mod.Globals))
	m.slots = make(map[string]int, len(mod.Globals))
	for i, name := range mod.Globals {
		if b := stdlib.Lookup(name); b != nil {
			m.fallbacks[i] = value.Func(b)
		}
		m.slots[name] = i
	}
}

// global reads global slot i: its definition, else the fallbacks of
// undefinedGlobal.
func (m *machine) global(i int) (value.Value, *value.Error) {
	if m.defined[i] {
		return m.globals[i], nil
	}
	return m.undefinedGlobal(i)
}

// undefinedGlobal reads global slot i, which the program has not defined
// (§3.8): the builtin of that name, the host context, the cross-plan
// parameters.
func (m *machine) undefinedGlobal(i int) (value.Value, *value.Error) {
	if b := m.fallbacks[i]; !b.IsNil() {
		return b, nil
	}
	name := m.module.Globals[i]
	if v, ok := rt.Fallback(m.host, m.rc, name); ok {
		return v, nil
	}
	return value.Nil, rt.Undefined(name, m.definedGlobals())
}

// definedGlobals are the names the program has defined so far, for the
// hint of an undefined one.
func (m *machine) definedGlobals() iter.Seq[string] {
	return func(yield func(string) bool) {
		for i, name := range m.module.Globals {
			if m.defined[i] && !yield(name) {
				return
			}
		}
	}
}

// getVar is the `(get name)` shorthand for a name the compiler did not
// find in scope: like a global read, but nil where that fails.
func (m *machine) getVar(name string) value.Value {
	if i, ok := m.slots[name]; ok {
		v, _ := m.global(i)
		return v
	}
	if b := stdlib.Lookup(name); b != nil {
		return value.Func(b)
	}
	v, _ := rt.Fallback(m.host, m.rc, name)
	return v
}

// newClosure makes a closure of Protos[index] in the frame whose
// registers are regs, run by the closure cl.
func (m *machine) newClosure(index int, regs []value.Value, cl *Closure) value.Value {
	fn := &m.functions[index]
	upvals := make([]value.Value, len(fn.proto.Upvals))
	for i, u := range fn.proto.Upvals {
		if u.FromParent {
			upvals[i] = regs[u.Index]
		} else {
			upvals[i] = cl.upvals[u.Index]
		}
	}
	return value.Func(&Closure{fn: fn, upvals: upvals})
}
