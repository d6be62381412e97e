package codegen

import (
	"iter"
	"maps"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/resolve"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
)

// binaryOps are the builtins with an instruction of their own for two
// operands; branchOps those whose test fuses into a conditional jump.
var (
	binaryOps = map[string]isa.Op{
		"+": isa.OpAdd, "-": isa.OpSub, "*": isa.OpMul, "/": isa.OpDiv, "mod": isa.OpMod,
		"<": isa.OpLt, "<=": isa.OpLe, ">": isa.OpGt, ">=": isa.OpGe, "=": isa.OpEq,
	}
	branchOps = map[string]isa.Op{
		"<": isa.OpIfLt, "<=": isa.OpIfLe, ">": isa.OpIfGt, ">=": isa.OpIfGe, "=": isa.OpIfEq,
	}
	collectionOps = map[string]isa.Op{"get": isa.OpGet, "nth": isa.OpNth}
	unaryOps      = map[string]isa.Op{
		"not": isa.OpNot, "inc": isa.OpInc, "dec": isa.OpDec, "zero?": isa.OpZero, "count": isa.OpCount,
	}
)

// directBuiltin returns the builtin a call can be bound to at compile time:
// its head is a name that nothing in the program binds (no local, no
// top-level definition, which could happen after the call is compiled) and
// that names a builtin accepting that many arguments. Builtins come before
// the host context in symbol resolution (§3.8), so nothing else can stand
// for the name. A wrong argument count leaves the call to the run time,
// which reports it.
func (m *moduleGen) directBuiltin(n *ast.Call) *value.Builtin {
	b := m.namedBuiltin(n)
	if b == nil || b.CheckArity(len(n.Args)) != nil {
		return nil
	}
	return b
}

// namedBuiltin is the builtin the head of n names, when nothing in the
// program binds the name (see directBuiltin).
func (m *moduleGen) namedBuiltin(n *ast.Call) *value.Builtin {
	sym, ok := n.Fn.(*ast.Symbol)
	if !ok || len(m.res.Refs[sym]) > 0 || m.res.GlobalDefs[sym.Name] > 0 {
		return nil
	}
	return stdlib.Lookup(sym.Name)
}

// namedDefn is the function the head of n names when the program binds the
// name once, by a top-level defn, and nothing closer binds it.
func (m *moduleGen) namedDefn(n *ast.Call) *ast.Fn {
	sym, ok := n.Fn.(*ast.Symbol)
	if !ok || len(m.res.Refs[sym]) > 0 || m.res.GlobalDefs[sym.Name] != 1 {
		return nil
	}
	return m.defns[sym.Name]
}

// lint reports, through Options.Warn, the calls that fail whenever they
// run: a builtin or a top-level defn given a wrong number of arguments, a
// literal that is not a function called. The program stays valid (a call never made raises
// nothing), so they are warnings, for rtfsc check.
func (m *moduleGen) lint(n *ast.Call) {
	if m.opts.Warn == nil {
		return
	}
	if b := m.namedBuiltin(n); b != nil {
		if err := b.CheckArity(len(n.Args)); err != nil {
			m.opts.Warn(rt.ToError(err).WithPos(n.Pos()))
		}
	}
	if fn := m.namedDefn(n); fn != nil && fn.Delegation == nil {
		if err := rt.CheckArity(rt.FuncName(fn.Name), len(fn.Params), fn.Rest != nil, len(n.Args)); err != nil {
			err.Hint = rt.FuncName(fn.Name) + " takes " + ast.ParamList(fn)
			m.opts.Warn(err.WithPos(n.Pos()))
		}
	}
	if c, ok := n.Fn.(*ast.Const); ok && c.Val.Kind() != value.KKeyword && c.Val.Kind() != value.KFunc {
		m.opts.Warn(rt.NotCallable(c.Val).WithPos(n.Pos()))
	}
}

// lintSymbol reports, through Options.Warn, the read of a global the
// program never defines and no builtin names, when the name is a typo
// away from one it could mean (a special form, a builtin, a global of the
// program, a local in scope). A name with no such neighbour is not reported: it may be a
// value of the host context or a cross-plan parameter (§3.8), which only
// the run knows.
func (m *moduleGen) lintSymbol(n *ast.Symbol) {
	if m.opts.Warn == nil || len(m.res.Refs[n]) > 0 || m.res.GlobalDefs[n.Name] > 0 || stdlib.Lookup(n.Name) != nil {
		return // a local (read before it is bound, it falls back on the global), a global, a builtin
	}
	known := maps.Keys(m.res.GlobalDefs)
	if scope := m.res.Scopes[n]; scope != nil {
		known = joined(known, scope.Names())
	}
	if err := rt.Undefined(n.Name, known); err.Hint != "" {
		m.opts.Warn(err.WithPos(n.Pos()))
	}
}

// joined yields the names of a, then those of b.
func joined(a, b iter.Seq[string]) iter.Seq[string] {
	return func(yield func(string) bool) {
		for name := range a {
			if !yield(name) {
				return
			}
		}
		for name := range b {
			if !yield(name) {
				return
			}
		}
	}
}

// call compiles a call: the head, then the arguments left to right, in
// consecutive registers (§3.4).
func (g *funcGen) call(n *ast.Call, d dest) {
	if len(n.Args) > isa.MaxA {
		g.fail("a call with more than %d arguments", isa.MaxA)
		return
	}
	g.m.lint(n)
	if b := g.m.directBuiltin(n); b != nil {
		g.builtinCall(n, b, d)
		return
	}
	top := g.top
	base := g.callBase(d)
	g.expr(n.Fn, base)
	for _, a := range n.Args {
		g.expr(a, g.alloc())
	}
	if d.tail {
		g.emit(isa.ABC(isa.OpTailCall, base, len(n.Args), 0))
	} else {
		g.emit(isa.ABC(isa.OpCall, base, len(n.Args), 0))
		if base != d.reg {
			g.emit(isa.ABC(isa.OpMove, d.reg, base, 0))
		}
	}
	g.release(top)
}

// callBase returns the register a call's callee (or result) goes to: the
// destination itself when it is the last register reserved, so that the
// arguments can follow it, else a new one.
func (g *funcGen) callBase(d dest) int {
	if !d.tail && d.reg == g.top-1 {
		return d.reg
	}
	return g.alloc()
}

// builtinCall compiles a call bound to the builtin b: an instruction of
// its own for an operator and the hottest builtins, else CALLB. None of them counts towards
// the call depth, in tail position or not, so they need no TAILCALL.
func (g *funcGen) builtinCall(n *ast.Call, b *value.Builtin, d dest) {
	top := g.top
	defer g.finish(d)
	defer g.release(top)
	if op, ok := binaryOps[b.Name]; ok && len(n.Args) == 2 {
		x, y := g.rk(n.Args[0]), g.rk(n.Args[1])
		g.emit(isa.ABC(op, d.reg, x, y))
		return
	}
	if op, ok := collectionOps[b.Name]; ok && len(n.Args) == 2 {
		x, y := g.rk(n.Args[0]), g.rk(n.Args[1])
		g.emit(isa.ABC(op, d.reg, x, y))
		return
	}
	if op, ok := unaryOps[b.Name]; ok {
		g.emit(isa.ABC(op, d.reg, g.operand(n.Args[0]), 0))
		return
	}
	base := g.callBase(dest{reg: d.reg})
	for _, a := range n.Args {
		g.expr(a, g.alloc())
	}
	g.emit(isa.ABC(isa.OpCallB, base, len(n.Args), g.m.builtin(b.Name)))
	if base != d.reg {
		g.emit(isa.ABC(isa.OpMove, d.reg, base, 0))
	}
}

// closure compiles the function literal n into a new proto and emits the
// instruction making its closure in dst.
func (g *funcGen) closure(n *ast.Fn, dst int) {
	child := g.m.newFunc(g.m.res.Funcs[resolve.At(n, 0)], rt.FuncName(n.Name))
	child.function(n)
	g.makeClosure(child, dst)
}

// makeClosure adds the finished proto of child to the module and emits the
// CLOSURE making it, with the descriptors of what it captures from g.
func (g *funcGen) makeClosure(child *funcGen, dst int) {
	for _, v := range child.fn.Upvals {
		u := isa.Upval{FromParent: v.Frame.Fn == g.fn, Cell: v.Cell}
		if u.FromParent {
			u.Index = v.Reg
		} else {
			u.Index = g.fn.UpvalIndex[v]
		}
		if u.Index < 0 {
			g.fail("internal: %s captured before its frame is entered", v.Name)
		}
		child.proto.Upvals = append(child.proto.Upvals, u)
	}
	g.m.mod.Protos = append(g.m.mod.Protos, child.proto)
	g.emit(isa.ABx(isa.OpClosure, dst, len(g.m.mod.Protos)-1))
}

// function compiles the closure n into g: the declaration of its return
// type, the prologue binding the parameters, then the body in tail
// position.
func (g *funcGen) function(n *ast.Fn) {
	p := g.proto
	name := p.Name
	p.NumParams, p.Variadic, p.Params = len(n.Params), n.Rest != nil, ast.ParamList(n)
	if d := n.Delegation; d != nil {
		if _, delegated := rt.DelegatedCapability(d.Target, d.ID); delegated {
			p.DelegateTarget, p.DelegateID = d.Target, d.ID
		}
	}
	g.allocN(p.NumParams)
	restReg := -1
	if n.Rest != nil {
		restReg = g.alloc()
	}
	if n.Ret != nil {
		// The check is the frame's, so that the body keeps its tail calls.
		restore := g.at(n.P)
		g.emit(isa.ABx(isa.OpReturnType, 0, g.m.typeIndex(n.Ret)))
		restore()
	}
	// The rest of the prologue has no position: its errors are the
	// caller's.
	g.pinParams(n, restReg)
	g.enterFrame(g.m.res.Frames[resolve.At(n, 0)][0])
	for i, prm := range n.Params {
		if prm.Type != nil {
			g.checkType(i, prm.Type, rt.ParamWhat(i+1, name))
		}
		g.bindPattern(prm.Pattern, i, g.m.res.Bindings[resolve.At(n, i)])
	}
	if r := n.Rest; r != nil {
		if r.Type != nil {
			g.checkElements(restReg, r.Type, rt.RestWhat(r.Name, name))
		}
		g.store(g.m.res.Bindings[resolve.At(n, -1)][0], restReg)
	}
	g.body(n.Body, dest{reg: g.alloc(), tail: true})
}

// pinParams makes each parameter that is a plain name live in the
// register its argument arrives in, unless it needs a cell or an earlier
// parameter binds the same name (the argument register would be written
// before its own argument is bound).
func (g *funcGen) pinParams(n *ast.Fn, restReg int) {
	seen := map[*resolve.Variable]bool{}
	pin := func(p ast.Pattern, vars []*resolve.Variable, reg int) {
		if _, plain := p.(ast.PBind); plain && !seen[vars[0]] && !vars[0].Cell {
			vars[0].Reg = reg
		}
		for _, v := range vars {
			seen[v] = true
		}
	}
	for i, prm := range n.Params {
		pin(prm.Pattern, g.m.res.Bindings[resolve.At(n, i)], i)
	}
	if n.Rest != nil {
		pin(ast.PBind{}, g.m.res.Bindings[resolve.At(n, -1)], restReg)
	}
}

// checkElements checks every element of the list in r against t.
func (g *funcGen) checkElements(r int, t *value.Type, what string) {
	top := g.top
	it := g.allocN(3) // Iter's sequence, index and element
	g.emit(isa.ABC(isa.OpMove, it, r, 0))
	g.loadConst(value.Int(0), it+1)
	loop := g.pc()
	exit := g.emitJump(isa.OpIter, it, 0)
	g.checkType(it+2, t, what)
	g.jumpBack(loop)
	g.patchHere(exit)
	g.release(top)
}
