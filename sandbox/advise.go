package sandbox

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/sandbox/seccomp"
)

// Advice is a syscall profile written from what steps really did, as the
// SyscallAudit records of a causal chain tell it: per step, the system
// calls its workers made (the allow-list --syscall-profile applies), the
// groups those fall in, and the paths, hosts and programs they touched.
type Advice struct {
	Steps map[string]*StepAdvice `json:"steps"`
}

// StepAdvice is what one step did.
type StepAdvice struct {
	Syscalls []string        `json:"syscalls"`
	Groups   []seccomp.Group `json:"groups"`
	// Extra are calls no group holds (a profile that needs them names
	// them explicitly).
	Extra    []string `json:"extra,omitempty"`
	Paths    []string `json:"paths,omitempty"`
	Hosts    []string `json:"hosts,omitempty"`
	Programs []string `json:"programs,omitempty"`
	Refused  []string `json:"refused,omitempty"`
}

// Advise reads a chain and writes the advice of its audited steps. Calls
// outside steps are advised under the name "" (the top level).
func Advise(r io.Reader) (*Advice, error) {
	a := &Advice{Steps: map[string]*StepAdvice{}}
	sets := map[string]map[string]map[string]bool{} // step → field → set
	add := func(step, field, v string) {
		if v == "" {
			return
		}
		if sets[step] == nil {
			sets[step] = map[string]map[string]bool{}
		}
		if sets[step][field] == nil {
			sets[step][field] = map[string]bool{}
		}
		sets[step][field][v] = true
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for line := 1; sc.Scan(); line++ {
		var rec chain.Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("causal chain line %d is not a record: %v", line, err)
		}
		if rec.Type != chain.SyscallAudit || rec.Audit == nil {
			continue
		}
		add(rec.Step, "", "") // the step is known even if it made no call worth a field
		if a.Steps[rec.Step] == nil {
			a.Steps[rec.Step] = &StepAdvice{}
		}
		for name := range rec.Audit.Syscalls {
			add(rec.Step, "syscalls", name)
		}
		for _, e := range rec.Audit.Events {
			switch {
			case chain.Refused(e):
				add(rec.Step, "refused", fmt.Sprintf("%s %s%s: %s", e.Syscall, e.Path, e.Addr, e.Errno))
			case e.Syscall == "execve" || e.Syscall == "execveat":
				add(rec.Step, "programs", e.Path)
			case e.Syscall == "connect" || e.Syscall == "sendto":
				add(rec.Step, "hosts", e.Addr)
			case e.Path != "":
				add(rec.Step, "paths", e.Path)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for step, adv := range a.Steps {
		list := func(field string) []string {
			var out []string
			for v := range sets[step][field] {
				out = append(out, v)
			}
			sort.Strings(out)
			return out
		}
		adv.Syscalls, adv.Paths, adv.Hosts, adv.Programs, adv.Refused = list("syscalls"), list("paths"), list("hosts"), list("programs"), list("refused")
		adv.Groups, adv.Extra = seccomp.GroupsOf(adv.Syscalls)
		slices.Sort(adv.Groups)
	}
	return a, nil
}

// WriteText prints the advice for people.
func (a *Advice) WriteText(w io.Writer) error {
	steps := make([]string, 0, len(a.Steps))
	for s := range a.Steps {
		steps = append(steps, s)
	}
	sort.Strings(steps)
	for _, name := range steps {
		s := a.Steps[name]
		title := fmt.Sprintf("step %q", name)
		if name == "" {
			title = "the top level"
		}
		fmt.Fprintf(w, "%s: %d syscalls, groups %s\n", title, len(s.Syscalls), groupNames(s.Groups))
		for _, row := range []struct {
			label string
			items []string
		}{{"syscalls", s.Syscalls}, {"extra", s.Extra}, {"programs", s.Programs}, {"paths", s.Paths}, {"hosts", s.Hosts}, {"refused", s.Refused}} {
			if len(row.items) > 0 {
				fmt.Fprintf(w, "  %-9s %s\n", row.label+":", strings.Join(row.items, " "))
			}
		}
	}
	return nil
}

func groupNames(groups []seccomp.Group) string {
	if len(groups) == 0 {
		return "base only"
	}
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = string(g)
	}
	return "base+" + strings.Join(names, "+")
}

// LoadSyscallProfile reads an advice (rtfsvm advise --json) as the
// per-step allow-lists Options.Syscalls takes.
func LoadSyscallProfile(path string) (map[string][]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var a Advice
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("syscall profile %s: %v", path, err)
	}
	out := map[string][]string{}
	for step, s := range a.Steps {
		if _, err := (seccomp.Policy{Syscalls: s.Syscalls}).Names(); err != nil {
			return nil, fmt.Errorf("syscall profile %s, step %q: %v", path, step, err)
		}
		out[step] = s.Syscalls
	}
	return out, nil
}
