package rt

import (
	"context"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/vm/value"
)

// CapabilityID reads the id of `(call id ...)` (§7): a keyword's name
// without the colon, or a string used as it is.
func CapabilityID(id value.Value) (string, *value.Error) {
	switch id.Kind() {
	case value.KKeyword:
		return id.AsKeyword().Name, nil
	case value.KString:
		return id.AsString(), nil
	}
	return "", value.TypeErr("call", "keyword or string", id)
}

// CallCapability checks capability id against the runtime context and
// executes it through the host; host failures are ordinary (catchable)
// errors. The host may keep args.
func CallCapability(ctx context.Context, h host.Host, rc *host.RuntimeContext, id string, args []value.Value) (value.Value, *value.Error) {
	if err := rc.CheckCapability(id); err != nil {
		return value.Nil, ToError(err)
	}
	v, err := h.ExecuteCapability(ctx, id, args)
	if err != nil {
		return value.Nil, ToError(err)
	}
	return v, nil
}

// DelegatedCapability returns the capability a function declared with
// `^:delegation target "id"` hands its calls to; ok is false for functions
// that run locally (no delegation, or target "local").
func DelegatedCapability(target, id string) (capability string, ok bool) {
	if target == "" || target == "local" {
		return "", false
	}
	return "model-call:" + id, true
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

// CheckStepIsolation returns the SecurityViolation of a step form of kind
// whose isolation level the runtime context denies, or nil. An unknown
// kind is InvalidArguments: neither front end builds one, but engines must
// not crash on a bad tree or module.
func CheckStepIsolation(rc *host.RuntimeContext, kind ast.StepKind) *value.Error {
	if int(kind) >= len(stepForms) {
		return value.Errorf(value.InvalidArguments, "Malformed step form (kind %d)", kind)
	}
	form := stepForms[kind]
	if err := rc.CheckIsolation(form.name, form.isolation); err != nil {
		return ToError(err)
	}
	return nil
}

// MaxLoopIterations bounds a step-loop (§4.14).
const MaxLoopIterations = 10000

// LoopLimitError is the error of a step-loop that ran MaxLoopIterations
// times without its condition turning false.
func LoopLimitError() *value.Error {
	return value.Errorf(value.Generic, "Loop exceeded maximum iterations (%d)", MaxLoopIterations)
}

// StepTruthy is the extended truthiness of step-if and step-loop (§3.1):
// besides nil and false, 0, 0.0, "", [] and {} are false. An empty list
// stays true.
func StepTruthy(v value.Value) bool {
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
