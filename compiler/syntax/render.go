package syntax

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/rtfs-go/rtfs/value"
)

// maxLineShown bounds how much of a source line a report quotes: a window
// around the column, marked with "…" where it is cut.
const maxLineShown = 200

// Render formats err as a report that quotes the offending source line with
// a caret under the column:
//
//	plan.rtfs:2:12: error[ParseError]: unexpected ')'
//	  2 |   (+ x 2)))
//	    |           ^
//
// An error without a line, or whose line is not in src, renders as its first
// line alone. A line longer than maxLineShown is quoted around the column.
func Render(err *value.Error, src []byte) string {
	head := err.Error()
	if !err.Pos.IsValid() {
		return head + "\n"
	}
	line, ok := nthLine(src, err.Pos.Line)
	if !ok {
		return head + "\n"
	}
	runes := []rune(strings.TrimRight(line, "\r"))
	col := min(max(err.Pos.Col-1, 0), len(runes))
	start, end := 0, len(runes)
	prefix, suffix := "", ""
	if len(runes) > maxLineShown {
		start = max(0, col-maxLineShown/2)
		end = min(len(runes), start+maxLineShown)
		start = max(0, end-maxLineShown)
		if start > 0 {
			prefix = "…"
		}
		if end < len(runes) {
			suffix = "…"
		}
	}
	num := strconv.Itoa(err.Pos.Line)
	gutter := strings.Repeat(" ", len(num))
	var caret strings.Builder
	if prefix != "" {
		caret.WriteByte(' ')
	}
	for _, c := range runes[start:col] {
		if c == '\t' {
			caret.WriteByte('\t') // keep the caret under the character whatever the tab width
		} else {
			caret.WriteByte(' ')
		}
	}
	report := fmt.Sprintf("%s\n  %s | %s%s%s\n  %s | %s^\n", head, num, prefix, string(runes[start:end]), suffix, gutter, caret.String())
	if err.Hint != "" {
		report += fmt.Sprintf("  %s = hint: %s\n", gutter, err.Hint)
	}
	if len(err.Steps) > 0 {
		steps := make([]string, len(err.Steps))
		for i, s := range err.Steps {
			steps[i] = "step " + strconv.Quote(s)
		}
		report += fmt.Sprintf("  %s = in %s\n", gutter, strings.Join(steps, " of "))
	}
	for _, f := range err.Stack {
		report += fmt.Sprintf("  %s = in %s, called at %s\n", gutter, f.Func, f.Pos)
	}
	if err.StackMore > 0 {
		report += fmt.Sprintf("  %s = … and %d more calls\n", gutter, err.StackMore)
	}
	return report
}

// nthLine returns line n (1-based) of src without reading past it.
func nthLine(src []byte, n int) (string, bool) {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return "", false
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return string(src), true
}
