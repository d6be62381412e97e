package host

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTable writes profiles as the table `rtfsc profile` prints: one row
// per step, numbered by its index (the plan profile of the top level
// last, unnumbered), with its isolation, network and file
// system policies, determinism, limits, the security flags that are on and
// the effects it reaches ("unresolved" when some call could not be
// resolved). Step names are quoted, so that any name fits in its column.
func WriteTable(w io.Writer, profiles []*StepProfile) error {
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
		index, name := strconv.Itoa(i), strconv.Quote(p.StepName)
		if p.StepName == "" && strings.HasPrefix(p.ProfileID, "plan") {
			index, name = "-", "(top level)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", index, name, p.IsolationLevel,
			NetworkText(p.NetworkPolicy), FSText(p.FSPolicy), deterministic,
			limitsText(p.ResourceLimits), flagsText(p.SecurityFlags), EffectsText(p))
	}
	return tw.Flush()
}

// WriteJSON writes profiles as a JSON array of CCOS step profiles, indented
// by two spaces.
func WriteJSON(w io.Writer, profiles []*StepProfile) error {
	if profiles == nil {
		profiles = []*StepProfile{} // [], not null
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(profiles)
}

// NetworkText is a network policy as the profile table shows it.
func NetworkText(p NetworkPolicy) string {
	if len(p.Hosts) == 0 {
		return string(p.Mode)
	}
	return string(p.Mode) + " " + strings.Join(p.Hosts, ",")
}

// FSText is a file system policy as the profile table shows it.
func FSText(p FSPolicy) string {
	text := string(p.Mode)
	if len(p.Read) > 0 {
		text += " read=" + strings.Join(p.Read, ",")
	}
	if len(p.Write) > 0 {
		text += " write=" + strings.Join(p.Write, ",")
	}
	return text
}

func limitsText(l ResourceLimits) string {
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
func flagsText(f SecurityFlags) string {
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

// EffectsText lists what a profile's step reaches, as the profile table
// shows it.
func EffectsText(p *StepProfile) string {
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
