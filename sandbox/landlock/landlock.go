// Package landlock confines a process's file and TCP access with the
// kernel's Landlock LSM (github.com/landlock-lsm/go-landlock), from the
// directories and ports of a step's profile. Landlock decides on the inode
// a path reaches, after the kernel resolved it, so no `..`, symbolic link,
// hard link or race between a check and a use gets past it; it also scopes
// signals and abstract unix sockets to the confined processes.
package landlock

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/landlock-lsm/go-landlock/landlock"
	llsys "github.com/landlock-lsm/go-landlock/landlock/syscall"
)

// ABI is the Landlock ABI the policies need: file access, TCP ports
// (ABI 4) and scoped signals and sockets (ABI 6), as of ABI 7.
const ABI = 7

// Policy is what a confined process may touch.
type Policy struct {
	// ReadDirs may be read (and their programs run); WriteDirs read and
	// written. Dirs that do not exist are refused, except System ones.
	ReadDirs, WriteDirs []string
	// System are read-only directories and files a program needs to start
	// (/bin, /usr, /lib, /etc/ld.so.cache...), skipped when missing.
	System []string
	// WriteFiles may be read and written (/dev/null).
	WriteFiles []string
	// RestrictTCP restricts TCP connect and bind to ConnectPorts; without
	// it, TCP is left to the other layers (a network namespace, seccomp).
	RestrictTCP  bool
	ConnectPorts []uint16
}

// Restrict confines the calling process, all its threads and everything it
// starts later, to p. It cannot be undone.
func Restrict(p Policy) error {
	cfg := landlock.V7
	if !p.RestrictTCP {
		cfg.HandledAccessNet = 0
	}
	var systemDirs, systemFiles []string
	for _, path := range p.System {
		if info, err := os.Stat(path); err == nil && !info.IsDir() {
			systemFiles = append(systemFiles, path)
		} else {
			systemDirs = append(systemDirs, path)
		}
	}
	rules := []landlock.Rule{
		landlock.RODirs(p.ReadDirs...),
		landlock.RWDirs(p.WriteDirs...),
		landlock.RODirs(systemDirs...).IgnoreIfMissing(),
		landlock.ROFiles(systemFiles...),
		landlock.RWFiles(p.WriteFiles...).IgnoreIfMissing(),
	}
	if p.RestrictTCP {
		for _, port := range p.ConnectPorts {
			rules = append(rules, landlock.ConnectTCP(port))
		}
	}
	if err := cfg.Restrict(rules...); err != nil {
		return fmt.Errorf("landlock: %w", err)
	}
	return nil
}

// Version is the Landlock ABI this kernel offers; 0 when Landlock is off.
func Version() (int, error) {
	return llsys.LandlockGetABIVersion()
}

// String describes p for records: the directories and ports.
func (p Policy) String() string {
	var parts []string
	if len(p.ReadDirs) > 0 {
		parts = append(parts, "ro "+strings.Join(p.ReadDirs, ","))
	}
	if len(p.WriteDirs) > 0 {
		parts = append(parts, "rw "+strings.Join(p.WriteDirs, ","))
	}
	if len(p.System) > 0 {
		parts = append(parts, "system "+strings.Join(p.System, ","))
	}
	switch {
	case !p.RestrictTCP:
		parts = append(parts, "tcp any port")
	case len(p.ConnectPorts) == 0:
		parts = append(parts, "tcp none")
	default:
		ports := slices.Clone(p.ConnectPorts)
		slices.Sort(ports)
		texts := make([]string, len(ports))
		for i, port := range ports {
			texts[i] = strconv.Itoa(int(port))
		}
		parts = append(parts, "tcp connect "+strings.Join(texts, ","))
	}
	if len(parts) == 1 && strings.HasPrefix(parts[0], "tcp") {
		parts = append([]string{"no files"}, parts...)
	}
	return strings.Join(parts, "; ")
}
