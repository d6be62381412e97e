package interp

import (
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/value"
)

// maxNesting bounds the nesting of evaluations in progress, which each
// take a Go frame or a few: an expression nested deep inside a deep
// recursion must end in StackOverflow, never overflow the Go stack (the
// VM, which does not recurse to evaluate nested expressions, runs such
// programs to the end). At up to a few kilobytes a level, the bound keeps
// the interpreter's Go stack within half of Go's default 1 GB.
const maxNesting = 100_000

// eval evaluates n outside tail position.
func (m *machine) eval(n ast.Node, e *env) (value.Value, *value.Error) {
	if m.nesting++; m.nesting > maxNesting {
		m.nesting--
		return value.Nil, value.Errorf(value.StackOverflow,
			"Stack overflow: expressions nested more than %d deep in evaluation (the interpreter's limit)", maxNesting).WithPos(n.Pos())
	}
	v, err := m.evalNode(n, e, false)
	m.nesting--
	return v, err
}

// evalNode evaluates n in e. When tail is set, a call reached in tail
// position (n itself, or the branch or last body form it continues into) is
// not made: it is left in m.pending for the trampoline of the enclosing
// apply, and the value returned is meaningless. The forms that continue
// into a tail form loop here instead of recursing, so they add no Go stack
// either.
func (m *machine) evalNode(n ast.Node, e *env, tail bool) (value.Value, *value.Error) {
	for {
		switch node := n.(type) {
		case *ast.Const:
			return node.Val, nil
		case *ast.Symbol:
			if v, ok := m.resolve(node.Name, e); ok {
				return v, nil
			}
			return value.Nil, rt.Undefined(node.Name, e.names()).WithPos(node.P)
		case *ast.GetVar:
			v, _ := m.resolve(node.Name, e)
			return v, nil
		case *ast.ContextRef:
			return rt.ContextRef(m.host, node.Name), nil
		case *ast.Vector:
			items, err := m.evalAll(node.Elems, e)
			if err != nil {
				return value.Nil, err
			}
			return value.NewVector(items), nil
		case *ast.Map:
			return m.evalMap(node, e)
		case *ast.Fn:
			return value.Func(&closure{fn: node, env: e}), nil
		case *ast.Call:
			fn, err := m.eval(node.Fn, e)
			if err != nil {
				return value.Nil, err
			}
			args, err := m.evalAll(node.Args, e)
			if err != nil {
				return value.Nil, err
			}
			if tail {
				m.pending = pendingCall{fn: fn, args: args, pos: node.P}
				m.hasPending = true
				return value.Nil, nil
			}
			return m.apply(fn, args, node.P)
		case *ast.Def:
			return m.evalDef(node, e)
		case *ast.If:
			c, err := m.eval(node.Cond, e)
			if err != nil {
				return value.Nil, err
			}
			n = node.Else
			if c.Truthy() {
				n = node.Then
			}
			if n == nil {
				return value.Nil, nil
			}
		case *ast.Do:
			last, err := m.evalInit(node.Body, e)
			if last == nil || err != nil {
				return value.Nil, err
			}
			n = last
		case *ast.Let:
			body, err := m.bindLet(node, e)
			if err != nil {
				return value.Nil, err
			}
			last, err := m.evalInit(node.Body, body)
			if last == nil || err != nil {
				return value.Nil, err
			}
			n, e = last, body
		case *ast.Match:
			clause, frame, err := m.selectClause(node, e)
			if err != nil {
				return value.Nil, err
			}
			n, e = clause.Body, frame
		case *ast.And:
			return m.evalAnd(node, e)
		case *ast.Or:
			return m.evalOr(node, e)
		case *ast.Try:
			return m.evalTry(node, e)
		case *ast.For:
			return m.evalFor(node, e)
		case *ast.Dotimes:
			return m.evalDotimes(node, e)
		case *ast.Defstruct:
			ctor := value.Func(rt.StructConstructor(node.Name, &value.Type{Name: "map", Fields: node.Fields}))
			e.define(node.Name, ctor)
			return ctor, nil
		case *ast.CallCap:
			return m.evalCallCap(node, e)
		case *ast.Meta:
			return m.evalMeta(node, e)
		case *ast.Step:
			return m.evalStep(node, e)
		case *ast.Raise:
			return value.Nil, value.Errorf(node.Kind, "%s", node.Message).WithPos(node.P)
		default:
			return value.Nil, value.Errorf(value.InternalError, "interp: unknown node %T", n).WithPos(n.Pos())
		}
	}
}

// evalInit evaluates every form of body but the last, which it returns for
// the caller to evaluate (possibly in tail position); nil for an empty body.
func (m *machine) evalInit(body []ast.Node, e *env) (ast.Node, *value.Error) {
	if len(body) == 0 {
		return nil, nil
	}
	for _, n := range body[:len(body)-1] {
		if _, err := m.eval(n, e); err != nil {
			return nil, err
		}
	}
	return body[len(body)-1], nil
}

// evalSeq evaluates body as an implicit do outside tail position.
func (m *machine) evalSeq(body []ast.Node, e *env) (value.Value, *value.Error) {
	last, err := m.evalInit(body, e)
	if last == nil || err != nil {
		return value.Nil, err
	}
	return m.eval(last, e)
}

// evalAll evaluates nodes left to right into a fresh slice.
func (m *machine) evalAll(nodes []ast.Node, e *env) ([]value.Value, *value.Error) {
	vals := make([]value.Value, len(nodes))
	for i, n := range nodes {
		v, err := m.eval(n, e)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}

// resolve implements symbol resolution (§3.8): the environment chain, then
// the host execution context, then the cross-plan parameters.
func (m *machine) resolve(name string, e *env) (value.Value, bool) {
	if v, ok := e.lookup(name); ok {
		return v, true
	}
	return rt.Fallback(m.host, m.rc, name)
}

func (m *machine) evalMap(node *ast.Map, e *env) (value.Value, *value.Error) {
	entries := make([]value.MapEntry, len(node.Keys))
	for i, k := range node.Keys {
		v, err := m.eval(node.Vals[i], e)
		if err != nil {
			return value.Nil, err
		}
		entries[i] = value.MapEntry{Key: k, Val: v}
	}
	return value.MapFromEntries(entries), nil
}

func (m *machine) evalDef(node *ast.Def, e *env) (value.Value, *value.Error) {
	v, err := m.eval(node.Value, e)
	if err != nil {
		return value.Nil, err
	}
	if !value.Check(node.Type, v) {
		return value.Nil, rt.ValidationError(node.Type, v, rt.DefWhat(node.Name)).WithPos(node.P)
	}
	e.define(node.Name, v)
	return v, nil
}

// bindLet binds the let's bindings in order and returns the frame its body
// runs in. Bindings share one frame, so a fn-valued binding sees the
// bindings after it when it is called (letrec: mutual recursion inside one
// let). A binding that rebinds a name of that frame opens a new frame
// instead, so closures made earlier keep seeing the value they were made
// with (sequential shadowing, A17).
func (m *machine) bindLet(node *ast.Let, outer *env) (*env, *value.Error) {
	frame := newEnv(outer)
	for _, b := range node.Bindings {
		v, err := m.eval(b.Value, frame)
		if err != nil {
			return nil, err
		}
		if !value.Check(b.Type, v) {
			return nil, rt.ValidationError(b.Type, v, rt.LetWhat).WithPos(b.Value.Pos())
		}
		if rebinds(b.Pattern, frame) {
			frame = newEnv(frame)
		}
		if _, err := bindPattern(b.Pattern, v, frame, rt.Destructuring); err != nil {
			return nil, err.WithPos(b.Value.Pos())
		}
	}
	return frame, nil
}

// evalAnd returns the first falsy value, else the last one; (and) is true.
func (m *machine) evalAnd(node *ast.And, e *env) (value.Value, *value.Error) {
	v := value.True
	for _, a := range node.Args {
		var err *value.Error
		if v, err = m.eval(a, e); err != nil || !v.Truthy() {
			return v, err
		}
	}
	return v, nil
}

// evalOr returns the first truthy value, else the last one; (or) is false.
func (m *machine) evalOr(node *ast.Or, e *env) (value.Value, *value.Error) {
	v := value.False
	for _, a := range node.Args {
		var err *value.Error
		if v, err = m.eval(a, e); err != nil || v.Truthy() {
			return v, err
		}
	}
	return v, nil
}

// selectClause finds the first match clause whose pattern matches and whose
// guard holds, and returns it with the frame holding its bindings.
func (m *machine) selectClause(node *ast.Match, e *env) (ast.MatchClause, *env, *value.Error) {
	subject, err := m.eval(node.Subject, e)
	if err != nil {
		return ast.MatchClause{}, nil, err
	}
	for _, c := range node.Clauses {
		frame := newEnv(e)
		if ok, _ := bindPattern(c.Pattern, subject, frame, rt.Matching); !ok {
			continue
		}
		if c.Guard != nil {
			g, err := m.eval(c.Guard, frame)
			if err != nil {
				return ast.MatchClause{}, nil, err
			}
			if !g.Truthy() {
				continue
			}
		}
		return c, frame, nil
	}
	return ast.MatchClause{}, nil, value.Errorf(value.MatchError, "No matching clause").WithPos(node.P)
}

// evalTry implements §4.9. The finally forms run whatever happened; an
// error they raise replaces the outcome, except that a limit error (Timeout,
// MemoryExceeded) is never replaced by a catchable one: that would let an
// enclosing catch resume a run that must stop.
func (m *machine) evalTry(node *ast.Try, e *env) (value.Value, *value.Error) {
	v, err := m.evalSeq(node.Body, e)
	if err != nil && err.Catchable() {
		if c := catchFor(node.Catches, err.Kind); c != nil {
			frame := newEnv(e)
			if c.Binds() {
				frame.define(c.Binding, value.ErrorValue(err))
			}
			v, err = m.evalSeq(c.Body, frame)
		}
	}
	if node.Finally != nil {
		if _, ferr := m.evalSeq(node.Finally, e); ferr != nil && (err == nil || err.Catchable() || !ferr.Catchable()) {
			return value.Nil, ferr
		}
	}
	return v, err
}

// catchFor returns the first clause catching kind, or nil.
func catchFor(clauses []ast.Catch, kind value.ErrorKind) *ast.Catch {
	for i := range clauses {
		if clauses[i].Kind == "" || clauses[i].Kind == kind {
			return &clauses[i]
		}
	}
	return nil
}

// evalFor runs the nested loops of a for and collects the body values.
func (m *machine) evalFor(node *ast.For, e *env) (value.Value, *value.Error) {
	var out []value.Value
	if err := m.forLoop(node, 0, e, &out); err != nil {
		return value.Nil, err
	}
	return value.NewVector(out), nil
}

// forLoop iterates binding i of node, running the next binding's loop (or
// the body, after the last) once per element.
func (m *machine) forLoop(node *ast.For, i int, e *env, out *[]value.Value) *value.Error {
	if i == len(node.Bindings) {
		v, err := m.eval(node.Body, e)
		*out = append(*out, v)
		return err
	}
	b := node.Bindings[i]
	coll, err := m.eval(b.Coll, e)
	if err != nil {
		return err
	}
	if !coll.IsSeq() {
		return value.TypeErr("for", "vector or list", coll).WithPos(b.Coll.Pos())
	}
	for _, x := range coll.AsVector().All() {
		if err := m.poll(node.P); err != nil {
			return err
		}
		frame := newEnv(e)
		frame.define(b.Name, x)
		if err := m.forLoop(node, i+1, frame, out); err != nil {
			return err
		}
	}
	return nil
}

func (m *machine) evalDotimes(node *ast.Dotimes, e *env) (value.Value, *value.Error) {
	count, err := m.eval(node.Count, e)
	if err != nil {
		return value.Nil, err
	}
	if count.Kind() != value.KInt {
		return value.Nil, value.TypeErr("dotimes", "integer", count).WithPos(node.Count.Pos())
	}
	result := value.Nil
	for i := int64(0); i < count.AsInt(); i++ {
		if err := m.poll(node.P); err != nil {
			return value.Nil, err
		}
		frame := newEnv(e)
		frame.define(node.Var, value.Int(i))
		if result, err = m.evalSeq(node.Body, frame); err != nil {
			return value.Nil, err
		}
	}
	return result, nil
}

// evalMeta evaluates the runtime.* hints of a metadata map, then the
// expression. Hints have no host hook yet; evaluating them keeps their
// errors and effects where the language puts them.
func (m *machine) evalMeta(node *ast.Meta, e *env) (value.Value, *value.Error) {
	for i, k := range node.Keys {
		if !rt.IsRuntimeHint(k) {
			continue
		}
		if _, err := m.eval(node.Vals[i], e); err != nil {
			return value.Nil, err
		}
	}
	return m.eval(node.Expr, e)
}
