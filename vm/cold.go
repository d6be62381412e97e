package vm

import (
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// cold runs the instructions that neither loop nor call: cells, patterns,
// checks, errors and steps. The dispatch loop and the WASM engine's host
// both run them here. It reports whether the instruction's branch is
// taken (MATCH skips the next instruction, IFKIND jumps: jumpOffset).
func (m *machine) cold(ins isa.Instr, fn *function, cl *Closure, regs []value.Value) (bool, *value.Error) {
	consts := fn.consts
	switch ins.Op() {
	case isa.OpGetUpCell:
		c, err := cellOf(cl.upvals[ins.B()])
		if err != nil {
			return false, err
		}
		regs[ins.A()] = c.V
	case isa.OpNewCell:
		regs[ins.A()] = value.NewCell(value.Nil)
	case isa.OpGetCell:
		c, err := cellOf(regs[ins.B()])
		if err != nil {
			return false, err
		}
		regs[ins.A()] = c.V
	case isa.OpSetCell:
		c, err := cellOf(regs[ins.A()])
		if err != nil {
			return false, err
		}
		c.V = regs[ins.B()]
	case isa.OpGetVar:
		regs[ins.A()] = m.getVar(consts[ins.Bx()].AsString())
	case isa.OpCtxRef:
		regs[ins.A()] = rt.ContextRef(m.host, consts[ins.Bx()].AsString())
	case isa.OpNewMap:
		regs[ins.A()] = newMap(consts[ins.C()].AsVector(), regs[ins.B():])
	case isa.OpStruct:
		regs[ins.A()] = m.structs[ins.Bx()]

	case isa.OpDestruct:
		_, err := bindPattern(m.module.Patterns[ins.B()], regs[ins.A()], regs, rt.Destructuring)
		return false, err
	case isa.OpMatch:
		return bindPattern(m.module.Patterns[ins.B()], regs[ins.A()], regs, rt.Matching)
	case isa.OpCheckTypeFor:
		if t, v := m.module.Types[ins.B()], regs[ins.A()]; !value.Check(t, v) {
			return false, rt.ValidationError(t, v, consts[ins.C()].AsString())
		}
	case isa.OpCheckKind:
		if v := regs[ins.A()]; ins.B()&(1<<v.Kind()) == 0 {
			what := consts[ins.C()].AsVector()
			return false, value.TypeErr(what.Nth(0).AsString(), what.Nth(1).AsString(), v)
		}

	case isa.OpIfKind:
		return !isKind(regs[ins.A()], consts[ins.B()].AsString()), nil
	case isa.OpThrow:
		v := regs[ins.A()]
		if v.Kind() != value.KError {
			return false, internalError("THROW of a %s", v.TypeName())
		}
		return false, v.AsError()
	case isa.OpRaise:
		return false, &value.Error{Kind: value.ErrorKind(consts[ins.A()].AsString()), Message: consts[ins.B()].AsString()}

	case isa.OpStepCheck:
		return false, m.checkStep(ins.Bx())
	case isa.OpStepBegin:
		result, err := m.beginStep(ins.Bx())
		if err != nil {
			return false, err
		}
		regs[ins.A()] = result
	case isa.OpStepEnd:
		return false, m.endStep(regs[ins.A()], regs[ins.B()])
	case isa.OpStepFail:
		result, err := m.failStep(regs[ins.A()], regs[ins.B()])
		if err != nil {
			return false, err
		}
		regs[ins.B()] = result
	case isa.OpLoopCheck:
		count := regs[ins.A()]
		if count.Kind() != value.KInt {
			return false, internalError("LOOPCHECK of a %s", count.TypeName())
		}
		if count.AsInt() >= rt.MaxLoopIterations {
			return false, rt.LoopLimitError()
		}
		regs[ins.A()] = value.Int(count.AsInt() + 1)
	default:
		return false, internalError("unknown opcode %d", ins.Op())
	}
	return false, nil
}

// jumpOffset is how far a taken branch of cold moves the pc.
func jumpOffset(ins isa.Instr) int {
	if ins.Op() == isa.OpMatch {
		return 1
	}
	return ins.SJ()
}
