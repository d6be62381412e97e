package vm_test

import (
	"os"
	"strings"
	"testing"
)

func TestTmpDiff(t *testing.T) {
	data, _ := os.ReadFile(os.Getenv("SRCFILE"))
	for _, src := range strings.Split(string(data), "\n----\n") {
		prog, err := parse("t.rtfs", src)
		if err != nil {
			t.Logf("parse: %v", err)
			continue
		}
		got, want := runVM(t, prog), runInterp(prog)
		if got.String() != want.String() || os.Getenv("ALL") != "" {
			t.Logf("%s\n vm:     %s\n interp: %s", src, got, want)
		}
	}
}
