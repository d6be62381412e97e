package rtfs

import (
	"fmt"
	"strings"

	"github.com/rtfs-go/rtfs/compiler/parse"
	"github.com/rtfs-go/rtfs/host/caps"
	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/value"
)

// replayOf turns the records of the run to resume into the calls a run of
// the program whose digest is program replays; nil when not resuming.
func replayOf(records []chain.Record, program string, retry bool) (*caps.Replay, error) {
	if len(records) == 0 {
		return nil, nil
	}
	r := &caps.Replay{Run: records[0].Run, Calls: map[int64]caps.ReplayedCall{}, RetryInterrupted: retry}
	for _, rec := range records {
		switch {
		case rec.Type == chain.PlanStarted:
			r.Program = rec.Program
		case rec.Call == 0:
		case rec.Type == chain.CapabilityCallStarted:
			r.Calls[rec.Call] = caps.ReplayedCall{Capability: rec.Capability, Step: rec.Step, ArgumentsDigest: rec.ArgumentsDigest}
		case rec.Type == chain.CapabilityCall || rec.Type == chain.SecurityViolation:
			r.Calls[rec.Call] = recordedOutcome(rec)
		}
	}
	if r.Program != program {
		return nil, fmt.Errorf("resume: run %s ran another program (digest %.12s, this one is %.12s)", r.Run, r.Program, program)
	}
	return r, nil
}

// recordedOutcome reads a completed call's record back.
func recordedOutcome(rec chain.Record) caps.ReplayedCall {
	call := caps.ReplayedCall{Capability: rec.Capability, Step: rec.Step, ArgumentsDigest: rec.ArgumentsDigest, Completed: true}
	switch {
	case rec.Type == chain.SecurityViolation:
		call.Err = value.Errorf(value.SecurityViolation, "%s", rec.Error)
	case rec.ErrorKind != "":
		call.Err = value.Errorf(value.ErrorKind(rec.ErrorKind), "%s", rec.Error)
	case caps.Redacted(rec.Result):
		call.Unreplayable = "its result is redacted in the chain"
	case strings.HasSuffix(rec.Result, " bytes]") && strings.Contains(rec.Result, "…["):
		call.Unreplayable = "its result was cut in the chain (" + rec.Result[strings.LastIndex(rec.Result, "…[")+len("…["):len(rec.Result)-1] + ")"
	default:
		v, err := parse.Datum(rec.Result)
		if err != nil {
			call.Unreplayable = fmt.Sprintf("its result %.40s cannot be read back: %v", rec.Result, err)
		}
		call.Result = v
	}
	return call
}
