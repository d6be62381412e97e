package rt

import (
	"context"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
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
// errors. The host may keep args. A refusal names the step running in ctx
// (see BeginStep), and a host that records violations
// (host.ViolationRecorder) records it, so that it reaches the causal chain
// like the refusals the host makes itself.
func CallCapability(ctx context.Context, h host.Host, rc *host.RuntimeContext, id string, args []value.Value) (value.Value, *value.Error) {
	if err := rc.CheckCapabilityIn(stepName(ctx), id); err != nil {
		if r, ok := h.(host.ViolationRecorder); ok {
			r.RecordViolation(ctx, id, err)
		}
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
