package interp

import (
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/vm/value"
)

// maxLoopIterations bounds a step-loop (§4.14).
const maxLoopIterations = 10000

// evalCallCap implements `(call id arg*)` (§7): the id and the arguments are
// evaluated, then the call is checked against the runtime context and
// handed to the host.
func (m *machine) evalCallCap(node *ast.CallCap, e *env) (value.Value, *value.Error) {
	idv, err := m.eval(node.ID, e)
	if err != nil {
		return value.Nil, err
	}
	var id string
	switch idv.Kind() {
	case value.KKeyword:
		id = idv.AsKeyword().Name
	case value.KString:
		id = idv.AsString()
	default:
		return value.Nil, value.TypeErr("call", "keyword or string", idv).WithPos(node.ID.Pos())
	}
	args, err := m.evalAll(node.Args, e)
	if err != nil {
		return value.Nil, err
	}
	return m.callCapability(id, args, node.P)
}

// callCapability checks capability id against the runtime context and
// executes it through the host; host failures are ordinary (catchable)
// errors.
func (m *machine) callCapability(id string, args []value.Value, pos value.Pos) (value.Value, *value.Error) {
	if err := m.rc.CheckCapability(id); err != nil {
		return value.Nil, toError(err).WithPos(pos)
	}
	v, err := m.host.ExecuteCapability(m.ctx, id, args)
	if err != nil {
		return value.Nil, toError(err).WithPos(pos)
	}
	return v, nil
}

// stepForms names each step kind the way the host and the isolation check
// see it, with the isolation level it needs.
var stepForms = [...]struct {
	name      string
	isolation host.Isolation
}{
	ast.StepPlain:    {"step", host.Inherit},
	ast.StepIf:       {"step-if", host.Inherit},
	ast.StepLoop:     {"step-loop", host.Inherit},
	ast.StepParallel: {"step-parallel", host.Isolated},
}

// evalStep runs a step form (§4.14): isolation check and :params, then the
// body between PlanStepStarted and PlanStepCompleted — or PlanStepFailed
// before the body's error is re-raised (A13). The body runs with the step's
// action id in the context handed to the host. As in the reference, the
// body runs in the enclosing scope (definitions stay visible after the
// step) unless :params gives it a child scope holding %params.
func (m *machine) evalStep(node *ast.Step, e *env) (value.Value, *value.Error) {
	if !wellFormed(node) {
		return value.Nil, value.Errorf(value.InvalidArguments, "Malformed %s form", node.Name).WithPos(node.P)
	}
	form := stepForms[node.Kind]
	if err := m.rc.CheckIsolation(form.name, form.isolation); err != nil {
		return value.Nil, toError(err).WithPos(node.P)
	}
	if node.ParamKeys != nil {
		params, err := m.stepParams(node, e)
		if err != nil {
			return value.Nil, err
		}
		e = newEnv(e)
		e.define("%params", params)
	}
	outer := m.ctx
	actionID := m.host.NotifyStepStarted(outer, node.Name)
	m.ctx = host.WithStep(outer, actionID)
	v, err := m.stepBody(node, e)
	m.ctx = outer
	if err != nil {
		m.host.NotifyStepFailed(outer, actionID, err.Message)
		return value.Nil, err
	}
	m.host.NotifyStepCompleted(outer, actionID, v)
	return v, nil
}

// wellFormed checks what the type of ast.Step cannot say: a known kind and
// the body shape step-if and step-loop need. The compiler builds no other
// steps, but an AST is a public contract, and a bad one must not crash.
func wellFormed(node *ast.Step) bool {
	switch node.Kind {
	case ast.StepIf:
		return len(node.Body) == 2 || len(node.Body) == 3
	case ast.StepLoop:
		return len(node.Body) == 2
	}
	return int(node.Kind) < len(stepForms) && len(node.ParamKeys) == len(node.ParamVals)
}

// stepParams evaluates the :params map of a step in the enclosing scope.
func (m *machine) stepParams(node *ast.Step, e *env) (value.Value, *value.Error) {
	entries := make([]value.MapEntry, len(node.ParamKeys))
	for i, k := range node.ParamKeys {
		v, err := m.eval(node.ParamVals[i], e)
		if err != nil {
			return value.Nil, err
		}
		entries[i] = value.MapEntry{Key: value.String(k), Val: v}
	}
	return value.MapFromEntries(entries), nil
}

// stepBody evaluates what a step form does between its notifications.
func (m *machine) stepBody(node *ast.Step, e *env) (value.Value, *value.Error) {
	switch node.Kind {
	case ast.StepIf:
		return m.evalStepIf(node, e)
	case ast.StepLoop:
		return m.evalStepLoop(node, e)
	case ast.StepParallel:
		// Branches run one after the other for now, in order.
		results, err := m.evalAll(node.Body, e)
		if err != nil {
			return value.Nil, err
		}
		return value.NewVector(results), nil
	}
	return m.evalSeq(node.Body, e)
}

func (m *machine) evalStepIf(node *ast.Step, e *env) (value.Value, *value.Error) {
	c, err := m.eval(node.Body[0], e)
	if err != nil {
		return value.Nil, err
	}
	switch {
	case stepTruthy(c):
		return m.eval(node.Body[1], e)
	case len(node.Body) > 2:
		return m.eval(node.Body[2], e)
	}
	return value.Nil, nil
}

// evalStepLoop repeats the body while the condition holds. As in the
// reference, the limit is checked before the condition: a loop whose body
// has run maxLoopIterations times fails even if it was about to stop.
func (m *machine) evalStepLoop(node *ast.Step, e *env) (value.Value, *value.Error) {
	cond, body := node.Body[0], node.Body[1]
	result := value.Nil
	for i := 0; ; i++ {
		if i == maxLoopIterations {
			return value.Nil, value.Errorf(value.Generic, "Loop exceeded maximum iterations (%d)", maxLoopIterations).WithPos(node.P)
		}
		if err := m.poll(node.P); err != nil {
			return value.Nil, err
		}
		c, err := m.eval(cond, e)
		if err != nil {
			return value.Nil, err
		}
		if !stepTruthy(c) {
			return result, nil
		}
		if result, err = m.eval(body, e); err != nil {
			return value.Nil, err
		}
	}
}

// stepTruthy is the extended falsiness of step-if and step-loop (§3.1):
// besides nil and false, 0, 0.0, "", [] and {} are false. An empty list
// stays true.
func stepTruthy(v value.Value) bool {
	switch v.Kind() {
	case value.KInt:
		return v.AsInt() != 0
	case value.KFloat:
		return v.AsFloat() != 0
	case value.KString:
		return v.AsString() != ""
	case value.KVector:
		return len(v.Items()) != 0
	case value.KMap:
		return v.AsMap().Len() != 0
	}
	return v.Truthy()
}
