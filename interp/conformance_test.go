package interp_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/internal/conformance"
	"github.com/rtfs-go/rtfs/interp"
	"github.com/rtfs-go/rtfs/vm/value"
)

// TestConformance runs the corpus of testdata/conformance from source:
// each case is parsed, then run with fresh globals, the default pure
// context and recording host.
func TestConformance(t *testing.T) {
	cases, err := conformance.Load("../testdata/conformance")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.TestName(), func(t *testing.T) {
			v, out, err := runSource(c.File, c.Source)
			if err := c.Check(v, out, err); err != nil {
				t.Error(err)
			}
		})
	}
}

// runSource parses and runs src, returning its value, what it printed and
// its first error (a parse error stops it before it runs).
func runSource(file, src string) (value.Value, string, error) {
	prog, errs := compiler.Parse(file, []byte(src))
	if len(errs) > 0 {
		return value.Nil, "", errs[0]
	}
	var out bytes.Buffer
	v, err := interp.Run(context.Background(), prog, interp.Options{Stdout: &out})
	return v, out.String(), err
}
