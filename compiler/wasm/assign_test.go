package wasm

import (
	"slices"
	"testing"

	"github.com/rtfs-go/rtfs/isa"
)

// A register needs the prologue's nil only when a path reads it before
// writing it.
func TestUnassignedReads(t *testing.T) {
	for _, c := range []struct {
		name string
		code []isa.Instr
		want []bool
	}{
		{"written first", []isa.Instr{
			isa.ASBx(isa.OpLoadInt, 1, 5),
			isa.ABC(isa.OpAdd, 2, 0, 1),
			isa.ABC(isa.OpReturn, 2, 0, 0),
		}, []bool{false, false, false}},
		{"one branch skips the write", []isa.Instr{
			isa.ASBx(isa.OpTest, 0, 1), // R0 falsy: to pc 2
			isa.ASBx(isa.OpLoadInt, 1, 5),
			isa.ABC(isa.OpMove, 2, 1, 0), // R1 unwritten on the first path
			isa.ABC(isa.OpReturn, 2, 0, 0),
		}, []bool{false, true, false}},
		{"written on both branches", []isa.Instr{
			isa.ASBx(isa.OpTest, 0, 2),
			isa.ASBx(isa.OpLoadInt, 1, 5),
			isa.ABJ(isa.OpJmp, 0, 0, 1),
			isa.ASBx(isa.OpLoadInt, 1, 6),
			isa.ABC(isa.OpReturn, 1, 0, 0),
		}, []bool{false, false, false}},
		{"a loop reads what its body writes later", []isa.Instr{
			isa.ABC(isa.OpMove, 2, 1, 0), // R1 read on entry and after the jump back
			isa.ASBx(isa.OpLoadInt, 1, 7),
			isa.ASBx(isa.OpTest, 0, -3),
			isa.ABC(isa.OpReturn, 2, 0, 0),
		}, []bool{false, true, false}},
	} {
		p := &isa.Proto{Name: "f", NumParams: 1, NumRegs: 3, Code: c.code}
		g := &fgen{mod: &isa.Module{Protos: []*isa.Proto{p}}, proto: p}
		if err := g.findBlocks(); err != nil {
			t.Fatal(err)
		}
		if got := g.unassignedReads(); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
