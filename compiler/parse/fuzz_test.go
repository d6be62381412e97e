package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/syntax"
)

// FuzzParse feeds arbitrary text to the whole front end (reader, macro
// expansion, special-form validation). It must never panic or hang, and
// every error it reports must be positioned and render with a caret.
// Seeds: every conformance and example program, split into its cases.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"../testdata/conformance", "../testdata/examples", "../testdata/plans"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.rtfs"))
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
			for _, chunk := range strings.Split(string(src), "\n;; ") {
				f.Add([]byte(chunk))
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		prog, errs := Source("fuzz.rtfs", src)
		if len(errs) == 0 && prog == nil {
			t.Fatal("no program and no error")
		}
		for _, e := range errs {
			if e.Kind == "" || e.Message == "" {
				t.Fatalf("error without kind or message: %#v", e)
			}
			if !e.Pos.IsValid() {
				t.Fatalf("unpositioned error: %v", e)
			}
			syntax.Render(e, src)
		}
	})
}
