package interp

import (
	"context"
	"io"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/value"
)

// evalCallCap implements `(call id arg*)` (§7): the id and the arguments are
// evaluated, then the call is checked against the runtime context and
// handed to the host.
func (m *machine) evalCallCap(node *ast.CallCap, e *env) (value.Value, *value.Error) {
	idv, err := m.eval(node.ID, e)
	if err != nil {
		return value.Nil, err
	}
	id, err := rt.CapabilityID(idv)
	if err != nil {
		return value.Nil, err.WithPos(node.ID.Pos())
	}
	args, err := m.evalAll(node.Args, e)
	if err != nil {
		return value.Nil, err
	}
	return m.callCapability(id, args, node.P)
}

// callCapability checks capability id against the runtime context and
// executes it through the host.
func (m *machine) callCapability(id string, args []value.Value, pos value.Pos) (value.Value, *value.Error) {
	v, err := rt.CallCapability(m.ctx, m.host, m.rc, id, args)
	if err != nil {
		return value.Nil, err.WithPos(pos)
	}
	return v, nil
}

// evalStep runs a step form (§4.14): isolation checks and :params, then the
// body between PlanStepStarted and PlanStepCompleted — or PlanStepFailed
// before the body's error is raised again (A13). The body runs under the
// step's context (see rt.BeginStep: its action id, profile and time
// limit). As in the reference, the body runs in the enclosing scope
// (definitions stay visible after the step) unless :params gives it a
// child scope holding %params.
func (m *machine) evalStep(node *ast.Step, e *env) (value.Value, *value.Error) {
	if !node.WellFormed() {
		return value.Nil, value.Errorf(value.InvalidArguments, "Malformed %s form", node.Name).WithPos(node.P)
	}
	profile := m.profile(node.Index)
	if err := rt.CheckStep(m.rc, node.Kind, node.Name, profile); err != nil {
		return value.Nil, err.WithPos(node.P)
	}
	if node.ParamKeys != nil {
		params, err := m.stepParams(node, e)
		if err != nil {
			return value.Nil, err
		}
		e = newEnv(e)
		e.define(ast.ParamsName, params)
	}
	s := rt.BeginStep(m.ctx, m.host, node.Name, profile, "interp")
	m.ctx = s.Ctx
	var memory int64
	if profile != nil {
		memory = profile.ResourceLimits.MaxMemoryBytes
	}
	restore := m.memory.EnterStep(node.Name, memory)
	v, err := m.stepBody(node, e)
	restore()
	m.ctx = s.Outer
	if err != nil {
		return value.Nil, s.Fail(m.host, err).WithPos(node.P)
	}
	s.Complete(m.host, v)
	return v, nil
}

// profile returns the profile of the step numbered index, nil when the
// run has none for it.
func (m *machine) profile(index int) *host.StepProfile {
	if index < 0 || index >= len(m.profiles) {
		return nil
	}
	return m.profiles[index]
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
		results, err := m.branches.Run(m.ctx, m.host, m.stdout, len(node.Body), node.MergePolicy,
			func(ctx context.Context, i int, stdout io.Writer, _ bool, h host.Host) (value.Value, *value.Error) {
				return m.fork(ctx, stdout, h).eval(node.Body[i], newEnv(e))
			})
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
	case rt.StepTruthy(c):
		return m.eval(node.Body[1], e)
	case len(node.Body) > 2:
		return m.eval(node.Body[2], e)
	}
	return value.Nil, nil
}

// evalStepLoop repeats the body while the condition holds. As in the
// reference, the limit is checked before the condition: a loop whose body
// has run rt.MaxLoopIterations times fails even if it was about to stop.
func (m *machine) evalStepLoop(node *ast.Step, e *env) (value.Value, *value.Error) {
	cond, body := node.Body[0], node.Body[1]
	result := value.Nil
	for i := 0; ; i++ {
		if i == rt.MaxLoopIterations {
			return value.Nil, rt.LoopLimitError().WithPos(node.P)
		}
		if err := m.poll(node.P); err != nil {
			return value.Nil, err
		}
		c, err := m.eval(cond, e)
		if err != nil {
			return value.Nil, err
		}
		if !rt.StepTruthy(c) {
			return result, nil
		}
		if result, err = m.eval(body, e); err != nil {
			return value.Nil, err
		}
	}
}
