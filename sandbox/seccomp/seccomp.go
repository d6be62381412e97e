// Package seccomp builds and installs the seccomp-BPF allow-list that
// confines a capability worker: the system calls the Go runtime needs, one
// group more for each effect the step's profile has (fs-read, fs-write,
// network, exec), and nothing else.
//
// The filter is a classic BPF program, assembled with golang.org/x/net/bpf:
//
//	arch != AUDIT_ARCH_X86_64          → kill the process
//	nr has the x32 bit (≥ 0x40000000)  → kill the process
//	socket(…, IPPROTO_MPTCP)           → EPROTONOSUPPORT (Landlock does not cover MPTCP)
//	clone without CLONE_THREAD         → EPERM, unless the exec group is in
//	clone3                             → ENOSYS (callers fall back to clone, whose flags the filter can read)
//	nr in the allow-list               → allow
//	anything else                      → EPERM (Strict: kill the process)
//
// The arch and x32 checks matter because `int 0x80` reaches the i386 table
// and x32 numbers alias the x86-64 ones. Install sets no_new_privs on every
// thread and installs the filter with TSYNC, so no thread of the Go runtime
// is left out; programs the worker starts inherit it.
package seccomp

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Group is a set of system calls a kind of work needs.
type Group string

// The groups. Base is always in.
const (
	Base    Group = "base"
	FSRead  Group = "fs-read"
	FSWrite Group = "fs-write"
	Network Group = "network"
	Exec    Group = "exec"
)

// Groups lists every group.
var Groups = []Group{Base, FSRead, FSWrite, Network, Exec}

// Policy is what a filter allows.
type Policy struct {
	// Groups are the groups allowed beside Base.
	Groups []Group
	// Syscalls, when not nil, replaces the groups by exactly these calls
	// (names as in syscalls(2)), plus what Base needs to keep the runtime
	// and the protocol alive: a profile recorded from a real run.
	Syscalls []string
	// Strict kills the process on a call outside the list instead of
	// failing it with EPERM.
	Strict bool
}

// Names returns the sorted names of the system calls p allows.
func (p Policy) Names() ([]string, error) {
	set := map[string]bool{}
	for _, name := range groupCalls[Base] {
		set[name] = true
	}
	if p.Syscalls != nil {
		for _, name := range p.Syscalls {
			if _, ok := Number(name); !ok {
				return nil, fmt.Errorf("unknown system call %q", name)
			}
			set[name] = true
		}
	} else {
		for _, g := range p.Groups {
			calls, ok := groupCalls[g]
			if !ok {
				return nil, fmt.Errorf("unknown syscall group %q", g)
			}
			for _, name := range calls {
				set[name] = true
			}
		}
	}
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

// allows reports whether p allows group g: for a recorded list, whether it
// holds the call the group is for (execve for exec: new processes).
func (p Policy) allows(g Group) bool {
	if p.Syscalls != nil {
		return g == Exec && slices.Contains(p.Syscalls, "execve")
	}
	return slices.Contains(p.Groups, g)
}

// String is a short description for records: the groups or the count of
// recorded calls, and the default action.
func (p Policy) String() string {
	what := "groups " + groupList(p.Groups)
	if p.Syscalls != nil {
		what = fmt.Sprintf("%d recorded syscalls", len(p.Syscalls))
	}
	action := "EPERM"
	if p.Strict {
		action = "kill"
	}
	return what + ", otherwise " + action
}

func groupList(groups []Group) string {
	names := []string{string(Base)}
	for _, g := range groups {
		names = append(names, string(g))
	}
	return strings.Join(names, "+")
}

// GroupsOf maps syscall names to the smallest set of groups holding them
// all; a name no group holds is returned in extra.
func GroupsOf(names []string) (groups []Group, extra []string) {
	for _, name := range names {
		found := false
		for _, g := range Groups {
			if slices.Contains(groupCalls[g], name) {
				found = true
				if g != Base && !slices.Contains(groups, g) {
					groups = append(groups, g)
				}
				break
			}
		}
		if !found {
			extra = append(extra, name)
		}
	}
	return groups, extra
}

// ErrUnsupported is returned where this platform has no seccomp filter.
var ErrUnsupported = errors.New("seccomp-BPF filters are built for linux/amd64 only")
