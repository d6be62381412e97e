package isa

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rtfs-go/rtfs/stdlib"
)

// bytecodeDir holds hand-made .rtfsb files, bad ones and one good one, for
// the tools' tests too. go test ./isa -run TestBytecodeFiles -update
// rewrites them from the fixtures below.
var bytecodeDir = filepath.Join("..", "testdata", "bytecode")

// bytecodeFiles says how each file is made and the reason Decode must give
// for rejecting it ("" for the good file, which must decode to
// smallModule).
func bytecodeFiles(t *testing.T) []struct {
	name, reason string
	data         []byte
} {
	t.Helper()
	encode := func(m *Module) []byte {
		data, err := Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	valid := encode(smallModule())
	edit := func(at int, b byte) []byte {
		data := bytes.Clone(valid)
		data[at] = b
		return data
	}
	badRegister := smallModule()
	badRegister.Protos[0].Code[0] = ABC(OpAdd, 3, RKConst+0, RKConst+1)
	badJump := smallModule()
	badJump.Protos[0].Code[0] = ABJ(OpJmp, 0, 0, 5)
	return []struct {
		name, reason string
		data         []byte
	}{
		{"small.rtfsb", "", valid},
		{"truncated.rtfsb", "truncated: 20 bytes is shorter than the smallest file (42 bytes)", valid[:20]},
		{"truncated-body.rtfsb", "checksum mismatch: the file is truncated or corrupt", valid[:len(valid)-8]},
		{"bad-magic.rtfsb", `bad magic: the file does not start with "RTFSB\x00"`, edit(0, 'X')},
		{"bad-version.rtfsb", fmt.Sprintf("unsupported format version 9 (this build reads version %d)", Version), edit(len(Magic), 9)},
		{"bad-checksum.rtfsb", "checksum mismatch: the file is truncated or corrupt", edit(len(valid)-1, valid[len(valid)-1]^0xff)},
		{"bad-register.rtfsb", "proto 0 (\"main\"): pc 0 (ADD): register R3 out of range (1 registers)", encode(badRegister)},
		{"bad-jump.rtfsb", "proto 0 (\"main\"): pc 0 (JMP): jump target 6 is outside the code (2 instructions)", encode(badJump)},
	}
}

func TestBytecodeFiles(t *testing.T) {
	for _, f := range bytecodeFiles(t) {
		path := filepath.Join(bytecodeDir, f.name)
		if *update {
			if err := os.WriteFile(path, f.data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Run(f.name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run the test with -update to create it)", err)
			}
			m, err := Decode(data, stdlib.Has)
			if f.reason == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if !sameModule(t, m, smallModule()) {
					t.Errorf("%s decodes to %#v, want the small fixture", f.name, m)
				}
				return
			}
			if err == nil || err.Error() != f.reason {
				t.Errorf("Decode error = %v\nwant %s", err, f.reason)
			}
		})
	}
}
