package codegen

import (
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/resolve"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// dest says where the value of an expression goes: into reg and, in tail
// position, out of the function (the code then ends with RETURN or
// TAILCALL on every path).
type dest struct {
	reg  int
	tail bool
}

// expr compiles n so that its value ends up in dst.
func (g *funcGen) expr(n ast.Node, dst int) { g.value(n, dest{reg: dst}) }

// effect compiles n for its effects and errors only.
func (g *funcGen) effect(n ast.Node) {
	if _, constant := g.m.constantOf(n); constant {
		return
	}
	top := g.top
	g.expr(n, g.alloc())
	g.release(top)
}

// posOf is the position of n; a missing node (which value reports) has
// none.
func posOf(n ast.Node) value.Pos {
	if n == nil {
		return value.Pos{}
	}
	return n.Pos()
}

// finish completes an expression whose value is in d.reg.
func (g *funcGen) finish(d dest) {
	if d.tail {
		g.emit(isa.ABC(isa.OpReturn, d.reg, 0, 0))
	}
}

// value compiles n into d. Every node sets the position of the
// instructions it emits.
func (g *funcGen) value(n ast.Node, d dest) {
	if n == nil {
		g.fail("missing expression")
		return
	}
	defer g.at(n.Pos())()
	if v, ok := g.m.constantOf(n); ok {
		g.loadConst(v, d.reg)
		g.finish(d)
		return
	}
	switch n := n.(type) {
	case *ast.Symbol:
		if r, ok := g.local(n); ok && d.tail {
			g.emit(isa.ABC(isa.OpReturn, r, 0, 0))
			return
		}
		g.read(n, d.reg, func() {
			g.m.lintSymbol(n)
			g.emit(isa.ABx(isa.OpGetGlobal, d.reg, g.m.global(n.Name)))
		})
	case *ast.GetVar:
		g.read(n, d.reg, func() { g.emit(isa.ABx(isa.OpGetVar, d.reg, g.constant(value.String(n.Name)))) })
	case *ast.ContextRef:
		g.emit(isa.ABx(isa.OpCtxRef, d.reg, g.constant(value.String(n.Name))))
	case *ast.Vector:
		g.vector(n, d.reg)
	case *ast.Map:
		g.mapLiteral(n, d.reg)
	case *ast.Call:
		g.call(n, d)
		return
	case *ast.Def:
		g.expr(n.Value, d.reg)
		if n.Type != nil {
			g.checkType(d.reg, n.Type, rt.DefWhat(n.Name))
		}
		g.define(n, n.Name, d.reg)
	case *ast.Defstruct:
		record := &value.Type{Name: "map", Fields: n.Fields}
		g.m.mod.Structs = append(g.m.mod.Structs, isa.Struct{Name: n.Name, Type: g.m.typeIndex(record)})
		g.emit(isa.ABx(isa.OpStruct, d.reg, len(g.m.mod.Structs)-1))
		g.define(n, n.Name, d.reg)
	case *ast.Fn:
		g.closure(n, d.reg)
	case *ast.Let:
		g.let(n, d)
		return
	case *ast.If:
		g.ifElse(n, d)
		return
	case *ast.Do:
		g.body(n.Body, d)
		return
	case *ast.And:
		g.logical(n.Args, isa.OpTest, true, d.reg)
	case *ast.Or:
		g.logical(n.Args, isa.OpTestT, false, d.reg)
	case *ast.Match:
		g.match(n, d)
		return
	case *ast.Try:
		g.try(n, d.reg)
	case *ast.For:
		g.forLoop(n, d.reg)
	case *ast.Dotimes:
		g.dotimes(n, d.reg)
	case *ast.CallCap:
		g.callCap(n, d.reg)
	case *ast.Meta:
		for i, k := range n.Keys {
			if rt.IsRuntimeHint(k) {
				g.effect(n.Vals[i])
			}
		}
		g.expr(n.Expr, d.reg)
	case *ast.Step:
		g.step(n, d.reg)
	case *ast.Raise:
		g.raise(n.Kind, n.Message)
		return
	default:
		g.fail("unknown node %T", n)
	}
	g.finish(d)
}

// body compiles an implicit do: every form but the last for its effects,
// the last into d; (do) is nil.
func (g *funcGen) body(forms []ast.Node, d dest) {
	if len(forms) == 0 {
		g.emit(isa.ABC(isa.OpLoadNil, d.reg, 0, 0))
		g.finish(d)
		return
	}
	for _, f := range forms[:len(forms)-1] {
		g.effect(f)
	}
	g.value(forms[len(forms)-1], d)
}

// local returns the register of the local variable a symbol surely
// denotes when its value is right there.
func (g *funcGen) local(sym *ast.Symbol) (int, bool) {
	if chain := g.m.res.Refs[sym]; len(chain) == 1 && !chain[0].Checked {
		if v := chain[0].V; v.Frame.Fn == g.fn && !v.Cell {
			return v.Reg, true
		}
	}
	return 0, false
}

// operand returns a register holding the value of n: the register of a
// local that cannot change, else a new temporary the caller releases.
func (g *funcGen) operand(n ast.Node) int {
	if sym, ok := n.(*ast.Symbol); ok {
		if r, ok := g.local(sym); ok && !g.m.res.Refs[sym][0].V.Mutable() {
			return r
		}
	}
	r := g.alloc()
	g.expr(n, r)
	return r
}

// rk returns an RK operand for n: its constant when it has one, else a
// register (see operand).
func (g *funcGen) rk(n ast.Node) int {
	if v, ok := g.m.constantOf(n); ok {
		return g.rkConstant(v)
	}
	return g.operand(n)
}

// rkConstant returns an RK operand for v: the constant itself when its
// index fits, else a new temporary holding it.
func (g *funcGen) rkConstant(v value.Value) int {
	if k := g.constant(v); k < isa.RKConst {
		return isa.RKConst + k
	}
	r := g.alloc()
	g.loadConst(v, r)
	return r
}

// read loads the value of the name n reads into dst: from the first of
// its candidate variables that is bound, else with global, which emits the
// reading of the name as a global.
func (g *funcGen) read(n ast.Node, dst int, global func()) {
	var found []int
	for _, l := range g.m.res.Refs[n] {
		g.load(l.V, dst)
		if !l.Checked {
			g.patchHere(found...)
			return
		}
		found = append(found, g.emitJump(isa.OpTestBound, dst, 0))
	}
	global()
	g.patchHere(found...)
}

// load copies the value of v into dst.
func (g *funcGen) load(v *resolve.Variable, dst int) {
	switch {
	case v.Frame.Fn != g.fn && v.Cell:
		g.emit(isa.ABC(isa.OpGetUpCell, dst, g.fn.UpvalIndex[v], 0))
	case v.Frame.Fn != g.fn:
		g.emit(isa.ABC(isa.OpGetUpval, dst, g.fn.UpvalIndex[v], 0))
	case v.Cell:
		g.emit(isa.ABC(isa.OpGetCell, dst, v.Reg, 0))
	case v.Reg != dst:
		g.emit(isa.ABC(isa.OpMove, dst, v.Reg, 0))
	}
}

// store assigns the value in src to v.
func (g *funcGen) store(v *resolve.Variable, src int) {
	switch {
	case v.Frame.Fn != g.fn:
		// Code writes only the variables of its own frames.
		g.fail("internal: %s assigned from another function", v.Name)
	case v.Cell:
		g.emit(isa.ABC(isa.OpSetCell, v.Reg, src, 0))
	case v.Reg != src:
		g.emit(isa.ABC(isa.OpMove, v.Reg, src, 0))
	}
}

// define binds name to the value in src for the def or defstruct n.
func (g *funcGen) define(n ast.Node, name string, src int) {
	if v := g.m.res.Defs[n]; v != nil {
		g.store(v, src)
		return
	}
	g.emit(isa.ABx(isa.OpDefGlobal, src, g.m.global(name)))
}

// enterFrame gives each variable of f a register (unless it is pinned to
// the register of its argument or loop element) and makes the cells of
// those that need one. A variable some read tests for being bound starts
// out unbound: holding a new cell, or for a variable in a cell, a cell
// holding one (see OpTestBound).
func (g *funcGen) enterFrame(f *resolve.Frame) {
	for _, v := range f.Vars {
		if v.Reg >= 0 {
			continue // pinned: bound by the prologue or the loop
		}
		v.Reg = g.alloc()
		switch {
		case v.Cell && v.CheckedReads:
			g.emit(isa.ABC(isa.OpNewCell, v.Reg, 0, 0))
			mark := g.alloc()
			g.emit(isa.ABC(isa.OpNewCell, mark, 0, 0))
			g.emit(isa.ABC(isa.OpSetCell, v.Reg, mark, 0))
			g.release(mark)
		case v.Cell, v.CheckedReads:
			g.emit(isa.ABC(isa.OpNewCell, v.Reg, 0, 0))
		}
	}
}

func (g *funcGen) vector(n *ast.Vector, dst int) {
	if len(n.Elems) > isa.MaxA {
		g.fail("a vector literal of more than %d elements", isa.MaxA)
		return
	}
	top := g.top
	base := g.allocN(len(n.Elems))
	for i, e := range n.Elems {
		g.expr(e, base+i)
	}
	g.emit(isa.ABC(isa.OpNewVec, dst, base, len(n.Elems)))
	g.release(top)
}

func (g *funcGen) mapLiteral(n *ast.Map, dst int) {
	top := g.top
	base := g.allocN(len(n.Vals))
	for i, v := range n.Vals {
		g.expr(v, base+i)
	}
	keys := g.constant16(value.NewVector(n.Keys))
	g.emit(isa.ABC(isa.OpNewMap, dst, base, keys))
	g.release(top)
}

// checkType checks the value in r against t; what names it in the error.
func (g *funcGen) checkType(r int, t *value.Type, what string) {
	ti := g.m.typeIndex(t)
	if ti > isa.MaxA {
		g.fail("more than %d type annotations", isa.MaxA+1)
	}
	g.emit(isa.ABC(isa.OpCheckTypeFor, r, ti, g.constant16(value.String(what))))
}

// checkKind raises the TypeError "Type error in op: expected expected, got
// ..." unless the value in r has one of kinds.
func (g *funcGen) checkKind(r int, op, expected string, kinds ...value.Kind) {
	set := 0
	for _, k := range kinds {
		set |= 1 << k
	}
	text := g.constant16(value.NewVector([]value.Value{value.String(op), value.String(expected)}))
	g.emit(isa.ABC(isa.OpCheckKind, r, set, text))
}

// raise emits the raising of an error known statically.
func (g *funcGen) raise(kind value.ErrorKind, message string) {
	g.emit(isa.ABC(isa.OpRaise, g.constant16(value.String(string(kind))), g.constant16(value.String(message)), 0))
}

// logical compiles and/or: each argument into dst until test says it
// decides (falsy for and, truthy for or); the deciding or last value is the
// result (§4.7). With no argument the result is empty.
func (g *funcGen) logical(args []ast.Node, test isa.Op, empty bool, dst int) {
	if len(args) == 0 {
		g.loadConst(value.Bool(empty), dst)
		return
	}
	var decided []int
	for i, a := range args {
		g.expr(a, dst)
		if i < len(args)-1 {
			decided = append(decided, g.emitJump(test, dst, 0))
		}
	}
	g.patchHere(decided...)
}

func (g *funcGen) ifElse(n *ast.If, d dest) {
	toElse := g.condJump(n.Cond)
	g.value(n.Then, d)
	if d.tail {
		g.patchHere(toElse)
		g.valueOrNil(n.Else, d)
		return
	}
	end := g.emitJump(isa.OpJmp, 0, 0)
	g.patchHere(toElse)
	g.valueOrNil(n.Else, d)
	g.patchHere(end)
}

// valueOrNil compiles n into d, or nil when n is absent.
func (g *funcGen) valueOrNil(n ast.Node, d dest) {
	if n == nil {
		g.emit(isa.ABC(isa.OpLoadNil, d.reg, 0, 0))
		g.finish(d)
		return
	}
	g.value(n, d)
}

// condJump compiles the condition of an if and returns the jump to patch
// to the else branch, taken when the condition is falsy. A comparison of
// two values with a builtin bound at compile time is fused into the jump.
func (g *funcGen) condJump(cond ast.Node) int {
	defer g.at(posOf(cond))()
	top := g.top
	defer g.release(top)
	if call, ok := cond.(*ast.Call); ok && len(call.Args) == 2 {
		_, folds := g.m.constantOf(call)
		if b := g.m.directBuiltin(call); b != nil && !folds {
			if op, ok := branchOps[b.Name]; ok {
				x, y := g.rk(call.Args[0]), g.rk(call.Args[1])
				return g.emitJump(op, x, y)
			}
		}
	}
	return g.emitJump(isa.OpTest, g.operand(cond), 0)
}

func (g *funcGen) let(n *ast.Let, d dest) {
	top := g.top
	for _, f := range g.m.res.Frames[resolve.At(n, 0)] {
		g.enterFrame(f)
	}
	for i, b := range n.Bindings {
		g.bindValue(b, g.m.res.Bindings[resolve.At(n, i)])
	}
	g.body(n.Body, d)
	g.release(top)
}

// bindValue evaluates a let binding, checks its annotation and binds its
// pattern. Errors of the check and the binding are the value's (interp).
func (g *funcGen) bindValue(b ast.Binding, vars []*resolve.Variable) {
	if _, plain := b.Pattern.(ast.PBind); plain && b.Type == nil && !vars[0].Cell {
		// The variable is new in its frame: nothing can see it before the
		// value is complete, so the value may be built in place.
		g.expr(b.Value, vars[0].Reg)
		return
	}
	top := g.top
	r := g.alloc()
	g.expr(b.Value, r)
	defer g.at(posOf(b.Value))()
	if b.Type != nil {
		g.checkType(r, b.Type, rt.LetWhat)
	}
	g.bindPattern(b.Pattern, r, vars)
	g.release(top)
}

// bindPattern destructures the value in src with p, binding vars.
func (g *funcGen) bindPattern(p ast.Pattern, src int, vars []*resolve.Variable) {
	switch p.(type) {
	case ast.PBind:
		g.store(vars[0], src)
	case ast.PIgnore:
	default:
		if pi, ok := g.pattern(p, vars); ok {
			g.emit(isa.ABC(isa.OpDestruct, src, pi, 0))
		}
	}
}

func (g *funcGen) match(n *ast.Match, d dest) {
	top := g.top
	subject := g.operand(n.Subject)
	var ends []int
	for i, c := range n.Clauses {
		clauseTop := g.top
		g.enterFrame(g.m.res.Frames[resolve.At(n, i)][0])
		vars := g.m.res.Bindings[resolve.At(n, i)]
		var next []int
		switch c.Pattern.(type) {
		case ast.PBind:
			g.store(vars[0], subject)
		case ast.PIgnore:
		default:
			if pi, ok := g.pattern(c.Pattern, vars); ok {
				g.emit(isa.ABC(isa.OpMatch, subject, pi, 0))
				next = append(next, g.emitJump(isa.OpJmp, 0, 0))
			}
		}
		if c.Guard != nil {
			guardTop := g.top
			next = append(next, g.emitJump(isa.OpTest, g.operand(c.Guard), 0))
			g.release(guardTop)
		}
		g.value(c.Body, d)
		if !d.tail {
			ends = append(ends, g.emitJump(isa.OpJmp, 0, 0))
		}
		g.release(clauseTop)
		g.patchHere(next...)
	}
	g.raise(value.MatchError, "No matching clause")
	g.patchHere(ends...)
	g.release(top)
}

// try compiles try/catch/finally (§4.9). The body is protected by a
// handler jumping to the catch clauses, which test the error's kind in
// order and raise it again when none applies. With a finally, a second,
// Finally handler protects the body and the clauses: it stores the error
// in a pending register and runs the finally code, which the normal paths
// also jump to with the register nil; the error is raised again after it.
func (g *funcGen) try(n *ast.Try, dst int) {
	top := g.top
	pending := -1
	if n.Finally != nil {
		pending = g.alloc()
		g.emit(isa.ABC(isa.OpLoadNil, pending, 0, 0))
	}
	caught := -1
	if len(n.Catches) > 0 {
		caught = g.alloc()
	}
	start := g.pc()
	g.body(n.Body, dest{reg: dst})
	toFinally := []int{g.emitJump(isa.OpJmp, 0, 0)}
	protectedEnd := g.pc()
	if len(n.Catches) > 0 {
		dispatch := g.pc()
		for i, c := range n.Catches {
			clauseTop := g.top
			next := -1
			if c.Kind != "" {
				next = g.emitJump(isa.OpIfKind, caught, g.constant16(value.String(string(c.Kind))))
			}
			g.enterFrame(g.m.res.Frames[resolve.At(n, i)][0])
			if c.Binds() {
				g.store(g.m.res.Bindings[resolve.At(n, i)][0], caught)
			}
			g.body(c.Body, dest{reg: dst})
			toFinally = append(toFinally, g.emitJump(isa.OpJmp, 0, 0))
			g.release(clauseTop)
			if next >= 0 {
				g.patchHere(next)
			}
		}
		g.emit(isa.ABC(isa.OpThrow, caught, 0, 0))
		g.addHandler(isa.Handler{Start: start, End: protectedEnd, Target: dispatch, Reg: caught})
		protectedEnd = g.pc()
	}
	g.patchHere(toFinally...)
	if n.Finally != nil {
		g.addHandler(isa.Handler{Start: start, End: protectedEnd, Target: g.pc(), Reg: pending, Finally: true})
		for _, f := range n.Finally {
			g.effect(f)
		}
		done := g.emitJump(isa.OpTest, pending, 0)
		g.emit(isa.ABC(isa.OpThrow, pending, 0, 0))
		g.patchHere(done)
	}
	g.release(top)
}

// addHandler appends h to the handler table. Handlers of nested forms are
// appended as those forms are completed, before the ones around them, which
// keeps the table innermost first.
func (g *funcGen) addHandler(h isa.Handler) {
	g.proto.Handlers = append(g.proto.Handlers, h)
}

// forLoop compiles `for`: one Iter loop per binding, nested, appending the
// body's values to the vector in dst.
func (g *funcGen) forLoop(n *ast.For, dst int) {
	g.emit(isa.ABC(isa.OpNewVec, dst, 0, 0))
	g.forBinding(n, 0, dst)
}

func (g *funcGen) forBinding(n *ast.For, i int, acc int) {
	top := g.top
	defer g.release(top)
	if i == len(n.Bindings) {
		r := g.alloc()
		g.expr(n.Body, r)
		g.emit(isa.ABC(isa.OpAppend, acc, r, 0))
		return
	}
	b := n.Bindings[i]
	it := g.allocN(3) // Iter's sequence, index and element
	g.expr(b.Coll, it)
	restore := g.at(posOf(b.Coll))
	g.checkKind(it, "for", "vector or list", value.KVector, value.KList)
	restore()
	g.loadConst(value.Int(0), it+1)
	loop := g.pc()
	exit := g.emitJump(isa.OpIter, it, 0)
	v := g.m.res.Bindings[resolve.At(n, i)][0]
	if !v.Cell {
		v.Reg = it + 2
	}
	g.enterFrame(g.m.res.Frames[resolve.At(n, i)][0])
	g.store(v, it+2)
	g.forBinding(n, i+1, acc)
	g.jumpBack(loop)
	g.patchHere(exit)
}

// dotimes keeps its own counter: the body may redefine the variable.
func (g *funcGen) dotimes(n *ast.Dotimes, dst int) {
	top := g.top
	count := g.alloc()
	g.expr(n.Count, count)
	restore := g.at(posOf(n.Count))
	g.checkKind(count, "dotimes", "integer", value.KInt)
	restore()
	i := g.alloc()
	g.loadConst(value.Int(0), i)
	one := g.rkConstant(value.Int(1))
	g.emit(isa.ABC(isa.OpLoadNil, dst, 0, 0))
	loop := g.pc()
	exit := g.emitJump(isa.OpIfLt, i, count)
	frameTop := g.top
	g.enterFrame(g.m.res.Frames[resolve.At(n, 0)][0])
	g.store(g.m.res.Bindings[resolve.At(n, 0)][0], i)
	g.body(n.Body, dest{reg: dst})
	g.release(frameTop)
	g.emit(isa.ABC(isa.OpAdd, i, i, one))
	g.jumpBack(loop)
	g.patchHere(exit)
	g.release(top)
}

func (g *funcGen) callCap(n *ast.CallCap, dst int) {
	top := g.top
	base := g.alloc()
	g.expr(n.ID, base)
	restore := g.at(posOf(n.ID))
	g.checkKind(base, "call", "keyword or string", value.KKeyword, value.KString)
	restore()
	for _, a := range n.Args {
		g.expr(a, g.alloc())
	}
	g.emit(isa.ABC(isa.OpCallCap, base, len(n.Args), 0))
	if base != dst {
		g.emit(isa.ABC(isa.OpMove, dst, base, 0))
	}
	g.release(top)
}
