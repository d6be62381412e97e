package driver

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/value"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// Diagnostic is one error as --error-format json writes it, one object per
// line: for tools, and for the agents that write plans, to read.
type Diagnostic struct {
	Severity string `json:"severity"` // "error" or "warning"
	Kind     string `json:"kind"`     // the RTFS error kind, e.g. "TypeError"; "Error" for the CLI's own
	Message  string `json:"message"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Col      int    `json:"col,omitempty"`
	Hint     string `json:"hint,omitempty"`
	// Stack is the chain of calls a runtime error was raised in,
	// innermost first (at most value.MaxStack; StackMore counts the rest).
	Stack     []StackFrame `json:"stack,omitempty"`
	StackMore int          `json:"stack_more,omitempty"`
	// Steps are the steps a runtime error was raised in, innermost first.
	Steps []string `json:"steps,omitempty"`
}

// StackFrame is one call of a Diagnostic's chain.
type StackFrame struct {
	Function string `json:"function"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Col      int    `json:"col,omitempty"`
}

// errorFormatFlag chooses how errors are written.
var errorFormatFlag = &cli.StringFlag{Name: "error-format", Value: "text",
	Usage: "text (with the source line and a caret) or json (one object per diagnostic and line)"}

// Report is err as the --error-format of c asks: for text, every RTFS error
// with its source line and caret when in holds the source it points into
// (not bytecode, nor forms as JSON).
func Report(c *cli.Context, err error, in *Input) string {
	return paint(c, report(c, err, in))
}

func report(c *cli.Context, err error, in *Input) string {
	diags := diagnostics(err)
	if c.String("error-format") == "json" {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		for _, d := range diags {
			enc.Encode(d) // a Diagnostic always encodes
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	var rerr *value.Error
	var cerrs *compiler.Errors
	switch {
	case errors.As(err, &cerrs):
		return cerrs.Error()
	case errors.As(err, &rerr) && in != nil && rerr.Pos.File == in.Name && !in.IsBytecode() && !rtfs.IsFormsJSON(in.Data):
		return strings.TrimSuffix(syntax.Render(rerr, in.Data), "\n")
	case errors.As(err, &rerr):
		return rerr.Error()
	}
	if msg := err.Error(); strings.HasPrefix(msg, "error: ") {
		return msg
	}
	return "error: " + err.Error()
}

// ReportWarnings renders warnings as Report renders errors, each marked as
// a warning.
func ReportWarnings(c *cli.Context, warnings []*value.Error, in *Input) string {
	return paint(c, reportWarnings(c, warnings, in))
}

func reportWarnings(c *cli.Context, warnings []*value.Error, in *Input) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, w := range warnings {
		if c.String("error-format") == "json" {
			d := diagnostic(w)
			d.Severity = "warning"
			enc.Encode(d)
			continue
		}
		if !w.Pos.IsValid() { // a warning about the whole file
			fmt.Fprintf(&b, "%s: warning[%s]: %s\n", w.Pos.File, w.Kind, w.Message)
			continue
		}
		text := w.Error() + "\n"
		if in != nil && !in.IsBytecode() && !rtfs.IsFormsJSON(in.Data) {
			text = syntax.Render(w, in.Data)
		}
		b.WriteString(strings.Replace(text, ": error[", ": warning[", 1))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// paint colours a text report for a terminal: the severity and kind, the
// caret and the hints. It leaves JSON, pipes, files and NO_COLOR alone.
func paint(c *cli.Context, text string) string {
	f, ok := c.App.ErrWriter.(*os.File)
	if !ok || c.String("error-format") == "json" || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" ||
		!term.IsTerminal(int(f.Fd())) {
		return text
	}
	return colour(text)
}

// The ANSI colours of a report.
const (
	red, yellow, cyan, bold, reset = "\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[1m", "\x1b[0m"
)

var severity = regexp.MustCompile(`(error|warning)\[[A-Za-z]+\]`)

// colour paints a text report.
func colour(text string) string {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		switch trimmed := strings.TrimLeft(line, " "); {
		case strings.HasPrefix(trimmed, "= hint:"):
			lines[i] = cyan + line + reset
		case strings.HasPrefix(trimmed, "= "):
			lines[i] = line
		case strings.HasPrefix(trimmed, "| ") && strings.HasSuffix(line, "^"):
			lines[i] = line[:len(line)-1] + bold + red + "^" + reset
		default:
			lines[i] = severity.ReplaceAllStringFunc(line, func(s string) string {
				if strings.HasPrefix(s, "warning") {
					return bold + yellow + s + reset
				}
				return bold + red + s + reset
			})
		}
	}
	return strings.Join(lines, "\n")
}

// diagnostics lists the errors err holds.
func diagnostics(err error) []Diagnostic {
	var cerrs *compiler.Errors
	if errors.As(err, &cerrs) {
		out := make([]Diagnostic, len(cerrs.List))
		for i, e := range cerrs.List {
			out[i] = diagnostic(e)
		}
		return out
	}
	var rerr *value.Error
	if errors.As(err, &rerr) {
		return []Diagnostic{diagnostic(rerr)}
	}
	return []Diagnostic{{Severity: "error", Kind: "Error", Message: strings.TrimPrefix(err.Error(), "error: ")}}
}

func diagnostic(e *value.Error) Diagnostic {
	d := Diagnostic{Severity: "error", Kind: string(e.Kind), Message: e.Message, File: e.Pos.File, Line: e.Pos.Line, Col: e.Pos.Col,
		Hint: e.Hint, StackMore: e.StackMore, Steps: e.Steps}
	for _, f := range e.Stack {
		d.Stack = append(d.Stack, StackFrame{f.Func, f.Pos.File, f.Pos.Line, f.Pos.Col})
	}
	return d
}
