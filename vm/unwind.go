package vm

import (
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/value"
)

// locate positions e, raised by the instruction at pc of fn running in
// frame f, unless it already has a position: at the instruction's source
// position, or for an instruction without one (a prologue checking and
// destructuring parameters) at the call that entered the frame.
func (m *machine) locate(e *value.Error, fn *function, pc int, f *frame) *value.Error {
	if e.Pos.IsValid() {
		return e
	}
	p := m.position(fn, pc)
	if !p.IsValid() && f.site != nil {
		p = m.position(f.site, f.sitePC)
	}
	return e.WithPos(p)
}

// callChain records in e the calls of the frames it was raised in,
// innermost first: each frame's function and the call that entered it.
func (m *machine) callChain(e *value.Error) {
	for i := len(m.frames) - 1; i >= 0; i-- {
		switch f := &m.frames[i]; {
		case f.site == nil:
		case len(e.Stack) < value.MaxStack:
			e.AddFrame(f.cl.fn.name, m.position(f.site, f.sitePC))
		default:
			e.StackMore++
		}
	}
}

// position is the source position of instruction pc of fn.
func (m *machine) position(fn *function, pc int) value.Pos {
	table := fn.proto.Pos
	if pc < 0 || pc >= len(table) || table[pc].Line <= 0 {
		return value.Pos{}
	}
	return value.Pos{File: fn.file, Line: int(table[pc].Line), Col: int(table[pc].Col)}
}

// unwind hands e, raised at pc of the top frame, to the innermost handler
// covering it in the frames from stop up: for a caller frame, the handler
// must cover the call it is waiting in. The frames above the handler's are
// dropped, the error value goes into the handler's register and the
// handler's frame is set to continue at its target. Errors no catch may
// see (limit errors) stop only at Finally handlers, and the first one is
// kept as the outcome of the run. unwind reports false, with the frames
// from stop up dropped, when no handler applies.
func (m *machine) unwind(e *value.Error, pc, stop int) bool {
	catchable := e.Catchable()
	if !catchable && m.limit == nil {
		m.limit = e
	}
	for i := len(m.frames) - 1; i >= stop; i-- {
		f := &m.frames[i]
		at := pc
		if i < len(m.frames)-1 {
			at = f.pc - 1
		}
		for _, h := range f.cl.fn.proto.Handlers {
			if h.Start <= at && at < h.End && (catchable || h.Finally) {
				m.dropFrames(i + 1)
				m.depth = f.depth
				f.pc = h.Target
				m.stack[f.base+h.Reg] = value.ErrorValue(e)
				return true
			}
		}
	}
	m.dropFrames(stop)
	return false
}

// dropFrames pops the frames from index n up, with their return checks.
func (m *machine) dropFrames(n int) {
	if n < len(m.frames) {
		m.returnChecks = m.returnChecks[:m.frames[n].checks]
		m.frames = m.frames[:n]
	}
}

// rememberReturnCheck remembers, for the frame on top, that its result
// must satisfy typ, the return type of fn declared at instruction pc,
// unless the frame remembers fn's check already: a typed function that
// tail-calls itself checks its result once, and runs in constant space.
func (m *machine) rememberReturnCheck(typ *value.Type, fn *function, pc int) {
	f := &m.frames[len(m.frames)-1]
	for _, c := range m.returnChecks[f.checks:] {
		if c.fn == fn {
			return
		}
	}
	m.returnChecks = append(m.returnChecks, returnCheck{typ: typ, fn: fn, pc: pc})
}

// checkReturns applies the return checks of frame f, the last remembered
// first, to its result v, and forgets them. A failure is positioned at the
// RETURNTYPE of the function whose type v fails, or at the call that
// entered the frame when that instruction has no position.
func (m *machine) checkReturns(f *frame, v value.Value) *value.Error {
	checks := m.returnChecks[f.checks:]
	m.returnChecks = m.returnChecks[:f.checks]
	for i := len(checks) - 1; i >= 0; i-- {
		if c := checks[i]; !value.Check(c.typ, v) {
			return m.locate(rt.ValidationError(c.typ, v, rt.ReturnWhat(c.fn.name)), c.fn, c.pc, f)
		}
	}
	return nil
}
