package wasm

import (
	"slices"

	"github.com/rtfs-go/rtfs/isa"
)

// The registers of a frame, and the register cache.
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
