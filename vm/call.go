package vm

import (
	"slices"

	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
)

// maxStack bounds the value stack (512 MiB of values): deep recursion
// through functions with very many registers fails with StackOverflow
// before it exhausts memory.
const maxStack = 1 << 24

// checkArity checks the argument count of a call of fn.
func checkArity(fn *function, n int) *value.Error {
	if n == fn.numParams && !fn.variadic {
		return nil
	}
	err := rt.CheckArity(fn.name, fn.numParams, fn.variadic, n)
	if err != nil && fn.proto.Params != "" {
		err.Hint = fn.name + " takes " + fn.proto.Params
	}
	return err
}

// newFrame pushes a frame for the caller to fill in. Filling in the fields
// of a frame in place is cheaper than appending a new one.
func (m *machine) newFrame() *frame {
	n := len(m.frames)
	if n == cap(m.frames) {
		m.frames = append(m.frames, frame{})
	} else {
		m.frames = m.frames[:n+1]
	}
	return &m.frames[n]
}

// enter lays out the registers of a call of fn whose n arguments (n fits
// fn's arity) are at stack[base:]: the rest list of a variadic function,
// and nil in the registers past the parameters, which the code may assume.
// The stack is made to extend a whole register window past base.
func (m *machine) enter(fn *function, base, n int) *value.Error {
	if base+window > len(m.stack) {
		if err := m.grow(base + window); err != nil {
			return err
		}
	}
	need := base + fn.numRegs
	first := n
	if fn.variadic {
		rest := slices.Clone(m.stack[base+fn.numParams : base+n])
		m.stack[base+fn.numParams] = value.NewList(rest)
		first = fn.numParams + 1
	}
	// A plain loop: the windows are a few values long, too short for the
	// bulk write barriers of memclr, which clear() would call (as would
	// this loop if it stored a literal zero value, which the compiler
	// recognises).
	var none value.Value
	regs := m.stack[base+first : need]
	for i := range regs {
		regs[i] = none
	}
	return nil
}

// grow makes the stack at least need values long. Frames address it by
// index, so copying it moves nothing they refer to.
func (m *machine) grow(need int) *value.Error {
	if need > maxStack {
		return value.Errorf(value.StackOverflow, "Stack exhausted (%d values)", maxStack)
	}
	grown := make([]value.Value, min(max(2*len(m.stack), need), maxStack))
	copy(grown, m.stack)
	m.stack = grown
	return nil
}

// stackTop is the first stack slot above the running frame's registers,
// where a call from Go starts.
func (m *machine) stackTop() int {
	f := &m.frames[len(m.frames)-1]
	return f.base + f.cl.fn.numRegs
}

// apply calls callee from Go: a builtin's callback (value.Runtime.Call,
// counted: an application of its own, as in the interpreter) or a branch
// of step-parallel (not counted: it runs at the depth of the step). Only a
// closure running here counts (see Depth in the package doc); it runs in a
// nested dispatch loop on top of the running frame.
func (m *machine) apply(callee value.Value, args []value.Value, counted bool) (value.Value, *value.Error) {
	cl, runsHere := callee.Ref().(*Closure)
	runsHere = runsHere && cl.fn.capability == ""
	if runsHere && m.wasm.running() {
		return m.wasm.apply(callee, cl, args, counted)
	}
	if runsHere && counted && m.depth >= m.maxDepth {
		return value.Nil, rt.StackOverflow(m.maxDepth)
	}
	if err := m.tick(); err != nil {
		return value.Nil, err
	}
	if !runsHere {
		return m.callOther(callee, args)
	}
	fn := cl.fn
	if err := checkArity(fn, len(args)); err != nil {
		return value.Nil, err
	}
	slot := m.stackTop()
	base := slot + 1
	if need := base + max(window, len(args)); need > len(m.stack) {
		if err := m.grow(need); err != nil {
			return value.Nil, err
		}
	}
	m.stack[slot] = callee
	copy(m.stack[base:], args)
	if err := m.enter(fn, base, len(args)); err != nil {
		return value.Nil, err
	}
	saved := m.depth
	if counted {
		m.depth++
	}
	m.frames = append(m.frames, frame{cl: cl, base: base, depth: m.depth, checks: len(m.returnChecks)})
	v, err := m.execute(len(m.frames) - 1)
	m.depth = saved
	return v, err
}

// callOther calls what is not a closure running here: a builtin, a keyword
// (§3.7), a delegated function; anything else is not callable. None of
// them counts towards the depth.
func (m *machine) callOther(callee value.Value, args []value.Value) (value.Value, *value.Error) {
	switch callee.Kind() {
	case value.KFunc:
		switch f := callee.Ref().(type) {
		case *value.Builtin:
			return m.callBuiltin(f, args)
		case *Closure:
			return m.callDelegated(f.fn, args)
		}
	case value.KKeyword:
		return rt.KeywordCall(callee, args)
	}
	return value.Nil, rt.NotCallable(callee)
}

// callBuiltin checks the argument count of b and calls it.
func (m *machine) callBuiltin(b *value.Builtin, args []value.Value) (value.Value, *value.Error) {
	if err := b.CheckArity(len(args)); err != nil {
		return value.Nil, rt.ToError(err)
	}
	v, err := b.Fn(m, args)
	if err != nil {
		return value.Nil, rt.ToError(err)
	}
	if err := m.limits.memory.NoteResult(v); err != nil {
		return value.Nil, err
	}
	// A builtin that built something large took time the machine's loop
	// did not count: look at the clock before the next one starts.
	if rt.Large(v) {
		if err := m.poll(); err != nil {
			return value.Nil, err
		}
	}
	return v, nil
}

// callDelegated calls the host capability the delegated function fn stands
// for, and checks the answer against fn's return type, as RETURNTYPE does
// for a function that runs here (and interp for both).
func (m *machine) callDelegated(fn *function, args []value.Value) (value.Value, *value.Error) {
	// args are registers, and the host may keep what it is given.
	v, err := rt.CallCapability(m.ctx, m.host, m.rc, fn.capability, slices.Clone(args))
	if err != nil {
		return value.Nil, err
	}
	if t := fn.answerType; t != nil && !value.Check(t, v) {
		return value.Nil, rt.ValidationError(t, v, rt.ReturnWhat(fn.name)).WithPos(m.position(fn, 0))
	}
	return v, nil
}

// callCapability is `(call id args...)` (§7).
func (m *machine) callCapability(idv value.Value, args []value.Value) (value.Value, *value.Error) {
	id, err := rt.CapabilityID(idv)
	if err != nil {
		return value.Nil, err
	}
	// args are registers, and the host may keep what it is given.
	return rt.CallCapability(m.ctx, m.host, m.rc, id, slices.Clone(args))
}

// operatorBuiltins are the builtins whose semantics the arithmetic,
// comparison and builtin instructions have.
var operatorBuiltins = [...]*value.Builtin{
	isa.OpAdd: stdlib.Lookup("+"), isa.OpSub: stdlib.Lookup("-"), isa.OpMul: stdlib.Lookup("*"),
	isa.OpDiv: stdlib.Lookup("/"), isa.OpMod: stdlib.Lookup("mod"),
	isa.OpLt: stdlib.Lookup("<"), isa.OpLe: stdlib.Lookup("<="), isa.OpGt: stdlib.Lookup(">"),
	isa.OpGe: stdlib.Lookup(">="), isa.OpEq: stdlib.Lookup("="),
	isa.OpIfLt: stdlib.Lookup("<"), isa.OpIfLe: stdlib.Lookup("<="), isa.OpIfGt: stdlib.Lookup(">"),
	isa.OpIfGe: stdlib.Lookup(">="), isa.OpIfEq: stdlib.Lookup("="),
	isa.OpInc: stdlib.Lookup("inc"), isa.OpDec: stdlib.Lookup("dec"), isa.OpZero: stdlib.Lookup("zero?"),
	isa.OpCount: stdlib.Lookup("count"), isa.OpGet: stdlib.Lookup("get"), isa.OpNth: stdlib.Lookup("nth"),
}

// unary is the slow path of a one-operand instruction: its builtin.
func (m *machine) unary(op isa.Op, b value.Value) (value.Value, *value.Error) {
	m.operands[0] = b
	return m.callBuiltin(operatorBuiltins[op], m.operands[:1])
}

// binary is the slow path of the arithmetic and comparison instructions
// op: floats without boxing, anything else through the builtin, which
// gives the same errors.
func (m *machine) binary(op isa.Op, b, c value.Value) (value.Value, *value.Error) {
	if b.Kind() == value.KFloat && c.Kind() == value.KFloat {
		x, y := b.AsFloat(), c.AsFloat()
		switch op {
		case isa.OpAdd:
			return value.Float(x + y), nil
		case isa.OpSub:
			return value.Float(x - y), nil
		case isa.OpMul:
			return value.Float(x * y), nil
		case isa.OpLt, isa.OpIfLt:
			return value.Bool(x < y), nil
		case isa.OpLe, isa.OpIfLe:
			return value.Bool(x <= y), nil
		case isa.OpGt, isa.OpIfGt:
			return value.Bool(x > y), nil
		case isa.OpGe, isa.OpIfGe:
			return value.Bool(x >= y), nil
		}
	}
	if int(op) >= len(operatorBuiltins) || operatorBuiltins[op] == nil {
		return value.Nil, internalError("%s is not an operator", op)
	}
	m.operands[0], m.operands[1] = b, c
	return m.callBuiltin(operatorBuiltins[op], m.operands[:])
}
