package wasm

import "github.com/rtfs-go/rtfs/isa"

// unassignedReads finds the registers of p that some path from its entry
// may read before writing them: only those need the nil the VM puts in
// every register past the parameters (the others are written first on
// every path, and clearing them would cost a store per call). It is a
// forward "definitely assigned" analysis over the basic blocks; an
// instruction it does not know reads every register it names, and one
// that binds a pattern (or a handler's entry) reads every register, so
// the answer errs towards clearing. nil means: clear them all.
func (g *fgen) unassignedReads() []bool {
	p := g.proto
	n := p.NumRegs
	if n > maxCachedRegs {
		return nil
	}
	blocks := len(g.leaders)
	in := make([][]bool, blocks)
	entry := make([]bool, n)
	for r := range min(p.NumParams+boolInt(p.Variadic), n) {
		entry[r] = true
	}
	in[0] = entry
	handlers := map[int]bool{}
	for _, h := range p.Handlers {
		handlers[h.Target] = true
	}
	needs := make([]bool, n)
	for changed := true; changed; {
		changed = false
		for b := range blocks {
			if in[b] == nil {
				continue
			}
			have := append([]bool(nil), in[b]...)
			start, end := g.leaders[b], len(p.Code)
			if b+1 < blocks {
				end = g.leaders[b+1]
			}
			for pc := start; pc < end; pc++ {
				ins := p.Code[pc]
				reads, writes := g.regRoles(ins)
				for _, r := range reads {
					if r < n && !have[r] {
						needs[r] = true
					}
				}
				for _, r := range writes {
					if r < n {
						have[r] = true
					}
				}
				for _, t := range successors(ins, pc, end) {
					if t >= len(p.Code) {
						continue
					}
					tb := g.blockOf[t]
					if handlers[t] {
						// Reached from anywhere in its range: only the
						// parameters are surely there.
						changed = meet(in, tb, entry) || changed
						continue
					}
					changed = meet(in, tb, have) || changed
				}
			}
		}
	}
	return needs
}

// meet narrows in[b] to the registers have also assigns, and reports
// whether it changed.
func meet(in [][]bool, b int, have []bool) bool {
	if in[b] == nil {
		in[b] = append([]bool(nil), have...)
		return true
	}
	changed := false
	for r, ok := range in[b] {
		if ok && !have[r] {
			in[b][r] = false
			changed = true
		}
	}
	return changed
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// successors are the pcs control may reach after the instruction at pc,
// the last of its block when a branch or end is the block's end.
func successors(ins isa.Instr, pc, end int) []int {
	next := pc + 1
	var out []int
	switch ins.Op() {
	case isa.OpJmp:
		return []int{pc + 1 + ins.SJ()}
	case isa.OpReturn, isa.OpTailCall, isa.OpThrow, isa.OpRaise:
		return nil
	case isa.OpIfLt, isa.OpIfLe, isa.OpIfGt, isa.OpIfGe, isa.OpIfEq, isa.OpIfKind:
		out = append(out, pc+1+ins.SJ())
	case isa.OpTest, isa.OpTestT, isa.OpTestX, isa.OpTestBound, isa.OpIter:
		out = append(out, pc+1+ins.SBx())
	case isa.OpMatch:
		out = append(out, pc+2)
	}
	if next == end || len(out) > 0 {
		out = append(out, next)
	}
	return out
}

// regRoles are the registers an instruction reads and those it surely
// writes. Reading stands for "may look at": an instruction not listed
// reads every register it names and writes none.
func (g *fgen) regRoles(ins isa.Instr) (reads, writes []int) {
	p := g.proto
	a, b, c := ins.A(), ins.B(), ins.C()
	rk := func(xs ...int) []int {
		var regs []int
		for _, x := range xs {
			if x < isa.RKConst {
				regs = append(regs, x)
			}
		}
		return regs
	}
	span := func(from, count int) []int {
		regs := make([]int, count)
		for i := range regs {
			regs[i] = from + i
		}
		return regs
	}
	all := span(0, p.NumRegs)
	switch ins.Op() {
	case isa.OpLoadK, isa.OpLoadNil, isa.OpLoadBool, isa.OpLoadInt, isa.OpGetGlobal, isa.OpGetUpval,
		isa.OpGetUpCell, isa.OpNewCell, isa.OpGetVar, isa.OpCtxRef, isa.OpStruct, isa.OpStepBegin:
		return nil, []int{a}
	case isa.OpMove, isa.OpNot, isa.OpInc, isa.OpDec, isa.OpZero, isa.OpCount, isa.OpGetCell:
		return []int{b}, []int{a}
	case isa.OpAdd, isa.OpSub, isa.OpMul, isa.OpDiv, isa.OpMod, isa.OpLt, isa.OpLe, isa.OpGt, isa.OpGe,
		isa.OpEq, isa.OpGet, isa.OpNth:
		return rk(b, c), []int{a}
	case isa.OpIfLt, isa.OpIfLe, isa.OpIfGt, isa.OpIfGe, isa.OpIfEq:
		return rk(a, b), nil
	case isa.OpNewVec, isa.OpParallel:
		return span(b, c), []int{a}
	case isa.OpNewMap:
		return span(b, p.Consts[c].AsVector().Len()), []int{a}
	case isa.OpCall, isa.OpCallB, isa.OpCallCap:
		return span(a, b+1), []int{a}
	case isa.OpTailCall:
		return span(a, b+1), nil
	case isa.OpClosure:
		var captured []int
		for _, u := range g.mod.Protos[ins.Bx()].Upvals {
			if u.FromParent {
				captured = append(captured, u.Index)
			}
		}
		return captured, []int{a}
	case isa.OpIter:
		return []int{a, a + 1}, []int{a + 1, a + 2}
	case isa.OpDestruct, isa.OpMatch:
		return all, nil
	case isa.OpTest, isa.OpTestT, isa.OpTestX, isa.OpTestBound, isa.OpDefGlobal, isa.OpIfKind,
		isa.OpCheckTypeFor, isa.OpCheckKind, isa.OpThrow, isa.OpReturn:
		return []int{a}, nil
	case isa.OpLoopCheck:
		return []int{a}, []int{a}
	case isa.OpJmp, isa.OpRaise, isa.OpReturnType, isa.OpStepCheck:
		return nil, nil
	}
	return rk(a, b, c), nil
}
