package isa

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/rtfs-go/rtfs/host"
)

// A step's profile (host.StepProfile) is stored in its step table entry,
// field by field, in the grammar documented beside Magic. A binary encoding
// rather than the profile's JSON keeps the decoder strict (no unknown or
// duplicated keys, no case folding) and bounded like every other part of
// the body, and a decoded profile re-encodes to the same bytes.

// Bits of an encoded profile's security flags, in the order of the fields
// of host.SecurityFlags.
const (
	flagSyscallFilter = 1 << iota
	flagNetworkACL
	flagFSACL
	flagMemoryProtection
	flagCPUMonitoring
	flagLogSyscalls
	flagReadOnlyFS

	allSecurityFlags = flagSyscallFilter | flagNetworkACL | flagFSACL | flagMemoryProtection |
		flagCPUMonitoring | flagLogSyscalls | flagReadOnlyFS
)

func (e *encoder) profile(p *host.StepProfile) {
	if p == nil {
		e.byte(0)
		return
	}
	e.byte(1)
	e.str(p.ProfileID)
	e.str(p.StepName)
	e.str(string(p.IsolationLevel))
	e.str(p.NetworkPolicy.Mode)
	e.strs(p.NetworkPolicy.Hosts)
	e.str(p.FSPolicy.Mode)
	e.strs(p.FSPolicy.Read)
	e.strs(p.FSPolicy.Write)
	e.bool(p.Deterministic)
	l := p.ResourceLimits
	e.int64(l.MaxExecutionTimeMS)
	e.int64(l.MaxMemoryBytes)
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(l.MaxCPUUsage))
	e.int64(l.MaxIOOperations)
	e.int64(l.MaxNetworkBandwidth)
	e.byte(securityFlags(p.SecurityFlags))
	effects := make([]string, len(p.Effects))
	for i, eff := range p.Effects {
		effects[i] = string(eff)
	}
	e.strs(effects)
	e.bool(p.Unresolved)
}

func (e *encoder) int64(n int64) { e.buf = binary.AppendVarint(e.buf, n) }

func securityFlags(f host.SecurityFlags) byte {
	var b byte
	for bit, on := range []bool{f.EnableSyscallFilter, f.EnableNetworkACL, f.EnableFSACL,
		f.EnableMemoryProtection, f.EnableCPUMonitoring, f.LogSyscalls, f.ReadOnlyFS} {
		if on {
			b |= 1 << bit
		}
	}
	return b
}

func (d *decoder) profile() *host.StepProfile {
	switch present := d.byte(); present {
	case 0:
		return nil
	case 1:
	default:
		d.fail("bad profile marker %d", present)
		return nil
	}
	if !d.charge(int(reflect.TypeFor[host.StepProfile]().Size())) {
		return nil
	}
	p := &host.StepProfile{ProfileID: d.str(), StepName: d.str(), IsolationLevel: host.Isolation(d.str())}
	p.NetworkPolicy = host.NetworkPolicy{Mode: d.str(), Hosts: d.strs()}
	p.FSPolicy = host.FSPolicy{Mode: d.str(), Read: d.strs(), Write: d.strs()}
	p.Deterministic = d.bool()
	p.ResourceLimits = host.ResourceLimits{
		MaxExecutionTimeMS:  d.varint(),
		MaxMemoryBytes:      d.varint(),
		MaxCPUUsage:         math.Float64frombits(d.uint64()),
		MaxIOOperations:     d.varint(),
		MaxNetworkBandwidth: d.varint(),
	}
	f := d.flags(allSecurityFlags)
	p.SecurityFlags = host.SecurityFlags{
		EnableSyscallFilter:    f&flagSyscallFilter != 0,
		EnableNetworkACL:       f&flagNetworkACL != 0,
		EnableFSACL:            f&flagFSACL != 0,
		EnableMemoryProtection: f&flagMemoryProtection != 0,
		EnableCPUMonitoring:    f&flagCPUMonitoring != 0,
		LogSyscalls:            f&flagLogSyscalls != 0,
		ReadOnlyFS:             f&flagReadOnlyFS != 0,
	}
	for _, name := range d.strs() {
		p.Effects = append(p.Effects, host.Effect(name))
	}
	p.Unresolved = d.bool()
	return p
}

// The values the modes of a profile may take. An engine enforces what it
// understands, so the verifier turns away a profile it would misread.
var (
	isolationLevels = []host.Isolation{host.Inherit, host.Isolated, host.Sandboxed}
	networkModes    = []string{host.NetworkDenied, host.NetworkAllowList, host.NetworkDenyList, host.NetworkFull}
	fsModes         = []string{host.FSNone, host.FSReadOnly, host.FSReadWrite, host.FSFull}
)

func checkProfile(p *host.StepProfile) error {
	if p == nil {
		return nil
	}
	switch {
	case !slices.Contains(isolationLevels, p.IsolationLevel):
		return fmt.Errorf("profile: unknown isolation level %q", p.IsolationLevel)
	case !slices.Contains(networkModes, p.NetworkPolicy.Mode):
		return fmt.Errorf("profile: unknown network policy mode %q", p.NetworkPolicy.Mode)
	case !slices.Contains(fsModes, p.FSPolicy.Mode):
		return fmt.Errorf("profile: unknown file system policy mode %q", p.FSPolicy.Mode)
	}
	l := p.ResourceLimits
	if l.MaxExecutionTimeMS < 0 || l.MaxMemoryBytes < 0 || l.MaxIOOperations < 0 || l.MaxNetworkBandwidth < 0 ||
		!(l.MaxCPUUsage >= 0) || math.IsInf(l.MaxCPUUsage, 0) {
		return fmt.Errorf("profile: bad resource limits %+v", l)
	}
	for _, e := range p.Effects {
		if _, err := host.ParseEffect(string(e)); err != nil {
			return fmt.Errorf("profile: %w", err)
		}
	}
	return nil
}

// profileText summarises a profile for the disassembler: its isolation,
// policies and time limit.
func profileText(p *host.StepProfile) string {
	if p == nil {
		return "no profile"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "profile %s network %s", nameText(string(p.IsolationLevel)), nameText(p.NetworkPolicy.Mode))
	if len(p.NetworkPolicy.Hosts) > 0 {
		fmt.Fprintf(&b, " %q", p.NetworkPolicy.Hosts)
	}
	fmt.Fprintf(&b, " fs %s", nameText(p.FSPolicy.Mode))
	if len(p.FSPolicy.Read)+len(p.FSPolicy.Write) > 0 {
		fmt.Fprintf(&b, " read %q write %q", p.FSPolicy.Read, p.FSPolicy.Write)
	}
	if ms := p.ResourceLimits.MaxExecutionTimeMS; ms > 0 {
		fmt.Fprintf(&b, " time %dms", ms)
	}
	if p.Unresolved {
		b.WriteString(" unresolved")
	}
	return b.String()
}
