//go:build !(linux && amd64)

package seccomp

import "golang.org/x/net/bpf"

var groupCalls = map[Group][]string{}

var numbers = map[string]uint32{}

// Program is unavailable on this platform.
func Program(Policy) ([]bpf.RawInstruction, error) { return nil, ErrUnsupported }

// Install is unavailable on this platform.
func Install(Policy) error { return ErrUnsupported }

// Available reports that this platform has no seccomp filter.
func Available() (filter, userNotif bool, err error) { return false, false, ErrUnsupported }

// Number knows no system call on this platform.
func Number(string) (uint32, bool) { return 0, false }

// Name knows no system call on this platform.
func Name(uint32) string { return "" }
