// Package effects finds, at compile time, what every step of a plan can
// reach: the capabilities its calls may name, their declared effects, and
// whether some call could not be resolved. The run turns that reach into
// the step's security profile under its own grants (host.ProfileFor).
//
// # What a step can reach
//
// A step's effects are the union of the declared effects (host.Effect) of
// every capability it can reach. Nothing is inferred from names or strings:
// a capability id is looked up, exactly, in the registry's declarations, and
// an id the analysis cannot read or the registry does not know makes the
// step unresolved. The analysis is meant to be sound, so wherever it cannot
// be precise it assumes more is reached, never less.
//
// The program becomes a graph whose nodes are pieces of code or values:
//
//   - a step: the code of its body, nested steps included;
//   - a function literal: the code of its body;
//   - a binding (a def, a let binding, a step's %params): the functions its
//     value may hold;
//   - the host context, which context/set writes and @name, context/get and
//     the fallback of unbound symbols read.
//
// A node owns the effects of the `call` forms standing in its code outside
// the function literals and steps nested in it; a binding owns none,
// because its value was computed where the binding stands, not where it is
// used. A node's edges go to everything its code mentions: a function
// literal (it may be called), a step nested in it (it runs), and the
// bindings a symbol may denote. A binding's edges go to the function
// literals its value expression contains and the bindings it mentions,
// since a value built from them may hold or return their functions.
// Reaching is then transitive: a node's effects are those of every node it
// reaches, computed as a fixpoint, so recursion and mutual recursion need
// nothing special.
//
// That a mention, not a call, is enough is what keeps the analysis sound
// without tracking values: every function value comes from a function
// literal of the plan or is a builtin (pure, stdlib), and wherever a
// literal goes (passed to map, stored in a map of handlers, returned by
// another function) the place that let it go mentions it. A parameter or
// any other untraceable value that is called therefore reaches nothing by
// itself: whoever passed the function in already reached it. Builtins add
// no effect: the few that are not pure (println, context/get, context/set)
// touch only the engine's output and the host context, which no profile
// restricts.
//
// Symbols are resolved by package resolve, the resolver the code generator
// uses, so the analysis and the compiled code agree on what every name
// denotes: a local variable holds the values of all its writes (a def, a
// let binding, a step's %params; parameters and pattern bindings hold
// values that come from elsewhere); a read that may find its variable not
// yet bound also considers the candidates further out; and top-level names
// are late-bound, so a read that may reach the global of a name reaches
// every top-level def of it. A name that the plan does not bind and that is not a builtin falls
// back to the host context at run time, so it reaches the host-context
// node. The values context/set stores become that node's edges; were
// context/set ever used other than by calling it directly, what it stores
// could not be traced and reading the host context would make a step
// unresolved. Cross-plan parameters come from the run, not from the plan,
// and hold no function of it.
//
// A function declared with ^:delegation :local-model or :remote is run by
// the host (capability "model-call:<id>"), so reaching it is a call of that
// capability: unresolved unless the run declares it.
//
// The code outside every step is analysed the same way, as one more node
// from which the steps it runs directly are not followed (their calls run
// under their own profiles); the plan profile is derived from its reach.
package effects

import (
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/isa"
)

// Analysis is what a plan can reach.
type Analysis struct {
	// Steps holds the reach of every step form of the program, indexed by
	// ast.Step.Index. A program the front end accepted numbers its steps
	// 0..n-1; in one with errors, a step discarded with its malformed form
	// leaves a gap, whose slot holds an unnamed unresolved reach, so that
	// nothing left unanalysed ever runs unconfined.
	Steps []host.Reach
	// TopLevel is the reach of the code outside every step.
	TopLevel host.Reach
}

// StepTable is what the steps reach as the step table of a module stores
// it (isa.Step.Reach), by step index.
func (a Analysis) StepTable() []isa.Reach {
	stored := make([]isa.Reach, len(a.Steps))
	for i, r := range a.Steps {
		stored[i] = isa.Reach{Capabilities: r.Capabilities, Unresolved: r.Unresolved}
	}
	return stored
}

// Analyze finds what each step of prog and its top level reach: the
// capability ids and whether a call was unresolved. The effects are left
// to the run, which knows which capabilities it declares
// (host.ResolveReach), so a compiled plan does not depend on the manifest
// it was compiled with.
func Analyze(prog *ast.Program) Analysis {
	return analyze(prog)
}

// Derive is Analyze followed by host.ResolveReach and host.ProfileFor for
// every step: the profiles the run with declarations effectsOf and grants
// g gives the steps of prog.
func Derive(prog *ast.Program, effectsOf func(id string) ([]host.Effect, bool), g host.Grants) []*host.StepProfile {
	steps := Analyze(prog).Steps
	profiles := make([]*host.StepProfile, len(steps))
	for i, r := range steps {
		profiles[i] = host.ProfileFor(i, host.ResolveReach(r, effectsOf), g)
	}
	return profiles
}
