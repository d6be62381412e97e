package effects

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rtfs-go/rtfs/host"
)

// WriteTable writes profiles as the table `rtfsc profile` prints: one row
// per step, numbered by its index, with its isolation, network and file
// system policies, determinism, limits, the security flags that are on and
// the effects it reaches ("unresolved" when some call could not be
// resolved). Step names are quoted, so that any name fits in its column.
func WriteTable(w io.Writer, profiles []*host.StepProfile) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tSTEP\tISOLATION\tNETWORK\tFS\tDETERMINISTIC\tLIMITS\tFLAGS\tEFFECTS")
	for i, p := range profiles {
		if p == nil {
			continue
		}
		deterministic := "no"
		if p.Deterministic {
			deterministic = "yes"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", i, strconv.Quote(p.StepName), p.IsolationLevel,
			networkText(p.NetworkPolicy), fsText(p.FSPolicy), deterministic,
			limitsText(p.ResourceLimits), flagsText(p.SecurityFlags), effectsText(p))
	}
	return tw.Flush()
}

// WriteJSON writes profiles as a JSON array of CCOS step profiles, indented
// by two spaces.
func WriteJSON(w io.Writer, profiles []*host.StepProfile) error {
	if profiles == nil {
		profiles = []*host.StepProfile{} // [], not null
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(profiles)
}

func networkText(p host.NetworkPolicy) string {
	if len(p.Hosts) == 0 {
		return p.Mode
	}
	return p.Mode + " " + strings.Join(p.Hosts, ",")
}

func fsText(p host.FSPolicy) string {
	text := p.Mode
	if len(p.Read) > 0 {
		text += " read=" + strings.Join(p.Read, ",")
	}
	if len(p.Write) > 0 {
		text += " write=" + strings.Join(p.Write, ",")
	}
	return text
}

func limitsText(l host.ResourceLimits) string {
	var parts []string
	if l.MaxExecutionTimeMS > 0 {
		parts = append(parts, "time="+(time.Duration(l.MaxExecutionTimeMS)*time.Millisecond).String())
	}
	if l.MaxMemoryBytes > 0 {
		parts = append(parts, "mem="+bytesText(l.MaxMemoryBytes))
	}
	if l.MaxCPUUsage > 0 {
		parts = append(parts, "cpu="+strconv.FormatFloat(l.MaxCPUUsage, 'f', -1, 64))
	}
	if l.MaxIOOperations > 0 {
		parts = append(parts, "io="+strconv.FormatInt(l.MaxIOOperations, 10))
	}
	if l.MaxNetworkBandwidth > 0 {
		parts = append(parts, "net="+bytesText(l.MaxNetworkBandwidth)+"/s")
	}
	return listText(parts)
}

// bytesText writes n in the largest binary unit that divides it exactly.
func bytesText(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// flagsText lists the flags that are on, by their JSON names without the
// "enable_" prefix, or says "all" (as for every sandboxed step).
func flagsText(f host.SecurityFlags) string {
	flags := []struct {
		set  bool
		name string
	}{
		{f.EnableSyscallFilter, "syscall_filter"},
		{f.EnableNetworkACL, "network_acl"},
		{f.EnableFSACL, "fs_acl"},
		{f.EnableMemoryProtection, "memory_protection"},
		{f.EnableCPUMonitoring, "cpu_monitoring"},
		{f.LogSyscalls, "log_syscalls"},
		{f.ReadOnlyFS, "read_only_fs"},
	}
	var on []string
	for _, flag := range flags {
		if flag.set {
			on = append(on, flag.name)
		}
	}
	if len(on) == len(flags) {
		return "all"
	}
	return listText(on)
}

func effectsText(p *host.StepProfile) string {
	names := make([]string, 0, len(p.Effects)+1)
	for _, e := range p.Effects {
		names = append(names, string(e))
	}
	if p.Unresolved {
		names = append(names, "unresolved")
	}
	return listText(names)
}

// listText joins items with commas, or is "-" when there are none.
func listText(items []string) string {
	if len(items) == 0 {
		return "-"
	}
	return strings.Join(items, ",")
}
