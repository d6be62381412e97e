package vm

import (
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/vm/rt"
	"github.com/rtfs-go/rtfs/vm/value"
)

// A step's handle, the value STEPBEGIN leaves in a register for STEPEND or
// STEPFAIL, is the integer index of the step in machine.steps. The host
// sees the steps in the order they begin and end; the body of a step runs
// with the step's action id in the context given to capabilities.

// beginStep checks that the runtime context allows the step's isolation
// level and tells the host the step starts (§4.14).
func (m *machine) beginStep(s isa.Step) (value.Value, *value.Error) {
	if err := rt.CheckStepIsolation(m.rc, ast.StepKind(s.Kind)); err != nil {
		return value.Nil, err
	}
	outer := m.ctx
	id := m.host.NotifyStepStarted(outer, s.Name)
	m.steps = append(m.steps, activeStep{actionID: id, outer: outer})
	m.ctx = host.WithStep(outer, id)
	return value.Int(int64(len(m.steps) - 1)), nil
}

// endStep tells the host the step of handle completed with result.
func (m *machine) endStep(handle, result value.Value) *value.Error {
	s, err := m.closeStep(handle)
	if err != nil {
		return err
	}
	m.host.NotifyStepCompleted(s.outer, s.actionID, result)
	return nil
}

// failStep tells the host the step of handle failed with the error value
// failure (A13); the code raises the error again afterwards.
func (m *machine) failStep(handle, failure value.Value) *value.Error {
	if failure.Kind() != value.KError {
		return internalError("STEPFAIL with a %s", failure.TypeName())
	}
	s, err := m.closeStep(handle)
	if err != nil {
		return err
	}
	m.host.NotifyStepFailed(s.outer, s.actionID, failure.AsError().Message)
	return nil
}

// closeStep ends the step of handle, and any step begun inside it that an
// error skipped, restoring the context from before it.
func (m *machine) closeStep(handle value.Value) (activeStep, *value.Error) {
	if handle.Kind() != value.KInt || handle.AsInt() < 0 || handle.AsInt() >= int64(len(m.steps)) {
		return activeStep{}, internalError("no step has the handle %s", handle)
	}
	i := int(handle.AsInt())
	s := m.steps[i]
	m.steps = m.steps[:i]
	m.ctx = s.outer
	return s, nil
}
