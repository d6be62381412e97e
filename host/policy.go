package host

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rtfs-go/rtfs/value"
)

// The network policy modes of NetworkPolicy.Mode.
const (
	// NetworkDenied (or an empty mode) allows no network access.
	NetworkDenied = "denied"
	// NetworkAllowList allows only the hosts listed.
	NetworkAllowList = "allow-list"
	// NetworkDenyList allows every host except those listed.
	NetworkDenyList = "deny-list"
	// NetworkFull allows every host.
	NetworkFull = "full"
)

// The file system policy modes of FSPolicy.Mode.
const (
	// FSNone (or an empty mode) allows no file access.
	FSNone = "none"
	// FSReadOnly allows reading below the Read directories, no writing.
	FSReadOnly = "read-only"
	// FSReadWrite allows reading below the Read and Write directories and
	// writing below the Write directories.
	FSReadWrite = "read-write"
	// FSFull allows any file access (ReadOnlyFS still forbids writes).
	FSFull = "full"
)

type profileKey struct{}

// profileInForce is what WithProfile puts in a context: the profile, and
// the action id of the step it belongs to, whose I/O budget the calls made
// under it spend.
type profileInForce struct {
	profile *StepProfile
	step    string
}

// WithProfile returns ctx carrying the profile of the step now running,
// the one whose action id ctx carries (so the engine sets WithStep first).
// A host enforces the profile on every capability called under the
// returned context, in the step itself or in the child actions an engine
// starts inside it without a profile of their own (the branches of a
// step-parallel), and charges them all to that step's I/O budget.
func WithProfile(ctx context.Context, p *StepProfile) context.Context {
	return context.WithValue(ctx, profileKey{}, profileInForce{profile: p, step: StepFromContext(ctx)})
}

// ProfileFromContext returns the profile of the innermost running step, or
// nil outside any step (the host then applies its run-level policy).
func ProfileFromContext(ctx context.Context) *StepProfile {
	p, _ := ctx.Value(profileKey{}).(profileInForce)
	return p.profile
}

// budgetFromContext returns the action id of the step whose I/O budget a
// call made under ctx spends: the step the profile in force belongs to.
func budgetFromContext(ctx context.Context) string {
	p, _ := ctx.Value(profileKey{}).(profileInForce)
	return p.step
}

// FullAccess is a policy that lets capabilities reach every host and every
// file, with no resource limit: the run-level policy of a run that trusts
// its RuntimeContext alone. A zero StepProfile, by contrast, denies all
// network and file access.
func FullAccess() StepProfile {
	return StepProfile{
		NetworkPolicy: NetworkPolicy{Mode: NetworkFull},
		FSPolicy:      FSPolicy{Mode: FSFull},
	}
}

// StepDeadline is how long a step running under p may take
// (max_execution_time_ms); ok is false when p sets no limit. The engine
// derives the step's context deadline from it.
func StepDeadline(p *StepProfile) (limit time.Duration, ok bool) {
	if p == nil || p.ResourceLimits.MaxExecutionTimeMS <= 0 {
		return 0, false
	}
	return time.Duration(p.ResourceLimits.MaxExecutionTimeMS) * time.Millisecond, true
}

// Violation makes the SecurityViolation error of a denied call; rule says
// what was refused and why, e.g. "ccos.io.read-file of /etc/passwd is
// outside the readable directories [/tmp/work]".
func (c *CallContext) Violation(format string, args ...any) *value.Error {
	where := "outside any step"
	if c.Step != "" {
		where = fmt.Sprintf("in step %q", c.Step)
	}
	return value.Errorf(value.SecurityViolation, "Security violation %s: %s", where, fmt.Sprintf(format, args...))
}

// CheckHost returns a SecurityViolation unless the network policy in force
// lets the call reach host (a URL's host name or IP literal, without port).
//
// Allow-list and deny-list entries are host names compared without regard
// to case or a trailing dot, or IP literals; ports are not part of the
// match. An entry "*.example.com" matches every subdomain of example.com
// (api.example.com, a.b.example.com) but not example.com itself, so a list
// that means both must name both.
func (c *CallContext) CheckHost(host string) error {
	return c.checkHost("to", host)
}

// checkHost is CheckHost with the verb that introduces the host in the
// message ("to", "redirected to").
func (c *CallContext) checkHost(verb, host string) error {
	p := c.Policy.NetworkPolicy
	host = normalizeHost(host)
	switch p.Mode {
	case NetworkFull:
		return nil
	case NetworkAllowList:
		if matchHost(p.Hosts, host) == "" {
			return c.Violation("%s %s %s is not in the network allow-list [%s]", c.Capability, verb, host, strings.Join(p.Hosts, " "))
		}
		return nil
	case NetworkDenyList:
		if entry := matchHost(p.Hosts, host); entry != "" {
			return c.Violation("%s %s %s is denied by %s in the network deny-list", c.Capability, verb, host, entry)
		}
		return nil
	case NetworkDenied, "":
		return c.Violation("%s %s %s is not allowed: network access is denied", c.Capability, verb, host)
	}
	return c.Violation("%s %s %s is not allowed: unknown network policy mode %q", c.Capability, verb, host, p.Mode)
}

// matchHost returns the first entry of list matching host, or "".
func matchHost(list []string, host string) string {
	for _, entry := range list {
		pattern := normalizeHost(entry)
		if suffix, ok := strings.CutPrefix(pattern, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) {
				return entry
			}
		} else if host == pattern {
			return entry
		}
	}
	return ""
}

func normalizeHost(h string) string {
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// ResolvePath checks path against the file system policy in force, for
// writing when write is set, and returns the path the capability must then
// use: absolute, cleaned, with every symbolic link resolved. Checking and
// using the same resolved path is what keeps `..` and links from leading
// outside the allowed directories. Under FSFull the path is returned as
// given.
//
// Resolution follows links the way the kernel does (a link's target is
// resolved before a later `..` applies), including links whose target does
// not exist yet, so a dangling link cannot point a write outside; missing
// components (a file about to be created) are kept as written. A link
// swapped in between this check and the operation is not caught here: that
// race is the OS sandbox's to close.
func (c *CallContext) ResolvePath(path string, write bool) (string, error) {
	if path == "" || strings.ContainsRune(path, 0) {
		return "", value.Errorf(value.InvalidArguments, "Invalid arguments to %s: bad path %q", c.Capability, path)
	}
	fsp := c.Policy.FSPolicy
	if write && c.Policy.SecurityFlags.ReadOnlyFS {
		return "", c.Violation("%s of %s is not allowed: the file system is read-only (read_only_fs)", c.Capability, path)
	}
	var dirs []string
	switch fsp.Mode {
	case FSFull:
		return path, nil
	case FSReadOnly:
		if write {
			return "", c.Violation("%s of %s is not allowed: the file system policy is read-only", c.Capability, path)
		}
		dirs = slices.Concat(fsp.Read, fsp.Write)
	case FSReadWrite:
		dirs = fsp.Write
		if !write {
			dirs = slices.Concat(fsp.Read, fsp.Write)
		}
	case FSNone, "":
		return "", c.Violation("%s of %s is not allowed: file system access is denied", c.Capability, path)
	default:
		return "", c.Violation("%s of %s is not allowed: unknown file system policy mode %q", c.Capability, path, fsp.Mode)
	}
	real, err := resolvePath(path)
	if err != nil {
		return "", value.Errorf(value.Generic, "%s: cannot resolve %s: %v", c.Capability, path, err)
	}
	for _, dir := range dirs {
		if dir == "" {
			continue // not the working directory by accident
		}
		if realDir, err := resolvePath(dir); err == nil && within(real, realDir) {
			return real, nil
		}
	}
	shown := path
	if real != path {
		shown = fmt.Sprintf("%s (resolved to %s)", path, real)
	}
	which := "readable"
	if write {
		which = "writable"
	}
	return "", c.Violation("%s of %s is outside the %s directories [%s]", c.Capability, shown, which, strings.Join(dirs, " "))
}

// within reports whether path is dir or below it; both are clean and
// absolute.
func within(path, dir string) bool {
	return dir == "/" || path == dir || strings.HasPrefix(path, dir+"/")
}

// maxLinks bounds the symbolic links one resolution follows, like the
// kernel's ELOOP limit.
const maxLinks = 40

// resolvePath makes path absolute and resolves it one component at a time:
// `..` goes up from the real directory reached so far, a symbolic link is
// replaced by its target (resolved in turn), and a component that does not
// exist is kept as written.
func resolvePath(path string) (string, error) {
	if !filepath.IsAbs(path) {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		path = wd + "/" + path
	}
	pending := strings.Split(path, "/")
	cur := "/"
	for links := 0; len(pending) > 0; {
		name := pending[0]
		pending = pending[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, name)
		info, err := os.Lstat(next)
		if err != nil || info.Mode()&os.ModeSymlink == 0 {
			cur = next
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("too many levels of symbolic links at %s", next)
		}
		target, err := os.Readlink(next)
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(target) {
			cur = "/"
		}
		pending = append(strings.Split(target, "/"), pending...)
	}
	return cur, nil
}
