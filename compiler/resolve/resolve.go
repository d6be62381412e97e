// Package resolve decides, before any code is generated, where every name
// of a program lives. The code generator and the effect analysis both read
// its answers, so they agree on scoping by construction. It replays the scoping of the reference interpreter
// statically: interp keeps a chain of mutable frames, pushed by calls, let,
// match and catch clauses, loop iterations, steps with :params and the
// branches of step-parallel, and a def binds into the innermost one. The resolver walks the program in
// evaluation order with the same frames and records, for each frame, every
// variable it will ever hold.
//
// A name read by the code of the function that owns its frame is bound if
// the walk has already seen its binding (a def further down the same body
// does not count, exactly as in interp, where the name is not yet in the
// frame). A name read from inside a closure is looked up when the closure
// runs, by which time its enclosing frames are complete: it refers to the
// variable of the innermost enclosing frame that ever binds it. Those reads
// are therefore resolved once the whole program has been walked. A name
// bound nowhere is global: top-level frames are dynamic (forward references,
// redefinition) and handled by the machine's global slots.
//
// A name bound in a frame may still be unbound when it is read: a def that
// did not run (one branch of an if, a try body cut short), a closure called
// before the binding it refers to. interp then goes on looking outwards, so
// such reads are resolved to a chain: the variable, tested for being bound,
// then the next candidate outwards, down to the global of that name. The
// resolver knows which writes are definite (not under a condition within
// their frame) and only tests reads that no definite write precedes.
//
// A step-loop runs its condition and body again and again in the frame it
// stands in, so a def the body makes there is seen by the condition and
// the body of the iterations after: the resolver binds such names, as
// maybe unbound, before walking the loop.
//
// Each branch of a step-parallel is a closure the step runs at once, in a
// frame of its own (the branches run concurrently, so none may write a
// frame another can see): its defs bind there and vanish with the branch.
//
// A variable captured by a closure is copied into it when the closure is
// made, unless the copy could go stale: when the variable is written after
// the closure is made (letrec, a self-referencing local defn, a def that
// reassigns it) or written again and again by a step-loop. Such variables
// live in cells shared by reference.
package resolve

import (
	"iter"
	"maps"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/internal/rt"
)

// Site names a place of the AST that binds names or opens frames: a node
// and, for nodes with several such places, the index of the one meant (the
// binding, clause or branch number; -1 for a rest parameter or the :params
// of a step).
type Site struct {
	Node  ast.Node
	Index int
}

// At is the site of index at node.
func At(node ast.Node, index int) Site { return Site{node, index} }

// Variable is one binding of one frame. A frame has a single variable per
// name, whatever number of times it binds it: a def of a name the frame
// already holds assigns that variable.
type Variable struct {
	Name         string
	Frame        *Frame
	CheckedReads bool // some read tests whether it is bound yet
	Cell         bool // decided once the walk is over
	Reg          int  // its register in the owning function; set by the code generator

	writes   []write
	captures []int // when (walk clock) the closures capturing it are made in its function
}

// write is one assignment of a variable, as the walk met it.
type write struct {
	clock    int
	fn       *Function // the function whose code performs it
	loop     int       // step-loop nesting at that point
	definite bool      // not under a condition within the frame
}

// Frame is the static image of one interp environment frame.
type Frame struct {
	parent *Frame
	Fn     *Function // the function whose registers hold its variables
	Global bool      // the top-level frame: its names are global slots
	loop   int       // step-loop nesting when it is entered
	cond   int       // conditional nesting when it is entered
	all    map[string]*Variable
	bound  map[string]bool // bound so far in the walk
	// definite are the names bound so far by writes that are not under a
	// condition within the frame.
	definite map[string]bool
	Vars     []*Variable // in order of first binding
}

// Function is a closure body, the top-level code, or a step-parallel branch.
// A branch is a closure the step runs at once, so the frames around the
// step are as the walk has left them when it reads them.
type Function struct {
	Parent     *Function
	created    int // walk clock at which the parent makes the closure
	Branch     bool
	Upvals     []*Variable
	UpvalIndex map[*Variable]int
}

// addUpval makes v an upvalue of f, if it is not one already.
func (f *Function) addUpval(v *Variable) {
	if _, ok := f.UpvalIndex[v]; ok {
		return
	}
	if f.UpvalIndex == nil {
		f.UpvalIndex = map[*Variable]int{}
	}
	f.UpvalIndex[v] = len(f.Upvals)
	f.Upvals = append(f.Upvals, v)
}

// Resolution is what the resolver found.
type Resolution struct {
	Main *Function
	// Refs maps Symbol and GetVar nodes bound lexically to the variables
	// they may denote, innermost first. When the last one is checked the
	// read ends with the global of the name; a node absent from Refs names
	// a global.
	Refs map[ast.Node][]Link
	// Defs maps Def and Defstruct nodes that bind a local to it.
	Defs map[ast.Node]*Variable
	// Bindings holds the variables a pattern binds, in patternNames order.
	Bindings map[Site][]*Variable
	// Frames holds the frames a site opens (a let opens one more per
	// binding that rebinds a name of the current one).
	Frames map[Site][]*Frame
	Funcs  map[Site]*Function
	// GlobalDefs counts, for each name, the def, defn and defstruct forms
	// that bind it in the top-level frame, wherever they stand.
	GlobalDefs map[string]int
	// Steps are the step forms of the program, in walk order.
	Steps []*ast.Step
	// Scopes holds, for each read of a global, the frame it stands in:
	// the locals a misspelt name may have meant.
	Scopes map[ast.Node]*Frame
}

// Link is one candidate of a read: a variable and whether the read must
// test that it is bound before taking its value.
type Link struct {
	V       *Variable
	Checked bool
}

// Mutable reports whether v may change after its first write, so that a
// read cannot simply use its register as an operand.
func (v *Variable) Mutable() bool {
	return len(v.writes) != 1 || v.writes[0].fn != v.Frame.Fn || v.writes[0].loop > v.Frame.loop
}

type resolver struct {
	res     *Resolution
	fn      *Function
	scope   *Frame
	clock   int
	loop    int // step-loop nesting
	cond    int // conditional nesting
	Frames  []*Frame
	pending []pendingRef
}

// pendingRef is a read from inside a closure, resolved when the walk ends.
type pendingRef struct {
	node  ast.Node
	name  string
	scope *Frame // the first frame outside the closure
	fn    *Function
	chain []Link // the candidates found inside the closure
	at    *Frame // the frame of the read
}

func Program(prog *ast.Program) *Resolution {
	main := &Function{}
	r := &resolver{
		res: &Resolution{
			Main:       main,
			Refs:       map[ast.Node][]Link{},
			Defs:       map[ast.Node]*Variable{},
			Bindings:   map[Site][]*Variable{},
			Frames:     map[Site][]*Frame{},
			Funcs:      map[Site]*Function{},
			GlobalDefs: map[string]int{},
			Scopes:     map[ast.Node]*Frame{},
		},
		fn: main,
	}
	r.scope = r.newFrame()
	r.scope.Global = true
	r.nodes(prog.Forms)
	for _, p := range r.pending {
		r.resolveLate(p)
	}
	for _, f := range r.Frames {
		for _, v := range f.Vars {
			v.Cell = needsCell(v)
		}
	}
	return r.res
}

// needsCell reports whether a closure could see v change after capturing
// it (see the comment at the top of this file).
func needsCell(v *Variable) bool {
	if len(v.captures) == 0 {
		return false
	}
	firstCapture := v.captures[0]
	for _, c := range v.captures {
		firstCapture = min(firstCapture, c)
	}
	for _, w := range v.writes {
		if w.fn != v.Frame.Fn || w.loop > v.Frame.loop || w.clock > firstCapture {
			return true
		}
	}
	return false
}

func (r *resolver) tick() int {
	r.clock++
	return r.clock
}

func (r *resolver) newFrame() *Frame {
	f := &Frame{parent: r.scope, Fn: r.fn, loop: r.loop, cond: r.cond,
		all: map[string]*Variable{}, bound: map[string]bool{}, definite: map[string]bool{}}
	r.Frames = append(r.Frames, f)
	return f
}

// enter makes a new frame over the current scope the current scope and
// returns a function restoring the previous one.
func (r *resolver) enter() (*Frame, func()) {
	saved := r.scope
	f := r.newFrame()
	r.scope = f
	return f, func() { r.scope = saved }
}

// bind binds name in f, as interp's env.define does.
func (r *resolver) bind(f *Frame, name string) *Variable {
	v := f.all[name]
	if v == nil {
		v = &Variable{Name: name, Frame: f, Reg: -1}
		f.all[name] = v
		f.Vars = append(f.Vars, v)
	}
	w := write{clock: r.tick(), fn: r.fn, loop: r.loop, definite: r.cond == f.cond}
	v.writes = append(v.writes, w)
	f.bound[name] = true
	f.definite[name] = f.definite[name] || w.definite
	return v
}

// boundBefore reports whether a definite write of v by its own function
// precedes the walk clock c.
func (v *Variable) boundBefore(c int) bool {
	for _, w := range v.writes {
		if w.definite && w.fn == v.Frame.Fn && w.clock < c {
			return true
		}
	}
	return false
}

func (r *resolver) bindPattern(f *Frame, p ast.Pattern) []*Variable {
	var vars []*Variable
	patternNames(p, func(name string) { vars = append(vars, r.bind(f, name)) })
	return vars
}

// patternNames calls bind for each name p binds, in the order interp binds
// them; the code generator consumes the variables in the same order.
func patternNames(p ast.Pattern, bind func(string)) {
	switch p := p.(type) {
	case ast.PBind:
		bind(p.Name)
	case ast.PAs:
		bind(p.Name)
		patternNames(p.Pat, bind)
	case ast.PVector:
		for _, e := range p.Elems {
			patternNames(e, bind)
		}
		if p.Rest != nil {
			patternNames(p.Rest, bind)
		}
		if p.As != "" {
			bind(p.As)
		}
	case ast.PMap:
		for _, sub := range p.Pats {
			patternNames(sub, bind)
		}
		if p.Rest != "" {
			bind(p.Rest)
		}
		if p.As != "" {
			bind(p.As)
		}
	}
}

// rebinds reports whether p binds a name f already holds, which makes a let
// open a new frame for it (sequential shadowing, A17).
func rebinds(p ast.Pattern, f *Frame) bool {
	found := false
	patternNames(p, func(name string) { found = found || f.bound[name] })
	return found
}

// use resolves a read of name at the current point of the walk. In the
// frames of the reading function (and of the step-parallel branches it
// stands in, which run at once) a name counts when the walk has bound it;
// past the first closure boundary, the read waits for the end of the walk.
func (r *resolver) use(n ast.Node, name string) {
	var chain []Link
	fn := r.fn
	for s := r.scope; s != nil && !s.Global; s = s.parent {
		crossed := false
		for fn != s.Fn {
			crossed = crossed || !fn.Branch
			fn = fn.Parent
		}
		if crossed {
			r.pending = append(r.pending, pendingRef{node: n, name: name, scope: s, fn: r.fn, chain: chain, at: r.scope})
			return
		}
		if !s.bound[name] {
			continue
		}
		l := r.link(s.all[name], r.fn, !s.definite[name])
		if chain = append(chain, l); !l.Checked {
			break
		}
	}
	r.record(n, chain, r.scope)
}

// resolveLate resolves a read from inside a closure, which runs after its
// enclosing frames are complete: the innermost frame that ever binds the
// name provides it, bound for sure if a definite write precedes the
// closure's creation.
func (r *resolver) resolveLate(p pendingRef) {
	chain := p.chain
	for s := p.scope; s != nil && !s.Global; s = s.parent {
		v := s.all[p.name]
		if v == nil {
			continue
		}
		l := r.link(v, p.fn, !v.boundBefore(r.captureClock(v, p.fn)))
		if chain = append(chain, l); !l.Checked {
			break
		}
	}
	r.record(p.node, chain, p.at)
}

// record keeps what a read of n, in the frame at, denotes.
func (r *resolver) record(n ast.Node, chain []Link, at *Frame) {
	if len(chain) > 0 {
		r.res.Refs[n] = chain
	} else {
		r.res.Scopes[n] = at
	}
}

// Names are the names of the locals of f and of the frames around it.
func (f *Frame) Names() iter.Seq[string] {
	return func(yield func(string) bool) {
		for s := f; s != nil && !s.Global; s = s.parent {
			for _, v := range s.Vars {
				if !yield(v.Name) {
					return
				}
			}
		}
	}
}

// link makes v a candidate of a read in function from, which captures it
// if v belongs to another function.
func (r *resolver) link(v *Variable, from *Function, checked bool) Link {
	v.CheckedReads = v.CheckedReads || checked
	r.capture(v, from)
	return Link{V: v, Checked: checked}
}

// capture makes every function between from and v's owner capture v.
func (r *resolver) capture(v *Variable, from *Function) {
	if from == v.Frame.Fn {
		return
	}
	f := from
	for ; f.Parent != v.Frame.Fn; f = f.Parent {
		f.addUpval(v)
	}
	f.addUpval(v)
	v.captures = append(v.captures, f.created)
}

// captureClock is when v's owner makes the closure through which from
// reaches v.
func (r *resolver) captureClock(v *Variable, from *Function) int {
	f := from
	for f.Parent != v.Frame.Fn {
		f = f.Parent
	}
	return f.created
}

// define is a def (or defstruct) of name in the current frame.
func (r *resolver) define(n ast.Node, name string) {
	if r.scope.Global {
		r.res.GlobalDefs[name]++
		return
	}
	r.res.Defs[n] = r.bind(r.scope, name)
}

func (r *resolver) nodes(ns []ast.Node) {
	for _, n := range ns {
		r.node(n)
	}
}

func (r *resolver) node(n ast.Node) {
	switch n := n.(type) {
	case *ast.Symbol:
		r.use(n, n.Name)
	case *ast.GetVar:
		r.use(n, n.Name)
	case *ast.Vector:
		r.nodes(n.Elems)
	case *ast.Map:
		r.nodes(n.Vals)
	case *ast.Call:
		r.node(n.Fn)
		r.nodes(n.Args)
	case *ast.Def:
		r.node(n.Value)
		r.define(n, n.Name)
	case *ast.Defstruct:
		r.define(n, n.Name)
	case *ast.Fn:
		r.closure(n)
	case *ast.Let:
		r.let(n)
	case *ast.If:
		r.node(n.Cond)
		r.alternatives(n.Then, n.Else)
	case *ast.Do:
		r.nodes(n.Body)
	case *ast.And:
		r.shortCircuit(n.Args)
	case *ast.Or:
		r.shortCircuit(n.Args)
	case *ast.Match:
		r.match(n)
	case *ast.Try:
		r.try(n)
	case *ast.For:
		r.forLoop(n)
	case *ast.Dotimes:
		r.node(n.Count)
		f, leave := r.enter()
		r.res.Frames[Site{n, 0}] = []*Frame{f}
		r.res.Bindings[Site{n, 0}] = []*Variable{r.bind(f, n.Var)}
		r.nodes(n.Body)
		leave()
	case *ast.CallCap:
		r.node(n.ID)
		r.nodes(n.Args)
	case *ast.Meta:
		for i, k := range n.Keys {
			if rt.IsRuntimeHint(k) {
				r.node(n.Vals[i])
			}
		}
		r.node(n.Expr)
	case *ast.Step:
		r.step(n)
	}
}

// conditional walks nodes that may not run, or not to their end.
func (r *resolver) conditional(ns ...ast.Node) {
	r.cond++
	r.nodes(ns)
	r.cond--
}

// alternatives walks two exclusive branches: a name one of them defines is
// not bound in the other, and may be bound after both.
func (r *resolver) alternatives(then, els ast.Node) {
	s := r.scope
	before := maps.Clone(s.bound)
	r.conditional(then)
	afterThen := s.bound
	s.bound = before
	if els != nil {
		r.conditional(els)
	}
	maps.Copy(s.bound, afterThen)
}

// shortCircuit walks the arguments of and/or: all but the first may not
// run.
func (r *resolver) shortCircuit(args []ast.Node) {
	if len(args) > 0 {
		r.node(args[0])
		r.conditional(args[1:]...)
	}
}

func (r *resolver) closure(n *ast.Fn) {
	f := &Function{Parent: r.fn, created: r.tick()}
	r.res.Funcs[Site{n, 0}] = f
	savedFn := r.fn
	r.fn = f
	params, leave := r.enter()
	r.res.Frames[Site{n, 0}] = []*Frame{params}
	for i, p := range n.Params {
		r.res.Bindings[Site{n, i}] = r.bindPattern(params, p.Pattern)
	}
	if n.Rest != nil {
		r.res.Bindings[Site{n, -1}] = []*Variable{r.bind(params, n.Rest.Name)}
	}
	r.nodes(n.Body)
	leave()
	r.fn = savedFn
}

func (r *resolver) let(n *ast.Let) {
	f, leave := r.enter()
	frames := []*Frame{f}
	for i, b := range n.Bindings {
		r.node(b.Value)
		if rebinds(b.Pattern, f) {
			f = r.newFrame()
			r.scope = f
			frames = append(frames, f)
		}
		r.res.Bindings[Site{n, i}] = r.bindPattern(f, b.Pattern)
	}
	r.res.Frames[Site{n, 0}] = frames
	r.nodes(n.Body)
	leave()
}

func (r *resolver) match(n *ast.Match) {
	r.node(n.Subject)
	for i, c := range n.Clauses {
		f, leave := r.enter()
		r.res.Frames[Site{n, i}] = []*Frame{f}
		r.res.Bindings[Site{n, i}] = r.bindPattern(f, c.Pattern)
		if c.Guard != nil {
			r.node(c.Guard)
		}
		r.node(c.Body)
		leave()
	}
}

func (r *resolver) try(n *ast.Try) {
	// The body may stop at an error, after which a catch or the finally
	// code runs.
	r.conditional(n.Body...)
	for i, c := range n.Catches {
		f, leave := r.enter()
		r.res.Frames[Site{n, i}] = []*Frame{f}
		if c.Binds() {
			r.res.Bindings[Site{n, i}] = []*Variable{r.bind(f, c.Binding)}
		}
		r.nodes(c.Body)
		leave()
	}
	r.nodes(n.Finally)
}

func (r *resolver) forLoop(n *ast.For) {
	saved := r.scope
	for i, b := range n.Bindings {
		r.node(b.Coll)
		f := r.newFrame()
		r.scope = f
		r.res.Frames[Site{n, i}] = []*Frame{f}
		r.res.Bindings[Site{n, i}] = []*Variable{r.bind(f, b.Name)}
	}
	r.node(n.Body)
	r.scope = saved
}

func (r *resolver) step(n *ast.Step) {
	r.res.Steps = append(r.res.Steps, n)
	if !n.WellFormed() {
		return
	}
	leave := func() {}
	if n.ParamKeys != nil {
		r.nodes(n.ParamVals)
		var f *Frame
		f, leave = r.enter()
		r.res.Frames[Site{n, -1}] = []*Frame{f}
		r.res.Bindings[Site{n, -1}] = []*Variable{r.bind(f, ast.ParamsName)}
	}
	switch n.Kind {
	case ast.StepIf:
		r.node(n.Body[0])
		var els ast.Node
		if len(n.Body) > 2 {
			els = n.Body[2]
		}
		r.alternatives(n.Body[1], els)
	case ast.StepLoop:
		r.loop++
		if !r.scope.Global {
			r.cond++
			frameDefs(n.Body, func(name string) { r.bind(r.scope, name) })
			r.cond--
		}
		// The condition runs at least once, the body maybe never.
		r.node(n.Body[0])
		r.conditional(n.Body[1])
		r.loop--
	case ast.StepParallel:
		// Every branch closure is made before the first branch runs.
		created := r.tick()
		savedFn := r.fn
		for i, b := range n.Body {
			r.fn = &Function{Parent: savedFn, created: created, Branch: true}
			r.res.Funcs[Site{n, i}] = r.fn
			f, leaveBranch := r.enter()
			r.res.Frames[Site{n, i}] = []*Frame{f}
			r.node(b)
			leaveBranch()
		}
		r.fn = savedFn
	default:
		r.nodes(n.Body)
	}
	leave()
}

// frameDefs calls def with the name of every def and defstruct among
// nodes, and the forms nested in them, that binds in the frame nodes run
// in rather than in a frame some form among them opens (a function, a
// let, a match or catch clause, a loop iteration, a step's :params or
// branch: see the resolver's walk).
func frameDefs(nodes []ast.Node, def func(name string)) {
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Def:
			frameDefs([]ast.Node{n.Value}, def)
			def(n.Name)
		case *ast.Defstruct:
			def(n.Name)
		case *ast.Vector:
			frameDefs(n.Elems, def)
		case *ast.Map:
			frameDefs(n.Vals, def)
		case *ast.Call:
			frameDefs([]ast.Node{n.Fn}, def)
			frameDefs(n.Args, def)
		case *ast.If:
			frameDefs([]ast.Node{n.Cond, n.Then, n.Else}, def)
		case *ast.Do:
			frameDefs(n.Body, def)
		case *ast.And:
			frameDefs(n.Args, def)
		case *ast.Or:
			frameDefs(n.Args, def)
		case *ast.Match:
			frameDefs([]ast.Node{n.Subject}, def)
		case *ast.Try:
			frameDefs(n.Body, def)
			frameDefs(n.Finally, def)
		case *ast.For:
			if len(n.Bindings) > 0 {
				frameDefs([]ast.Node{n.Bindings[0].Coll}, def)
			}
		case *ast.Dotimes:
			frameDefs([]ast.Node{n.Count}, def)
		case *ast.CallCap:
			frameDefs([]ast.Node{n.ID}, def)
			frameDefs(n.Args, def)
		case *ast.Meta:
			for i, k := range n.Keys {
				if rt.IsRuntimeHint(k) {
					frameDefs([]ast.Node{n.Vals[i]}, def)
				}
			}
			frameDefs([]ast.Node{n.Expr}, def)
		case *ast.Step:
			switch {
			case !n.WellFormed():
			case n.ParamKeys != nil:
				frameDefs(n.ParamVals, def)
			case n.Kind != ast.StepParallel:
				frameDefs(n.Body, def)
			}
		}
	}
}
