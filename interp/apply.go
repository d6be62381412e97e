package interp

import (
	"slices"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/value"
)

// closure is the function value an ast.Fn evaluates to: its code and the
// frame it was made in, captured by reference.
type closure struct {
	fn  *ast.Fn
	env *env
}

// FuncName implements value.Function.
func (c *closure) FuncName() string { return rt.FuncName(c.fn.Name) }

// delegatedTo returns the capability a `^:delegation :local-model|:remote`
// function hands its calls to.
func (c *closure) delegatedTo() (string, bool) {
	d := c.fn.Delegation
	if d == nil {
		return "", false
	}
	return rt.DelegatedCapability(d.Target, d.ID)
}

// apply calls fn with args, the call being written at pos. It is the
// trampoline: a closure body is evaluated in tail mode, and a call it leaves
// pending is made by the next turn of the loop, in this Go frame and at this
// depth. The return types of the closures entered that way are checked once
// the final value is known; each distinct function is remembered once, so a
// typed tail-recursive loop stays in constant space.
//
// Only the application of a closure that runs its body here counts towards
// MaxDepth: the limit bounds recursion, and nothing else can recurse. A
// builtin, a keyword or a delegated function runs at its caller's depth, so
// that folding a builtin call away at compile time changes nothing; a
// builtin calling a closure back (map, reduce, ...) comes back here, and
// that application counts.
func (m *machine) apply(fn value.Value, args []value.Value, pos value.Pos) (value.Value, *value.Error) {
	if runsBody(fn) {
		if m.depth >= m.maxDepth {
			return value.Nil, rt.StackOverflow(m.maxDepth).WithPos(pos)
		}
		m.depth++
		defer func() { m.depth-- }()
	}
	var typedReturns []*ast.Fn
	// The closure whose body runs, and where it was called: a tail call
	// of a builtin still runs in it, as the VM sees it.
	var running *closure
	var calledAt value.Pos
	for {
		c, isClosure := fn.Ref().(*closure)
		if isClosure {
			running, calledAt = c, pos
		}
		if err := m.poll(pos); err != nil {
			return value.Nil, err
		}
		v, err := m.applyOnce(fn, args, pos)
		if err != nil {
			if running != nil && err.Pos != calledAt {
				err.AddFrame(running.FuncName(), calledAt) // raised inside its body
			}
			return value.Nil, err
		}
		if isClosure && c.fn.Ret != nil && !slices.Contains(typedReturns, c.fn) {
			typedReturns = append(typedReturns, c.fn)
		}
		if !m.hasPending {
			return checkReturns(typedReturns, v)
		}
		fn, args, pos = m.pending.fn, m.pending.args, m.pending.pos
		m.pending, m.hasPending = pendingCall{}, false
	}
}

// runsBody says whether applying fn evaluates the body of a closure, as
// opposed to handing the call to a builtin, a keyword lookup or the host.
func runsBody(fn value.Value) bool {
	c, ok := fn.Ref().(*closure)
	if !ok {
		return false
	}
	_, delegated := c.delegatedTo()
	return !delegated
}

// checkReturns checks v against the return types of fns, innermost first.
func checkReturns(fns []*ast.Fn, v value.Value) (value.Value, *value.Error) {
	for i := len(fns) - 1; i >= 0; i-- {
		if f := fns[i]; !value.Check(f.Ret, v) {
			return value.Nil, rt.ValidationError(f.Ret, v, rt.ReturnWhat(rt.FuncName(f.Name))).WithPos(f.P)
		}
	}
	return v, nil
}

// applyOnce makes one call. For a closure it may leave a tail call pending.
func (m *machine) applyOnce(fn value.Value, args []value.Value, pos value.Pos) (value.Value, *value.Error) {
	switch fn.Kind() {
	case value.KFunc:
		switch f := fn.AsFunction().(type) {
		case *closure:
			return m.applyClosure(f, args, pos)
		case *value.Builtin:
			if err := f.CheckArity(len(args)); err != nil {
				return value.Nil, rt.ToError(err).WithPos(pos)
			}
			v, err := f.Fn(m, args)
			if err != nil {
				return value.Nil, rt.ToError(err).WithPos(pos)
			}
			if err := m.memory.NoteResult(v); err != nil {
				return value.Nil, err.WithPos(pos)
			}
			if rt.Large(v) {
				if err := m.Interrupted(); err != nil {
					return value.Nil, rt.ToError(err).WithPos(pos)
				}
			}
			return v, nil
		}
	case value.KKeyword:
		v, err := rt.KeywordCall(fn, args)
		if err != nil {
			return value.Nil, err.WithPos(pos)
		}
		return v, nil
	}
	return value.Nil, rt.NotCallable(fn).WithPos(pos)
}

// applyClosure binds the parameters of c and evaluates its body in tail
// mode.
func (m *machine) applyClosure(c *closure, args []value.Value, pos value.Pos) (value.Value, *value.Error) {
	if id, ok := c.delegatedTo(); ok {
		// args may be a builtin's reused slice; the host may keep what it gets.
		return m.callCapability(id, slices.Clone(args), pos)
	}
	frame, err := bindParams(c, args)
	if err != nil {
		return value.Nil, err.WithPos(pos)
	}
	last, err := m.evalInit(c.fn.Body, frame)
	if last == nil || err != nil {
		return value.Nil, err
	}
	return m.evalNode(last, frame, true)
}

// bindParams checks the arity and parameter types of a call of c and binds
// the arguments in a new frame over the closure's.
func bindParams(c *closure, args []value.Value) (*env, *value.Error) {
	fn := c.fn
	fixed := len(fn.Params)
	if err := rt.CheckArity(c.FuncName(), fixed, fn.Rest != nil, len(args)); err != nil {
		err.Hint = c.FuncName() + " takes " + ast.ParamList(fn)
		return nil, err
	}
	frame := newEnvFor(c.env, fixed+1)
	for i, p := range fn.Params {
		if !value.Check(p.Type, args[i]) {
			return nil, rt.ValidationError(p.Type, args[i], rt.ParamWhat(i+1, c.FuncName()))
		}
		if _, err := bindPattern(p.Pattern, args[i], frame, rt.Destructuring); err != nil {
			return nil, err
		}
	}
	if r := fn.Rest; r != nil {
		// Builtins calling back through Runtime.Call may reuse args.
		rest := slices.Clone(args[fixed:])
		for _, x := range rest {
			if !value.Check(r.Type, x) {
				return nil, rt.ValidationError(r.Type, x, rt.RestWhat(r.Name, c.FuncName()))
			}
		}
		frame.define(r.Name, value.NewList(rest))
	}
	return frame, nil
}
