package chain

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
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
		return fmt.Sprintf("%q", rec.Step)
	case PlanStepCompleted:
		return fmt.Sprintf("%q => %s", rec.Step, rec.Result)
	case PlanStepFailed:
		return fmt.Sprintf("%q %s", rec.Step, failureText(rec))
	case StepProfileDerived:
		return fmt.Sprintf("%q %s", rec.Step, rec.Profile)
	case CapabilityCall:
		outcome := "=> " + rec.Result
		if rec.ErrorKind != "" {
			outcome = failureText(rec)
		}
		// The duration comes before the values, which may be clipped.
		return fmt.Sprintf("%s (%s) %s %s", rec.Capability, time.Duration(rec.DurationNS), strings.Join(rec.Arguments, " "), outcome)
	case SecurityViolation:
		return rec.Capability + " denied: " + rec.Error
	}
	return ""
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
