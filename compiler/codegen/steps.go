package codegen

import (
	"fmt"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/resolve"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// step compiles a step form (§4.14). With :params, the isolation is checked
// and the parameters evaluated (in the enclosing scope) before the host
// hears of the step. The body runs between STEPBEGIN and STEPEND, under a
// Finally handler that reports the failure to the host and raises the
// error again (STEPFAIL may have replaced it: see isa.OpStepFail).
func (g *funcGen) step(n *ast.Step, dst int) {
	if !n.WellFormed() {
		g.raise(value.InvalidArguments, fmt.Sprintf("Malformed %s form", n.Name))
		return
	}
	index := g.m.stepBase + n.Index
	top := g.top
	defer g.release(top)
	if n.ParamKeys != nil {
		g.emit(isa.ABx(isa.OpStepCheck, 0, index))
		g.stepParams(n)
	}
	action := g.alloc()
	g.emit(isa.ABx(isa.OpStepBegin, action, index))
	failure := g.alloc()
	start := g.pc()
	switch n.Kind {
	case ast.StepIf:
		g.stepIf(n, dst)
	case ast.StepLoop:
		g.stepLoop(n, dst)
	case ast.StepParallel:
		g.parallel(n, dst)
	default:
		g.body(n.Body, dest{reg: dst})
	}
	end := g.pc()
	g.emit(isa.ABC(isa.OpStepEnd, action, dst, 0))
	done := g.emitJump(isa.OpJmp, 0, 0)
	g.addHandler(isa.Handler{Start: start, End: end, Target: g.pc(), Reg: failure, Finally: true})
	g.emit(isa.ABC(isa.OpStepFail, action, failure, 0))
	g.emit(isa.ABC(isa.OpThrow, failure, 0, 0))
	g.patchHere(done)
}

// stepTable builds the module's step table: one entry per step form, at
// its ast.Step.Index, with what it reaches. A slot no step form of steps claims (the front end leaves one
// where it dropped a malformed step) holds an unnamed entry that no
// instruction names. Two steps with one index, or a negative one, would
// misalign the reach: that is an error.
func (m *moduleGen) stepTable(steps []*ast.Step, reach []isa.Reach) []isa.Step {
	size := 0
	for _, n := range steps {
		size = max(size, n.Index+1)
	}
	table := make([]isa.Step, size)
	filled := make([]bool, size)
	for _, n := range steps {
		if n.Index < 0 || filled[n.Index] {
			m.fail(n.P, "step %q has the index %d of another step (or a negative one)", n.Name, n.Index)
			return nil
		}
		filled[n.Index] = true
		s := &table[n.Index]
		*s = isa.Step{Name: n.Name, Kind: n.Kind, ExposeContext: -1, ContextKeys: n.ContextKeys, MergePolicy: n.MergePolicy}
		if n.ExposeContext != nil {
			s.ExposeContext = int8(boolOperand(*n.ExposeContext))
		}
	}
	for i := range table {
		if !filled[i] {
			table[i].ExposeContext = -1
		}
		table[i].Reach = isa.Reach{Unresolved: true}
		if i < len(reach) {
			table[i].Reach = reach[i]
		}
	}
	return table
}

// stepParams evaluates the :params map and binds it to %params in the
// step's own frame.
func (g *funcGen) stepParams(n *ast.Step) {
	g.enterFrame(g.m.res.Frames[resolve.At(n, -1)][0])
	top := g.top
	params := g.alloc()
	base := g.allocN(len(n.ParamVals))
	for i, v := range n.ParamVals {
		g.expr(v, base+i)
	}
	keys := make([]value.Value, len(n.ParamKeys))
	for i, k := range n.ParamKeys {
		keys[i] = value.String(k)
	}
	g.emit(isa.ABC(isa.OpNewMap, params, base, g.constant16(value.NewVector(keys))))
	g.store(g.m.res.Bindings[resolve.At(n, -1)][0], params)
	g.release(top)
}

// stepIf is step-if with the extended falsiness of §3.1.
func (g *funcGen) stepIf(n *ast.Step, dst int) {
	top := g.top
	toElse := g.emitJump(isa.OpTestX, g.operand(n.Body[0]), 0)
	g.release(top)
	g.expr(n.Body[1], dst)
	end := g.emitJump(isa.OpJmp, 0, 0)
	g.patchHere(toElse)
	var els ast.Node
	if len(n.Body) > 2 {
		els = n.Body[2]
	}
	g.valueOrNil(els, dest{reg: dst})
	g.patchHere(end)
}

// stepLoop repeats the body while the condition holds (extended
// falsiness). The iteration limit is checked before the condition, as in
// interp.
func (g *funcGen) stepLoop(n *ast.Step, dst int) {
	top := g.top
	defer g.release(top)
	count := g.alloc()
	g.loadConst(value.Int(0), count)
	g.emit(isa.ABC(isa.OpLoadNil, dst, 0, 0))
	loop := g.pc()
	g.emit(isa.ABC(isa.OpLoopCheck, count, 0, 0))
	condTop := g.top
	exit := g.emitJump(isa.OpTestX, g.operand(n.Body[0]), 0)
	g.release(condTop)
	g.expr(n.Body[1], dst)
	g.jumpBack(loop)
	g.patchHere(exit)
}

// parallel makes each branch of a step-parallel a closure without
// parameters, running in a frame of its own, and has PARALLEL run them.
func (g *funcGen) parallel(n *ast.Step, dst int) {
	if len(n.Body) > isa.MaxA {
		g.fail("a step-parallel with more than %d branches", isa.MaxA)
		return
	}
	top := g.top
	base := g.allocN(len(n.Body))
	for i, b := range n.Body {
		child := g.m.newFunc(g.m.res.Funcs[resolve.At(n, i)], "fn")
		child.enterFrame(g.m.res.Frames[resolve.At(n, i)][0])
		result := child.alloc()
		child.expr(b, result)
		child.emit(isa.ABC(isa.OpReturn, result, 0, 0))
		g.makeClosure(child, base+i)
	}
	g.emit(isa.ABC(isa.OpParallel, dst, base, len(n.Body)))
	g.release(top)
}
