package isa

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

// checkGolden compares got with the file testdata/name, or rewrites the file
// under -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("disassembly differs from %s (rerun with -update after checking):\n%s", path, got)
	}
}

func disassemble(t *testing.T, m *Module) string {
	t.Helper()
	var b strings.Builder
	if err := Disassemble(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestDisassembleGolden(t *testing.T) {
	checkGolden(t, "full.disasm", disassemble(t, fullModule()))
	checkGolden(t, "small.disasm", disassemble(t, smallModule()))
}

// TestDisassembleBrokenModule shows that an unverified module prints
// without panicking, marking what cannot be resolved.
func TestDisassembleBrokenModule(t *testing.T) {
	cyclic := &Pattern{Kind: PatVector, Reg: -1, RestReg: -1}
	cyclic.Elems = []*Pattern{cyclic}
	loop := &value.Type{Name: "vector"}
	loop.Elems = []*value.Type{loop}
	m := &Module{
		Globals:  []string{"ok", "\x1b[2J"},
		Patterns: []*Pattern{cyclic},
		Types:    []*value.Type{loop},
		Protos: []*Proto{
			{
				Name:    "main",
				NumRegs: 1,
				Code: []Instr{
					ABx(OpLoadK, 0, 7),
					ABx(OpGetGlobal, 0, 3),
					ABx(OpGetGlobal, 0, 1),
					ABC(OpDestruct, 0, 0, 0),
					ABC(OpCheckTypeFor, 0, 0, 9),
					ABx(OpClosure, 0, 1),
					ABx(OpStepBegin, 0, 0),
					ABC(OpMove, 0, 0, 0) | 1<<56,
					Instr(0xff),
				},
			},
			nil,
		},
	}
	got := disassemble(t, m)
	for _, want := range []string{
		"K7 = ?",
		"G3 = ?",
		`G1 = "\x1b[2J"`,
		"pattern <the pattern contains itself>",
		"type <the type contains itself>",
		"function ?",
		"step ?",
		"flags=0x01",
		"OP?255",
		"function 1: missing",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("disassembly lacks %q:\n%s", want, got)
		}
	}
	if got := disassemble(t, nil); got != "no module\n" {
		t.Errorf("Disassemble(nil) printed %q", got)
	}
}

type failingWriter struct{ writes int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	w.writes++
	return 0, errDiskFull
}

func TestDisassembleReportsWriteErrors(t *testing.T) {
	w := &failingWriter{}
	if err := Disassemble(w, fullModule()); !errors.Is(err, errDiskFull) {
		t.Errorf("Disassemble error = %v, want %v", err, errDiskFull)
	}
	if w.writes != 1 {
		t.Errorf("Disassemble kept writing after an error: %d writes", w.writes)
	}
}
