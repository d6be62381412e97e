package host

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/rtfs-go/rtfs/value"
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

// BudgetFromContext returns the action id of the step whose I/O budget a
// call made under ctx spends: the step the profile in force belongs to.
func BudgetFromContext(ctx context.Context) string {
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

// CheckBound returns a SecurityViolation when c has an effect the profile
// in force did not predict (§7, A41): the profile of a step is an upper
// bound on what the step may do, whatever path led to the call. Profiles a
// run derives are bounded (StepProfile.Bounded); a hand-made policy without
// the flag bounds nothing.
func (c *CallContext) CheckBound(capability *Capability) error {
	if !c.Policy.Bounded {
		return nil
	}
	for _, e := range capability.Effects {
		if !slices.Contains(c.Policy.Effects, e) {
			predicted := "no effect"
			if len(c.Policy.Effects) > 0 {
				names := make([]string, len(c.Policy.Effects))
				for i, p := range c.Policy.Effects {
					names[i] = string(p)
				}
				predicted = "only " + strings.Join(names, ", ")
			}
			return c.Violation("%s has the effect %s, which the profile did not predict (it allows %s)", c.Capability, e, predicted)
		}
	}
	return nil
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

// netHint says which flag would allow the connection to host refused by
// err.
func netHint(err *value.Error, host string) *value.Error {
	err.Hint = "allowed with --net-allow " + host
	return err
}

// CheckHost returns a SecurityViolation unless the network policy in force
// lets the call reach host (a URL's host name or IP literal, without port).
//
// Allow-list and deny-list entries are host names compared without regard
// to case or a trailing dot, or IP literals, each optionally with a port
// ("127.0.0.1:8080", "[::1]:80"). An entry without a port matches every
// port of its host; one with a port, that port only (an empty port matches
// only entries without one). An entry "*.example.com" matches every
// subdomain of example.com (api.example.com, a.b.example.com) but not
// example.com itself, so a list that means both must name both.
func (c *CallContext) CheckHost(host, port string) error {
	return c.checkHost("to", host, port)
}

// CheckRedirect is CheckHost for the address a response redirects to.
func (c *CallContext) CheckRedirect(host, port string) error {
	return c.checkHost("redirected to", host, port)
}

// checkHost is CheckHost with the verb that introduces the host in the
// message ("to", "redirected to").
func (c *CallContext) checkHost(verb, host, port string) error {
	p := c.Policy.NetworkPolicy
	host = normalizeHost(host)
	if port != "" {
		host = net.JoinHostPort(host, port)
	}
	switch p.Mode {
	case NetworkFull:
		return nil
	case NetworkAllowList:
		if matchHost(p.Hosts, host) == "" {
			return netHint(c.Violation("%s %s %s is not in the network allow-list [%s]", c.Capability, verb, host, strings.Join(p.Hosts, " ")), host)
		}
		return nil
	case NetworkDenyList:
		if entry := matchHost(p.Hosts, host); entry != "" {
			return c.Violation("%s %s %s is denied by %s in the network deny-list", c.Capability, verb, host, entry)
		}
		return nil
	case NetworkDenied, "":
		return netHint(c.Violation("%s %s %s is not allowed: network access is denied", c.Capability, verb, host), host)
	}
	return c.Violation("%s %s %s is not allowed: unknown network policy mode %q", c.Capability, verb, host, p.Mode)
}

// matchHost returns the first entry of list matching address (a host, or
// host:port), or "".
func matchHost(list []string, address string) string {
	host, port := SplitEntry(address)
	for _, entry := range list {
		pattern, entryPort := SplitEntry(entry)
		if entryPort != "" && entryPort != port {
			continue
		}
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

// SplitEntry splits a network list entry or an address into its
// normalised host and its port ("" when it has none).
func SplitEntry(entry string) (host, port string) {
	if h, p, err := net.SplitHostPort(entry); err == nil {
		return normalizeHost(h), p
	}
	return normalizeHost(entry), ""
}

func normalizeHost(h string) string {
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.ToLower(strings.TrimSuffix(h, "."))
}
