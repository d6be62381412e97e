package wasm

import (
	"fmt"
	"slices"

	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// Module is a compiled WebAssembly module and what the host needs to run it.
type Module struct {
	Binary []byte
	// Consts are the constants the code loads as handles, in the order of
	// their handles 1, 2, ...: the host fills its table with them before
	// the first call.
	Consts []ConstRef
	// Sites are the tail calls, numbered from 1 as the functions' site
	// parameter names them.
	Sites []Site
}

// Site is instruction PC of Protos[Fn].
type Site struct{ Fn, PC int }

// ConstRef names constant K of Protos[Fn].
type ConstRef struct{ Fn, K int }

// Function indices: the imports, then one per prototype, then call.
const (
	fnOp = iota
	fnRaise
	fnEnter
	fnRemember
	fnRet
	fnPoll
	fnUpval
	fnFirstProto
)

// Type indices.
const (
	typeProto      = iota // (fp i32, closure i64, nargs i32, pc i32, mark i32, site i32) i32
	typeOp                // (fn i32, pc i32, fp i32, closure i64) i32
	typeRaise             // (fn, pc, fp, mark, site i32) i32
	typeThree             // (i32, i32, i32) i32: enter, remember, ret
	typePoll              // (i32) i32
	typeCallExport        // (fn i32, fp i32, closure i64, nargs, pc, mark i32) i32
	typeEnter             // (fn, fp, nargs, site i32) i32
	typeUpval             // (closure i64, index, fn, fp, a i32) i32
)

// Globals of the module.
const (
	globalDepth  = 0
	globalBudget = 1
)

// Locals of a prototype's function: its parameters, then scratch.
const (
	localFP      = 0
	localClosure = 1
	localNArgs   = 2
	localPC      = 3
	localMark    = 4
	localSite    = 5 // the tail call that entered the frame (Module.Sites), 0 for a call
	localStatus  = 6
	localX       = 7 // i64
	// localRegs is the first of the locals that cache the registers, a
	// tag and a payload each (see "The register cache").
	localRegs = 8
)

// maxCachedRegs is the most registers a function caches in locals.
const maxCachedRegs = 128

// MaxPages bounds linear memory (2 GiB): addresses stay positive i32s.
const MaxPages = 32768

// Compile translates every prototype of m; the module's memory may grow
// to maxPages pages of 64 KiB (0: MaxPages).
func Compile(m *isa.Module, maxPages uint32) (*Module, error) {
	if maxPages == 0 || maxPages > MaxPages {
		maxPages = MaxPages
	}
	out := &Module{}
	consts := map[ConstRef]int64{}
	bodies := make([][]byte, len(m.Protos))
	for i, p := range m.Protos {
		g := &fgen{mod: m, fn: i, proto: p, consts: consts, out: out}
		body, err := g.function()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		bodies[i] = body
	}
	base := StackBase(len(m.Globals)) + 2*SlotSize
	minPages := (base + 1<<20 + 1<<16 - 1) >> 16
	if minPages > maxPages {
		return nil, fmt.Errorf("the memory limit of %d pages cannot hold %d globals and a stack", maxPages, len(m.Globals))
	}
	out.Binary = assemble(bodies, minPages, maxPages)
	return out, nil
}

// assemble writes the module's sections around the function bodies.
func assemble(bodies [][]byte, minPages, maxPages uint32) []byte {
	mod := code{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
	section := func(id byte, write func(*code)) {
		var s code
		write(&s)
		mod.byte(id)
		mod.vec(s)
	}
	signature := func(s *code, params []byte, result byte) {
		s.byte(tFunc)
		s.vec(params)
		s.byte(1, result)
	}
	section(1, func(s *code) { // types
		s.u32(8)
		signature(s, []byte{tI32, tI64, tI32, tI32, tI32, tI32}, tI32)
		signature(s, []byte{tI32, tI32, tI32, tI64}, tI32)
		signature(s, []byte{tI32, tI32, tI32, tI32, tI32}, tI32)
		signature(s, []byte{tI32, tI32, tI32}, tI32)
		signature(s, []byte{tI32}, tI32)
		signature(s, []byte{tI32, tI32, tI64, tI32, tI32, tI32}, tI32)
		signature(s, []byte{tI32, tI32, tI32, tI32}, tI32)
		signature(s, []byte{tI64, tI32, tI32, tI32, tI32}, tI32)
	})
	section(2, func(s *code) { // imports
		types := []uint32{typeOp, typeRaise, typeEnter, typeThree, typeThree, typePoll, typeUpval}
		s.u32(uint32(len(Imports)))
		for i, name := range Imports {
			s.name(ImportModule)
			s.name(name)
			s.byte(0x00)
			s.u32(types[i])
		}
	})
	n := uint32(len(bodies))
	section(3, func(s *code) { // functions
		s.u32(n + 1)
		for range bodies {
			s.u32(typeProto)
		}
		s.u32(typeCallExport)
	})
	section(4, func(s *code) { // table
		s.u32(1)
		s.byte(0x70, 0x01)
		s.u32(n)
		s.u32(n)
	})
	section(5, func(s *code) { // memory
		s.u32(1)
		s.byte(0x01)
		s.u32(minPages)
		s.u32(maxPages)
	})
	section(6, func(s *code) { // globals: depth, budget
		s.u32(2)
		s.byte(tI32, 0x01)
		s.i32Const(0)
		s.byte(opEnd)
		s.byte(tI32, 0x01)
		s.i32Const(PollInterval)
		s.byte(opEnd)
	})
	section(7, func(s *code) { // exports
		s.u32(3)
		s.name(ExportCall)
		s.byte(0x00)
		s.u32(fnFirstProto + n)
		s.name(ExportMemory)
		s.byte(0x02)
		s.u32(0)
		s.name(ExportDepth)
		s.byte(0x03)
		s.u32(globalDepth)
	})
	section(9, func(s *code) { // elements: the table holds every prototype
		s.u32(1)
		s.u32(0)
		s.i32Const(0)
		s.byte(opEnd)
		s.u32(n)
		for i := range n {
			s.u32(fnFirstProto + i)
		}
	})
	section(10, func(s *code) { // code
		s.u32(n + 1)
		for _, b := range bodies {
			s.vec(b)
		}
		s.vec(callExport())
	})
	return mod
}

// callExport is the body of call: a call_indirect of the prototype's
// function with the other arguments.
func callExport() []byte {
	var c code
	c.u32(0) // no locals
	for i := uint32(1); i <= 5; i++ {
		c.localGet(i)
	}
	c.i32Const(0) // no call site: the host called
	c.localGet(0)
	c.byte(opCallIndirect)
	c.u32(typeProto)
	c.u32(0)
	c.byte(opEnd)
	return c
}

// fgen translates one prototype.
type fgen struct {
	mod    *isa.Module
	fn     int
	proto  *isa.Proto
	consts map[ConstRef]int64
	out    *Module

	c       code
	cache   []regState // per register, when the function caches them
	leaders []int      // the first pc of each basic block, ascending
	blockOf []int      // the block each leader pc starts, -1 for other pcs
	exits   map[int]bool
	cur     int // the block being emitted
	nest    int // structured blocks opened inside the current instruction
}

// function returns the body of the prototype's function.
func (g *fgen) function() ([]byte, error) {
	p := g.proto
	if p.NumRegs*SlotSize > 1<<30 {
		return nil, fmt.Errorf("%d registers do not fit a frame", p.NumRegs)
	}
	i64s := 1
	if p.NumRegs <= maxCachedRegs && p.DelegateTarget == "" {
		g.cache = make([]regState, p.NumRegs)
		i64s += 2 * p.NumRegs
	}
	g.c.u32(2)
	g.c.u32(1)
	g.c.byte(tI32)
	g.c.u32(uint32(i64s))
	g.c.byte(tI64)
	if p.DelegateTarget != "" {
		// Calls of a delegated function go to the host (its closures are
		// plain handles); nothing calls this one.
		g.c.byte(opUnreachable, opEnd)
		return g.c, nil
	}
	if err := g.findBlocks(); err != nil {
		return nil, err
	}
	g.prologue()
	n := len(g.leaders)
	g.c.byte(opLoop, tEmpty)
	g.c.byte(opBlock, tEmpty) // fail
	for range n {
		g.c.byte(opBlock, tEmpty)
	}
	g.c.localGet(localPC)
	g.c.byte(opBrTable)
	g.c.u32(uint32(len(p.Code)))
	for pc := range p.Code {
		if b := g.blockOf[pc]; b >= 0 {
			g.c.u32(uint32(b))
		} else {
			g.c.u32(uint32(n))
		}
	}
	g.c.u32(uint32(n))
	for b, start := range g.leaders {
		g.c.byte(opEnd)
		g.cur = b
		end := len(p.Code)
		if b+1 < n {
			end = g.leaders[b+1]
		}
		clear(g.cache) // memory holds every register at a block's start
		if g.exits[start] {
			g.stepExit(start)
		}
		for pc := start; pc < end; pc++ {
			if err := g.instr(pc, p.Code[pc]); err != nil {
				return nil, fmt.Errorf("pc %d: %w", pc, err)
			}
		}
		if !endsFlow(p.Code[end-1].Op()) {
			g.flush() // falling through into the next block
		}
	}
	// Code falls off its last instruction only in a module the verifier
	// would have refused.
	g.c.byte(opUnreachable)
	g.c.byte(opEnd) // fail: the pc local says where
	g.c.i32Const(int32(g.fn))
	g.c.localGet(localPC)
	g.c.localGet(localFP)
	g.c.localGet(localMark)
	g.c.localGet(localSite)
	g.c.call(fnRaise)
	g.c.byte(opLocalTee)
	g.c.u32(localPC)
	g.c.i32Const(0)
	g.c.byte(opI32LtS)
	g.c.byte(opIf, tEmpty)
	g.c.i32Const(StatusError)
	g.c.byte(opReturn)
	g.c.byte(opEnd)
	g.c.byte(opBr)
	g.c.u32(0)
	g.c.byte(opEnd) // loop
	g.c.byte(opUnreachable)
	g.c.byte(opEnd)
	return g.c, nil
}

// findBlocks finds the leaders: the entry, every branch target and
// handler, what follows a branch, and the pcs where the VM may hand over
// or take back a step (STEPBEGIN, and the end of its region).
func (g *fgen) findBlocks() error {
	p := g.proto
	size := len(p.Code)
	leader := make([]bool, size+1)
	leader[0] = true
	g.exits = map[int]bool{}
	mark := func(pc int) error {
		if pc < 0 || pc > size {
			return fmt.Errorf("branch to pc %d outside the code", pc)
		}
		leader[pc] = true
		return nil
	}
	for pc, in := range p.Code {
		var target int
		switch in.Op() {
		case isa.OpJmp, isa.OpIfLt, isa.OpIfLe, isa.OpIfGt, isa.OpIfGe, isa.OpIfEq, isa.OpIfKind:
			target = pc + 1 + in.SJ()
		case isa.OpTest, isa.OpTestT, isa.OpTestX, isa.OpTestBound, isa.OpIter:
			target = pc + 1 + in.SBx()
		case isa.OpMatch:
			target = pc + 2
		case isa.OpStepBegin:
			leader[pc] = true
			if end, ok := stepRegionEnd(p.Code, pc); ok {
				g.exits[end] = true
				target = end
			}
			continue
		case isa.OpReturn, isa.OpTailCall, isa.OpThrow, isa.OpRaise:
			target = pc + 1
		default:
			continue
		}
		if err := mark(target); err != nil {
			return err
		}
		if err := mark(pc + 1); err != nil {
			return err
		}
	}
	for _, h := range p.Handlers {
		if err := mark(h.Target); err != nil {
			return err
		}
	}
	g.blockOf = make([]int, size)
	for pc := range size {
		g.blockOf[pc] = -1
		if leader[pc] {
			g.blockOf[pc] = len(g.leaders)
			g.leaders = append(g.leaders, pc)
		}
	}
	return nil
}

// stepRegionEnd finds where the code of the step begun at pc ends: the
// pc after the THROW that follows its STEPFAIL (compiler/codegen's step
// lowering: STEPEND, JMP past the failure code, STEPFAIL, THROW).
func stepRegionEnd(code []isa.Instr, begin int) (int, bool) {
	handle := code[begin].A()
	for pc := begin + 1; pc+3 < len(code); pc++ {
		in := code[pc]
		if in.Op() == isa.OpStepEnd && in.A() == handle && code[pc+2].Op() == isa.OpStepFail && code[pc+2].A() == handle {
			return pc + 4, true
		}
	}
	return 0, false
}

// StepRegions returns, for the STEPBEGIN at each pc of p, the pc after its
// step's code: where the host takes the frame back from WASM.
func StepRegions(p *isa.Proto) map[int]int {
	regions := map[int]int{}
	for pc, in := range p.Code {
		if in.Op() == isa.OpStepBegin {
			if end, ok := stepRegionEnd(p.Code, pc); ok {
				regions[pc] = end
			}
		}
	}
	return regions
}

// prologue runs on entry at pc 0: room on the stack, the arity (and the
// rest list of a variadic function), nil in the registers past the
// parameters. An error here is the caller's to raise, at its call.
func (g *fgen) prologue() {
	p := g.proto
	c := &g.c
	c.localGet(localPC)
	c.byte(opI32Eqz)
	c.byte(opIf, tEmpty)

	frame := uint32(p.NumRegs+1) * SlotSize
	c.localGet(localFP)
	c.i32Const(int32(frame))
	c.byte(opI32Add)
	c.byte(opMemorySize, 0)
	c.i32Const(16)
	c.byte(opI32Shl)
	c.byte(opI32GtU)
	c.byte(opIf, tEmpty)
	c.i32Const(int32(frame>>16 + 16))
	c.byte(opMemoryGrow, 0)
	c.i32Const(-1)
	c.byte(opI32Eq)
	c.byte(opIf, tEmpty)
	c.i32Const(PollStackOverflow)
	c.call(fnPoll)
	c.byte(opReturn)
	c.byte(opEnd)
	c.byte(opEnd)

	first := p.NumParams
	if p.Variadic {
		first++
		g.enterCall()
	} else {
		c.localGet(localNArgs)
		c.i32Const(int32(p.NumParams))
		c.byte(opI32Ne)
		c.byte(opIf, tEmpty)
		g.enterCall()
		c.byte(opEnd)
	}
	g.clearRegs(first)
	c.byte(opEnd)
}

// enterCall calls enter and returns its error status, if any.
func (g *fgen) enterCall() {
	c := &g.c
	c.i32Const(int32(g.fn))
	c.localGet(localFP)
	c.localGet(localNArgs)
	c.localGet(localSite)
	c.call(fnEnter)
	c.byte(opLocalTee)
	c.u32(localStatus)
	c.byte(opIf, tEmpty)
	c.localGet(localStatus)
	c.byte(opReturn)
	c.byte(opEnd)
}

// stepExit leaves a step region when this frame is the one the host
// handed over and pc is where the host takes it back.
func (g *fgen) stepExit(pc int) {
	c := &g.c
	c.i32Const(0)
	c.i32Load(AddrExitFP)
	c.localGet(localFP)
	c.byte(opI32Eq)
	c.i32Const(0)
	c.i32Load(AddrExitPC)
	c.i32Const(int32(pc))
	c.byte(opI32Eq)
	c.byte(opI32And)
	c.byte(opIf, tEmpty)
	c.i32Const(StatusExit)
	c.byte(opReturn)
	c.byte(opEnd)
}

// Branches. The depths count the structured blocks opened inside the
// instruction (nest) on top of the chain of basic blocks.

func (g *fgen) br(depth int) {
	g.c.byte(opBr)
	g.c.u32(uint32(depth + g.nest))
}

func (g *fgen) failDepth() int { return len(g.leaders) - 1 - g.cur }

// open and close bracket an if (or block) inside an instruction.
func (g *fgen) open(op byte) {
	g.c.byte(op, tEmpty)
	g.nest++
}

func (g *fgen) close() {
	g.c.byte(opEnd)
	g.nest--
}

// fail raises the pending error at pc.
func (g *fgen) fail(pc int) {
	g.c.i32Const(int32(pc))
	g.c.localSet(localPC)
	g.br(g.failDepth())
}

// failIf raises at pc when the status on the stack is not zero.
func (g *fgen) failIf(pc int) {
	g.open(opIf)
	g.fail(pc)
	g.close()
}

// jump continues at target, from the instruction at pc: a br forward, the
// dispatch for a backward jump, which counts as an event.
func (g *fgen) jump(pc, target int) {
	b := g.blockOf[target]
	if b > g.cur {
		g.br(b - g.cur - 1)
		return
	}
	g.tick(pc)
	g.c.i32Const(int32(target))
	g.c.localSet(localPC)
	g.br(len(g.leaders) - g.cur)
}

// tick counts an event and polls when the budget runs out.
func (g *fgen) tick(pc int) {
	c := &g.c
	c.globalGet(globalBudget)
	c.i32Const(1)
	c.byte(opI32Sub)
	c.globalSet(globalBudget)
	c.globalGet(globalBudget)
	c.i32Const(0)
	c.byte(opI32LeS)
	g.open(opIf)
	c.i32Const(PollInterval)
	c.globalSet(globalBudget)
	c.i32Const(PollTick)
	c.call(fnPoll)
	g.failIf(pc)
	g.close()
}

// Registers.
//
// # The register cache
//
// Within a basic block, a function with at most maxCachedRegs registers
// keeps the registers it works on in locals, a tag and a payload each:
// use loads a register once, set writes only the locals and marks the
// register dirty. Memory holds every register again (flush) before
// whatever may look at the frame: a host function (which reads the frame,
// and whose collector must see every handle), a call (the callee finds its
// arguments there), and the end of the block, so that every block starts
// with nothing cached. After a host function or a call, the registers it
// may have written are read from memory again (forget). Code inside an if
// never changes what is cached, but for the register an instruction
// writes, which every branch leaves in its locals.

// regState says whether a register's locals hold its value, and whether
// memory lacks it.
type regState struct{ cached, dirty bool }

func tagLocal(r int) uint32     { return localRegs + 2*uint32(r) }
func payloadLocal(r int) uint32 { return localRegs + 2*uint32(r) + 1 }

func (g *fgen) cached(r int) bool { return g.cache != nil && g.cache[r].cached }

func (g *fgen) tag(r int) {
	if g.cached(r) {
		g.c.localGet(tagLocal(r))
		return
	}
	g.c.localGet(localFP)
	g.c.i64Load(uint32(r * SlotSize))
}

func (g *fgen) payload(r int) {
	if g.cached(r) {
		g.c.localGet(payloadLocal(r))
		return
	}
	g.c.localGet(localFP)
	g.c.i64Load(uint32(r*SlotSize + 8))
}

// use caches the registers an instruction reads (a negative one is a
// constant operand), before any branch of its code.
func (g *fgen) use(regs ...int) {
	if g.cache == nil || g.nest > 0 {
		return
	}
	for _, r := range regs {
		if r >= 0 && !g.cache[r].cached {
			g.load(r)
			g.cache[r].cached = true
		}
	}
}

// load reads R[r] from memory into its locals.
func (g *fgen) load(r int) {
	g.c.localGet(localFP)
	g.c.i64Load(uint32(r * SlotSize))
	g.c.localSet(tagLocal(r))
	g.c.localGet(localFP)
	g.c.i64Load(uint32(r*SlotSize + 8))
	g.c.localSet(payloadLocal(r))
}

// flush writes the dirty registers to memory. Inside an if it only emits
// the stores: the other branch did not make them.
func (g *fgen) flush() {
	for r := range g.cache {
		if !g.cache[r].dirty {
			continue
		}
		g.c.localGet(localFP)
		g.c.localGet(tagLocal(r))
		g.c.i64Store(uint32(r * SlotSize))
		g.c.localGet(localFP)
		g.c.localGet(payloadLocal(r))
		g.c.i64Store(uint32(r*SlotSize + 8))
		if g.nest == 0 {
			g.cache[r].dirty = false
		}
	}
}

// forget drops the registers from r on from the cache, after something
// that may have written them in memory (flush came first).
func (g *fgen) forget(from int) {
	for r := from; r < len(g.cache); r++ {
		g.cache[r] = regState{}
	}
}

// drop forgets R[r], which the host wrote in memory (flush came first).
func (g *fgen) drop(r int) {
	if g.cache != nil {
		g.cache[r] = regState{}
	}
}

// snapshot and restore keep what is cached across the branches of an if.
func (g *fgen) snapshot() []regState { return slices.Clone(g.cache) }

func (g *fgen) restore(s []regState) { copy(g.cache, s) }

// wrote records that every branch just closed left R[r] in its locals.
func (g *fgen) wrote(r int) {
	if g.cache != nil {
		g.cache[r] = regState{cached: true, dirty: true}
	}
}

// inlineSlots is the most slots the code clears or moves with a store
// each rather than with a bulk memory instruction.
const inlineSlots = 16

// set64 stores the i64 that push pushes at offset off of R[r] in memory.
func (g *fgen) set64(r int, off uint32, push func()) {
	g.c.localGet(localFP)
	push()
	g.c.i64Store(uint32(r*SlotSize) + off)
}

// set makes the tag and the payload the two functions push R[r].
func (g *fgen) set(r int, tag, payload func()) {
	if g.cache == nil {
		g.set64(r, 0, tag)
		g.set64(r, 8, payload)
		return
	}
	tag()
	g.c.localSet(tagLocal(r))
	payload()
	g.c.localSet(payloadLocal(r))
	g.cache[r] = regState{cached: true, dirty: true}
}

// store writes R[r] into the slot at the address addr pushes, plus offset.
func (g *fgen) store(addr func(), offset uint32, r int) {
	addr()
	g.tag(r)
	g.c.i64Store(offset)
	addr()
	g.payload(r)
	g.c.i64Store(offset + 8)
}

// endsFlow reports whether control never falls through op.
func endsFlow(op isa.Op) bool {
	switch op {
	case isa.OpJmp, isa.OpReturn, isa.OpTailCall, isa.OpThrow, isa.OpRaise:
		return true
	}
	return false
}

func (g *fgen) constant(v int64) func() { return func() { g.c.i64Const(v) } }

func (g *fgen) fp() { g.c.localGet(localFP) }

// resultSlot pushes fp-16, the callee slot of the frame.
func (g *fgen) resultSlot() {
	g.c.localGet(localFP)
	g.c.i32Const(SlotSize)
	g.c.byte(opI32Sub)
}

// operand is an RK operand as the fast paths see it.
type operand struct {
	reg int   // -1 for a constant
	tag int64 // a constant's tag (TagHandle for one no fast path takes)
	k   int64 // a constant's payload
}

func (g *fgen) rk(x int) operand {
	if x < isa.RKConst {
		return operand{reg: x}
	}
	switch v := g.proto.Consts[x-isa.RKConst]; v.Kind() {
	case value.KInt:
		return operand{reg: -1, tag: TagInt, k: v.AsInt()}
	case value.KFloat:
		return operand{reg: -1, tag: TagFloat, k: f64Bits(v.AsFloat())}
	}
	return operand{reg: -1, tag: TagHandle}
}

// kindTest pushes whether every register operand holds a value of tag;
// ok is false when a constant operand does not (no such fast path then).
func (g *fgen) kindTest(tag int64, ops ...operand) (ok bool) {
	for _, o := range ops {
		if o.reg < 0 && o.tag != tag {
			return false
		}
	}
	tests := 0
	for _, o := range ops {
		if o.reg < 0 {
			continue
		}
		g.tag(o.reg)
		g.c.i64Const(tag)
		g.c.byte(opI64Eq)
		if tests++; tests > 1 {
			g.c.byte(opI32And)
		}
	}
	if tests == 0 {
		g.c.i32Const(1)
	}
	return true
}

func (g *fgen) value(o operand) {
	if o.reg < 0 {
		g.c.i64Const(o.k)
		return
	}
	g.payload(o.reg)
}

// float pushes a float operand as an f64.
func (g *fgen) float(o operand) {
	g.value(o)
	g.c.byte(opF64ReinterpretI64)
}

// slow runs instruction pc on the host and leaves the status on the stack.
func (g *fgen) slow(pc int) {
	g.c.i32Const(int32(g.fn))
	g.c.i32Const(int32(pc))
	g.c.localGet(localFP)
	g.c.localGet(localClosure)
	g.c.call(fnOp)
}

// slowBranch runs instruction pc on the host, which may take its branch.
func (g *fgen) slowBranch(pc, target int) {
	g.slow(pc)
	g.c.localSet(localStatus)
	g.c.localGet(localStatus)
	g.c.i32Const(StatusError)
	g.c.byte(opI32Eq)
	g.failIf(pc)
	g.c.localGet(localStatus)
	g.c.i32Const(StatusJump)
	g.c.byte(opI32Eq)
	g.open(opIf)
	g.jump(pc, target)
	g.close()
}

// falsy pushes whether R[r] is nil or false.
func (g *fgen) falsy(r int) {
	g.tag(r)
	g.c.byte(0x50) // i64.eqz
	g.tag(r)
	g.c.i64Const(TagBool)
	g.c.byte(opI64Eq)
	g.payload(r)
	g.c.byte(0x50)
	g.c.byte(opI32And)
	g.c.byte(opI32Or)
}

// constSlot pushes the tag and payload of constant k.
func (g *fgen) constSlot(k int) (tag, payload int64) {
	v := g.proto.Consts[k]
	switch v.Kind() {
	case value.KNil:
		return TagNil, 0
	case value.KBool:
		if v.Truthy() {
			return TagBool, 1
		}
		return TagBool, 0
	case value.KInt:
		return TagInt, v.AsInt()
	case value.KFloat:
		return TagFloat, f64Bits(v.AsFloat())
	}
	ref := ConstRef{Fn: g.fn, K: k}
	h, ok := g.consts[ref]
	if !ok {
		g.out.Consts = append(g.out.Consts, ref)
		h = int64(len(g.out.Consts))
		g.consts[ref] = h
	}
	return TagHandle, h
}

var intOps = map[isa.Op]byte{isa.OpAdd: opI64Add, isa.OpSub: opI64Sub, isa.OpMul: opI64Mul, isa.OpMod: opI64RemS}

// floatOps are the float arithmetic with the VM's fast path (binary);
// floatOrderOps the float comparisons, which like the VM's leave = to the
// builtin.
var (
	floatOps      = map[isa.Op]byte{isa.OpAdd: opF64Add, isa.OpSub: opF64Sub, isa.OpMul: opF64Mul}
	floatOrderOps = map[isa.Op]byte{
		isa.OpLt: opF64Lt, isa.OpLe: opF64Le, isa.OpGt: opF64Gt, isa.OpGe: opF64Ge,
		isa.OpIfLt: opF64Lt, isa.OpIfLe: opF64Le, isa.OpIfGt: opF64Gt, isa.OpIfGe: opF64Ge,
	}
)

// orderOps compare two integers; the If forms jump when it does not hold.
var orderOps = map[isa.Op]byte{
	isa.OpLt: opI64LtS, isa.OpLe: opI64LeS, isa.OpGt: opI64GtS, isa.OpGe: opI64GeS, isa.OpEq: opI64Eq,
	isa.OpIfLt: opI64LtS, isa.OpIfLe: opI64LeS, isa.OpIfGt: opI64GtS, isa.OpIfGe: opI64GeS, isa.OpIfEq: opI64Eq,
}

// instr emits the instruction at pc.
func (g *fgen) instr(pc int, in isa.Instr) error {
	c := &g.c
	a := in.A()
	switch op := in.Op(); op {
	case isa.OpMove:
		b := in.B()
		g.use(b)
		g.set(a, func() { g.tag(b) }, func() { g.payload(b) })
	case isa.OpLoadK:
		tag, payload := g.constSlot(in.Bx())
		g.set(a, g.constant(tag), g.constant(payload))
	case isa.OpLoadNil:
		g.set(a, g.constant(TagNil), g.constant(0))
	case isa.OpLoadBool:
		g.set(a, g.constant(TagBool), g.constant(int64(min(in.B(), 1))))
	case isa.OpLoadInt:
		g.set(a, g.constant(TagInt), g.constant(int64(in.SBx())))

	case isa.OpGetUpval:
		g.flush()
		c.localGet(localClosure)
		c.i32Const(int32(in.B()))
		c.i32Const(int32(g.fn))
		c.localGet(localFP)
		c.i32Const(int32(a))
		c.call(fnUpval)
		c.byte(opDrop)
		g.drop(a)
	case isa.OpGetGlobal:
		addr := AddrGlobals + uint32(in.Bx())*SlotSize
		c.i32Const(0)
		c.i64Load(addr)
		c.i64Const(TagUnbound)
		c.byte(opI64Eq)
		before := g.snapshot()
		g.open(opIf)
		g.slowInto(pc, a)
		c.byte(opElse)
		g.restore(before)
		global := func(off uint32) func() {
			return func() {
				c.i32Const(0)
				c.i64Load(addr + off)
			}
		}
		g.set(a, global(0), global(8))
		g.close()
		g.restore(before)
		g.wrote(a)

	case isa.OpAdd, isa.OpSub, isa.OpMul, isa.OpMod:
		b, cc := g.rk(in.B()), g.rk(in.C())
		if op == isa.OpMod && cc.reg < 0 && cc.k == 0 {
			// The builtin's DivisionByZero.
			g.slowTop(pc)
			break
		}
		g.use(b.reg, cc.reg)
		ints := path{TagInt, func() {
			g.set(a, g.constant(TagInt), func() {
				g.value(b)
				g.value(cc)
				c.byte(intOps[op])
			})
		}}
		floats := path{TagFloat, nil}
		if f, ok := floatOps[op]; ok {
			floats.body = func() {
				g.set(a, g.constant(TagFloat), func() {
					g.float(b)
					g.float(cc)
					c.byte(f)
					c.byte(opI64ReinterpretF64)
				})
			}
		}
		g.fast(pc, []operand{b, cc}, ints, floats)
	case isa.OpLt, isa.OpLe, isa.OpGt, isa.OpGe, isa.OpEq:
		b, cc := g.rk(in.B()), g.rk(in.C())
		g.use(b.reg, cc.reg)
		compare := func(tag int64, push func(operand), ops map[isa.Op]byte) path {
			cmp, ok := ops[op]
			if !ok {
				return path{tag, nil}
			}
			return path{tag, func() {
				g.set(a, g.constant(TagBool), func() {
					push(b)
					push(cc)
					c.byte(cmp)
					c.byte(opI64ExtendI32U)
				})
			}}
		}
		g.fast(pc, []operand{b, cc}, compare(TagInt, g.value, orderOps), compare(TagFloat, g.float, floatOrderOps))
	case isa.OpInc, isa.OpDec:
		b := operand{reg: in.B()}
		delta := int64(1)
		if op == isa.OpDec {
			delta = -1
		}
		g.use(b.reg)
		g.fast(pc, []operand{b}, path{TagInt, func() {
			g.set(a, g.constant(TagInt), func() {
				g.payload(b.reg)
				c.i64Const(delta)
				c.byte(opI64Add)
			})
		}})
	case isa.OpZero:
		b := operand{reg: in.B()}
		g.use(b.reg)
		g.fast(pc, []operand{b}, path{TagInt, func() {
			g.set(a, g.constant(TagBool), func() {
				g.payload(b.reg)
				c.byte(0x50)
				c.byte(opI64ExtendI32U)
			})
		}})
	case isa.OpNot:
		g.use(in.B())
		g.set(a, g.constant(TagBool), func() {
			g.falsy(in.B())
			c.byte(opI64ExtendI32U)
		})

	case isa.OpJmp:
		g.flush()
		g.jump(pc, pc+1+in.SJ())
	case isa.OpTest, isa.OpTestT:
		g.flush()
		g.falsy(a)
		if op == isa.OpTestT {
			c.byte(opI32Eqz)
		}
		g.open(opIf)
		g.jump(pc, pc+1+in.SBx())
		g.close()
	case isa.OpTestBound:
		g.flush()
		g.tag(a)
		c.i64Const(TagCell)
		c.byte(opI64Ne)
		g.open(opIf)
		g.jump(pc, pc+1+in.SBx())
		g.close()
	case isa.OpTestX, isa.OpIter:
		g.flush()
		g.slowBranch(pc, pc+1+in.SBx())
	case isa.OpIfLt, isa.OpIfLe, isa.OpIfGt, isa.OpIfGe, isa.OpIfEq:
		b, cc := g.rk(a), g.rk(in.B())
		target := pc + 1 + in.SJ()
		g.use(b.reg, cc.reg)
		g.flush()
		branch := func(tag int64, push func(operand), ops map[isa.Op]byte) path {
			cmp, ok := ops[op]
			if !ok {
				return path{tag, nil}
			}
			return path{tag, func() {
				push(b)
				push(cc)
				c.byte(cmp)
				c.byte(opI32Eqz)
				g.open(opIf)
				g.jump(pc, target)
				g.close()
			}}
		}
		g.fast(pc, []operand{b, cc}, branch(TagInt, g.value, orderOps), branch(TagFloat, g.float, floatOrderOps))
	case isa.OpIfKind:
		g.flush()
		g.slowBranch(pc, pc+1+in.SJ())
	case isa.OpMatch:
		g.flush()
		g.slowBranch(pc, pc+2)

	case isa.OpCall:
		g.call(pc, a, in.B())
	case isa.OpTailCall:
		g.tailCall(pc, a, in.B())
	case isa.OpReturn:
		g.store(g.resultSlot, 0, a)
		g.ret()
	case isa.OpReturnType:
		g.flush()
		c.i32Const(int32(g.fn))
		c.i32Const(int32(pc))
		c.localGet(localMark)
		c.call(fnRemember)
		g.failIf(pc)

	default:
		if !op.Valid() {
			return fmt.Errorf("unknown opcode %d", op)
		}
		g.slowTop(pc)
	}
	return nil
}

// slowTop runs the instruction at pc on the host, at the top level of
// its code: the host may write any register of the frame.
func (g *fgen) slowTop(pc int) {
	g.flush()
	g.slow(pc)
	g.failIf(pc)
	g.forget(0)
}

// slowInto runs the instruction at pc, which writes R[a], on the host, in
// a branch whose others leave R[a] in its locals: so does this one.
func (g *fgen) slowInto(pc, a int) {
	g.flush()
	g.slow(pc)
	g.failIf(pc)
	if g.cache != nil {
		g.load(a)
	}
}

// path is a fast path: the tag its operands must all have, and the code
// that runs then.
type path struct {
	tag  int64
	body func()
}

// fast emits the fast paths of the instruction at pc, each guarded by a
// test of its operands' tags, and the host's slow path for anything else.
// MOD's divisor must not be zero besides: its error is the builtin's.
func (g *fgen) fast(pc int, ops []operand, paths ...path) {
	before := g.snapshot()
	opened := 0
	for _, p := range paths {
		if p.body == nil || !g.kindTest(p.tag, ops...) {
			continue
		}
		if in := g.proto.Code[pc]; in.Op() == isa.OpMod {
			if d := ops[1]; d.reg >= 0 {
				g.payload(d.reg)
				g.c.byte(0x50) // i64.eqz
				g.c.byte(opI32Eqz)
				g.c.byte(opI32And)
			}
		}
		g.open(opIf)
		p.body()
		g.c.byte(opElse)
		g.restore(before)
		opened++
	}
	g.slowOrBranch(pc)
	for range opened {
		g.close()
	}
	g.restore(before)
	if in := g.proto.Code[pc]; writesA(in.Op()) {
		g.wrote(in.A())
	}
}

// writesA reports whether a fast-path instruction writes R[A] (the
// compare-and-branch ones write nothing).
func writesA(op isa.Op) bool {
	switch op {
	case isa.OpIfLt, isa.OpIfLe, isa.OpIfGt, isa.OpIfGe, isa.OpIfEq:
		return false
	}
	return true
}

// slowOrBranch is the slow path of the instruction at pc: for the
// compare-and-branch forms, with the branch.
func (g *fgen) slowOrBranch(pc int) {
	switch in := g.proto.Code[pc]; in.Op() {
	case isa.OpIfLt, isa.OpIfLe, isa.OpIfGt, isa.OpIfGe, isa.OpIfEq:
		g.slowBranch(pc, pc+1+in.SJ())
	default:
		g.slowInto(pc, in.A())
	}
}

// ret returns from the frame, whose result is in its callee slot, after
// its return checks (RETURNTYPE), which the host applies.
func (g *fgen) ret() {
	c := &g.c
	c.i32Const(0)
	c.i32Load(AddrChecks)
	c.localGet(localMark)
	c.byte(opI32GtU)
	g.open(opIf)
	c.i32Const(int32(g.fn))
	c.localGet(localFP)
	c.localGet(localMark)
	c.call(fnRet)
	g.open(opIf)
	c.i32Const(StatusError)
	c.byte(opReturn)
	g.close()
	g.close()
	c.i32Const(StatusOK)
	c.byte(opReturn)
}

// call is CALL A B: a closure that runs in WASM is called directly, at
// the caller's depth plus one; anything else goes through the host.
func (g *fgen) call(pc, a, n int) {
	c := &g.c
	g.flush()
	g.tag(a)
	c.i64Const(TagClosure)
	c.byte(opI64Ne)
	g.open(opIf)
	g.slow(pc)
	g.failIf(pc)
	c.byte(opElse)
	c.globalGet(globalDepth)
	c.i32Const(0)
	c.i32Load(AddrMaxDepth)
	c.byte(opI32GeS)
	g.open(opIf)
	c.i32Const(PollStackOverflow)
	c.call(fnPoll)
	c.byte(opDrop)
	g.fail(pc)
	g.close()
	g.tick(pc)
	c.globalGet(globalDepth)
	c.i32Const(1)
	c.byte(opI32Add)
	c.globalSet(globalDepth)
	c.localGet(localFP)
	c.i32Const(int32((a + 1) * SlotSize))
	c.byte(opI32Add)
	g.payload(a)
	c.i32Const(int32(n))
	c.i32Const(0)
	c.i32Const(0)
	c.i32Load(AddrChecks)
	c.i32Const(0) // a call: this frame positions what the callee's entry raises
	g.payload(a)
	c.i64Const(32)
	c.byte(opI64ShrU)
	c.byte(opI32WrapI64)
	c.byte(opCallIndirect)
	c.u32(typeProto)
	c.u32(0)
	c.localSet(localStatus)
	c.globalGet(globalDepth)
	c.i32Const(1)
	c.byte(opI32Sub)
	c.globalSet(globalDepth)
	c.localGet(localStatus)
	g.failIf(pc)
	g.close()
	// The result is in R[A]; the callee's frame began at R[A+1].
	g.forget(a)
}

// tailCall is TAILCALL A B: the arguments move down over the frame's
// registers and the callee takes the frame's place, with the frame's
// return checks.
func (g *fgen) tailCall(pc, a, n int) {
	c := &g.c
	g.tag(a)
	c.i64Const(TagClosure)
	c.byte(opI64Ne)
	g.open(opIf)
	// The host reads the arguments from memory and stores the result in
	// the callee slot. A closure takes them from the cache: this frame's
	// registers are dead once it is entered.
	g.flush()
	g.slow(pc)
	g.failIf(pc)
	g.ret()
	g.close()
	g.tick(pc)
	site := g.site(pc)
	if !g.proto.Variadic {
		g.selfTailCall(a, n, site)
	}
	// The callee takes the callee slot, where the host's collector sees
	// its handle while it runs.
	g.store(g.resultSlot, 0, a)
	g.payload(a)
	c.localSet(localX)
	g.moveArgs(a, n)
	c.localGet(localFP)
	c.localGet(localX)
	c.i32Const(int32(n))
	c.i32Const(0)
	c.localGet(localMark)
	c.i32Const(site)
	c.localGet(localX)
	c.i64Const(32)
	c.byte(opI64ShrU)
	c.byte(opI32WrapI64)
	c.byte(opReturnCallIndirect)
	c.u32(typeProto)
	c.u32(0)
}

// site numbers the tail call at pc in Module.Sites: a frame it enters
// positions there what raises without a position of its own (its entry's
// checks), as the VM does.
func (g *fgen) site(pc int) int32 {
	g.out.Sites = append(g.out.Sites, Site{Fn: g.fn, PC: pc})
	return int32(len(g.out.Sites))
}

// moveArgs moves the n arguments of a call at R[a] down to R[0...].
func (g *fgen) moveArgs(a, n int) {
	c := &g.c
	if n > inlineSlots {
		c.localGet(localFP)
		c.localGet(localFP)
		c.i32Const(int32((a + 1) * SlotSize))
		c.byte(opI32Add)
		c.i32Const(int32(n * SlotSize))
		c.byte(opPrefixFC, fcMemoryCopy, 0, 0)
		return
	}
	// Upwards, one slot at a time: each source slot is above its
	// destination.
	for i := range n {
		g.store(g.fp, uint32(i*SlotSize), a+1+i)
	}
}

// selfTailCall is the tail call of a function by itself with its own
// arity, as the VM runs it: a loop in the same frame, from pc 0 with the
// registers past the arguments cleared. The callee slot keeps the frame's
// closure.
func (g *fgen) selfTailCall(a, n int, site int32) {
	c := &g.c
	if n != g.proto.NumParams {
		return
	}
	g.payload(a)
	c.i64Const(32)
	c.byte(opI64ShrU)
	c.i64Const(int64(g.fn))
	c.byte(opI64Eq)
	g.open(opIf)
	g.moveArgs(a, n)
	g.clearRegs(n)
	c.i32Const(site)
	c.localSet(localSite)
	c.i32Const(0)
	c.localSet(localPC)
	g.br(len(g.leaders) - g.cur)
	g.close()
}

// clearRegs makes the registers from first on nil. A slot is nil when its
// tag is: clearing the tags is enough, one store each, which beats
// memory.fill (a call out of the compiled code) for the few registers of
// most functions.
func (g *fgen) clearRegs(first int) {
	c := &g.c
	n := g.proto.NumRegs - first
	if n > inlineSlots {
		c.localGet(localFP)
		c.i32Const(int32(first * SlotSize))
		c.byte(opI32Add)
		c.i32Const(0)
		c.i32Const(int32(n * SlotSize))
		c.byte(opPrefixFC, fcMemoryFill, 0)
		return
	}
	for r := first; r < g.proto.NumRegs; r++ {
		g.set64(r, 0, g.constant(TagNil))
	}
}
