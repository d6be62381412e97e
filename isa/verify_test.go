package isa

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
)

func TestVerifyAcceptsFixtures(t *testing.T) {
	for name, m := range map[string]*Module{"full": fullModule(), "small": smallModule()} {
		if err := Verify(m, stdlib.Has); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestEveryOpcodeHasAFormat(t *testing.T) {
	for op := range opCount {
		if !op.Valid() || strings.HasPrefix(op.String(), "OP?") {
			t.Errorf("opcode %d has no format: the verifier rejects it", op)
		}
	}
	if Op(opCount).Valid() {
		t.Error("an opcode past the last one is valid")
	}
}

func TestFullModuleUsesEveryOpcode(t *testing.T) {
	used := map[Op]bool{}
	for _, p := range fullModule().Protos {
		for _, in := range p.Code {
			used[in.Op()] = true
		}
	}
	for op := range opCount {
		if !used[op] {
			t.Errorf("the full fixture never uses %s", op)
		}
	}
}

// violation breaks one verifier rule in the full fixture.
type violation struct {
	name   string
	mutate func(m *Module)
	want   string // a part of the verifier's message
}

// violations returns one violation for every rule of Verify.
func violations() []violation {
	// The protos of the fixture: main makes closures of add, add of fn.
	const main, add, fn = 0, 1, 2
	code := func(m *Module, proto, pc int, in Instr) { m.Protos[proto].Code[pc] = in }
	// mainEnd is the length of main's code, whose last instruction is its
	// only RETURN.
	mainEnd := len(fullModule().Protos[main].Code)
	deepType := &value.Type{Name: "int"}
	for range MaxNesting {
		deepType = &value.Type{Name: "vector", Elems: []*value.Type{deepType}}
	}
	deepConst := value.Int(0)
	for range MaxNesting {
		deepConst = value.NewVector([]value.Value{deepConst})
	}
	return []violation{
		// Module structure.
		{"no functions", func(m *Module) { m.Protos = nil }, "the module has no functions"},
		{"nil proto", func(m *Module) { m.Protos[fn] = nil }, "proto 2 is missing"},
		{"unknown builtin", func(m *Module) { m.Builtins[1] = "frobnicate" }, `builtin 1: unknown builtin "frobnicate"`},
		{"struct type", func(m *Module) { m.Structs[0].Type = 5 }, "struct 0 (\"Point\"): type 5 out of range (5 types)"},
		{"step kind", func(m *Module) { m.Steps[1].Kind = 4 }, `step 1 ("step-parallel"): unknown step kind 4`},
		{"expose context", func(m *Module) { m.Steps[0].ExposeContext = 2 }, "expose-context must be -1, 0 or 1, not 2"},
		{"reach unsorted", func(m *Module) { m.Steps[0].Reach.Capabilities = []string{"b", "a"} }, "reach: capability ids are not sorted and unique"},
		{"reach duplicate", func(m *Module) { m.Steps[0].Reach.Capabilities = []string{"a", "a"} }, "reach: capability ids are not sorted and unique"},
		{"reach empty id", func(m *Module) { m.Steps[0].Reach.Capabilities = []string{""} }, "reach: capability 0 has an empty id"},

		// Types.
		{"type cycle", func(m *Module) { m.Types[1].Elems[0] = m.Types[1] }, "type 1: the type contains itself"},
		{"type too deep", func(m *Module) { m.Types[0] = deepType }, "type 0: a type nested more than 128 deep"},
		{"type constant", func(m *Module) {
			m.Types[4].Values[0] = value.Func(stdlib.Lookup("str"))
		}, "type 4: a function cannot be a constant"},

		// Patterns.
		{"pattern kind", func(m *Module) { m.Patterns[2].Kind = 9 }, "pattern 2: unknown pattern kind 9"},
		{"pattern cycle", func(m *Module) { m.Patterns[0].Elems[1] = m.Patterns[0] }, "pattern 0: the pattern contains itself"},
		{"pattern nil element", func(m *Module) { m.Patterns[0].Elems[1] = nil }, "pattern 0: a missing sub-pattern"},
		{"pattern bind without register", func(m *Module) { m.Patterns[0].Elems[0].Reg = -1 }, "a binding pattern without a register"},
		{"pattern bad register", func(m *Module) { m.Patterns[1].RestReg = -2 }, "pattern 1: bad register -2"},
		{"map pattern shape", func(m *Module) { m.Patterns[1].Keys = m.Patterns[1].Keys[:1] }, "a map pattern with 1 keys and 2 sub-patterns"},
		{"map pattern key", func(m *Module) { m.Patterns[1].Keys[0] = value.Nil }, "a map pattern key must be a keyword, a string or an integer, not a nil"},
		{"as pattern shape", func(m *Module) { m.Patterns[2].Elems = nil }, "an :as pattern needs one inner pattern, not 0"},
		{"literal pattern", func(m *Module) {
			m.Patterns[1].Elems[1].Lit = value.ErrorValue(value.Errorf(value.Generic, "x"))
		}, "an error cannot be a constant"},
		{"pattern registers", func(m *Module) { m.Patterns[2].Reg = 6 }, "proto 1 (\"add\"): pc 3 (DESTRUCT): pattern 2 binds register R6, out of range (6 registers)"},

		// Function headers.
		{"too many registers", func(m *Module) { m.Protos[main].NumRegs = MaxA + 1 }, "proto 0 (\"main\"): 65536 registers: a function has 0 to 65535"},
		{"negative registers", func(m *Module) { m.Protos[fn].NumRegs = -1 }, "-1 registers"},
		{"parameters", func(m *Module) { m.Protos[add].NumParams = 6 }, "proto 1 (\"add\"): 6 parameters (variadic true) do not fit in 6 registers"},
		{"top-level parameters", func(m *Module) { m.Protos[main].NumParams = 1 }, "the top-level function cannot take parameters"},
		{"top-level variadic", func(m *Module) { m.Protos[main].Variadic = true }, "the top-level function cannot take parameters"},
		{"top-level upvalues", func(m *Module) { m.Protos[main].Upvals = []Upval{{FromParent: true}} }, "the top-level function cannot capture variables"},
		{"no code", func(m *Module) { m.Protos[fn].Code, m.Protos[fn].Pos = nil, nil; m.Protos[fn].Handlers = nil }, "proto 2 (\"fn\"): the function has no code"},
		{"positions", func(m *Module) { m.Protos[add].Pos = m.Protos[add].Pos[1:] }, "proto 1 (\"add\"): 11 source positions for 12 instructions"},
		{"delegation target", func(m *Module) { m.Protos[add].DelegateTarget = "cloud" }, `unknown delegation target "cloud"`},
		{"delegation without target", func(m *Module) { m.Protos[fn].DelegateID = "x" }, `delegation id "x" without a target`},
		{"constant kind", func(m *Module) {
			m.Protos[fn].Consts[1] = value.Func(stdlib.Lookup("str"))
		}, "proto 2 (\"fn\"): constant 1: a function cannot be a constant"},
		{"constant too deep", func(m *Module) { m.Protos[fn].Consts[1] = deepConst }, "constant 1: a constant nested more than 128 deep"},
		{"map constant key", func(m *Module) {
			m.Protos[fn].Consts[1] = value.MapFromEntries([]value.MapEntry{{Key: value.Float(1), Val: value.Nil}})
		}, "a map constant with a float key"},

		// Instructions.
		{"unknown opcode", func(m *Module) { code(m, main, 0, Instr(opCount)) }, fmt.Sprintf("proto 0 (\"main\"): pc 0 (OP?%d): unknown opcode %[1]d", opCount)},
		{"register", func(m *Module) { code(m, main, 1, ABC(OpMove, 1, 12, 0)) }, "pc 1 (MOVE): register R12 out of range (12 registers)"},
		{"RK register", func(m *Module) { code(m, main, 18, ABC(OpAdd, 0, 40, RKConst)) }, "pc 18 (ADD): register R40 out of range"},
		{"RK constant", func(m *Module) { code(m, main, 18, ABC(OpAdd, 0, 0, RKConst+9)) }, "pc 18 (ADD): constant K9 out of range (9 constants)"},
		{"RK compare", func(m *Module) { code(m, main, 32, ABJ(OpIfLt, RKConst+10, 0, 0)) }, "pc 32 (IFLT): constant K10 out of range"},
		{"constant", func(m *Module) { code(m, main, 2, ABx(OpLoadK, 0, 1<<20)) }, "pc 2 (LOADK): constant K1048576 out of range"},
		{"call window", func(m *Module) { code(m, main, 39, ABC(OpCall, 8, 4, 0)) }, "pc 39 (CALL): registers R8..R12 out of range (12 registers)"},
		{"tail call window", func(m *Module) { code(m, add, 5, ABC(OpTailCall, 3, 3, 0)) }, "pc 5 (TAILCALL): registers R3..R6 out of range"},
		{"builtin call window", func(m *Module) { code(m, main, 40, ABC(OpCallB, 11, 1, 0)) }, "pc 40 (CALLB): registers R11..R12 out of range"},
		{"vector window", func(m *Module) { code(m, main, 13, ABC(OpNewVec, 6, 10, 3)) }, "pc 13 (NEWVEC): registers R10..R12 out of range"},
		{"parallel window", func(m *Module) { code(m, main, 51, ABC(OpParallel, 11, 8, 5)) }, "pc 51 (PARALLEL): registers R8..R12 out of range"},
		{"iter window", func(m *Module) { code(m, main, 37, ASBx(OpIter, 10, 0)) }, "pc 37 (ITER): registers R10..R12 out of range"},
		{"map window", func(m *Module) { code(m, main, 14, ABC(OpNewMap, 7, 11, 2)) }, "pc 14 (NEWMAP): registers R11..R12 out of range"},
		{"map keys kind", func(m *Module) { code(m, main, 14, ABC(OpNewMap, 7, 0, 0)) }, "pc 14 (NEWMAP): constant K0 must be a vector of map keys, not an integer"},
		{"map keys values", func(m *Module) {
			m.Protos[main].Consts[2] = value.NewVector([]value.Value{value.Kw("a"), value.Float(1)})
		}, "pc 14 (NEWMAP): constant K2 holds a float, which cannot be a map key"},
		{"raise kind", func(m *Module) { code(m, fn, 2, ABC(OpRaise, 0, 2, 0)) }, "proto 2 (\"fn\"): pc 2 (RAISE): constant K2 out of range (2 constants)"},
		{"raise string", func(m *Module) { m.Protos[fn].Consts[0] = value.Kw("Generic") }, "pc 2 (RAISE): constant K0 must be a string, not a keyword"},
		{"ifkind string", func(m *Module) { code(m, main, 46, ABJ(OpIfKind, 2, 0, 0)) }, "pc 46 (IFKIND): constant K0 must be a string, not an integer"},
		{"getvar string", func(m *Module) { code(m, main, 11, ABx(OpGetVar, 6, 1)) }, "pc 11 (GETVAR): constant K1 must be a string, not a float"},
		{"ctxref string", func(m *Module) { code(m, main, 12, ABx(OpCtxRef, 6, 2)) }, "pc 12 (CTXREF): constant K2 must be a string, not a vector"},
		{"check message", func(m *Module) { code(m, main, 52, ABC(OpCheckTypeFor, 0, 1, 0)) }, "pc 52 (CHECKTYPEFOR): constant K0 must be a string, not an integer"},
		{"check type", func(m *Module) { code(m, main, 52, ABC(OpCheckTypeFor, 0, 5, 4)) }, "pc 52 (CHECKTYPEFOR): type 5 out of range"},
		{"check kind message", func(m *Module) { code(m, main, 53, ABC(OpCheckKind, 0, 4, 2)) }, "pc 53 (CHECKKIND): constant K2 must be a vector of two strings"},
		{"check kind pair", func(m *Module) {
			m.Protos[main].Consts[8] = value.NewVector([]value.Value{value.String("+"), value.Kw("number")})
		}, "pc 53 (CHECKKIND): constant K8 must be a vector of two strings"},
		{"return type", func(m *Module) { code(m, main, 55, ABx(OpReturnType, 0, 9)) }, "pc 55 (RETURNTYPE): type 9 out of range"},
		{"test bound register", func(m *Module) { code(m, main, 56, ASBx(OpTestBound, 12, 0)) }, "pc 56 (TESTBOUND): register R12 out of range"},
		{"test bound jump", func(m *Module) { code(m, main, 56, ASBx(OpTestBound, 5, -60)) }, "pc 56 (TESTBOUND): jump target -3 is outside the code"},
		{"step check", func(m *Module) { code(m, main, 54, ABx(OpStepCheck, 0, 7)) }, "pc 54 (STEPCHECK): step 7 out of range"},
		{"former tail mark", func(m *Module) { code(m, main, 40, ABC(OpCallB, 8, 2, 0)|1<<56) }, "pc 40 (CALLB): unknown flag bits 0x01"},
		{"unknown flags", func(m *Module) { code(m, main, 38, ABC(OpAdd, 0, 0, RKConst+0)|1<<57) }, "pc 38 (ADD): unknown flag bits 0x02"},
		{"unknown flags beside Bx", func(m *Module) { code(m, main, 2, ABx(OpLoadK, 0, 0)|1<<63) }, "pc 2 (LOADK): unknown flag bits 0x80"},
		{"global defined in a closure", func(m *Module) { code(m, add, 4, ABx(OpDefGlobal, 2, 0)) }, "proto 1 (\"add\"): pc 4 (DEFGLOBAL): only the top-level function may define globals"},
		{"global", func(m *Module) { code(m, main, 9, ABx(OpGetGlobal, 6, 2)) }, "pc 9 (GETGLOBAL): global 2 out of range (2 in the module)"},
		{"builtin", func(m *Module) { code(m, main, 40, ABC(OpCallB, 8, 2, 2)) }, "pc 40 (CALLB): builtin 2 out of range"},
		{"type", func(m *Module) { code(m, main, 52, ABC(OpCheckTypeFor, 0, 5, 4)) }, "pc 52 (CHECKTYPEFOR): type 5 out of range"},
		{"pattern", func(m *Module) { code(m, main, 42, ABC(OpDestruct, 6, 3, 0)) }, "pc 42 (DESTRUCT): pattern 3 out of range"},
		{"step", func(m *Module) { code(m, main, 47, ABx(OpStepBegin, 10, 2)) }, "pc 47 (STEPBEGIN): step 2 out of range"},
		{"struct", func(m *Module) { code(m, main, 17, ABx(OpStruct, 9, 1)) }, "pc 17 (STRUCT): struct 1 out of range"},
		{"proto", func(m *Module) { code(m, main, 15, ABx(OpClosure, 8, 3)) }, "pc 15 (CLOSURE): proto 3 out of range"},
		{"upvalue", func(m *Module) { code(m, add, 1, ABC(OpGetUpval, 4, 2, 0)) }, "proto 1 (\"add\"): pc 1 (GETUPVAL): upvalue U2 out of range (2 upvalues)"},
		{"plain read of a cell", func(m *Module) { code(m, add, 1, ABC(OpGetUpval, 4, 0, 0)) }, "pc 1 (GETUPVAL): upvalue U0 is a cell"},
		{"cell read of a plain upvalue", func(m *Module) { code(m, add, 0, ABC(OpGetUpCell, 3, 1, 0)) }, "pc 0 (GETUPCELL): upvalue U1 is not a cell"},

		// Control flow.
		{"jump past the end", func(m *Module) { code(m, main, 44, ABJ(OpJmp, 0, 0, mainEnd-45)) }, fmt.Sprintf("pc 44 (JMP): jump target %d is outside the code (%[1]d instructions)", mainEnd)},
		{"jump before the start", func(m *Module) { code(m, main, 29, ASBx(OpTest, 2, -31)) }, "pc 29 (TEST): jump target -1 is outside the code"},
		{"far jump", func(m *Module) { code(m, main, 31, ASBx(OpTestX, 2, MinSBx)) }, "pc 31 (TESTX): jump target -2147483616 is outside the code"},
		{"compare jump", func(m *Module) { code(m, main, 36, ABJ(OpIfEq, 0, 0, 100)) }, "pc 36 (IFEQ): jump target 137"},
		{"falls off the end", func(m *Module) { code(m, main, mainEnd-1, ABC(OpLoadNil, 0, 0, 0)) }, "proto 0 (\"main\"): the code ends with LOADNIL"},
		{"match skips off the end", func(m *Module) {
			p := m.Protos[fn]
			p.Code = []Instr{ABC(OpMatch, 0, 2, 0), ABC(OpReturn, 0, 0, 0)}
			p.Pos, p.Handlers = positions(1, 2), nil
		}, "proto 2 (\"fn\"): pc 0 (MATCH): skipping the next instruction would leave the code"},

		// Handlers.
		{"handler range", func(m *Module) { m.Protos[fn].Handlers[0].End = 5 }, "proto 2 (\"fn\"): handler 0: protected range [0, 5) is not inside the code (4 instructions)"},
		{"handler inverted range", func(m *Module) { m.Protos[fn].Handlers[1].Start = 3; m.Protos[fn].Handlers[1].End = 1 }, "handler 1: protected range [3, 1)"},
		{"handler target", func(m *Module) { m.Protos[main].Handlers[0].Target = mainEnd }, fmt.Sprintf("proto 0 (\"main\"): handler 0: target %d is outside the code", mainEnd)},
		{"handler register", func(m *Module) { m.Protos[fn].Handlers[1].Reg = 3 }, "handler 1: register R3 out of range (3 registers)"},

		// Closures and upvalues.
		{"closure of the top level", func(m *Module) { code(m, add, 2, ABx(OpClosure, 5, 0)) }, "pc 2 (CLOSURE): the top-level function cannot be made into a closure"},
		{"two parents", func(m *Module) { code(m, main, 15, ABx(OpClosure, 8, 2)) }, "proto 2 is made by closures in both proto 0 and proto 1"},
		{"never made", func(m *Module) { code(m, add, 2, ABC(OpLoadNil, 5, 0, 0)) }, "proto 2 (\"fn\") is never made into a closure"},
		{"unreachable cycle", func(m *Module) {
			code(m, main, 15, ABC(OpLoadNil, 8, 0, 0))
			code(m, fn, 0, ABx(OpClosure, 0, 1))
			m.Protos[add].Upvals = nil
			code(m, add, 0, ABC(OpLoadNil, 3, 0, 0))
			code(m, add, 1, ABC(OpLoadNil, 4, 0, 0))
			code(m, add, 4, ABC(OpLoadNil, 2, 0, 0))
		}, "proto 1 (\"add\") cannot be reached from the top-level function"},
		{"upvalue register", func(m *Module) { m.Protos[add].Upvals[1].Index = 12 }, "proto 1 (\"add\"): upvalue 1: captures register R12 of a function with 12 registers"},
		{"upvalue of the parent", func(m *Module) { m.Protos[fn].Upvals[0].Index = 2 }, "proto 2 (\"fn\"): upvalue 0: captures upvalue U2 of a function with 2 upvalues"},
		{"upvalue cell flag", func(m *Module) {
			m.Protos[fn].Upvals[0].Index = 1
		}, "proto 2 (\"fn\"): upvalue 0: captures upvalue U1, which is not a cell, as a cell"},
	}
}

// TestVerifyAcceptsDelegationWithoutID: the front end accepts
// `^:delegation :remote` without an id, which calls "model-call:".
func TestVerifyAcceptsDelegationWithoutID(t *testing.T) {
	m := fullModule()
	m.Protos[1].DelegateID = ""
	if err := Verify(m, stdlib.Has); err != nil {
		t.Error(err)
	}
}

// TestVerifyRejects breaks one rule at a time in the full fixture.
func TestVerifyRejects(t *testing.T) {
	for _, tt := range violations() {
		t.Run(tt.name, func(t *testing.T) {
			m := fullModule()
			tt.mutate(m)
			err := Verify(m, stdlib.Has)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify error = %v\nwant one containing %q", err, tt.want)
			}
		})
	}
	if err := Verify(nil, stdlib.Has); err == nil {
		t.Error("Verify(nil, stdlib.Has) succeeded")
	}
}
