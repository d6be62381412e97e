package caps

import (
	"fmt"

	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/value"
)

// Replay is a recorded run that a resumed run answers its capability calls
// from: a call that the record shows completed, at the same position (call
// number) with the same capability, step and argument digest, gets the
// recorded outcome instead of running again, so its effect happens once.
// The first call past the record runs live; a call that differs from the
// record at its position stops the run (the plan diverged).
type Replay struct {
	// Run is the recorded run's id; Program the digest of its program,
	// which must be the resumed run's.
	Run, Program string
	Calls        map[int64]ReplayedCall
	// RetryInterrupted runs again a call that the record shows started
	// but not completed (its effect may or may not have happened); without
	// it such a call is refused.
	RetryInterrupted bool
}

// ReplayedCall is one recorded call.
type ReplayedCall struct {
	Capability, Step, ArgumentsDigest string
	// Completed says the record holds the call's outcome: Result, or Err
	// for a call that failed. Unreplayable says why an outcome cannot be
	// given back (a result cut in the chain).
	Completed    bool
	Result       value.Value
	Err          *value.Error
	Unreplayable string
}

// replayed answers call n from the replay: done reports whether it did
// (with v or err); when done is false the call runs live.
func (h *PlanHost) replayed(n int64, rec chain.Record) (v value.Value, err error, done bool) {
	if h.replay == nil {
		return value.Nil, nil, false
	}
	recorded, ok := h.replay.Calls[n]
	if !ok {
		return value.Nil, nil, false
	}
	if recorded.Capability != rec.Capability || recorded.Step != rec.Step || recorded.ArgumentsDigest != rec.ArgumentsDigest {
		return value.Nil, value.Errorf(value.Generic,
			"resume: the plan diverged at call %d: run %s called %s in step %q with arguments %s, this run calls %s in step %q with arguments %s",
			n, h.replay.Run, recorded.Capability, recorded.Step, short(recorded.ArgumentsDigest),
			rec.Capability, rec.Step, short(rec.ArgumentsDigest)), true
	}
	switch {
	case !recorded.Completed && h.replay.RetryInterrupted:
		return value.Nil, nil, false
	case !recorded.Completed:
		return value.Nil, value.Errorf(value.Generic,
			"resume: call %d (%s in step %q) was interrupted in run %s: its effect may or may not have happened; --retry-interrupted runs it again",
			n, rec.Capability, rec.Step, h.replay.Run), true
	case recorded.Unreplayable != "":
		return value.Nil, value.Errorf(value.Generic, "resume: call %d (%s) cannot be replayed: %s", n, rec.Capability, recorded.Unreplayable), true
	case recorded.Err != nil:
		return value.Nil, recorded.Err, true
	}
	return recorded.Result, nil, true
}

func short(digest string) string { return fmt.Sprintf("%.12s", digest) }
