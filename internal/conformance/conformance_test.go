package conformance

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

func TestParseCases(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []Case
	}{
		{
			name: "value expectation",
			text: "(+ 1 2)\n;; => 3\n",
			want: []Case{{Line: 1, Name: "(+ 1 2)", Source: "(+ 1 2)\n", Want: "3"}},
		},
		{
			name: "error expectation",
			text: "(/ 1 0)\n;; !! DivisionByZero\n",
			want: []Case{{Line: 1, Name: "(/ 1 0)", Source: "(/ 1 0)\n", WantErr: "DivisionByZero"}},
		},
		{
			name: "parse-time kind",
			text: "(+ 1\n;; !! ParseError\n",
			want: []Case{{Line: 1, Name: "(+ 1", Source: "(+ 1\n", WantErr: "ParseError"}},
		},
		{
			name: "cases separated by blank lines keep their line numbers",
			text: "1\n;; => 1\n\n\n(def x 2)\nx\n;; => 2\n",
			want: []Case{
				{Line: 1, Name: "1", Source: "1\n", Want: "1"},
				{Line: 5, Name: "(def x 2)", Source: "(def x 2)\nx\n", Want: "2"},
			},
		},
		{
			name: "case name and stdout lines, empty line included",
			text: ";; case: printing\n(println \"a\")\n(println)\n;; out: a\n;; out:\n;; => nil\n",
			want: []Case{{
				Line: 2, Name: "printing",
				Source:  "(println \"a\")\n(println)\n",
				Want:    "nil",
				WantOut: []string{"a", ""},
			}},
		},
		{
			name: "ordinary comments belong to the program",
			text: ";; a comment before the name\n;; case: named\n; also a comment\n:k ; trailing\n;; => :k\n",
			want: []Case{{
				Line: 1, Name: "named",
				Source: ";; a comment before the name\n\n; also a comment\n:k ; trailing\n",
				Want:   ":k",
			}},
		},
		{
			name: "comment-only program",
			text: "; nothing to run\n;; => nil\n",
			want: []Case{{Line: 1, Name: "comment-only program", Source: "; nothing to run\n", Want: "nil"}},
		},
		{
			name: "CRLF line endings and trailing spaces after the expectation",
			text: "[1 2]\r\n;; => [1 2]  \r\n",
			want: []Case{{Line: 1, Name: "[1 2]", Source: "[1 2]\n", Want: "[1 2]"}},
		},
		{
			name: "long first line is shortened in the default name",
			text: "(str \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\")\n;; => 1\n",
			want: []Case{{
				Line: 1, Name: `(str "` + strings.Repeat("a", 42) + "…",
				Source: "(str \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\")\n",
				Want:   "1",
			}},
		},
		{
			name: "empty file",
			text: "\n\n",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("f.rtfs", tt.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			for i := range tt.want {
				tt.want[i].File = "f.rtfs"
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse:\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestParseRejectsMalformedFiles(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		wantErr string // substring of the error, which also names file:line
	}{
		{"program without expectation at EOF", "1\n;; => 1\n(+ 1 2)\n", "f.rtfs:3: case has no expectation"},
		{"trailing comment without expectation", "1\n;; => 1\n; stray\n", "f.rtfs:3: case has no expectation"},
		{"dangling case name at EOF", "1\n;; => 1\n;; case: orphan\n", "f.rtfs:3: case has no expectation"},
		{"two expectations in a row", "1\n;; => 1\n;; => 2\n", "f.rtfs:3: expectation without a program"},
		{"expectation first", ";; !! TypeError\n", "f.rtfs:1: expectation without a program"},
		{"out lines alone are no program", ";; out: x\n;; => nil\n", "f.rtfs:2: expectation without a program"},
		{"unknown error kind", "(f)\n;; !! Boom\n", `f.rtfs:2: unknown error kind "Boom"`},
		{"limit kinds are not language kinds", "(f)\n;; !! Timeout\n", `unknown error kind "Timeout"`},
		{"empty value expectation", "1\n;; =>\n", `f.rtfs:2: directive ";; =>" has nothing`},
		{"empty case name", ";; case:  \n1\n;; => 1\n", "f.rtfs:1: directive"},
		{"indented directive", "1\n  ;; => 1\n", "f.rtfs:2: malformed directive"},
		{"directive without its space", "1\n;;=> 1\n", "f.rtfs:2: malformed directive"},
		{"out without its space", "1\n;; out:x\n;; => 1\n", "f.rtfs:2: malformed directive"},
		{"case name after code", "1\n;; case: late\n;; => 1\n", "f.rtfs:2: `;; case:` after program text"},
		{"two case names", ";; case: a\n;; case: b\n1\n;; => 1\n", "f.rtfs:2: second `;; case:`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cases, err := Parse("f.rtfs", tt.text)
			if err == nil {
				t.Fatalf("Parse accepted the file: %+v", cases)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadReadsRtfsFilesInNameOrder(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"02-b.rtfs":  "2\n;; => 2\n",
		"01-a.rtfs":  "1\n;; => 1\n:x\n;; => :x\n",
		"notes.txt":  "not a corpus file\n",
		"03-c.rtfs~": "backup\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cases {
		got = append(got, c.TestName()+"="+c.Want)
	}
	want := []string{"01-a/1=1", "01-a/:x=:x", "02-b/2=2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load order: got %v, want %v", got, want)
	}
	if cases[0].File != filepath.Join(dir, "01-a.rtfs") {
		t.Errorf("File = %q, want the path of the corpus file", cases[0].File)
	}
}

func TestLoadErrors(t *testing.T) {
	empty := t.TempDir()
	if _, err := Load(empty); err == nil || !strings.Contains(err.Error(), "no .rtfs files") {
		t.Errorf("Load of an empty directory: err = %v", err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "01-x.rtfs"), []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "01-x.rtfs:1") {
		t.Errorf("Load of a malformed file: err = %v", err)
	}
}

func TestCheck(t *testing.T) {
	valueCase := Case{File: "f.rtfs", Line: 3, Name: "sum", Source: "(+ 1 2)\n", Want: "3"}
	errorCase := Case{File: "f.rtfs", Line: 5, Name: "div", Source: "(/ 1 0)\n", WantErr: "DivisionByZero"}
	printCase := Case{File: "f.rtfs", Line: 7, Name: "print", Source: "(println 1)\n", Want: "nil", WantOut: []string{"1"}}
	divErr := value.Errorf(value.DivisionByZero, "Division by zero")
	tests := []struct {
		name    string
		c       Case
		got     value.Value
		out     string
		err     error
		wantErr string // "" when Check must pass; else a substring of its error
	}{
		{"value matches", valueCase, value.Int(3), "", nil, ""},
		{"value differs", valueCase, value.Float(3), "", nil, "want 3, got 3.0"},
		{"unexpected error", valueCase, value.Nil, "", divErr, "want 3, got error DivisionByZero: Division by zero"},
		{"error kind matches", errorCase, value.Nil, "", divErr, ""},
		{"wrapped error kind matches", errorCase, value.Nil, "", wrap{divErr}, ""},
		{"error kind differs", errorCase, value.Nil, "", value.TypeErr("+", "number", value.String("a")), "want error DivisionByZero, got error TypeError"},
		{"missing error", errorCase, value.Int(1), "", nil, "want error DivisionByZero, got value 1"},
		{"non-RTFS error", errorCase, value.Nil, "", errors.New("boom"), "non-RTFS error"},
		{"stdout matches", printCase, value.Nil, "1\n", nil, ""},
		{"stdout differs", printCase, value.Nil, "2\n", nil, `stdout: want "1\n", got "2\n"`},
		{"unexpected stdout", valueCase, value.Int(3), "x\n", nil, `stdout: want "", got "x\n"`},
		{"stdout checked on error cases too", errorCase, value.Nil, "x\n", divErr, "stdout"},
		{"report locates the case and shows the program", valueCase, value.Int(4), "", nil, "f.rtfs:3 (sum): want 3, got 4\nprogram:\n    (+ 1 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Check(tt.got, tt.out, tt.err)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Check: unexpected mismatch: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("Check passed, want a mismatch containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("Check: %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

// wrap is an engine error that wraps an RTFS error.
type wrap struct{ err error }

func (w wrap) Error() string { return "wrapped: " + w.err.Error() }
func (w wrap) Unwrap() error { return w.err }
