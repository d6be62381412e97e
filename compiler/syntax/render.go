package syntax

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rtfs-go/rtfs/value"
)

// Render formats err as a report that quotes the offending source line with
// a caret under the column:
//
//	plan.rtfs:2:12: error[ParseError]: unexpected ')'
//	  2 |   (+ x 2)))
//	    |           ^
//
// An error without a line, or whose line is not in src, renders as its first
// line alone.
func Render(err *value.Error, src []byte) string {
	head := err.Error()
	lines := strings.Split(string(src), "\n")
	if !err.Pos.IsValid() || err.Pos.Line > len(lines) {
		return head + "\n"
	}
	text := strings.TrimRight(lines[err.Pos.Line-1], "\r")
	num := strconv.Itoa(err.Pos.Line)
	gutter := strings.Repeat(" ", len(num))
	var caret strings.Builder
	col := 1
	for _, c := range text {
		if col >= err.Pos.Col {
			break
		}
		if c == '\t' {
			caret.WriteByte('\t') // keep the caret under the character whatever the tab width
		} else {
			caret.WriteByte(' ')
		}
		col++
	}
	return fmt.Sprintf("%s\n  %s | %s\n  %s | %s^\n", head, num, text, gutter, caret.String())
}
