package codegen

import (
	"os"
	"testing"

	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/isa"
)

func TestScratchDump(t *testing.T) {
	src := os.Getenv("SRC")
	prog, errs := compiler.Parse("x.rtfs", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m, err := Compile(prog)
	if err != nil {
		t.Fatal(err)
	}
	isa.Disassemble(os.Stdout, m)
	if err := isa.Verify(m); err != nil {
		t.Fatal(err)
	}
}
