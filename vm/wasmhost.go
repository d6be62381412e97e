package vm

import (
	"slices"

	cw "github.com/rtfs-go/rtfs/compiler/wasm"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// The host functions of the WASM engine (sandbox/wasm.Host): what the
// module imports.

// Op implements wasm.Host.
func (w *wasmRun) Op(fnIndex, pc int, fp uint32, closure uint64) uint32 {
	m := w.m
	fn := &m.functions[fnIndex]
	ins := fn.code[pc]
	mem := w.eng.Memory()
	top := w.collect(mem, fnIndex, fp)
	savedTop, savedScratch := w.top, w.scratchTop
	w.top = top
	var cl *Closure
	if closure != 0 {
		cl, _ = w.heap.Get(uint32(closure)).Ref().(*Closure)
	}
	lo, hi := opWindow(ins, fn)
	regs, before := w.frame(mem, fp, fn.numRegs, lo, hi)
	jump, err := w.exec(ins, fn, cl, regs, fp)
	mem = w.eng.Memory()
	for i := lo; i < hi; i++ {
		if v := regs[i]; v != before[i-lo] {
			w.store(mem, fp+uint32(i)*cw.SlotSize, v)
		}
	}
	clear(w.scratch[savedScratch:w.scratchTop])
	w.top, w.scratchTop = savedTop, savedScratch
	switch {
	case err != nil:
		w.fail(err)
		return cw.StatusError
	case jump:
		return cw.StatusJump
	}
	return cw.StatusOK
}

// exec runs the instructions WASM leaves to the host: the slow paths of
// the fast ones, calls of what is not a closure, and the cold ones.
func (w *wasmRun) exec(ins isa.Instr, fn *function, cl *Closure, regs []value.Value, fp uint32) (bool, *value.Error) {
	m := w.m
	consts := fn.consts
	rkv := func(x int) value.Value {
		if x < isa.RKConst {
			return regs[x]
		}
		return consts[x-isa.RKConst]
	}
	var (
		result value.Value
		err    *value.Error
	)
	a := ins.A()
	switch op := ins.Op(); op {
	case isa.OpAdd, isa.OpSub, isa.OpMul, isa.OpDiv, isa.OpMod, isa.OpLt, isa.OpLe, isa.OpGt, isa.OpGe, isa.OpEq:
		result, err = m.binary(op, rkv(ins.B()), rkv(ins.C()))
	case isa.OpIfLt, isa.OpIfLe, isa.OpIfGt, isa.OpIfGe, isa.OpIfEq:
		b, c := rkv(a), rkv(ins.B())
		if b.Kind() == value.KInt && c.Kind() == value.KInt {
			return !intOrder(op, b.AsInt(), c.AsInt()), nil
		}
		if result, err = m.binary(op, b, c); err != nil {
			return false, err
		}
		return !result.Truthy(), nil
	case isa.OpInc, isa.OpDec, isa.OpZero, isa.OpCount:
		result, err = m.unary(op, regs[ins.B()])
	case isa.OpGet, isa.OpNth:
		b, c := rkv(ins.B()), rkv(ins.C())
		var ok bool
		if result, ok = lookup(op, b, c); !ok {
			result, err = m.binary(op, b, c)
		}
	case isa.OpTestX:
		return !rt.StepTruthy(regs[a]), nil
	case isa.OpIter:
		return iterate(regs, a)
	case isa.OpGetGlobal:
		result, err = m.global(ins.Bx())
	case isa.OpDefGlobal:
		g := ins.Bx()
		m.globals[g], m.defined[g] = regs[a], true
		w.store(w.eng.Memory(), cw.AddrGlobals+uint32(g)*cw.SlotSize, regs[a])
		return false, nil
	case isa.OpNewVec:
		b, c := ins.B(), ins.C()
		result = value.NewVector(slices.Clone(regs[b : b+c : b+c]))
	case isa.OpClosure:
		result = m.newClosure(ins.Bx(), regs, cl)
	case isa.OpAppend:
		result, err = appendTo(regs[a], regs[ins.B()])
	case isa.OpCall, isa.OpTailCall:
		n := ins.B()
		if result, err = m.callOther(regs[a], regs[a+1:a+1+n]); err == nil && op == isa.OpTailCall {
			w.store(w.eng.Memory(), fp-cw.SlotSize, result)
			return false, nil
		}
	case isa.OpCallB:
		result, err = m.callBuiltin(m.builtins[ins.C()], regs[a+1:a+1+ins.B()])
	case isa.OpCallCap:
		result, err = m.callCapability(regs[a], regs[a+1:a+1+ins.B()])
	case isa.OpParallel:
		b, c := ins.B(), ins.C()
		m.depth = w.eng.Depth() // the branches start at the depth of the step
		result, err = m.parallel(regs[b : b+c])
	default:
		return m.cold(ins, fn, cl, regs)
	}
	if err != nil {
		return false, err
	}
	regs[a] = result
	return false, nil
}

// Raise implements wasm.Host: the pending error reached pc of a frame of
// fn. It records the call chain on the way, positions the error, and
// returns the target of the handler covering pc, with the error value in
// its register, or -1 when the frame returns it to its caller.
func (w *wasmRun) Raise(fnIndex, pc int, fp, mark uint32, site int) int32 {
	m := w.m
	fn := &m.functions[fnIndex]
	e := w.err
	if e == nil {
		e = internalError("wasm: raise without an error at pc %d", pc)
	}
	if w.from < 0 {
		w.chain = e.Stack == nil && e.StackMore == 0
	} else if w.chain {
		at := m.position(fn, pc)
		if w.fromSite != 0 {
			at = w.sitePosition(w.fromSite)
		}
		e.AddFrame(m.functions[w.from].name, at)
	}
	unpositioned := e
	if !e.Pos.IsValid() {
		p := m.position(fn, pc)
		if !p.IsValid() && site != 0 {
			p = w.sitePosition(site)
		}
		if p.IsValid() {
			e = e.WithPos(p)
		}
	}
	catchable := e.Catchable()
	if !catchable && (m.limit == nil || m.limit == unpositioned) {
		m.limit = e // the run ends with it, positioned as it goes out
	}
	w.raisedAt = pc
	for _, h := range fn.proto.Handlers {
		if h.Start <= pc && pc < h.End && (catchable || h.Finally) && w.owns(fp, h.Target) {
			mem := w.eng.Memory()
			w.store(mem, fp+uint32(h.Reg)*cw.SlotSize, value.ErrorValue(e))
			w.err, w.from = nil, -1
			return int32(h.Target)
		}
	}
	w.err, w.from, w.fromSite = e, fnIndex, site
	if fp != w.exitFP {
		m.returnChecks = m.returnChecks[:min(int(mark), len(m.returnChecks))]
		w.syncChecks(w.eng.Memory())
	}
	return -1
}

// owns reports whether WASM handles a catch at target in the frame at fp:
// in the frame of a step the VM handed over, only inside the step.
func (w *wasmRun) owns(fp uint32, target int) bool {
	return fp != w.exitFP || (w.region[0] <= target && target < w.region[1])
}

// sitePosition is the source position of a tail call site.
func (w *wasmRun) sitePosition(site int) value.Pos {
	if site <= 0 || site > len(w.opts.Module.Sites) {
		return value.Pos{}
	}
	s := w.opts.Module.Sites[site-1]
	return w.m.position(&w.m.functions[s.Fn], s.PC)
}

// Enter implements wasm.Host. An arity error of a tail call is raised at
// the tail call, as the VM raises it there; that of a call, by the caller
// at its call.
func (w *wasmRun) Enter(fnIndex int, fp uint32, nargs, site int) uint32 {
	fn := &w.m.functions[fnIndex]
	if err := checkArity(fn, nargs); err != nil {
		if p := w.sitePosition(site); p.IsValid() {
			err = err.WithPos(p)
		}
		w.fail(err)
		return cw.StatusError
	}
	if fn.variadic {
		mem := w.eng.Memory()
		rest := make([]value.Value, nargs-fn.numParams)
		for i := range rest {
			rest[i] = w.heap.Load(mem, fp+uint32(fn.numParams+i)*cw.SlotSize)
		}
		w.store(mem, fp+uint32(fn.numParams)*cw.SlotSize, value.NewList(rest))
	}
	return cw.StatusOK
}

// Remember implements wasm.Host: RETURNTYPE (see rememberReturnCheck).
func (w *wasmRun) Remember(fnIndex, pc int, mark uint32) uint32 {
	m := w.m
	fn := &m.functions[fnIndex]
	for _, c := range m.returnChecks[mark:] {
		if c.fn == fn {
			return cw.StatusOK
		}
	}
	m.returnChecks = append(m.returnChecks, returnCheck{typ: m.module.Types[fn.code[pc].Bx()], fn: fn, pc: pc})
	w.syncChecks(w.eng.Memory())
	return cw.StatusOK
}

// Ret implements wasm.Host: the return checks of the frame at fp, whose
// result is in its callee slot (see checkReturns).
func (w *wasmRun) Ret(_ int, fp, mark uint32) uint32 {
	m := w.m
	checks := m.returnChecks[mark:]
	m.returnChecks = m.returnChecks[:mark]
	mem := w.eng.Memory()
	w.syncChecks(mem)
	v := w.heap.Load(mem, fp-cw.SlotSize)
	for i := len(checks) - 1; i >= 0; i-- {
		if c := checks[i]; !value.Check(c.typ, v) {
			err := rt.ValidationError(c.typ, v, rt.ReturnWhat(c.fn.name))
			if p := m.position(c.fn, c.pc); p.IsValid() {
				err = err.WithPos(p)
			}
			w.fail(err)
			return cw.StatusError
		}
	}
	return cw.StatusOK
}

// Poll implements wasm.Host.
func (w *wasmRun) Poll(code uint32) uint32 {
	var err *value.Error
	if code == cw.PollStackOverflow {
		err = rt.StackOverflow(w.m.maxDepth)
	} else {
		err = w.m.poll()
	}
	if err != nil {
		w.fail(err)
		return cw.StatusError
	}
	return cw.StatusOK
}

// Upval implements wasm.Host: GETUPVAL, without the rest of the frame.
func (w *wasmRun) Upval(closure uint64, index, fnIndex int, fp uint32, a int) uint32 {
	mem := w.eng.Memory()
	w.collect(mem, fnIndex, fp)
	cl, _ := w.heap.Get(uint32(closure)).Ref().(*Closure)
	w.store(mem, fp+uint32(a)*cw.SlotSize, cl.upvals[index])
	return cw.StatusOK
}

// collect collects the handle table when it is due, from a host function
// called by the frame of Protos[fn] at fp, the deepest: the slots up to
// its last register are all that may hold a live handle.
func (w *wasmRun) collect(mem []byte, fn int, fp uint32) uint32 {
	top := fp + uint32(w.m.functions[fn].numRegs)*cw.SlotSize
	if w.heap.Due() {
		w.heap.Collect(mem, cw.AddrGlobals, top)
	}
	return top
}
