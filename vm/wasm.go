package vm

import (
	"context"
	"encoding/binary"

	cw "github.com/rtfs-go/rtfs/compiler/wasm"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/sandbox/wasm"
	"github.com/rtfs-go/rtfs/value"
)

// WASMOptions configure the WASM engine (compiler/wasm, sandbox/wasm).
type WASMOptions struct {
	// All runs the whole program in WASM; otherwise only the steps whose
	// profile is sandboxed run there, and the rest here.
	All bool
	// Module is the program's WASM module as rtfsc stored it (nil:
	// compiled from the bytecode when first needed).
	Module *cw.Module
	// CacheDir keeps compiled WASM code between runs ("": in this process
	// only).
	CacheDir string
}

// A program runs in WASM on the machine that would run it here: the WASM
// code takes the fast paths and the host functions below run every other
// instruction with the machine's own code (cold, callBuiltin, binary,
// ...). wasmRun is that host: the instance, its handle table, and the
// error on its way out of the WASM frames.
type wasmRun struct {
	m    *machine
	opts WASMOptions
	ctx  context.Context // the run's: the instance closes when it ends
	eng  *wasm.Engine
	heap *wasm.Heap
	// active counts the calls into WASM in progress: while a sandboxed
	// step runs there, every closure it calls runs there too.
	active int

	err  *value.Error
	from int // the function the pending error came out of, -1 when raised where it is raised next
	// fromSite is the tail call that entered the frame of from (0: none).
	fromSite int
	chain    bool // the pending error's call chain is being recorded frame by frame
	// top is the first slot above the deepest frame, where a call from the
	// host puts its callee.
	top uint32
	// exitFP and region are the frame and the pcs of the step the VM
	// handed over: its frame returns to the VM on leaving the region, and
	// its handlers outside the region are the VM's.
	exitFP uint32
	region [2]int
	// raisedAt is the pc at which the pending error left the handed-over
	// frame, where the VM raises it.
	raisedAt int
	// scratch holds the registers the host functions in progress work on,
	// a stack: they nest.
	scratch    []value.Value
	scratchTop int
	// inherited: a concurrent branch forked while its parent ran in WASM,
	// which runs there too.
	inherited bool
	// stepEnds are the step regions of the functions that handed steps
	// over (compiler/wasm.StepRegions), by function index.
	stepEnds map[int]map[int]int
}

func newWASMRun(ctx context.Context, m *machine, opts WASMOptions) *wasmRun {
	return &wasmRun{m: m, opts: opts, ctx: ctx, from: -1, stepEnds: map[int]map[int]int{}}
}

// start instantiates the module, once: its constants pinned in the table
// and the globals defined so far in their slots. Its linear memory may
// grow to maxMemory bytes (0: the module's maximum), the limit of the step
// or run that first needs it: the host's own allocations are bounded by
// the machine's memory limit, per step.
func (w *wasmRun) start(maxMemory int64) *value.Error {
	if w.eng != nil {
		return nil
	}
	m := w.m
	if w.opts.Module == nil {
		mod, err := cw.Compile(m.module, 0)
		if err != nil {
			return value.Errorf(value.InternalError, "wasm: %v", err)
		}
		w.opts.Module = mod
	}
	consts := make([]value.Value, len(w.opts.Module.Consts))
	for i, c := range w.opts.Module.Consts {
		if c.Fn >= len(m.functions) || c.K >= len(m.functions[c.Fn].consts) {
			return value.Errorf(value.InternalError, "wasm: the module names constant %d of function %d", c.K, c.Fn)
		}
		consts[i] = m.functions[c.Fn].consts[c.K]
	}
	eng, err := wasm.New(w.ctx, w.opts.Module.Binary, wasm.Config{CacheDir: w.opts.CacheDir, MemoryLimitPages: memoryPages(maxMemory)}, w)
	if err != nil {
		return value.Errorf(value.InternalError, "%v", err)
	}
	w.eng, w.heap = eng, wasm.NewHeap(consts)
	w.top = cw.StackBase(len(m.globals))
	mem := eng.Memory()
	binary32(mem, cw.AddrMaxDepth, uint32(m.maxDepth))
	w.syncGlobals(mem)
	return nil
}

// memoryPages is the linear memory a limit of max bytes allows (0: none).
func memoryPages(max int64) uint32 {
	if max <= 0 {
		return 0
	}
	return uint32(min(max>>16+1, cw.MaxPages))
}

func binary32(mem []byte, addr, v uint32) { binary.LittleEndian.PutUint32(mem[addr:], v) }

// syncGlobals writes the globals the program has defined into their
// slots, the others as unbound.
func (w *wasmRun) syncGlobals(mem []byte) {
	for g := range w.m.globals {
		addr := cw.AddrGlobals + uint32(g)*cw.SlotSize
		if w.m.defined[g] {
			w.store(mem, addr, w.m.globals[g])
		} else {
			binary.LittleEndian.PutUint64(mem[addr:], cw.TagUnbound)
		}
	}
}

func (w *wasmRun) close() {
	if w.eng != nil {
		w.eng.Close(context.Background())
	}
}

// store writes v into the slot at addr, a closure that runs here as one
// WASM can call.
func (w *wasmRun) store(mem []byte, addr uint32, v value.Value) uint64 {
	fn := -1
	if v.Kind() == value.KFunc {
		if cl, ok := v.Ref().(*Closure); ok && cl.fn.capability == "" {
			fn = cl.fn.index
		}
	}
	return w.heap.Store(mem, addr, v, fn)
}

// running reports whether code runs in WASM now, so that what it calls
// runs there too.
func (w *wasmRun) running() bool { return w.active > 0 || w.opts.All || w.inherited }

// takesStep reports whether the VM hands step index over: a sandboxed
// step.
func (w *wasmRun) takesStep(index int) bool {
	p := w.m.profile(index)
	return p != nil && p.IsolationLevel == host.Sandboxed
}

// runStep runs the step begun at pc begin of fn, in the VM frame of cl at
// base, in WASM until its code is done: the frame's registers go to WASM
// and come back. It returns the pc to go on from, or the error raised and
// the pc it was raised at.
func (w *wasmRun) runStep(fn *function, cl *Closure, base, begin int) (int, *value.Error) {
	ends, ok := w.stepEnds[fn.index]
	if !ok {
		ends = cw.StepRegions(fn.proto)
		w.stepEnds[fn.index] = ends
	}
	end, ok := ends[begin]
	if !ok {
		return begin, internalError("step at pc %d has no region", begin)
	}
	if err := w.start(stepMemory(w.m.profile(fn.code[begin].Bx()))); err != nil {
		return begin, err
	}
	m := w.m
	mem := w.eng.Memory()
	w.syncGlobals(mem)
	slot := w.top
	fp := slot + cw.SlotSize
	if err := w.reserve(fp + uint32(fn.numRegs)*cw.SlotSize); err != nil {
		return begin, err
	}
	mem = w.eng.Memory()
	closure := w.store(mem, slot, value.Func(cl))
	regs := m.stack[base : base+fn.numRegs]
	for i, v := range regs {
		w.store(mem, fp+uint32(i)*cw.SlotSize, v)
	}
	outerFP, outerRegion := w.exitFP, w.region
	w.exitFP, w.region = fp, [2]int{begin, end}
	binary32(mem, cw.AddrExitFP, fp)
	binary32(mem, cw.AddrExitPC, uint32(end))
	w.syncChecks(mem)
	w.eng.SetDepth(m.depth) // the step's calls nest in the VM's
	status, _, err := w.enter(fn.index, fp, closure, 0, begin, false)
	w.exitFP, w.region = outerFP, outerRegion
	mem = w.eng.Memory()
	binary32(mem, cw.AddrExitFP, outerFP)
	binary32(mem, cw.AddrExitPC, uint32(outerRegion[1]))
	regs = m.stack[base : base+fn.numRegs]
	for i := range regs {
		regs[i] = w.heap.Load(mem, fp+uint32(i)*cw.SlotSize)
	}
	switch {
	case err != nil:
		return w.raisedAt, err
	case status == cw.StatusExit:
		return end, nil
	}
	return begin, internalError("wasm step returned %d", status)
}

// apply calls cl, which callee holds, in WASM from the host: a builtin's
// callback, a branch, or the top level. counted: as a call of the depth
// (see apply in call.go).
func (w *wasmRun) apply(callee value.Value, cl *Closure, args []value.Value, counted bool) (value.Value, *value.Error) {
	if err := w.start(w.m.limits.memory.Max()); err != nil {
		return value.Nil, err
	}
	m := w.m
	depth := w.eng.Depth()
	if w.active == 0 {
		depth = m.depth
	}
	if counted && depth >= m.maxDepth {
		return value.Nil, rt.StackOverflow(m.maxDepth)
	}
	if err := m.tick(); err != nil {
		return value.Nil, err
	}
	if err := checkArity(cl.fn, len(args)); err != nil {
		return value.Nil, err
	}
	slot := w.top
	fp := slot + cw.SlotSize
	if err := w.reserve(fp + uint32(len(args))*cw.SlotSize); err != nil {
		return value.Nil, err
	}
	mem := w.eng.Memory()
	if w.heap.Due() {
		// A builtin calling back makes handles on every call too.
		w.heap.Collect(mem, cw.AddrGlobals, slot)
	}
	closure := w.store(mem, slot, callee)
	for i, v := range args {
		w.store(mem, fp+uint32(i)*cw.SlotSize, v)
	}
	if counted {
		depth++
	}
	w.eng.SetDepth(depth)
	w.syncChecks(mem)
	_, v, err := w.enter(cl.fn.index, fp, closure, len(args), 0, true)
	if counted {
		w.eng.SetDepth(depth - 1)
	}
	return v, err
}

// enter runs the call export and returns its status and the value it
// returned, turning an error status into the error.
func (w *wasmRun) enter(fn int, fp uint32, closure uint64, nargs, pc int, returns bool) (uint32, value.Value, *value.Error) {
	saved := w.top
	w.active++
	status, tag, payload, err := w.eng.Call(w.ctx, fn, fp, closure, nargs, pc, uint32(len(w.m.returnChecks)))
	w.active--
	w.top = saved
	switch {
	case err != nil:
		if w.ctx.Err() != nil {
			return status, value.Nil, rt.TimeoutError(context.Cause(w.ctx))
		}
		return status, value.Nil, value.Errorf(value.InternalError, "wasm: %v", err)
	case status == cw.StatusError:
		e := w.err
		w.err, w.from = nil, -1
		if e == nil {
			e = internalError("wasm: an error status without an error")
		}
		return status, value.Nil, e
	case returns && status != cw.StatusOK:
		return status, value.Nil, internalError("wasm call returned %d", status)
	}
	return status, w.heap.Value(tag, payload), nil
}

// reserve grows linear memory to hold end bytes and a frame's margin.
func (w *wasmRun) reserve(end uint32) *value.Error {
	if !w.eng.Reserve(end + cw.SlotSize) {
		return rt.StackOverflow(w.m.maxDepth)
	}
	return nil
}

func (w *wasmRun) syncChecks(mem []byte) {
	binary32(mem, cw.AddrChecks, uint32(len(w.m.returnChecks)))
}

// fail makes err the pending error, raised in the frame that raises next.
func (w *wasmRun) fail(err *value.Error) {
	w.err, w.from, w.fromSite = err, -1, 0
}

// frame decodes the registers lo..hi-1 of the n at fp into scratch, and
// keeps a copy of them in before; the others read as nil. Op gives the
// scratch back. Host functions nest (a builtin calling back into WASM), so
// the scratch is a stack.
func (w *wasmRun) frame(mem []byte, fp uint32, n, lo, hi int) (regs, before []value.Value) {
	if need := w.scratchTop + n + hi - lo; need > len(w.scratch) {
		w.scratch = make([]value.Value, max(2*need, 256))
	}
	regs = w.scratch[w.scratchTop : w.scratchTop+n : w.scratchTop+n]
	before = w.scratch[w.scratchTop+n : w.scratchTop+n+hi-lo]
	w.scratchTop += n + hi - lo
	for i := lo; i < hi; i++ {
		regs[i] = w.heap.Load(mem, fp+uint32(i)*cw.SlotSize)
	}
	copy(before, regs[lo:hi])
	return regs, before
}

// opWindow is the range of registers instruction ins of fn reads or writes,
// the only ones Op decodes and writes back; the whole frame for those
// that bind or capture registers the instruction does not name.
func opWindow(ins isa.Instr, fn *function) (lo, hi int) {
	n := fn.numRegs
	a, b, c := ins.A(), ins.B(), ins.C()
	span := func(regs ...int) (int, int) {
		lo, hi := n, 0
		for _, r := range regs {
			if r < isa.RKConst && r < n {
				lo, hi = min(lo, r), max(hi, r+1)
			}
		}
		return min(lo, hi), hi
	}
	widen := func(lo, hi, from, to int) (int, int) {
		if from >= to {
			return lo, hi
		}
		return min(lo, from), max(hi, min(to, n))
	}
	switch ins.Op() {
	case isa.OpAdd, isa.OpSub, isa.OpMul, isa.OpDiv, isa.OpMod, isa.OpLt, isa.OpLe, isa.OpGt, isa.OpGe, isa.OpEq,
		isa.OpGet, isa.OpNth:
		return span(a, b, c)
	case isa.OpIfLt, isa.OpIfLe, isa.OpIfGt, isa.OpIfGe, isa.OpIfEq,
		isa.OpInc, isa.OpDec, isa.OpZero, isa.OpCount, isa.OpGetCell, isa.OpSetCell, isa.OpAppend,
		isa.OpStepEnd, isa.OpStepFail:
		return span(a, b)
	case isa.OpTestX, isa.OpGetGlobal, isa.OpDefGlobal, isa.OpGetUpval, isa.OpGetUpCell, isa.OpNewCell,
		isa.OpGetVar, isa.OpCtxRef, isa.OpStruct, isa.OpCheckTypeFor, isa.OpCheckKind, isa.OpIfKind,
		isa.OpThrow, isa.OpLoopCheck, isa.OpStepBegin:
		return span(a)
	case isa.OpIter:
		return a, min(a+3, n)
	case isa.OpCall, isa.OpTailCall, isa.OpCallB, isa.OpCallCap:
		return a, min(a+b+1, n)
	case isa.OpNewVec, isa.OpParallel:
		lo, hi := span(a)
		return widen(lo, hi, b, b+c)
	case isa.OpNewMap:
		lo, hi := span(a)
		return widen(lo, hi, b, b+fn.consts[c].AsVector().Len())
	case isa.OpRaise, isa.OpStepCheck:
		return 0, 0
	}
	return 0, n
}

// fork is the WASM engine of a machine forked for a concurrent branch: an
// instance of its own, which runs the branch in WASM when its parent was
// running there.
func (w *wasmRun) fork(ctx context.Context, m *machine) *wasmRun {
	f := newWASMRun(ctx, m, w.opts)
	f.inherited = w.running()
	return f
}
