package effects

import (
	"maps"
	"slices"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/resolve"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/stdlib"
)

// The builtins through which plan code reaches the host context.
const (
	contextGet = "context/get"
	contextSet = "context/set"
)

// node is a piece of code or a value of the program graph (see the package
// comment). Before the fixpoint, effects and unresolved describe the node's
// own calls; after it, everything the node reaches.
type node struct {
	caps       map[string]bool
	unresolved bool
	succ, pred []*node
	queued     bool
}

func (n *node) link(to *node) {
	if to != nil && to != n {
		n.succ = append(n.succ, to)
	}
}

// absorb adds what from reaches to what n reaches and reports whether that
// changed anything.
func (n *node) absorb(from *node) bool {
	changed := from.unresolved && !n.unresolved
	n.unresolved = n.unresolved || from.unresolved
	for id := range from.caps {
		if !n.caps[id] {
			n.addCapability(id)
			changed = true
		}
	}
	return changed
}

func (n *node) addCapability(id string) {
	if n.caps == nil {
		n.caps = map[string]bool{}
	}
	n.caps[id] = true
}

// reach is what n reaches once the fixpoint is solved.
func (n *node) reach(step string) host.Reach {
	return host.Reach{Step: step, Capabilities: slices.Sorted(maps.Keys(n.caps)), Unresolved: n.unresolved}
}

// site is where the walk stands: the code that runs there (the innermost
// function or step, or the top level) and the bindings whose value the
// current expression helps make.
type site struct {
	exec   *node
	values []*node
}

// collecting is s inside the value expression of binding b.
func (s site) collecting(b *node) site {
	s.values = append(slices.Clip(s.values), b)
	return s
}

// reference is a symbol to resolve once the walk has seen every binding,
// and the nodes that mention it.
type reference struct {
	symbol ast.Node // the Symbol or GetVar node the resolver resolved
	name   string
	from   []*node
	callee bool // the head of a call
}

type stepEntry struct {
	name string
	node *node
}

type analyzer struct {
	res         *resolve.Resolution
	nodes       []*node
	steps       []*stepEntry // by ast.Step.Index
	globals     map[string][]*node
	vars        map[*resolve.Variable]*node
	hostContext *node
	topLevel    *node
	refs        []reference
}

// analyze returns what each step of prog and its top level reach.
func analyze(prog *ast.Program) Analysis {
	a := &analyzer{globals: map[string][]*node{}, vars: map[*resolve.Variable]*node{}}
	a.hostContext = a.newNode()
	a.topLevel = a.newNode()
	if prog != nil {
		a.res = resolve.Program(prog)
		a.exprs(prog.Forms, site{exec: a.topLevel})
	}
	for _, r := range a.refs {
		targets := a.resolve(r)
		for _, from := range r.from {
			for _, t := range targets {
				from.link(t)
			}
		}
	}
	solve(a.nodes)
	out := Analysis{Steps: make([]host.Reach, len(a.steps)), TopLevel: a.topLevel.reach("")}
	for i, st := range a.steps {
		if st == nil {
			out.Steps[i] = host.Reach{Unresolved: true}
			continue
		}
		out.Steps[i] = st.node.reach(st.name)
	}
	return out
}

// solve propagates what every node reaches along the edges until nothing
// changes. Sets only grow and are bounded, so it terminates; cycles
// (recursion) simply settle.
func solve(nodes []*node) {
	for _, n := range nodes {
		for _, s := range n.succ {
			s.pred = append(s.pred, n)
		}
	}
	queue := slices.Clone(nodes)
	for _, n := range queue {
		n.queued = true
	}
	for len(queue) > 0 {
		n := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		n.queued = false
		for _, p := range n.pred {
			if p.absorb(n) && !p.queued {
				p.queued = true
				queue = append(queue, p)
			}
		}
	}
}

func (a *analyzer) newNode() *node {
	n := &node{}
	a.nodes = append(a.nodes, n)
	return n
}

// mention records that the code and values at s mention n.
func (s site) mention(n *node) {
	if s.exec != nil {
		s.exec.link(n)
	}
	for _, v := range s.values {
		v.link(n)
	}
}

// refer records a reference to a name at s; callee is set for the head of
// a call.
func (a *analyzer) refer(symbol ast.Node, name string, s site, callee bool) {
	from := append(slices.Clone(s.values), s.exec)
	a.refs = append(a.refs, reference{symbol: symbol, name: name, from: from, callee: callee})
}

// variable is the node of a local variable: the values its writes store.
func (a *analyzer) variable(v *resolve.Variable) *node {
	n := a.vars[v]
	if n == nil {
		n = a.newNode()
		a.vars[v] = n
	}
	return n
}

// resolve returns every binding a reference may denote: the variables the
// resolver found, innermost first, and, when the read may fall through to
// the global of the name, every top-level def of it, and the host context
// when no builtin has the name.
func (a *analyzer) resolve(r reference) []*node {
	var found []*node
	chain := a.res.Refs[r.symbol]
	for _, l := range chain {
		found = append(found, a.variable(l.V))
	}
	if len(chain) > 0 && !chain[len(chain)-1].Checked {
		return found
	}
	found = append(found, a.globals[r.name]...)
	if r.name == contextSet && !r.callee {
		// Passed around, context/set stores what can no longer be traced.
		a.hostContext.unresolved = true
	}
	if r.name == contextGet || stdlib.Lookup(r.name) == nil {
		found = append(found, a.hostContext)
	}
	return found
}

// bindValue makes the variables vars hold what value holds.
func (a *analyzer) bindValue(vars []*resolve.Variable, value *node) {
	for _, v := range vars {
		a.variable(v).link(value)
	}
}

func (a *analyzer) exprs(ns []ast.Node, s site) {
	for _, n := range ns {
		a.expr(n, s)
	}
}

// expr walks n. Literals, Defstruct (its constructor is pure) and Raise
// mention nothing.
func (a *analyzer) expr(n ast.Node, s site) {
	switch n := n.(type) {
	case *ast.Symbol:
		a.refer(n, n.Name, s, false)
	case *ast.GetVar:
		a.refer(n, n.Name, s, false)
	case *ast.ContextRef:
		s.mention(a.hostContext)
	case *ast.Vector:
		a.exprs(n.Elems, s)
	case *ast.Map:
		a.exprs(n.Vals, s)
	case *ast.Call:
		a.call(n, s)
	case *ast.Def:
		a.def(n, s)
	case *ast.Fn:
		a.fn(n, s)
	case *ast.Let:
		a.let(n, s)
	case *ast.If:
		a.exprs([]ast.Node{n.Cond, n.Then, n.Else}, s)
	case *ast.Do:
		a.exprs(n.Body, s)
	case *ast.And:
		a.exprs(n.Args, s)
	case *ast.Or:
		a.exprs(n.Args, s)
	case *ast.Match:
		a.match(n, s)
	case *ast.Try:
		a.try(n, s)
	case *ast.For:
		a.forLoop(n, s)
	case *ast.Dotimes:
		a.dotimes(n, s)
	case *ast.CallCap:
		a.capabilityCall(n, s)
	case *ast.Meta:
		// Only runtime.* hints are evaluated; walking every value merely
		// over-approximates.
		a.exprs(n.Vals, s)
		a.expr(n.Expr, s)
	case *ast.Step:
		a.step(n, s)
	}
}

func (a *analyzer) call(n *ast.Call, s site) {
	head, named := n.Fn.(*ast.Symbol)
	if named {
		a.refer(head, head.Name, s, true)
	} else {
		a.expr(n.Fn, s)
	}
	if named && head.Name == contextSet {
		s = s.collecting(a.hostContext)
	}
	a.exprs(n.Args, s)
}

func (a *analyzer) def(n *ast.Def, s site) {
	b := a.newNode()
	a.expr(n.Value, s.collecting(b))
	if v := a.res.Defs[n]; v != nil {
		a.variable(v).link(b)
		return
	}
	a.globals[n.Name] = append(a.globals[n.Name], b)
}

func (a *analyzer) fn(n *ast.Fn, s site) {
	f := a.newNode()
	s.mention(f)
	if n.Delegation != nil {
		if id, ok := rt.DelegatedCapability(n.Delegation.Target, n.Delegation.ID); ok {
			a.callCapability(f, id)
		}
	}
	a.exprs(n.Body, site{exec: f})
}

func (a *analyzer) let(n *ast.Let, s site) {
	for i, b := range n.Bindings {
		value := a.newNode()
		a.expr(b.Value, s.collecting(value))
		a.bindValue(a.res.Bindings[resolve.At(n, i)], value)
	}
	a.exprs(n.Body, s)
}

func (a *analyzer) match(n *ast.Match, s site) {
	a.expr(n.Subject, s)
	for _, c := range n.Clauses {
		a.exprs([]ast.Node{c.Guard, c.Body}, s)
	}
}

func (a *analyzer) try(n *ast.Try, s site) {
	a.exprs(n.Body, s)
	for _, c := range n.Catches {
		a.exprs(c.Body, s)
	}
	a.exprs(n.Finally, s)
}

func (a *analyzer) forLoop(n *ast.For, s site) {
	for _, b := range n.Bindings {
		a.expr(b.Coll, s)
	}
	a.expr(n.Body, s)
}

func (a *analyzer) dotimes(n *ast.Dotimes, s site) {
	a.expr(n.Count, s)
	a.exprs(n.Body, s)
}

// capabilityCall walks `(call id args...)`; the call's effects belong to
// the code running at s.
func (a *analyzer) capabilityCall(n *ast.CallCap, s site) {
	a.expr(n.ID, s)
	a.exprs(n.Args, s)
	if id, ok := literalID(n.ID); ok {
		a.callCapability(s.exec, id)
	} else {
		s.exec.unresolved = true
	}
}

// literalID reads a capability id written as a keyword or string literal,
// the only ids known before the call runs.
func literalID(n ast.Node) (string, bool) {
	c, ok := n.(*ast.Const)
	if !ok {
		return "", false
	}
	id, err := rt.CapabilityID(c.Val)
	return id, err == nil
}

// callCapability records that n calls capability id.
func (a *analyzer) callCapability(n *node, id string) {
	n.addCapability(id)
}

// step walks a step form. Its :params values are evaluated before the step
// starts, in the enclosing code; its body is the step's own code. The step
// does not become part of the values around it (it ran where it stands),
// but what its body yields may.
func (a *analyzer) step(n *ast.Step, s site) {
	st := a.stepNode(n)
	if s.exec != a.topLevel {
		s.exec.link(st)
	}
	if n.ParamKeys != nil {
		params := a.newNode()
		a.exprs(n.ParamVals, s.collecting(params))
		a.bindValue(a.res.Bindings[resolve.At(n, -1)], params)
	}
	a.exprs(n.Body, site{exec: st, values: s.values})
}

// stepNode returns the node of the step numbered n.Index. Steps sharing an
// index, which only a hand-made tree can have, share a node and so the
// union of their effects; a step without a valid index gets a node of its
// own, analysed like any other code.
func (a *analyzer) stepNode(n *ast.Step) *node {
	if n.Index < 0 {
		return a.newNode()
	}
	for len(a.steps) <= n.Index {
		a.steps = append(a.steps, nil)
	}
	if a.steps[n.Index] == nil {
		a.steps[n.Index] = &stepEntry{name: n.Name, node: a.newNode()}
	}
	return a.steps[n.Index].node
}
