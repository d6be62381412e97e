// Package codegen is the back half of the compiler: it turns the AST of a
// whole program into an isa.Module, the register bytecode the VM runs. The
// meaning of every program is the one the tree-walking interpreter (package
// interp) gives it; the code generator's task is to reproduce that meaning,
// error kinds and positions included, with instructions.
//
// # Phases
//
// Compile runs two passes over the program.
//
// The resolver (resolve.go) replays interp's environment frames statically
// and decides where every name lives: a register of the function that owns
// the frame binding it, an upvalue of a closure, or a global slot. It also
// decides which captured variables need a cell (see the comment in
// resolve.go): only those a closure might read before or after an
// assignment it would otherwise miss. A read that may find its variable
// not bound yet (a def that did not run, a closure called before the
// binding) tests it (OpTestBound) and falls back to the next binding of
// the name outwards, as interp's lookup does.
//
// The code generator then walks the program once more, function by
// function, emitting code into one isa.Proto per function. Protos[0] is the
// top level; every fn, defn and step-parallel branch gets its own proto,
// appended when the closure instruction that makes it is emitted.
//
// # Registers
//
// A function's parameters arrive in R[0..n-1] (its rest list in R[n]). When
// a frame is entered (a let, a match clause, a loop iteration, a catch
// clause, the function itself) every variable the frame will ever hold gets
// a fixed register at the top of the register stack, even one a def deep
// inside the frame introduces, so that definitions can happen in the middle
// of an expression. Temporaries are allocated above, stack fashion, and
// released when the expression that needed them is done. Every expression
// is compiled into a destination register reserved by its parent; a call
// puts its callee and arguments in consecutive registers at the top. The
// high-water mark is the proto's NumRegs. Registers must stay below
// isa.RKConst so that any of them can be an RK operand.
//
// # Calls and constants
//
// A call whose head is a name no binding of the program can shadow (no
// local binds it, no def binds it at the top level) and that names a
// builtin is bound at compile time: OpCallB, or one of the arithmetic and
// comparison instructions for two arguments, whose constant operands need
// no load (RK operands). A call of a pure builtin on constant arguments is
// folded when it succeeds; when it fails it is compiled as a call, so the
// error happens at run time, at its position, like everything else.
//
// # Control
//
// Calls in tail position (the last form of a function body and, through
// them, the branches of if, the last forms of do and let, match clause
// bodies) become OpTailCall, exactly where interp makes its trampolined
// calls. A call bound to a builtin compiles the same wherever it is: only
// closure calls count towards the call depth, so its position does not
// matter, and folding it away changes nothing at the depth limit. A
// function with a return type declares it (OpReturnType) rather than
// checking its own result, so that it keeps its tail calls: the frame
// checks the value it finally returns against the return types of every
// function that ran in it, as interp's trampoline does, and a typed
// tail-recursive loop still runs in constant space.
//
// Steps are numbered by ast.Step.Index in the module's step table, which
// carries what they reach (Options.Reach). Each branch of a step-parallel
// is a closure with a frame of its own, run by OpParallel.
//
// try/catch/finally and steps use the prototype's handler table; a finally
// body is compiled once and run on every path, with a register holding the
// error to raise again afterwards (nil on the normal paths). Loops (for,
// dotimes, step-loop) are jumps backwards, with a fresh frame of registers
// and cells per iteration where interp makes a fresh environment.
//
// # Positions
//
// Every instruction carries the position of the node interp would blame
// for an error raised there. Instructions of a function's prologue
// (parameter checks and destructuring) carry none: the VM reports their
// errors at the call that entered the frame, as interp does.
package codegen

import (
	"fmt"
	"slices"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/resolve"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// Options tune the code generator.
type Options struct {
	// NoFold disables constant folding of builtin calls, so that tests can
	// observe the instructions a call compiles to.
	NoFold bool
	// Reach is what each step reaches, indexed by ast.Step.Index as
	// compiler/effects.Analyze returns it, to store in the step table; a
	// step without one is stored as unresolved, so that a module compiled
	// without the analysis never runs a step less confined than it might
	// need.
	Reach []isa.Reach
	// Warn, when set, receives the calls that fail whenever they run
	// (see lint), each positioned at its call.
	Warn func(*value.Error)
	// Base is a module this program continues, as the inputs of a session
	// do: the new module keeps Base's functions, globals, builtins, types,
	// patterns, structs and steps at their indices (its closures run on
	// in the new one) and adds the program's after them; only Protos[0],
	// the top level, is the program's own. Reach then names the program's
	// steps only.
	Base *isa.Module
}

// Compile compiles prog with the default options.
func Compile(prog *ast.Program) (*isa.Module, error) {
	return CompileWith(prog, Options{})
}

// CompileWith compiles prog. The error, if any, is a *value.Error
// positioned at the node that exceeded a limit of the instruction format.
func CompileWith(prog *ast.Program, opts Options) (*isa.Module, error) {
	m := &moduleGen{
		mod:      &isa.Module{File: prog.File},
		res:      resolve.Program(prog),
		opts:     opts,
		file:     prog.File,
		globals:  map[string]int{},
		builtins: map[string]int{},
		types:    map[*value.Type]int{},
		folded:   map[ast.Node]folding{},
		defns:    map[string]*ast.Fn{},
	}
	for _, form := range prog.Forms {
		if d, ok := form.(*ast.Def); ok {
			if fn, ok := d.Value.(*ast.Fn); ok {
				m.defns[d.Name] = fn
			}
		}
	}
	m.mod.Protos = []*isa.Proto{nil} // Protos[0], the top level, is filled last
	if b := opts.Base; b != nil {
		m.continueFrom(b)
	}
	m.mod.Steps = append(m.mod.Steps, m.stepTable(m.res.Steps, opts.Reach)...)
	g := m.newFunc(m.res.Main, "main")
	result := g.alloc()
	if len(prog.Forms) == 0 {
		g.emit(isa.ABC(isa.OpLoadNil, result, 0, 0))
	}
	for i, form := range prog.Forms {
		if i < len(prog.Forms)-1 {
			g.effect(form)
		} else {
			g.expr(form, result)
		}
	}
	g.emit(isa.ABC(isa.OpReturn, result, 0, 0))
	m.mod.Protos[0] = g.proto
	if m.err != nil {
		return nil, m.err
	}
	return m.mod, nil
}

// moduleGen holds the state of one compilation shared by all functions.
type moduleGen struct {
	mod      *isa.Module
	res      *resolve.Resolution
	opts     Options
	file     string
	globals  map[string]int
	builtins map[string]int
	types    map[*value.Type]int
	folded   map[ast.Node]folding
	// defns are the functions top-level defn forms bind, by name (see
	// namedDefn).
	defns map[string]*ast.Fn
	// stepBase is the index in the step table of the program's first
	// step: the steps of Options.Base come first.
	stepBase int
	err      error // the first error
}

// continueFrom starts the module's tables with those of base (see
// Options.Base).
func (m *moduleGen) continueFrom(base *isa.Module) {
	m.mod.Protos = append(m.mod.Protos, base.Protos[1:]...)
	m.mod.Continued = len(base.Protos)
	m.mod.CarriedFiles = make([]string, len(base.Protos))
	for i := 1; i < len(base.Protos); i++ {
		m.mod.CarriedFiles[i] = base.File
		if i < base.Continued {
			m.mod.CarriedFiles[i] = base.CarriedFiles[i]
		}
	}
	m.mod.Steps = slices.Clone(base.Steps)
	m.mod.Patterns = slices.Clone(base.Patterns)
	m.mod.Structs = slices.Clone(base.Structs)
	m.stepBase = len(base.Steps)
	for _, name := range base.Globals {
		m.global(name)
	}
	for _, name := range base.Builtins {
		m.builtin(name)
	}
	for _, t := range base.Types {
		m.typeIndex(t)
	}
}

func (m *moduleGen) global(name string) int { return intern(m.globals, &m.mod.Globals, name, name) }

func (m *moduleGen) builtin(name string) int { return intern(m.builtins, &m.mod.Builtins, name, name) }

func (m *moduleGen) typeIndex(t *value.Type) int { return intern(m.types, &m.mod.Types, t, t) }

// intern returns the index of the entry of key in table, appending v
// there for a key it does not hold yet.
func intern[K comparable, V any](index map[K]int, table *[]V, key K, v V) int {
	if i, ok := index[key]; ok {
		return i
	}
	index[key] = len(*table)
	*table = append(*table, v)
	return len(*table) - 1
}

// funcGen emits the code of one function.
type funcGen struct {
	m      *moduleGen
	fn     *resolve.Function
	proto  *isa.Proto
	consts map[constKey]int
	top    int     // the first free register
	pos    isa.Pos // the position new instructions get
}

func (m *moduleGen) newFunc(fn *resolve.Function, name string) *funcGen {
	return &funcGen{m: m, fn: fn, proto: &isa.Proto{Name: name}, consts: map[constKey]int{}}
}

// fail records an error (the first one wins) at the current position.
func (g *funcGen) fail(format string, args ...any) {
	g.m.fail(value.Pos{File: g.m.file, Line: int(g.pos.Line), Col: int(g.pos.Col)}, format, args...)
}

// fail records an error (the first one wins) at pos.
func (m *moduleGen) fail(pos value.Pos, format string, args ...any) {
	if m.err == nil {
		m.err = value.Errorf(value.InternalError, "codegen: %s", fmt.Sprintf(format, args...)).WithPos(pos)
	}
}

// at makes p the position of the instructions emitted until the returned
// function restores the previous one.
func (g *funcGen) at(p value.Pos) func() {
	saved := g.pos
	g.pos = isa.Pos{Line: int32(p.Line), Col: int32(p.Col)}
	return func() { g.pos = saved }
}

func (g *funcGen) emit(i isa.Instr) int {
	g.proto.Code = append(g.proto.Code, i)
	g.proto.Pos = append(g.proto.Pos, g.pos)
	return len(g.proto.Code) - 1
}

// pc is the index of the next instruction.
func (g *funcGen) pc() int { return len(g.proto.Code) }

// alloc reserves the next register.
func (g *funcGen) alloc() int {
	r := g.top
	g.top++
	if g.top > g.proto.NumRegs {
		g.proto.NumRegs = g.top
		if g.top > isa.RKConst {
			g.fail("the function needs more than %d registers", isa.RKConst)
		}
	}
	return r
}

// allocN reserves n consecutive registers and returns the first.
func (g *funcGen) allocN(n int) int {
	first := g.top
	for range n {
		g.alloc()
	}
	return first
}

// release frees the registers from r up.
func (g *funcGen) release(r int) { g.top = r }

// constant returns the index of v in the constant pool.
func (g *funcGen) constant(v value.Value) int { return intern(g.consts, &g.proto.Consts, keyOf(v), v) }

// constKey tells constants apart: strings and symbols by kind and text,
// since equal texts may sit in different places, every other value by its
// representation (the same bits, the same interned keyword or collection).
type constKey struct {
	v    value.Value
	kind value.Kind
	text string
}

func keyOf(v value.Value) constKey {
	if k := v.Kind(); k == value.KString || k == value.KSymbol {
		return constKey{kind: k, text: v.AsString()}
	}
	return constKey{v: v}
}

// constant16 returns the index of v for a 16-bit operand field.
func (g *funcGen) constant16(v value.Value) int {
	k := g.constant(v)
	if k > isa.MaxA {
		g.fail("the function needs more than %d constants", isa.MaxA+1)
	}
	return k
}

// loadConst emits the load of v into dst.
func (g *funcGen) loadConst(v value.Value, dst int) {
	switch v.Kind() {
	case value.KNil:
		g.emit(isa.ABC(isa.OpLoadNil, dst, 0, 0))
	case value.KBool:
		g.emit(isa.ABC(isa.OpLoadBool, dst, boolOperand(v.AsBool()), 0))
	case value.KInt:
		if i := v.AsInt(); i >= isa.MinSBx && i <= isa.MaxSBx {
			g.emit(isa.ASBx(isa.OpLoadInt, dst, int(i)))
			return
		}
		fallthrough
	default:
		g.emit(isa.ABx(isa.OpLoadK, dst, g.constant(v)))
	}
}

func boolOperand(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Jumps are emitted with a zero offset and patched when their target is
// known.

// jumpOp reports whether op's offset is the 24-bit sJ field (else sBx).
func jumpOp(op isa.Op) bool {
	switch op {
	case isa.OpJmp, isa.OpIfLt, isa.OpIfLe, isa.OpIfGt, isa.OpIfGe, isa.OpIfEq, isa.OpIfKind:
		return true
	}
	return false
}

// emitJump emits a jump instruction (Jmp, IfXx, IfKind with operands a and
// b; Test, TestT, TestX, Iter with register a) to be patched.
func (g *funcGen) emitJump(op isa.Op, a, b int) int {
	if jumpOp(op) {
		return g.emit(isa.ABJ(op, a, b, 0))
	}
	return g.emit(isa.ASBx(op, a, 0))
}

// patch makes the jump at pc go to target.
func (g *funcGen) patch(pc, target int) {
	in := g.proto.Code[pc]
	off := target - (pc + 1)
	if jumpOp(in.Op()) {
		if off < isa.MinSJ || off > isa.MaxSJ {
			g.fail("a jump of %d instructions is too long", off)
		}
		g.proto.Code[pc] = isa.ABJ(in.Op(), in.A(), in.B(), off)
		return
	}
	g.proto.Code[pc] = isa.ASBx(in.Op(), in.A(), off)
}

// patchHere makes the jumps at pcs go to the next instruction.
func (g *funcGen) patchHere(pcs ...int) {
	for _, pc := range pcs {
		g.patch(pc, g.pc())
	}
}

// jumpBack emits a Jmp to target, an earlier instruction.
func (g *funcGen) jumpBack(target int) {
	g.patch(g.emitJump(isa.OpJmp, 0, 0), target)
}
