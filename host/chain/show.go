package chain

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"
)

// maxSummaryRunes bounds the summary column so one big value does not
// swamp the table.
const maxSummaryRunes = 120

// Show prints the chain read from r as a table, one row per record: seq,
// time of day (UTC), type, action id, parent action id and a one-line
// summary of the type's fields. It does not verify hashes (that is Verify's
// job); it stops with an error naming the first line that is not a record.
func Show(w io.Writer, r io.Reader) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME\tTYPE\tACTION\tPARENT\tSUMMARY")
	br := bufio.NewReader(r)
	var failure error
	for line := 1; ; line++ {
		text, err := br.ReadBytes('\n')
		if len(text) == 0 && err == io.EOF {
			break
		}
		if err != nil && err != io.EOF {
			failure = fmt.Errorf("reading causal chain: %w", err)
			break
		}
		var rec Record
		if jsonErr := json.Unmarshal(text, &rec); jsonErr != nil {
			failure = fmt.Errorf("causal chain line %d is not a record: %v", line, jsonErr)
			break
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", rec.Seq, timeOfDay(rec.Timestamp), rec.Type,
			orDash(rec.ActionID), orDash(rec.ParentActionID), clip(summary(rec)))
		if rec.Audit != nil {
			for _, e := range rec.Audit.Events {
				fmt.Fprintf(tw, "\t\t\t\t\t  %s\n", clip(eventText(e)))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return failure
}

// summary is the readable gist of a record's type-specific fields.
func summary(rec Record) string {
	switch rec.Type {
	case PlanStarted:
		return rec.Plan
	case PlanCompleted:
		return "=> " + rec.Result
	case PlanAborted:
		return failureText(rec)
	case PlanStepStarted:
		if rec.Engine != "" {
			return fmt.Sprintf("%q on %s", rec.Step, rec.Engine)
		}
		return fmt.Sprintf("%q", rec.Step)
	case PlanStepCompleted:
		return fmt.Sprintf("%q => %s", rec.Step, rec.Result)
	case PlanStepFailed:
		return fmt.Sprintf("%q %s", rec.Step, failureText(rec))
	case StepProfileDerived:
		return fmt.Sprintf("%q %s", rec.Step, rec.Profile)
	case CapabilityCallStarted:
		return fmt.Sprintf("%s call %d, arguments %s", rec.Capability, rec.Call, shortDigest(rec.ArgumentsDigest))
	case CapabilityCall:
		outcome := "=> " + rec.Result
		if rec.ErrorKind != "" {
			outcome = failureText(rec)
		}
		// The duration comes before the values, which may be clipped.
		return fmt.Sprintf("%s (%s) %s %s", rec.Capability, time.Duration(rec.DurationNS), strings.Join(rec.Arguments, " "), outcome)
	case SecurityViolation:
		return rec.Capability + " denied: " + rec.Error
	case SyscallAudit:
		return auditText(rec)
	case Unconfined, NoAudit:
		return rec.Error
	}
	return ""
}

// auditText summarises an audit: the calls by count, the events, the
// refusals.
func auditText(rec Record) string {
	a := rec.Audit
	if a == nil {
		return rec.Capability
	}
	type count struct {
		name string
		n    uint64
	}
	var counts []count
	var total uint64
	for name, n := range a.Syscalls {
		counts = append(counts, count{name, n})
		total += n
	}
	sort.Slice(counts, func(i, j int) bool {
		return counts[i].n > counts[j].n || (counts[i].n == counts[j].n && counts[i].name < counts[j].name)
	})
	parts := make([]string, 0, len(counts))
	for _, c := range counts {
		parts = append(parts, fmt.Sprintf("%s %d", c.name, c.n))
	}
	refused := 0
	for _, e := range a.Events {
		if Refused(e) {
			refused++
		}
	}
	text := fmt.Sprintf("%s: %d syscalls, %d events, %d refused", rec.Capability, total, len(a.Events), refused)
	if a.Dropped > 0 {
		text += fmt.Sprintf(", %d dropped", a.Dropped)
	}
	return text + " (" + strings.Join(parts, ", ") + ")"
}

// eventText is one audited system call on a line.
func eventText(e AuditEvent) string {
	what := e.Path
	switch {
	case e.Addr != "":
		what = e.Addr
	case what == "":
		what = fmt.Sprintf("%d %d %d", e.Args[0], e.Args[1], e.Args[2])
	default:
		what = strconv.Quote(what)
	}
	outcome := strconv.FormatInt(e.Ret, 10)
	if e.Errno != "" {
		outcome += " " + e.Errno
	}
	return fmt.Sprintf("pid %d %s %s => %s", e.Pid, e.Syscall, what, outcome)
}

// ShowJSON writes the chain read from r as one indented JSON array of
// its records.
func ShowJSON(w io.Writer, r io.Reader) error {
	var recs []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for line := 1; sc.Scan(); line++ {
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return fmt.Errorf("causal chain line %d is not a record: %v", line, err)
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading causal chain: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(recs)
}

func failureText(rec Record) string {
	if rec.ErrorKind == "" {
		return "failed: " + rec.Error
	}
	return "failed: " + rec.ErrorKind + ": " + rec.Error
}

func timeOfDay(timestamp string) string {
	t, err := time.Parse(time.RFC3339Nano, timestamp)
	if err != nil {
		return timestamp
	}
	return t.UTC().Format("15:04:05.000000")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clip shortens s to maxSummaryRunes and keeps it on one line (tabs would
// break the table's columns).
func clip(s string) string {
	s = strings.NewReplacer("\n", `\n`, "\t", " ").Replace(s)
	if utf8.RuneCountInString(s) <= maxSummaryRunes {
		return s
	}
	return string([]rune(s)[:maxSummaryRunes-1]) + "…"
}

func shortDigest(d string) string { return d[:min(len(d), 12)] }
