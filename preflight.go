package rtfs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/sandbox"
	"github.com/rtfs-go/rtfs/value"
)

// preflight checks, before anything runs, every capability the plan can
// reach (profiles: the steps' and the plan profile) against the runtime
// context, the grants and this kernel. A plan that would be refused is a
// SecurityViolation naming each problem and the flags that would allow
// it. Calls the compiler could not resolve are left to run time.
func preflight(reg *host.Registry, rc *host.RuntimeContext, profiles []*StepProfile, opts Options) error {
	var problems, lacking []string
	need := func(flag string) {
		if !slices.Contains(lacking, flag) {
			lacking = append(lacking, flag)
		}
	}
	for _, p := range profiles {
		where := fmt.Sprintf("step %q", p.StepName)
		if p.StepName == "" {
			where = "the top level"
		}
		if err := rc.CheckIsolation(where, p.IsolationLevel); err != nil {
			problems = append(problems, fmt.Sprintf("%s needs isolation level %s", where, p.IsolationLevel))
			need("--isolation " + string(p.IsolationLevel))
		}
		for _, id := range p.Capabilities {
			c, known := reg.Lookup(id)
			switch {
			case !known:
				problems = append(problems, fmt.Sprintf("%s calls %s, which no capability declares", where, id))
				need("--capabilities MANIFEST (declaring " + id + ")")
				continue
			case rc.CheckCapability(id) != nil:
				problems = append(problems, fmt.Sprintf("%s calls %s, which the %s runtime context does not allow", where, id, rc.Level))
				if rc.Level == host.Pure {
					need("--context controlled")
				}
				need("--allow " + id)
			}
			if c.TouchesOS() && !opts.Unconfined {
				if err := sandbox.Ready(); err != nil {
					problems = append(problems, fmt.Sprintf("%s calls %s, which must run in a confined worker: %v", where, id, err))
					need("--unconfined (to run it without a sandbox)")
				}
			}
		}
		for _, e := range p.Effects {
			switch {
			case e == host.EffectNetwork && (p.NetworkPolicy.Mode == host.NetworkDenied || p.NetworkPolicy.Mode == ""):
				problems = append(problems, where+" reaches the network and no host is allowed")
				need("--net-allow HOST")
			case e == host.EffectFSRead && p.FSPolicy.Mode == host.FSNone:
				problems = append(problems, where+" reads files and no directory is readable")
				need("--fs-read DIR")
			case e == host.EffectFSWrite && p.SecurityFlags.ReadOnlyFS:
				problems = append(problems, where+" writes files, which a sandboxed step may not (it also runs programs or makes unresolved calls)")
			case e == host.EffectFSWrite && len(p.FSPolicy.Write) == 0:
				problems = append(problems, where+" writes files and no directory is writable")
				need("--fs-write DIR")
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	msg := "Security violation: pre-flight refused the plan:\n  - " + strings.Join(problems, "\n  - ")
	if len(lacking) > 0 {
		msg += "\nit would need: " + strings.Join(lacking, " ")
	}
	return value.Errorf(value.SecurityViolation, "%s\n(--no-preflight defers these refusals to the calls)", msg)
}
