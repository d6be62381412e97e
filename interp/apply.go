package interp

import (
	"fmt"
	"slices"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/vm/value"
)

// closure is the function value an ast.Fn evaluates to: its code and the
// frame it was made in, captured by reference.
type closure struct {
	fn  *ast.Fn
	env *env
}

// FuncName implements value.Function.
func (c *closure) FuncName() string { return fnName(c.fn) }

func fnName(f *ast.Fn) string {
	if f.Name != "" {
		return f.Name
	}
	return "fn"
}

// delegatedTo returns the capability a `^:delegation :local-model|:remote`
// function hands its calls to.
func (c *closure) delegatedTo() (string, bool) {
	d := c.fn.Delegation
	if d == nil || d.Target == "local" {
		return "", false
	}
	return "model-call:" + d.ID, true
}

// apply calls fn with args, the call being written at pos. It is the
// trampoline: a closure body is evaluated in tail mode, and a call it leaves
// pending is made by the next turn of the loop, in this Go frame and at this
// depth. The return types of the closures entered that way are checked once
// the final value is known; each distinct function is remembered once, so a
// typed tail-recursive loop stays in constant space.
func (m *machine) apply(fn value.Value, args []value.Value, pos value.Pos) (value.Value, *value.Error) {
	if m.depth >= m.maxDepth {
		return value.Nil, value.Errorf(value.StackOverflow, "Maximum call depth (%d) exceeded", m.maxDepth).WithPos(pos)
	}
	m.depth++
	defer func() { m.depth-- }()
	var typedReturns []*ast.Fn
	for {
		if err := m.poll(pos); err != nil {
			return value.Nil, err
		}
		v, err := m.applyOnce(fn, args, pos)
		if err != nil {
			return value.Nil, err
		}
		if c, ok := fn.Ref().(*closure); ok && c.fn.Ret != nil && !slices.Contains(typedReturns, c.fn) {
			typedReturns = append(typedReturns, c.fn)
		}
		if !m.hasPending {
			return checkReturns(typedReturns, v)
		}
		fn, args, pos = m.pending.fn, m.pending.args, m.pending.pos
		m.pending, m.hasPending = pendingCall{}, false
	}
}

// checkReturns checks v against the return types of fns, innermost first.
func checkReturns(fns []*ast.Fn, v value.Value) (value.Value, *value.Error) {
	for i := len(fns) - 1; i >= 0; i-- {
		if f := fns[i]; !value.Check(f.Ret, v) {
			return value.Nil, validationErr(f.Ret, v, "return value of "+fnName(f)).WithPos(f.P)
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
				return value.Nil, toError(err).WithPos(pos)
			}
			v, err := f.Fn(m, args)
			if err != nil {
				return value.Nil, toError(err).WithPos(pos)
			}
			return v, nil
		}
	case value.KKeyword:
		v, err := keywordCall(fn, args)
		if err != nil {
			return value.Nil, err.WithPos(pos)
		}
		return v, nil
	}
	return value.Nil, value.TypeErr("function call", "function", fn).WithPos(pos)
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
	if len(args) < fixed || (fn.Rest == nil && len(args) > fixed) {
		most := fixed
		if fn.Rest != nil {
			most = -1
		}
		return nil, value.ArityErr(c.FuncName(), value.ArityText(fixed, most), len(args))
	}
	frame := newEnvFor(c.env, fixed+1)
	for i, p := range fn.Params {
		if !value.Check(p.Type, args[i]) {
			return nil, validationErr(p.Type, args[i], fmt.Sprintf("parameter %d of %s", i+1, c.FuncName()))
		}
		if _, err := bindPattern(p.Pattern, args[i], frame, destructuring); err != nil {
			return nil, err
		}
	}
	if r := fn.Rest; r != nil {
		// Builtins calling back through Runtime.Call may reuse args.
		rest := slices.Clone(args[fixed:])
		for _, x := range rest {
			if !value.Check(r.Type, x) {
				return nil, validationErr(r.Type, x, fmt.Sprintf("rest parameter %s of %s", r.Name, c.FuncName()))
			}
		}
		frame.define(r.Name, value.NewList(rest))
	}
	return frame, nil
}

// keywordCall implements (:k m) and (:k m default) (§3.7). An error value
// answers :message and :type, so caught errors can be inspected.
func keywordCall(k value.Value, args []value.Value) (value.Value, *value.Error) {
	name := k.String()
	if len(args) < 1 || len(args) > 2 {
		return value.Nil, value.ArityErr(name, value.ArityText(1, 2), len(args))
	}
	fallback := value.Nil
	if len(args) == 2 {
		fallback = args[1]
	}
	switch target := args[0]; target.Kind() {
	case value.KMap:
		if v, ok := target.AsMap().Get(k); ok {
			return v, nil
		}
	case value.KError:
		switch k.AsKeyword().Name {
		case "message":
			return value.String(target.AsError().Message), nil
		case "type":
			return value.Kw(string(target.AsError().Kind)), nil
		}
	case value.KNil:
	default:
		return value.Nil, value.TypeErr(name, "map", target)
	}
	return fallback, nil
}

// structConstructor is the one-argument function defstruct binds: it
// returns its map argument unchanged once it has every field of the
// struct, valid (the record type of §3.6: extra keys are allowed).
func structConstructor(node *ast.Defstruct) *value.Builtin {
	name, record := node.Name, &value.Type{Name: "map", Fields: node.Fields}
	return &value.Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Pure: true,
		Fn: func(_ value.Runtime, args []value.Value) (value.Value, error) {
			switch m := args[0]; {
			case m.Kind() != value.KMap:
				return value.Nil, value.TypeErr(name, "map", m)
			case !value.Check(record, m):
				return value.Nil, validationErr(record, m, name)
			default:
				return m, nil
			}
		}}
}

// validationErr is the TypeValidationError for v failing t in what.
func validationErr(t *value.Type, v value.Value, what string) *value.Error {
	return value.Errorf(value.TypeValidationError, "Type validation failed for %s: expected %s, got %s",
		what, t, v.TypeName())
}
