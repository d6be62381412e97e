package format

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/syntax"
)

func TestSource(t *testing.T) {
	for src, want := range map[string]string{
		"(defn f [x]\n(if x\n      1\n  2))\n":          "(defn f [x]\n  (if x\n    1\n    2))\n",
		"(str \"a (\n  b\" ; (\n   1)  \n\n\n":          "(str \"a (\n  b\" ; (\n  1)\n",
		"#| (\n   (  |#\n(do\n     ; ( comment\n  1\n)": "#| (\n   (  |#\n(do\n  ; ( comment\n  1\n)\n",
		"{:a [1\n2]\n :b 3}":                            "{:a [1\n     2]\n :b 3}\n",
		"\"esc \\\" (\"\n(f\nx)":                        "\"esc \\\" (\"\n(f\n  x)\n",
		"(let [a (f 1)\n  b 2]\n      (+ a b))":         "(let [a (f 1)\n      b 2]\n  (+ a b))\n",
		"(let [\n a 1]\n a)":                            "(let [\n      a 1]\n  a)\n",
	} {
		out, err := Source("t.rtfs", []byte(src))
		if got := string(out); err != nil || got != want {
			t.Errorf("Source(%q) =\n%q, %v\nwant\n%q", src, got, err, want)
		}
		if again, _ := Source("t.rtfs", out); string(again) != string(out) {
			t.Errorf("Source is not idempotent on %q: %q", out, again)
		}
	}
}

// Formatting keeps every form on its line and reads back to the same
// forms, on every RTFS file of the repository.
func TestSourceKeepsTheProgram(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/*/*.rtfs")
	more, _ := filepath.Glob("../../bench/programs/*.rtfs")
	files = append(files, more...)
	if len(files) < 20 {
		t.Fatalf("only %d files", len(files))
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		formatted, err := Source(file, src)
		if err != nil {
			continue // a file of syntax errors, on purpose
		}
		if again, _ := Source(file, formatted); string(again) != string(formatted) {
			t.Errorf("%s: formatting twice changes it again", file)
		}
		before, errs1 := syntax.Read(file, src)
		after, errs2 := syntax.Read(file, formatted)
		if len(errs1) != len(errs2) || len(before) != len(after) {
			t.Errorf("%s: %d forms and %d errors before, %d and %d after", file, len(before), len(errs1), len(after), len(errs2))
			continue
		}
		for i := range before {
			if before[i].Pos.Line != after[i].Pos.Line || !sameForms(before[i], after[i]) {
				t.Errorf("%s: form %d moved or changed", file, i+1)
			}
		}
	}
}

// sameForms compares two forms but for their columns.
func sameForms(a, b *syntax.Form) bool {
	if a.Kind != b.Kind || a.Text != b.Text || a.Pos.Line != b.Pos.Line || len(a.Elems) != len(b.Elems) || a.Val.String() != b.Val.String() {
		return false
	}
	for i := range a.Elems {
		if !sameForms(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	return true
}

func TestSourceRefusesWhatDoesNotRead(t *testing.T) {
	if _, err := Source("bad.rtfs", []byte("(+ 1\n")); err == nil {
		t.Error("a file that does not read was formatted")
	}
}

// The repository's own RTFS files are formatted (those that read: some
// conformance files hold syntax errors on purpose).
func TestRepositoryIsFormatted(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/*/*.rtfs")
	more, _ := filepath.Glob("../../bench/programs/*.rtfs")
	for _, file := range append(files, more...) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if formatted, err := Source(file, src); err == nil && string(formatted) != string(src) {
			t.Errorf("%s is not formatted: rtfsc fmt -w %s", file, file)
		}
	}
}
