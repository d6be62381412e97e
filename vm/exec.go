package vm

import (
	"slices"

	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// runMain runs Protos[0] as the bottom frame.
func (m *machine) runMain() (value.Value, *value.Error) {
	main := &Closure{fn: &m.functions[0]}
	if m.wasm.opts.All {
		return m.wasm.apply(value.Func(main), main, nil, false)
	}
	return m.runFrom(main)
}

// runFrom runs cl, which takes no arguments, as the bottom frame of an
// empty machine, at the machine's depth, with itself in the callee slot
// below its registers like any other frame. The fresh stack holds nil in
// every register.
func (m *machine) runFrom(cl *Closure) (value.Value, *value.Error) {
	m.stack = make([]value.Value, 1+window+initialStack)
	m.stack[0] = value.Func(cl)
	m.frames = append(make([]frame, 0, initialFrames), frame{cl: cl, base: 1, depth: m.depth})
	return m.execute(0)
}

// Initial sizes of the stacks beyond what the top level needs; both grow
// as needed and are reused by every call of the run.
const (
	initialStack  = 1024
	initialFrames = 64
)

// execute is the dispatch loop. It runs the frame on top of the frame
// stack, and every frame that frame calls, until the frame at index stop
// returns (its value is the result) or an error escapes every handler of
// the frames from stop up (the frames are dropped and the error returned).
func (m *machine) execute(stop int) (value.Value, *value.Error) {
	var (
		cl     *Closure
		fn     *function
		code   []isa.Instr
		consts []value.Value
		regs   registers
		base   int
		pc     int
		result value.Value
		err    *value.Error
	)
reload:
	// Take up the frame on top of the frame stack: after a call, a return,
	// a tail call or an unwinding.
	{
		f := &m.frames[len(m.frames)-1]
		cl, fn, base, pc = f.cl, f.cl.fn, f.base, f.pc
		code, consts = fn.code, fn.consts
		regs = registers(m.stack[base:])
	}
	for {
		ins := code[pc]
		pc++
		switch ins.Op() {
		case isa.OpMove:
			regs[ins.A()] = regs[ins.B()]
		case isa.OpLoadK:
			regs[ins.A()] = consts[ins.Bx()]
		case isa.OpLoadNil:
			regs[ins.A()] = value.Value{} // a literal: value.Nil is a variable, read from memory
		case isa.OpLoadBool:
			regs[ins.A()] = value.Bool(ins.B() != 0)
		case isa.OpLoadInt:
			regs[ins.A()] = value.Int(int64(ins.SBx()))

		case isa.OpGetUpval:
			regs[ins.A()] = cl.upvals[ins.B()]
		case isa.OpGetGlobal:
			if g := ins.Bx(); m.defined[g] {
				regs[ins.A()] = m.globals[g]
			} else {
				if result, err = m.undefinedGlobal(g); err != nil {
					goto fail
				}
				regs[ins.A()] = result
			}
		case isa.OpDefGlobal:
			m.globals[ins.Bx()] = regs[ins.A()]
			m.defined[ins.Bx()] = true

		case isa.OpNewVec:
			b, c := ins.B(), ins.C()
			regs[ins.A()] = value.NewVector(slices.Clone(regs[b : b+c : b+c]))
		case isa.OpClosure:
			regs[ins.A()] = m.newClosure(ins.Bx(), regs[:], cl)
		case isa.OpAppend:
			if result, err = appendTo(regs[ins.A()], regs[ins.B()]); err != nil {
				goto fail
			}
			regs[ins.A()] = result

		// Arithmetic: integers (wrapping, ⚠ A25) and floats inline, the
		// rest through the builtin.
		case isa.OpAdd:
			b, c := rk(regs, consts, ins.B()), rk(regs, consts, ins.C())
			if b.Kind() == value.KInt && c.Kind() == value.KInt {
				regs[ins.A()] = value.Int(b.AsInt() + c.AsInt())
				continue
			}
			if result, err = m.binary(ins.Op(), b, c); err != nil {
				goto fail
			}
			regs[ins.A()] = result
		case isa.OpSub:
			b, c := rk(regs, consts, ins.B()), rk(regs, consts, ins.C())
			if b.Kind() == value.KInt && c.Kind() == value.KInt {
				regs[ins.A()] = value.Int(b.AsInt() - c.AsInt())
				continue
			}
			if result, err = m.binary(ins.Op(), b, c); err != nil {
				goto fail
			}
			regs[ins.A()] = result
		case isa.OpMul:
			b, c := rk(regs, consts, ins.B()), rk(regs, consts, ins.C())
			if b.Kind() == value.KInt && c.Kind() == value.KInt {
				regs[ins.A()] = value.Int(b.AsInt() * c.AsInt())
				continue
			}
			if result, err = m.binary(ins.Op(), b, c); err != nil {
				goto fail
			}
			regs[ins.A()] = result
		case isa.OpDiv, isa.OpMod, isa.OpEq:
			b, c := rk(regs, consts, ins.B()), rk(regs, consts, ins.C())
			if result, err = m.binary(ins.Op(), b, c); err != nil {
				goto fail
			}
			regs[ins.A()] = result
		case isa.OpLt, isa.OpLe, isa.OpGt, isa.OpGe:
			b, c := rk(regs, consts, ins.B()), rk(regs, consts, ins.C())
			if b.Kind() == value.KInt && c.Kind() == value.KInt {
				regs[ins.A()] = value.Bool(intOrder(ins.Op(), b.AsInt(), c.AsInt()))
				continue
			}
			if result, err = m.binary(ins.Op(), b, c); err != nil {
				goto fail
			}
			regs[ins.A()] = result
		case isa.OpNot:
			regs[ins.A()] = value.Bool(!regs[ins.B()].Truthy())
		case isa.OpInc, isa.OpDec:
			b := regs[ins.B()]
			if b.Kind() == value.KInt {
				delta := int64(1)
				if ins.Op() == isa.OpDec {
					delta = -1
				}
				regs[ins.A()] = value.Int(b.AsInt() + delta)
				continue
			}
			if result, err = m.unary(ins.Op(), b); err != nil {
				goto fail
			}
			regs[ins.A()] = result
		case isa.OpZero:
			if b := regs[ins.B()]; b.Kind() == value.KInt {
				regs[ins.A()] = value.Bool(b.AsInt() == 0)
			} else {
				if result, err = m.unary(ins.Op(), b); err != nil {
					goto fail
				}
				regs[ins.A()] = result
			}
		case isa.OpCount:
			switch b := regs[ins.B()]; b.Kind() {
			case value.KVector, value.KList:
				regs[ins.A()] = value.Int(int64(b.AsVector().Len()))
			case value.KMap:
				regs[ins.A()] = value.Int(int64(b.AsMap().Len()))
			default:
				if result, err = m.unary(ins.Op(), b); err != nil {
					goto fail
				}
				regs[ins.A()] = result
			}
		case isa.OpGet, isa.OpNth:
			b, c := rk(regs, consts, ins.B()), rk(regs, consts, ins.C())
			if v, ok := lookup(ins.Op(), b, c); ok {
				regs[ins.A()] = v
				continue
			}
			if result, err = m.binary(ins.Op(), b, c); err != nil {
				goto fail
			}
			regs[ins.A()] = result

		// Control flow. Every backward jump counts towards the next poll,
		// made before jumping so that an error is raised at the jump.
		case isa.OpJmp:
			off := ins.SJ()
			if off < 0 {
				if err = m.tick(); err != nil {
					goto fail
				}
			}
			pc += off
		case isa.OpTest, isa.OpTestT, isa.OpTestX:
			if jumps(ins.Op(), regs[ins.A()]) {
				off := ins.SBx()
				if off < 0 {
					if err = m.tick(); err != nil {
						goto fail
					}
				}
				pc += off
			}
		case isa.OpIfLt, isa.OpIfLe, isa.OpIfGt, isa.OpIfGe, isa.OpIfEq:
			b, c := rk(regs, consts, ins.A()), rk(regs, consts, ins.B())
			var holds bool
			if b.Kind() == value.KInt && c.Kind() == value.KInt {
				holds = intOrder(ins.Op(), b.AsInt(), c.AsInt())
			} else {
				if result, err = m.binary(ins.Op(), b, c); err != nil {
					goto fail
				}
				holds = result.Truthy()
			}
			if !holds {
				off := ins.SJ()
				if off < 0 {
					if err = m.tick(); err != nil {
						goto fail
					}
				}
				pc += off
			}
		case isa.OpTestBound:
			if regs[ins.A()].Kind() != value.KCell {
				off := ins.SBx()
				if off < 0 {
					if err = m.tick(); err != nil {
						goto fail
					}
				}
				pc += off
			}
		case isa.OpIter:
			done, e := iterate(regs[:], ins.A())
			if e != nil {
				err = e
				goto fail
			}
			if done {
				pc += ins.SBx()
			}

		// Calls.
		case isa.OpCall:
			a, n := ins.A(), ins.B()
			next, runsHere := regs[a].Ref().(*Closure)
			runsHere = runsHere && next.fn.capability == ""
			// Only a closure running here counts towards the depth.
			if runsHere && m.depth >= m.maxDepth {
				err = rt.StackOverflow(m.maxDepth)
				goto fail
			}
			if err = m.tick(); err != nil {
				goto fail
			}
			if runsHere {
				if err = checkArity(next.fn, n); err != nil {
					goto fail
				}
				calleeBase := base + a + 1
				if err = m.enter(next.fn, calleeBase, n); err != nil {
					goto fail
				}
				m.frames[len(m.frames)-1].pc = pc
				m.depth++
				f := m.newFrame()
				f.cl, f.pc, f.base, f.depth, f.site, f.sitePC = next, 0, calleeBase, m.depth, fn, pc-1
				f.checks = len(m.returnChecks)
				goto reload
			}
			if result, err = m.callOther(regs[a], regs[a+1:a+1+n]); err != nil {
				goto fail
			}
			regs = registers(m.stack[base:])
			regs[a] = result
		case isa.OpTailCall:
			a, n := ins.A(), ins.B()
			callee := regs[a]
			if err = m.tick(); err != nil {
				goto fail
			}
			if next, ok := callee.Ref().(*Closure); ok && next.fn.capability == "" {
				if err = checkArity(next.fn, n); err != nil {
					goto fail
				}
				// The arguments take the place of this frame's registers,
				// one by one: copy() of a few values costs more, in the
				// bulk write barrier of a typed memmove. The callee slot
				// keeps the first callee of the frame: nothing reads it
				// but RETURN, which writes it.
				for i := 0; i < n; i++ {
					regs[i] = regs[a+1+i]
				}
				if next == cl && !fn.variadic {
					// A function calling itself (its global still holds
					// it) starts its code again in the same frame: a loop.
					var none value.Value
					for i := n; i < fn.numRegs; i++ {
						regs[i] = none
					}
					f := &m.frames[len(m.frames)-1]
					f.site, f.sitePC = fn, pc-1
					pc = 0
					continue
				}
				if err = m.enter(next.fn, base, n); err != nil {
					goto fail
				}
				f := &m.frames[len(m.frames)-1]
				f.cl, f.pc, f.site, f.sitePC = next, 0, fn, pc-1
				goto reload
			}
			if result, err = m.callOther(callee, regs[a+1:a+1+n]); err != nil {
				goto fail
			}
			goto ret
		case isa.OpCallB:
			a, n := ins.A(), ins.B()
			if err = m.tick(); err != nil {
				goto fail
			}
			if result, err = m.callBuiltin(m.builtins[ins.C()], regs[a+1:a+1+n]); err != nil {
				goto fail
			}
			regs = registers(m.stack[base:])
			regs[a] = result
		case isa.OpCallCap:
			a, n := ins.A(), ins.B()
			if result, err = m.callCapability(regs[a], regs[a+1:a+1+n]); err != nil {
				goto fail
			}
			regs[a] = result
		case isa.OpReturn:
			result = regs[ins.A()]
			goto ret

		case isa.OpReturnType:
			m.rememberReturnCheck(m.module.Types[ins.Bx()], fn, pc-1)

		// Steps: a sandboxed one runs in WASM, and the parallel branches
		// run on machines of their own.
		case isa.OpParallel:
			b, c := ins.B(), ins.C()
			if result, err = m.parallel(regs[b : b+c]); err != nil {
				goto fail
			}
			regs[ins.A()] = result

		case isa.OpStepBegin:
			if m.wasm.takesStep(ins.Bx()) {
				if pc, err = m.wasm.runStep(fn, cl, base, pc-1); err != nil {
					pc++ // raised at the pc the step left off
					goto fail
				}
				continue
			}
			fallthrough
		default:
			// Cells, patterns, checks, errors and the other step
			// instructions (cold.go).
			jump, e := m.cold(ins, fn, cl, regs[:])
			if e != nil {
				err = e
				goto fail
			}
			if jump {
				off := jumpOffset(ins)
				if off < 0 { // a backward jump is an event, as JMP's
					if err = m.tick(); err != nil {
						goto fail
					}
				}
				pc += off
			}
		}
		continue

	ret:
		// Return result from the frame on top, once it has passed the
		// return checks of the frame. A failed check is raised by the
		// caller, at its call, as the interpreter raises it.
		{
			top := len(m.frames) - 1
			err = nil
			if f := &m.frames[top]; f.checks < len(m.returnChecks) {
				err = m.checkReturns(f, result)
			}
			m.frames = m.frames[:top]
			if top == stop {
				if err != nil {
					return value.Nil, err
				}
				return result, nil
			}
			caller := &m.frames[top-1]
			m.depth = caller.depth
			if err != nil {
				fn, pc = caller.cl.fn, caller.pc
				goto fail
			}
			m.stack[base-1] = result
			goto reload
		}

	fail:
		// Raise err at the instruction before pc.
		err = m.locate(err, fn, pc-1, &m.frames[len(m.frames)-1])
		if err.Stack == nil && err.StackMore == 0 {
			m.callChain(err)
		}
		if !m.unwind(err, pc-1, stop) {
			return value.Nil, err
		}
		err = nil
		goto reload
	}
}

// registers is the register window of a frame. It is an array pointer,
// not a slice, so that indexing it with an operand (16 bits wide) needs no
// bounds check; the stack always extends a whole window past the base of
// every frame to make that valid (see enter).
type registers = *[window]value.Value

// window is the number of registers an operand can name.
const window = isa.MaxA + 1

// rk reads an RK operand: a register, or a constant at RKConst and above.
func rk(regs registers, consts []value.Value, x int) value.Value {
	if x < isa.RKConst {
		return regs[x]
	}
	return consts[x-isa.RKConst]
}

// intOrder applies the comparison of a LT..GE or IFLT..IFEQ instruction to
// two integers.
func intOrder(op isa.Op, x, y int64) bool {
	switch op {
	case isa.OpLt, isa.OpIfLt:
		return x < y
	case isa.OpLe, isa.OpIfLe:
		return x <= y
	case isa.OpGt, isa.OpIfGt:
		return x > y
	case isa.OpGe, isa.OpIfGe:
		return x >= y
	}
	return x == y
}

// jumps says whether a TEST, TESTT or TESTX instruction jumps on v.
func jumps(op isa.Op, v value.Value) bool {
	switch op {
	case isa.OpTest:
		return !v.Truthy()
	case isa.OpTestT:
		return v.Truthy()
	}
	return !rt.StepTruthy(v)
}

func cellOf(v value.Value) (*value.Cell, *value.Error) {
	if v.Kind() != value.KCell {
		return nil, internalError("a %s used as a cell", v.TypeName())
	}
	return v.AsCell(), nil
}

// newMap builds the map of NEWMAP from its key constants and the registers
// holding the values, in order.
func newMap(keys *value.Vector, vals []value.Value) value.Value {
	entries := make([]value.MapEntry, keys.Len())
	for i, k := range keys.All() {
		entries[i] = value.MapEntry{Key: k, Val: vals[i]}
	}
	return value.MapFromEntries(entries)
}

// lookup is the fast path of GET and NTH: a map and a valid key, or a
// vector or list and an index in range (or, for get, any integer).
func lookup(op isa.Op, coll, key value.Value) (value.Value, bool) {
	switch {
	case coll.Kind() == value.KMap && op == isa.OpGet && value.ValidKey(key):
		v, _ := coll.AsMap().Get(key)
		return v, true
	case coll.IsSeq() && key.Kind() == value.KInt:
		items := coll.AsVector()
		if i := key.AsInt(); i >= 0 && i < int64(items.Len()) {
			return items.Nth(int(i)), true
		}
		return value.Nil, op == isa.OpGet
	}
	return value.Nil, false
}

// iterate is ITER on the registers from a: the next item of the sequence
// R[a] into R[a+2] and the index R[a+1] on, or done past its end.
func iterate(regs []value.Value, a int) (done bool, err *value.Error) {
	seq, index := regs[a], regs[a+1]
	if !seq.IsSeq() || index.Kind() != value.KInt {
		return false, internalError("ITER over a %s with a %s index", seq.TypeName(), index.TypeName())
	}
	items := seq.AsVector()
	i := index.AsInt()
	if i < 0 || i >= int64(items.Len()) {
		return true, nil
	}
	regs[a+2], regs[a+1] = items.Nth(int(i)), value.Int(i+1)
	return false, nil
}

// appendTo is APPEND: the vector being built acc with v added.
func appendTo(acc, v value.Value) (value.Value, *value.Error) {
	if !acc.IsSeq() {
		return value.Nil, internalError("APPEND to a %s", acc.TypeName())
	}
	return value.Conj(acc, v), nil
}

// isKind says whether v is an error of the kind named name.
func isKind(v value.Value, name string) bool {
	return v.Kind() == value.KError && string(v.AsError().Kind) == name
}
