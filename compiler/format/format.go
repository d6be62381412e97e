// Package format lays out RTFS source: rtfsc fmt. It re-indents every
// line by the brackets open at its start, the way Lisp code is laid out:
// the forms of a list two columns in from its parenthesis, the elements of
// a vector or map under its first element. It removes trailing blanks and
// keeps everything else as written: comments, blank lines and line breaks
// (so that every form stays on its line), and the inside of strings and
// block comments, which it never touches. The result is a fixed point:
// formatting it again changes nothing.
package format

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rtfs-go/rtfs/compiler/syntax"
)

// Source returns src formatted. A file that does not read (a syntax error)
// is not formatted: its brackets may not mean what they seem.
func Source(file string, src []byte) ([]byte, error) {
	if _, errs := syntax.Read(file, src); len(errs) > 0 {
		return nil, fmt.Errorf("%s does not read, so it is not formatted: %w", file, errors.Join(errorsOf(errs)...))
	}
	var out strings.Builder
	var s scanner
	for _, line := range strings.Split(strings.TrimRight(string(src), "\n\r\t "), "\n") {
		line = strings.TrimRight(line, " \t\r")
		if s.inString || s.inBlock {
			// A line that starts inside a string or a block comment is
			// part of it: as written.
			out.WriteString(line)
			s.scan(line, 0)
		} else if text := strings.TrimLeft(line, " \t,"); text != "" {
			indent := s.indent(leadingClosers(text))
			out.WriteString(strings.Repeat(" ", indent))
			out.WriteString(text)
			s.scan(text, indent)
		}
		out.WriteByte('\n')
	}
	return []byte(out.String()), nil
}

func errorsOf[E error](errs []E) []error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return out
}

// leadingClosers counts the closing brackets text starts with: they close
// levels open before the line, which their line is indented as outside.
func leadingClosers(text string) int {
	n := 0
	for _, r := range text {
		switch r {
		case ')', ']', '}':
			n++
		case ' ', '\t', ',':
		default:
			return n
		}
	}
	return n
}

// open is a bracket not yet closed: which, and the column of what is
// aligned under it.
type open struct {
	bracket byte
	align   int // for a list, its column + 2; for a vector or map, its first element's
}

// scanner follows the brackets, strings and comments of the formatted
// lines so far, as the reader sees them.
type scanner struct {
	stack    []open
	inString bool
	inBlock  bool // inside #| ... |#
}

// indent is the column of a line that starts by closing closers brackets.
func (s *scanner) indent(closers int) int {
	if n := len(s.stack) - closers; n > 0 {
		return s.stack[n-1].align
	}
	return 0
}

// scan follows line, whose first byte is at column start of its formatted
// line.
func (s *scanner) scan(line string, start int) {
	col := start
	pendingAlign := -1 // the vector or map just opened, waiting for its first element
	for i := 0; i < len(line); {
		c := line[i]
		width := 1
		if c >= utf8.RuneSelf {
			_, width = utf8.DecodeRuneInString(line[i:])
		}
		switch {
		case s.inString:
			if c == '\\' {
				i++
				col++
			} else if c == '"' {
				s.inString = false
			}
		case s.inBlock:
			if c == '|' && i+1 < len(line) && line[i+1] == '#' {
				s.inBlock = false
				i++
				col++
			}
		case c == ';':
			return
		case c == ' ' || c == '\t' || c == ',':
		default:
			if pendingAlign >= 0 {
				s.stack[pendingAlign].align = col
				pendingAlign = -1
			}
			switch {
			case c == '"':
				s.inString = true
			case c == '#' && i+1 < len(line) && line[i+1] == '|':
				s.inBlock = true
				i++
				col++
			case c == '(':
				s.stack = append(s.stack, open{'(', col + 2})
			case c == '[' || c == '{':
				s.stack = append(s.stack, open{c, col + 1})
				pendingAlign = len(s.stack) - 1
			case c == ')' || c == ']' || c == '}':
				if len(s.stack) > 0 {
					s.stack = s.stack[:len(s.stack)-1]
				}
				if pendingAlign >= len(s.stack) {
					pendingAlign = -1
				}
			}
		}
		i += width
		col++
	}
}
