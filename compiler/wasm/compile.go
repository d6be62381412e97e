package wasm

import (
	"fmt"

	"github.com/rtfs-go/rtfs/isa"
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
	typeProto      = iota // (fp i32, closure i64, nargs i32, pc i32, mark i32, site i32) (status i32, tag i64, payload i64)
	typeOp                // (fn i32, pc i32, fp i32, closure i64) i32
	typeRaise             // (fn, pc, fp, mark, site i32) i32
	typeThree             // (i32, i32, i32) i32: enter, remember, ret
	typePoll              // (i32) i32
	typeCallExport        // (fn i32, fp i32, closure i64, nargs, pc, mark i32) (i32, i64, i64)
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
	localY       = 8 // i64
	// localRegs is the first of the locals that cache the registers, a
	// tag and a payload each (see "The register cache").
	localRegs = 9
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
	signature := func(s *code, params []byte, results ...byte) {
		s.byte(tFunc)
		s.vec(params)
		s.vec(results)
	}
	section(1, func(s *code) { // types
		s.u32(8)
		signature(s, []byte{tI32, tI64, tI32, tI32, tI32, tI32}, tI32, tI64, tI64)
		signature(s, []byte{tI32, tI32, tI32, tI64}, tI32)
		signature(s, []byte{tI32, tI32, tI32, tI32, tI32}, tI32)
		signature(s, []byte{tI32, tI32, tI32}, tI32)
		signature(s, []byte{tI32}, tI32)
		signature(s, []byte{tI32, tI32, tI64, tI32, tI32, tI32}, tI32, tI64, tI64)
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
	// unassigned are the registers a path may read before writing them
	// (unassignedReads), nil for all of them.
	unassigned []bool
	cur        int // the block being emitted
	nest       int // structured blocks opened inside the current instruction
}

// function returns the body of the prototype's function.
func (g *fgen) function() ([]byte, error) {
	p := g.proto
	if p.NumRegs*SlotSize > 1<<30 {
		return nil, fmt.Errorf("%d registers do not fit a frame", p.NumRegs)
	}
	i64s := 2
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
	g.unassigned = g.unassignedReads()
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
	g.returnStatus()
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
	g.returnStatus()
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
	g.returnStatus()
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
	g.returnStatus()
	c.byte(opEnd)
}

// returnStatus returns the status on the stack, with no value.
func (g *fgen) returnStatus() {
	g.c.i64Const(0)
	g.c.i64Const(0)
	g.c.byte(opReturn)
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
