package codegen

import (
	"maps"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/internal/rt"
)

// The resolver decides, before any code is generated, where every name of
// the program lives. It replays the scoping of the reference interpreter
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

// site names a place of the AST that binds names or opens frames: a node
// and, for nodes with several such places, the index of the one meant (the
// binding, clause or branch number; -1 for a rest parameter or the :params
// of a step).
type site struct {
	node  ast.Node
	index int
}

// variable is one binding of one frame. A frame has a single variable per
// name, whatever number of times it binds it: a def of a name the frame
// already holds assigns that variable.
type variable struct {
	name         string
	frame        *frame
	checkedReads bool // some read tests whether it is bound yet
	cell         bool // decided once the walk is over
	reg          int  // its register in the owning function; set by the code generator

	writes   []write
	captures []int // when (walk clock) the closures capturing it are made in its function
}

// write is one assignment of a variable, as the walk met it.
type write struct {
	clock    int
	fn       *function // the function whose code performs it
	loop     int       // step-loop nesting at that point
	definite bool      // not under a condition within the frame
}

// frame is the static image of one interp environment frame.
type frame struct {
	parent *frame
	fn     *function // the function whose registers hold its variables
	global bool      // the top-level frame: its names are global slots
	loop   int       // step-loop nesting when it is entered
	cond   int       // conditional nesting when it is entered
	all    map[string]*variable
	bound  map[string]bool // bound so far in the walk
	// definite are the names bound so far by writes that are not under a
	// condition within the frame.
	definite map[string]bool
	vars     []*variable // in order of first binding
}

// function is a closure body, the top-level code, or a step-parallel branch.
// A branch is a closure the step runs at once, so the frames around the
// step are as the walk has left them when it reads them.
type function struct {
	parent     *function
	created    int // walk clock at which the parent makes the closure
	branch     bool
	upvals     []*variable
	upvalIndex map[*variable]int
}

// addUpval makes v an upvalue of f, if it is not one already.
func (f *function) addUpval(v *variable) {
	if _, ok := f.upvalIndex[v]; ok {
		return
	}
	if f.upvalIndex == nil {
		f.upvalIndex = map[*variable]int{}
	}
	f.upvalIndex[v] = len(f.upvals)
	f.upvals = append(f.upvals, v)
}

// resolution is what the code generator needs from the resolver.
type resolution struct {
	main *function
	// refs maps Symbol and GetVar nodes bound lexically to the variables
	// they may denote, innermost first. When the last one is checked the
	// read ends with the global of the name; a node absent from refs names
	// a global.
	refs map[ast.Node][]link
	// defs maps Def and Defstruct nodes that bind a local to it.
	defs map[ast.Node]*variable
	// bindings holds the variables a pattern binds, in patternNames order.
	bindings map[site][]*variable
	// frames holds the frames a site opens (a let opens one more per
	// binding that rebinds a name of the current one).
	frames map[site][]*frame
	funcs  map[site]*function
	// globalDefs are the names some def, defn or defstruct binds in the
	// top-level frame, wherever it stands.
	globalDefs map[string]bool
	// steps are the step forms of the program, in walk order.
	steps []*ast.Step
}

// link is one candidate of a read: a variable and whether the read must
// test that it is bound before taking its value.
type link struct {
	v       *variable
	checked bool
}

// mutable reports whether v may change after its first write, so that a
// read cannot simply use its register as an operand.
func (v *variable) mutable() bool {
	return len(v.writes) != 1 || v.writes[0].fn != v.frame.fn || v.writes[0].loop > v.frame.loop
}

type resolver struct {
	res     *resolution
	fn      *function
	scope   *frame
	clock   int
	loop    int // step-loop nesting
	cond    int // conditional nesting
	frames  []*frame
	pending []pendingRef
}

// pendingRef is a read from inside a closure, resolved when the walk ends.
type pendingRef struct {
	node  ast.Node
	name  string
	scope *frame // the first frame outside the closure
	fn    *function
	chain []link // the candidates found inside the closure
}

func resolve(prog *ast.Program) *resolution {
	main := &function{}
	r := &resolver{
		res: &resolution{
			main:       main,
			refs:       map[ast.Node][]link{},
			defs:       map[ast.Node]*variable{},
			bindings:   map[site][]*variable{},
			frames:     map[site][]*frame{},
			funcs:      map[site]*function{},
			globalDefs: map[string]bool{},
		},
		fn: main,
	}
	r.scope = r.newFrame()
	r.scope.global = true
	r.nodes(prog.Forms)
	for _, p := range r.pending {
		r.resolveLate(p)
	}
	for _, f := range r.frames {
		for _, v := range f.vars {
			v.cell = needsCell(v)
		}
	}
	return r.res
}

// needsCell reports whether a closure could see v change after capturing
// it (see the comment at the top of this file).
func needsCell(v *variable) bool {
	if len(v.captures) == 0 {
		return false
	}
	firstCapture := v.captures[0]
	for _, c := range v.captures {
		firstCapture = min(firstCapture, c)
	}
	for _, w := range v.writes {
		if w.fn != v.frame.fn || w.loop > v.frame.loop || w.clock > firstCapture {
			return true
		}
	}
	return false
}

func (r *resolver) tick() int {
	r.clock++
	return r.clock
}

func (r *resolver) newFrame() *frame {
	f := &frame{parent: r.scope, fn: r.fn, loop: r.loop, cond: r.cond,
		all: map[string]*variable{}, bound: map[string]bool{}, definite: map[string]bool{}}
	r.frames = append(r.frames, f)
	return f
}

// enter makes a new frame over the current scope the current scope and
// returns a function restoring the previous one.
func (r *resolver) enter() (*frame, func()) {
	saved := r.scope
	f := r.newFrame()
	r.scope = f
	return f, func() { r.scope = saved }
}

// bind binds name in f, as interp's env.define does.
func (r *resolver) bind(f *frame, name string) *variable {
	v := f.all[name]
	if v == nil {
		v = &variable{name: name, frame: f, reg: -1}
		f.all[name] = v
		f.vars = append(f.vars, v)
	}
	w := write{clock: r.tick(), fn: r.fn, loop: r.loop, definite: r.cond == f.cond}
	v.writes = append(v.writes, w)
	f.bound[name] = true
	f.definite[name] = f.definite[name] || w.definite
	return v
}

// boundBefore reports whether a definite write of v by its own function
// precedes the walk clock c.
func (v *variable) boundBefore(c int) bool {
	for _, w := range v.writes {
		if w.definite && w.fn == v.frame.fn && w.clock < c {
			return true
		}
	}
	return false
}

func (r *resolver) bindPattern(f *frame, p ast.Pattern) []*variable {
	var vars []*variable
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
func rebinds(p ast.Pattern, f *frame) bool {
	found := false
	patternNames(p, func(name string) { found = found || f.bound[name] })
	return found
}

// use resolves a read of name at the current point of the walk. In the
// frames of the reading function (and of the step-parallel branches it
// stands in, which run at once) a name counts when the walk has bound it;
// past the first closure boundary, the read waits for the end of the walk.
func (r *resolver) use(n ast.Node, name string) {
	var chain []link
	fn := r.fn
	for s := r.scope; s != nil && !s.global; s = s.parent {
		crossed := false
		for fn != s.fn {
			crossed = crossed || !fn.branch
			fn = fn.parent
		}
		if crossed {
			r.pending = append(r.pending, pendingRef{node: n, name: name, scope: s, fn: r.fn, chain: chain})
			return
		}
		if !s.bound[name] {
			continue
		}
		l := r.link(s.all[name], r.fn, !s.definite[name])
		if chain = append(chain, l); !l.checked {
			break
		}
	}
	r.record(n, chain)
}

// resolveLate resolves a read from inside a closure, which runs after its
// enclosing frames are complete: the innermost frame that ever binds the
// name provides it, bound for sure if a definite write precedes the
// closure's creation.
func (r *resolver) resolveLate(p pendingRef) {
	chain := p.chain
	for s := p.scope; s != nil && !s.global; s = s.parent {
		v := s.all[p.name]
		if v == nil {
			continue
		}
		l := r.link(v, p.fn, !v.boundBefore(r.captureClock(v, p.fn)))
		if chain = append(chain, l); !l.checked {
			break
		}
	}
	r.record(p.node, chain)
}

func (r *resolver) record(n ast.Node, chain []link) {
	if len(chain) > 0 {
		r.res.refs[n] = chain
	}
}

// link makes v a candidate of a read in function from, which captures it
// if v belongs to another function.
func (r *resolver) link(v *variable, from *function, checked bool) link {
	v.checkedReads = v.checkedReads || checked
	r.capture(v, from)
	return link{v: v, checked: checked}
}

// capture makes every function between from and v's owner capture v.
func (r *resolver) capture(v *variable, from *function) {
	if from == v.frame.fn {
		return
	}
	f := from
	for ; f.parent != v.frame.fn; f = f.parent {
		f.addUpval(v)
	}
	f.addUpval(v)
	v.captures = append(v.captures, f.created)
}

// captureClock is when v's owner makes the closure through which from
// reaches v.
func (r *resolver) captureClock(v *variable, from *function) int {
	f := from
	for f.parent != v.frame.fn {
		f = f.parent
	}
	return f.created
}

// define is a def (or defstruct) of name in the current frame.
func (r *resolver) define(n ast.Node, name string) {
	if r.scope.global {
		r.res.globalDefs[name] = true
		return
	}
	r.res.defs[n] = r.bind(r.scope, name)
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
		r.res.frames[site{n, 0}] = []*frame{f}
		r.res.bindings[site{n, 0}] = []*variable{r.bind(f, n.Var)}
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
	f := &function{parent: r.fn, created: r.tick()}
	r.res.funcs[site{n, 0}] = f
	savedFn := r.fn
	r.fn = f
	params, leave := r.enter()
	r.res.frames[site{n, 0}] = []*frame{params}
	for i, p := range n.Params {
		r.res.bindings[site{n, i}] = r.bindPattern(params, p.Pattern)
	}
	if n.Rest != nil {
		r.res.bindings[site{n, -1}] = []*variable{r.bind(params, n.Rest.Name)}
	}
	r.nodes(n.Body)
	leave()
	r.fn = savedFn
}

func (r *resolver) let(n *ast.Let) {
	f, leave := r.enter()
	frames := []*frame{f}
	for i, b := range n.Bindings {
		r.node(b.Value)
		if rebinds(b.Pattern, f) {
			f = r.newFrame()
			r.scope = f
			frames = append(frames, f)
		}
		r.res.bindings[site{n, i}] = r.bindPattern(f, b.Pattern)
	}
	r.res.frames[site{n, 0}] = frames
	r.nodes(n.Body)
	leave()
}

func (r *resolver) match(n *ast.Match) {
	r.node(n.Subject)
	for i, c := range n.Clauses {
		f, leave := r.enter()
		r.res.frames[site{n, i}] = []*frame{f}
		r.res.bindings[site{n, i}] = r.bindPattern(f, c.Pattern)
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
		r.res.frames[site{n, i}] = []*frame{f}
		if catchBinds(c) {
			r.res.bindings[site{n, i}] = []*variable{r.bind(f, c.Binding)}
		}
		r.nodes(c.Body)
		leave()
	}
	r.nodes(n.Finally)
}

// catchBinds reports whether a catch clause binds the caught error.
func catchBinds(c ast.Catch) bool { return c.Binding != "" && c.Binding != "_" }

func (r *resolver) forLoop(n *ast.For) {
	saved := r.scope
	for i, b := range n.Bindings {
		r.node(b.Coll)
		f := r.newFrame()
		r.scope = f
		r.res.frames[site{n, i}] = []*frame{f}
		r.res.bindings[site{n, i}] = []*variable{r.bind(f, b.Name)}
	}
	r.node(n.Body)
	r.scope = saved
}

func (r *resolver) step(n *ast.Step) {
	r.res.steps = append(r.res.steps, n)
	if !wellFormedStep(n) {
		return
	}
	leave := func() {}
	if n.ParamKeys != nil {
		r.nodes(n.ParamVals)
		var f *frame
		f, leave = r.enter()
		r.res.frames[site{n, -1}] = []*frame{f}
		r.res.bindings[site{n, -1}] = []*variable{r.bind(f, paramsName)}
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
		if !r.scope.global {
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
			r.fn = &function{parent: savedFn, created: created, branch: true}
			r.res.funcs[site{n, i}] = r.fn
			f, leaveBranch := r.enter()
			r.res.frames[site{n, i}] = []*frame{f}
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
			case !wellFormedStep(n):
			case n.ParamKeys != nil:
				frameDefs(n.ParamVals, def)
			case n.Kind != ast.StepParallel:
				frameDefs(n.Body, def)
			}
		}
	}
}
