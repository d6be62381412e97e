// Package conformance loads the RTFS conformance corpus and judges an
// engine's result against it.
//
// The corpus is a directory of files NN-topic.rtfs. Each file is a sequence
// of cases; a case is the program text since the previous case (blank lines
// between cases are fine) closed by exactly one expectation line:
//
//	;; => PRINTED   the printed form (§2) of the program's last top-level value
//	;; !! Kind      the program fails with this error kind (§6), at parse or run time
//
// Two more directives may appear inside a case:
//
//	;; case: text   names the case; it must come before the case's code
//	;; out: TEXT    one line the program writes to stdout, in order; a bare
//	                ";; out:" is an empty line
//
// A case without `;; out:` lines must print nothing. Directives start at
// column 0 with ";; "; every other line, including other ";;" comments, is
// program text. Each case is an independent program: an engine runs it with
// fresh globals, a pure runtime context and the default recording host, then
// hands its value, stdout and error to Case.Check. Load rejects malformed
// files (an expectation without a program, a program without an expectation
// at the end of the file, an unknown error kind, a misspelt directive) so
// that a broken corpus fails loudly instead of silently testing less.
package conformance

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

// Case is one program of the corpus and what running it must produce.
type Case struct {
	File    string   // path of the corpus file
	Line    int      // line of the program's first line in File
	Name    string   // the `;; case:` text, else the first line of code
	Source  string   // the program; directive lines are blanked so line numbers stay aligned with File from Line on
	Want    string   // printed form of the last value; "" when WantErr is set
	WantErr string   // expected error kind; "" when the program must succeed
	WantOut []string // expected stdout lines
}

// TestName names the case for t.Run: the file's topic, a slash, the case
// name, so `go test -run 'Conformance/03-arithmetic/'` selects one file.
func (c Case) TestName() string {
	return strings.TrimSuffix(filepath.Base(c.File), ".rtfs") + "/" + c.Name
}

// parseKinds are the kinds an engine reports before running anything; the
// run-time ones come from value.RuntimeKinds.
var parseKinds = []value.ErrorKind{
	value.ParseError, value.InvalidLiteral, value.InvalidEscapeSequence, value.InvalidInput,
}

func isLanguageKind(name string) bool {
	for _, k := range parseKinds {
		if string(k) == name {
			return true
		}
	}
	return value.IsRuntimeKind(name)
}

// Each loads the corpus of dir and runs f on every case as a subtest of t
// named after the case, so that each engine's test walks it the same way.
func Each(t *testing.T, dir string, f func(t *testing.T, c Case)) {
	t.Helper()
	cases, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.TestName(), func(t *testing.T) { f(t, c) })
	}
}

// Load reads every *.rtfs file of dir, in name order, and returns their cases.
func Load(dir string) ([]Case, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.rtfs"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("conformance: no .rtfs files in %s", dir)
	}
	sort.Strings(paths)
	var cases []Case
	for _, path := range paths {
		text, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		fileCases, err := Parse(path, string(text))
		if err != nil {
			return nil, err
		}
		cases = append(cases, fileCases...)
	}
	return cases, nil
}

// Parse splits the text of one corpus file into cases. file is used in
// Case.File and in error messages.
func Parse(file, text string) ([]Case, error) {
	p := &parser{file: file}
	lines := strings.Split(text, "\n")
	// A final newline does not start one more (empty) line.
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	for i, line := range lines {
		if err := p.line(i+1, strings.TrimSuffix(line, "\r")); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, i+1, err)
		}
	}
	if p.cur.start != 0 {
		return nil, fmt.Errorf("%s:%d: case has no expectation (;; => or ;; !!) before the end of the file", file, p.cur.start)
	}
	return p.cases, nil
}

// directive is the kind of a line of a corpus file.
type directive uint8

const (
	programLine directive = iota
	wantValue
	wantError
	wantOut
	caseName
)

// directiveWords maps each directive word (what follows ";; ") to its kind.
var directiveWords = []struct {
	word string
	kind directive
}{
	{"=>", wantValue},
	{"!!", wantError},
	{"out:", wantOut},
	{"case:", caseName},
}

// classify reads one line: its directive kind and argument. A line that
// looks like a directive but is not written exactly as one is an error
// rather than program text, since a silently ignored expectation would merge
// two cases into one.
func classify(line string) (directive, string, error) {
	trimmed := strings.TrimLeft(line, " \t")
	if !strings.HasPrefix(trimmed, ";;") {
		return programLine, "", nil
	}
	afterSemis := strings.TrimLeft(trimmed[2:], " \t")
	for _, d := range directiveWords {
		if !strings.HasPrefix(afterSemis, d.word) {
			continue
		}
		canonical := ";; " + d.word
		arg, ok := strings.CutPrefix(line, canonical)
		if !ok {
			return programLine, "", fmt.Errorf("malformed directive %q: write it %q at the start of the line", line, canonical+" ...")
		}
		if d.kind == wantOut {
			if arg != "" && !strings.HasPrefix(arg, " ") {
				return programLine, "", fmt.Errorf("malformed directive %q: want %q", line, ";; out: TEXT")
			}
			return wantOut, strings.TrimPrefix(arg, " "), nil
		}
		if arg = strings.TrimSpace(arg); arg == "" {
			return programLine, "", fmt.Errorf("directive %q has nothing after %q", line, d.word)
		}
		return d.kind, arg, nil
	}
	return programLine, "", nil
}

type parser struct {
	file  string
	cases []Case
	cur   pendingCase
}

// pendingCase accumulates the lines of the case being read.
type pendingCase struct {
	lines    []string // program lines, directives blanked
	lineNos  []int
	start    int // line of the first non-blank line or directive; 0 while there is none
	name     string
	out      []string
	seenCode bool // a line that is neither blank nor a comment
}

func (pc *pendingCase) add(lineNo int, text string) {
	pc.lines = append(pc.lines, text)
	pc.lineNos = append(pc.lineNos, lineNo)
}

func (p *parser) line(lineNo int, line string) error {
	kind, arg, err := classify(line)
	if err != nil {
		return err
	}
	cur := &p.cur
	if cur.start == 0 && (kind != programLine || strings.TrimSpace(line) != "") {
		cur.start = lineNo
	}
	switch kind {
	case programLine:
		cur.add(lineNo, line)
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, ";") {
			cur.seenCode = true
		}
	case caseName:
		if cur.name != "" {
			return fmt.Errorf("second `;; case:` line in one case (is the expectation of %q missing?)", cur.name)
		}
		if cur.seenCode {
			return errors.New("`;; case:` after program text: the code above it has no expectation")
		}
		cur.name = arg
		cur.add(lineNo, "")
	case wantOut:
		cur.out = append(cur.out, arg)
		cur.add(lineNo, "")
	case wantValue, wantError:
		c, err := p.finish(kind, arg)
		if err != nil {
			return err
		}
		p.cases = append(p.cases, c)
		p.cur = pendingCase{}
	}
	return nil
}

// finish turns the pending case into a Case closed by the expectation.
func (p *parser) finish(kind directive, arg string) (Case, error) {
	cur := &p.cur
	first, last := 0, len(cur.lines)
	for first < last && strings.TrimSpace(cur.lines[first]) == "" {
		first++
	}
	for last > first && strings.TrimSpace(cur.lines[last-1]) == "" {
		last--
	}
	if first == last {
		return Case{}, errors.New("expectation without a program (two expectations in a row?)")
	}
	c := Case{
		File:    p.file,
		Line:    cur.lineNos[first],
		Name:    cur.name,
		Source:  strings.Join(cur.lines[first:last], "\n") + "\n",
		WantOut: cur.out,
	}
	if c.Name == "" {
		c.Name = defaultName(cur.lines[first:last])
	}
	if kind == wantError {
		if !isLanguageKind(arg) {
			return Case{}, fmt.Errorf("unknown error kind %q", arg)
		}
		c.WantErr = arg
	} else {
		c.Want = arg
	}
	return c, nil
}

// defaultName is the first line of code, shortened: good enough to find an
// unnamed case in its file.
func defaultName(lines []string) string {
	const maxRunes = 48
	name := ""
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, ";") {
			name = t
			break
		}
	}
	if name == "" {
		name = "comment-only program"
	}
	if r := []rune(name); len(r) > maxRunes {
		name = string(r[:maxRunes]) + "…"
	}
	return name
}

// Check compares an engine's outcome with the case: got is the value of the
// program, out everything it wrote to stdout, err the *value.Error it failed
// with (nil on success). It returns nil when everything matches, else an
// error describing each difference, followed by the program.
func (c Case) Check(got value.Value, out string, err error) error {
	var problems []string
	var rerr *value.Error
	switch {
	case err != nil && !errors.As(err, &rerr):
		problems = append(problems, fmt.Sprintf("engine returned a non-RTFS error (%T): %v", err, err))
	case c.WantErr != "" && rerr == nil:
		problems = append(problems, fmt.Sprintf("want error %s, got value %s", c.WantErr, got))
	case c.WantErr != "" && string(rerr.Kind) != c.WantErr:
		problems = append(problems, fmt.Sprintf("want error %s, got error %s: %s", c.WantErr, rerr.Kind, rerr.Message))
	case c.WantErr == "" && rerr != nil:
		problems = append(problems, fmt.Sprintf("want %s, got error %s: %s", c.Want, rerr.Kind, rerr.Message))
	case c.WantErr == "" && got.String() != c.Want:
		problems = append(problems, fmt.Sprintf("want %s, got %s", c.Want, got))
	}
	if want := c.wantStdout(); out != want {
		problems = append(problems, fmt.Sprintf("stdout: want %q, got %q", want, out))
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s:%d (%s): %s\nprogram:\n%s", c.File, c.Line, c.Name,
		strings.Join(problems, "; "), indent(c.Source))
}

func (c Case) wantStdout() string {
	if len(c.WantOut) == 0 {
		return ""
	}
	return strings.Join(c.WantOut, "\n") + "\n"
}

func indent(src string) string {
	lines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	return "    " + strings.Join(lines, "\n    ")
}
