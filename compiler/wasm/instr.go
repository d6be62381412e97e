package wasm

import (
	"fmt"

	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// The lowering of each instruction: its fast paths in WASM, the host for
// the rest.

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
		g.ret(func() { g.tag(a) }, func() { g.payload(a) })
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

// ret returns from the frame the result whose tag and payload the two
// functions push, after the frame's return checks (RETURNTYPE), which the
// host applies to the result in the callee slot.
func (g *fgen) ret(tag, payload func()) {
	c := &g.c
	c.i32Const(0)
	c.i32Load(AddrChecks)
	c.localGet(localMark)
	c.byte(opI32GtU)
	g.open(opIf)
	g.resultSlot()
	tag()
	c.i64Store(0)
	g.resultSlot()
	payload()
	c.i64Store(8)
	c.i32Const(int32(g.fn))
	c.localGet(localFP)
	c.localGet(localMark)
	c.call(fnRet)
	g.open(opIf)
	c.i32Const(StatusError)
	g.returnStatus()
	g.close()
	g.close()
	c.i32Const(StatusOK)
	tag()
	payload()
	c.byte(opReturn)
}

// resultFromSlot pushes the callee slot's tag or payload, where the host
// left a result.
func (g *fgen) resultFromSlot(offset uint32) func() {
	return func() {
		g.resultSlot()
		g.c.i64Load(offset)
	}
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
	if g.cache != nil {
		g.load(a) // the host wrote it
	}
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
	c.localSet(localY)
	c.localSet(localX)
	c.localSet(localStatus)
	c.globalGet(globalDepth)
	c.i32Const(1)
	c.byte(opI32Sub)
	c.globalSet(globalDepth)
	c.localGet(localStatus)
	g.failIf(pc)
	g.set(a, func() { c.localGet(localX) }, func() { c.localGet(localY) })
	g.close()
	// The result is R[A]'s on both paths; the callee's frame began at
	// R[A+1].
	g.wrote(a)
	g.forget(a + 1)
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
	g.ret(g.resultFromSlot(0), g.resultFromSlot(8))
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

// selfTailCall is the tail call of a closure by itself with its own
// arity, as the VM runs it: a loop in the same frame, from pc 0 with the
// registers past the arguments cleared. The callee slot keeps the frame's
// closure.
func (g *fgen) selfTailCall(a, n int, site int32) {
	c := &g.c
	if n != g.proto.NumParams {
		return
	}
	// The same closure, not only the same function: another closure of it
	// has upvalues of its own.
	g.payload(a)
	c.localGet(localClosure)
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

// clearRegs makes the registers from first on nil, those that may be read
// before they are written (unassignedReads) when the function is small
// enough to know. A slot is nil when its tag is: clearing the tags is
// enough, one store each, which beats memory.fill (a call out of the
// compiled code) for the few registers of most functions.
func (g *fgen) clearRegs(first int) {
	c := &g.c
	n := g.proto.NumRegs - first
	if g.unassigned != nil {
		for r := first; r < g.proto.NumRegs; r++ {
			if g.unassigned[r] {
				g.set64(r, 0, g.constant(TagNil))
			}
		}
		return
	}
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
