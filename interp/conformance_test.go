package interp_test

import (
	"context"
	"testing"

	"github.com/rtfs-go/rtfs/internal/conformance"
	"github.com/rtfs-go/rtfs/internal/enginetest"
	"github.com/rtfs-go/rtfs/value"
)

// TestConformance runs the corpus of testdata/conformance from source:
// each case is parsed, then run with fresh globals, the default pure
// context and recording host.
func TestConformance(t *testing.T) {
	conformance.Each(t, "../testdata/conformance", func(t *testing.T, c conformance.Case) {
		v, out, err := runSource(c.File, c.Source)
		if err := c.Check(v, out, err); err != nil {
			t.Error(err)
		}
	})
}

// runSource parses and runs src, returning its value, what it printed and
// its first error (a parse error stops it before it runs).
func runSource(file, src string) (value.Value, string, error) {
	prog, err := enginetest.Parse(file, src)
	if err != nil {
		return value.Nil, "", err
	}
	o := enginetest.RunInterp(context.Background(), prog, enginetest.RunOptions{})
	return o.Value, o.Stdout, o.Err
}
