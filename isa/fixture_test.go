package isa

import (
	"flag"

	"github.com/rtfs-go/rtfs/value"
)

var update = flag.Bool("update", false, "rewrite golden files and the bad bytecode files from the fixtures")

// positions returns a position table for n instructions, one line each
// starting at line.
func positions(line, n int) []Pos {
	pos := make([]Pos, n)
	for i := range pos {
		pos[i] = Pos{Line: int32(line + i), Col: 3}
	}
	return pos
}

// fullModule returns a valid module in which every field of every table is
// populated and every opcode appears at least once. Each call builds a fresh
// copy, so tests may mutate it.
func fullModule() *Module {
	intType := &value.Type{Name: "int"}
	mainCode := []Instr{
		ABC(OpMove, 1, 0, 0),
		ABC(OpMove, 1, 0, 0),
		ABx(OpLoadK, 0, 0),
		ABC(OpLoadNil, 2, 0, 0),
		ABC(OpLoadBool, 3, 1, 0),
		ASBx(OpLoadInt, 4, -7),
		ABC(OpNewCell, 5, 0, 0),
		ABC(OpGetCell, 6, 5, 0),
		ABC(OpSetCell, 5, 6, 0),
		ABx(OpGetGlobal, 6, 0),
		ABx(OpDefGlobal, 6, 1),
		ABx(OpGetVar, 6, 5),
		ABx(OpCtxRef, 6, 5),
		ABC(OpNewVec, 6, 0, 3),
		ABC(OpNewMap, 7, 0, 2),
		ABx(OpClosure, 8, 1),
		ABC(OpAppend, 6, 0, 0),
		ABx(OpStruct, 9, 0),
		ABC(OpAdd, 0, 0, RKConst+0),
		ABC(OpSub, 0, RKConst+0, 1),
		ABC(OpMul, 0, 0, 0),
		ABC(OpDiv, 0, 0, RKConst+1),
		ABC(OpMod, 0, 0, RKConst+0),
		ABC(OpLt, 2, 0, RKConst+0),
		ABC(OpLe, 2, 0, RKConst+0),
		ABC(OpGt, 2, 0, RKConst+0),
		ABC(OpGe, 2, 0, RKConst+0),
		ABC(OpEq, 2, 0, RKConst+6),
		ABC(OpNot, 2, 2, 0),
		ASBx(OpTest, 2, 1), // 29 -> 31
		ASBx(OpTestT, 2, 0),
		ASBx(OpTestX, 2, 0),
		ABJ(OpIfLt, 0, RKConst+0, 0),
		ABJ(OpIfLe, 0, RKConst+0, 0),
		ABJ(OpIfGt, 0, RKConst+0, 0),
		ABJ(OpIfGe, 0, RKConst+0, 0),
		ABJ(OpIfEq, 0, RKConst+7, 0),
		ASBx(OpIter, 9, 0),
		ABC(OpAdd, 0, 0, RKConst+0),
		ABC(OpCall, 8, 2, 0),
		ABC(OpCallB, 8, 2, 0),
		ABC(OpCallCap, 8, 1, 0),
		ABC(OpDestruct, 6, 0, 0),
		ABC(OpMatch, 6, 1, 0),
		ABJ(OpJmp, 0, 0, 1), // 44 -> 46
		ABC(OpCallB, 8, 2, 0),
		ABJ(OpIfKind, 2, 3, 0),
		ABx(OpStepBegin, 10, 0),
		ABC(OpStepEnd, 10, 0, 0),
		ABC(OpStepFail, 10, 2, 0),
		ABC(OpLoopCheck, 4, 0, 0),
		ABC(OpParallel, 11, 8, 1),
		ABC(OpCheckTypeFor, 0, 1, 4),
		ABC(OpCheckKind, 0, 1<<value.KInt|1<<value.KFloat, 8),
		ABx(OpStepCheck, 0, 0),
		ABx(OpReturnType, 0, 3),
		ASBx(OpTestBound, 5, 0),
		ABC(OpReturn, 0, 0, 0),
	}
	return &Module{
		File:     "plan.rtfs",
		Globals:  []string{"total", "add"},
		Builtins: []string{"str", "+"},
		Types: []*value.Type{
			intType,
			{Name: "vector", Elems: []*value.Type{intType}},
			{Name: "map", Fields: []value.TypeField{
				{Key: value.Kw("x"), Type: &value.Type{Name: "float"}},
				{Key: value.Kw("label"), Type: &value.Type{Name: "string", Optional: true}, Optional: true},
				{Key: value.Kw("any")},
			}},
			{Name: "and", Elems: []*value.Type{intType}, Preds: []value.TypePred{{Op: ">", Arg: value.Int(0)}}},
			{Name: "enum", Values: []value.Value{value.Kw("a"), value.String("b"), value.Int(3)}},
		},
		Patterns: []*Pattern{
			{Kind: PatVector, Reg: 4, RestReg: -1, Elems: []*Pattern{
				{Kind: PatBind, Reg: 1, RestReg: -1},
				{Kind: PatIgnore, Reg: -1, RestReg: -1},
			}, Rest: &Pattern{Kind: PatBind, Reg: 3, RestReg: -1}},
			{Kind: PatMap, Reg: -1, RestReg: 2, RestCell: true,
				Keys: []value.Value{value.Kw("a"), value.String("b")},
				Elems: []*Pattern{
					{Kind: PatBind, Reg: 1, Cell: true, RestReg: -1},
					{Kind: PatLit, Reg: -1, RestReg: -1, Lit: value.Float(1.5)},
				}},
			{Kind: PatAs, Reg: 0, RestReg: -1, Elems: []*Pattern{{Kind: PatIgnore, Reg: -1, RestReg: -1}}},
		},
		Steps: []Step{
			{Name: "fetch", Kind: 0, ExposeContext: 1, ContextKeys: []string{"user", "plan"}, Reach: Reach{Capabilities: []string{"ccos.io.read-file", "ccos.network.http-fetch"}, Unresolved: true}},
			{Name: "step-parallel", Kind: 3, ExposeContext: -1, MergePolicy: "merge"},
		},
		Structs: []Struct{{Name: "Point", Type: 2}},
		Protos: []*Proto{
			{
				Name:    "main",
				NumRegs: 12,
				Code:    mainCode,
				Pos:     positions(1, len(mainCode)),
				Consts: []value.Value{
					value.Int(10),
					value.Float(2.5),
					value.NewVector([]value.Value{value.Kw("a"), value.String("b")}),
					value.String("TypeError"),
					value.String("expected an integer"),
					value.String("user"),
					value.MapFromEntries([]value.MapEntry{{Key: value.Kw("x"), Val: value.NewVector([]value.Value{value.Nil, value.True})}}),
					value.False,
					value.NewVector([]value.Value{value.String("+"), value.String("number")}),
				},
				Handlers: []Handler{{Start: 39, End: 42, Target: 52, Reg: 2}},
			},
			{
				Name:      "add",
				NumParams: 2,
				Variadic:  true,
				NumRegs:   6,
				Code: []Instr{
					ABC(OpGetUpCell, 3, 0, 0),
					ABC(OpGetUpval, 4, 1, 0),
					ABx(OpClosure, 5, 2),
					ABC(OpDestruct, 2, 2, 0),
					ABC(OpNot, 2, 2, 0),
					ABC(OpInc, 2, 2, 0),
					ABC(OpDec, 2, 2, 0),
					ABC(OpZero, 2, 2, 0),
					ABC(OpCount, 2, 2, 0),
					ABC(OpGet, 2, 3, 4),
					ABC(OpNth, 2, 3, 4),
					ABC(OpTailCall, 3, 2, 0),
				},
				Pos:            positions(60, 12),
				Upvals:         []Upval{{FromParent: true, Index: 5, Cell: true}, {FromParent: true, Index: 0}},
				DelegateTarget: "remote",
				DelegateID:     "planner",
			},
			{
				Name:    "fn",
				NumRegs: 3,
				Code: []Instr{
					ABC(OpGetUpCell, 0, 0, 0),
					ASBx(OpTest, 0, 1),
					ABC(OpRaise, 0, 1, 0),
					ABC(OpThrow, 0, 0, 0),
				},
				Pos:      positions(70, 4),
				Consts:   []value.Value{value.String("Generic"), value.String("boom")},
				Upvals:   []Upval{{Index: 0, Cell: true}},
				Handlers: []Handler{{Start: 0, End: 2, Target: 3, Reg: 1}, {Start: 0, End: 3, Target: 3, Reg: 2, Finally: true}},
			},
		},
		Sections: map[string][]byte{
			"profiles": []byte(`{"fetch":"pure"}`),
			"wasm/0":   {0, 'a', 's', 'm', 1, 0, 0, 0},
		},
	}
}

// fullProfile returns a step profile with every field set.
// smallModule returns a minimal valid module: (+ 1 2).
func smallModule() *Module {
	return &Module{
		File: "small.rtfs",
		Protos: []*Proto{{
			Name:    "main",
			NumRegs: 1,
			Code: []Instr{
				ABC(OpAdd, 0, RKConst+0, RKConst+1),
				ABC(OpReturn, 0, 0, 0),
			},
			Pos:    positions(1, 2),
			Consts: []value.Value{value.Int(1), value.Int(2)},
		}},
	}
}
