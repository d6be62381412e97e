package isa

import (
	"fmt"
	"slices"
)

// StepKind says which step form a step table entry describes.
type StepKind uint8

// The step forms of §4.14.
const (
	StepPlain    StepKind = iota // (step "name" opts body*)
	StepIf                       // (step-if opts cond then [else])
	StepLoop                     // (step-loop opts cond body)
	StepParallel                 // (step-parallel opts branch*)
)

var stepKindNames = [...]string{
	StepPlain:    "step",
	StepIf:       "step-if",
	StepLoop:     "step-loop",
	StepParallel: "step-parallel",
}

// String is the form's name as written in source.
func (k StepKind) String() string {
	if int(k) < len(stepKindNames) {
		return stepKindNames[k]
	}
	return fmt.Sprintf("step-kind-%d", k)
}

// Reach is what the code of a step can reach, as the compiler's effect
// analysis found it: the capability ids it may call and whether some call
// could not be resolved statically. It is not a profile: the run derives
// the profile from it under its own grants and capability declarations, and
// binds every call to that profile, so a forged reach can only make calls
// fail, never widen what a step may do.
type Reach struct {
	Capabilities []string // sorted, unique
	Unresolved   bool
}

func (e *encoder) reach(r Reach) {
	e.strs(r.Capabilities)
	e.bool(r.Unresolved)
}

func (d *decoder) reach() Reach {
	return Reach{Capabilities: d.strs(), Unresolved: d.bool()}
}

func checkReach(r Reach) error {
	for i, id := range r.Capabilities {
		if id == "" {
			return fmt.Errorf("reach: capability %d has an empty id", i)
		}
	}
	if !slices.IsSorted(r.Capabilities) || len(slices.Compact(slices.Clone(r.Capabilities))) != len(r.Capabilities) {
		return fmt.Errorf("reach: capability ids are not sorted and unique")
	}
	return nil
}

// reachText summarises a step's reach for the disassembler.
func reachText(r Reach) string {
	text := fmt.Sprintf("reaches %q", r.Capabilities)
	if r.Unresolved {
		text += " unresolved"
	}
	return text
}
