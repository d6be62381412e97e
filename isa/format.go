package isa

import (
	"strconv"

	"github.com/rtfs-go/rtfs/value"
)

// The operand format of every opcode: which instruction fields it reads and
// what each one names. The verifier checks operands against this table and
// the disassembler prints them from it, so an opcode is described once.

// field is the part of an instruction an operand lives in (see the
// instruction format in the package doc).
type field uint8

const (
	fieldA field = iota
	fieldB
	fieldC
	fieldBx
	fieldSBx
	fieldSJ
)

// get extracts the field from i.
func (f field) get(i Instr) int {
	switch f {
	case fieldA:
		return i.A()
	case fieldB:
		return i.B()
	case fieldC:
		return i.C()
	case fieldBx:
		return i.Bx()
	case fieldSBx:
		return i.SBx()
	}
	return i.SJ()
}

// operandKind says what an operand names, and so which table it indexes.
type operandKind uint8

const (
	opReg             operandKind = iota // a register R[x]
	opRK                                 // a register, or a constant when x >= RKConst
	opConst                              // a constant K[x] of any kind
	opConstString                        // a constant K[x] that must be a string
	opConstKeys                          // a constant K[x] that must be a vector of map keys
	opConstStringPair                    // a constant K[x] that must be a vector of two strings
	opImmediate                          // a plain number: a count, a boolean, an integer, a bit set
	opGlobal                             // a global slot G[x]
	opBuiltin                            // Module.Builtins[x]
	opType                               // Module.Types[x]
	opPattern                            // Module.Patterns[x]
	opStep                               // Module.Steps[x]
	opStruct                             // Module.Structs[x]
	opProto                              // Module.Protos[x]
	opUpval                              // an upvalue U[x] of the running closure holding a plain value
	opUpCell                             // an upvalue U[x] of the running closure holding a cell
	opJump                               // a jump offset, relative to the next instruction
)

type operand struct {
	field field
	kind  operandKind
}

// window is a run of consecutive registers an instruction reads or writes
// beyond its single-register operands; all of it must lie inside the frame.
type window uint8

const (
	noWindow      window = iota
	calleeAndArgs        // R[A..A+B]: a callee (or result slot) and B arguments
	valuesBC             // R[B..B+C-1]
	mapValues            // R[B..B+n-1], n the length of the key vector K[C]
	iterState            // R[A..A+2]: sequence, index, element
)

// flow says where control goes after an instruction that does not jump.
type flow uint8

const (
	fallsThrough flow = iota // to pc+1
	endsPath                 // nowhere: the function returns, tail-calls, raises or jumps
	skipsNext                // to pc+1, or to pc+2 past the next instruction (Match)
)

type format struct {
	name     string
	operands []operand
	window   window
	flow     flow
}

// Operand lists shared by several opcodes.
var (
	regA       = []operand{{fieldA, opReg}}
	regAB      = []operand{{fieldA, opReg}, {fieldB, opReg}}
	binaryRK   = []operand{{fieldA, opReg}, {fieldB, opRK}, {fieldC, opRK}}
	testJump   = []operand{{fieldA, opReg}, {fieldSBx, opJump}}
	compareRK  = []operand{{fieldA, opRK}, {fieldB, opRK}, {fieldSJ, opJump}}
	callArgs   = []operand{{fieldA, opReg}, {fieldB, opImmediate}}
	regAConstS = []operand{{fieldA, opReg}, {fieldBx, opConstString}}
	regAVector = []operand{{fieldA, opReg}, {fieldB, opReg}, {fieldC, opImmediate}}
	regAGlobal = []operand{{fieldA, opReg}, {fieldBx, opGlobal}}
	patternUse = []operand{{fieldA, opReg}, {fieldB, opPattern}}
)

var formats = [opCount]format{
	OpMove:     {name: "MOVE", operands: regAB},
	OpLoadK:    {name: "LOADK", operands: []operand{{fieldA, opReg}, {fieldBx, opConst}}},
	OpLoadNil:  {name: "LOADNIL", operands: regA},
	OpLoadBool: {name: "LOADBOOL", operands: []operand{{fieldA, opReg}, {fieldB, opImmediate}}},
	OpLoadInt:  {name: "LOADINT", operands: []operand{{fieldA, opReg}, {fieldSBx, opImmediate}}},

	OpGetUpval:  {name: "GETUPVAL", operands: []operand{{fieldA, opReg}, {fieldB, opUpval}}},
	OpGetUpCell: {name: "GETUPCELL", operands: []operand{{fieldA, opReg}, {fieldB, opUpCell}}},
	OpNewCell:   {name: "NEWCELL", operands: regA},
	OpGetCell:   {name: "GETCELL", operands: regAB},
	OpSetCell:   {name: "SETCELL", operands: regAB},
	OpTestBound: {name: "TESTBOUND", operands: testJump},
	OpGetGlobal: {name: "GETGLOBAL", operands: regAGlobal},
	OpDefGlobal: {name: "DEFGLOBAL", operands: regAGlobal},
	OpGetVar:    {name: "GETVAR", operands: regAConstS},
	OpCtxRef:    {name: "CTXREF", operands: regAConstS},

	OpNewVec:  {name: "NEWVEC", operands: regAVector, window: valuesBC},
	OpNewMap:  {name: "NEWMAP", operands: []operand{{fieldA, opReg}, {fieldB, opReg}, {fieldC, opConstKeys}}, window: mapValues},
	OpClosure: {name: "CLOSURE", operands: []operand{{fieldA, opReg}, {fieldBx, opProto}}},
	OpAppend:  {name: "APPEND", operands: regAB},
	OpStruct:  {name: "STRUCT", operands: []operand{{fieldA, opReg}, {fieldBx, opStruct}}},

	OpAdd: {name: "ADD", operands: binaryRK},
	OpSub: {name: "SUB", operands: binaryRK},
	OpMul: {name: "MUL", operands: binaryRK},
	OpDiv: {name: "DIV", operands: binaryRK},
	OpMod: {name: "MOD", operands: binaryRK},
	OpLt:  {name: "LT", operands: binaryRK},
	OpLe:  {name: "LE", operands: binaryRK},
	OpGt:  {name: "GT", operands: binaryRK},
	OpGe:  {name: "GE", operands: binaryRK},
	OpEq:  {name: "EQ", operands: binaryRK},
	OpNot: {name: "NOT", operands: regAB},

	OpJmp:   {name: "JMP", operands: []operand{{fieldSJ, opJump}}, flow: endsPath},
	OpTest:  {name: "TEST", operands: testJump},
	OpTestT: {name: "TESTT", operands: testJump},
	OpTestX: {name: "TESTX", operands: testJump},
	OpIfLt:  {name: "IFLT", operands: compareRK},
	OpIfLe:  {name: "IFLE", operands: compareRK},
	OpIfGt:  {name: "IFGT", operands: compareRK},
	OpIfGe:  {name: "IFGE", operands: compareRK},
	OpIfEq:  {name: "IFEQ", operands: compareRK},
	OpIter:  {name: "ITER", operands: testJump, window: iterState},

	OpCall:       {name: "CALL", operands: callArgs, window: calleeAndArgs},
	OpTailCall:   {name: "TAILCALL", operands: callArgs, window: calleeAndArgs, flow: endsPath},
	OpCallB:      {name: "CALLB", operands: []operand{{fieldA, opReg}, {fieldB, opImmediate}, {fieldC, opBuiltin}}, window: calleeAndArgs},
	OpCallCap:    {name: "CALLCAP", operands: callArgs, window: calleeAndArgs},
	OpReturn:     {name: "RETURN", operands: regA, flow: endsPath},
	OpReturnType: {name: "RETURNTYPE", operands: []operand{{fieldBx, opType}}},

	OpDestruct:     {name: "DESTRUCT", operands: patternUse},
	OpMatch:        {name: "MATCH", operands: patternUse, flow: skipsNext},
	OpCheckTypeFor: {name: "CHECKTYPEFOR", operands: []operand{{fieldA, opReg}, {fieldB, opType}, {fieldC, opConstString}}},
	OpCheckKind:    {name: "CHECKKIND", operands: []operand{{fieldA, opReg}, {fieldB, opImmediate}, {fieldC, opConstStringPair}}},

	OpIfKind: {name: "IFKIND", operands: []operand{{fieldA, opReg}, {fieldB, opConstString}, {fieldSJ, opJump}}},
	OpThrow:  {name: "THROW", operands: regA, flow: endsPath},
	OpRaise:  {name: "RAISE", operands: []operand{{fieldA, opConstString}, {fieldB, opConstString}}, flow: endsPath},

	OpStepCheck: {name: "STEPCHECK", operands: []operand{{fieldBx, opStep}}},
	OpStepBegin: {name: "STEPBEGIN", operands: []operand{{fieldA, opReg}, {fieldBx, opStep}}},
	OpStepEnd:   {name: "STEPEND", operands: regAB},
	OpStepFail:  {name: "STEPFAIL", operands: regAB},
	OpLoopCheck: {name: "LOOPCHECK", operands: regA},
	OpParallel:  {name: "PARALLEL", operands: regAVector, window: valuesBC},

	OpInc:   {name: "INC", operands: regAB},
	OpDec:   {name: "DEC", operands: regAB},
	OpZero:  {name: "ZERO", operands: regAB},
	OpCount: {name: "COUNT", operands: regAB},
	OpGet:   {name: "GET", operands: binaryRK},
	OpNth:   {name: "NTH", operands: binaryRK},
}

// hasFlags reports whether instructions of format f have the flags byte:
// all but those with an sJ field, whose offset takes the same bits.
func (f *format) hasFlags() bool {
	for _, o := range f.operands {
		if o.field == fieldSJ {
			return false
		}
	}
	return true
}

// Valid reports whether op is a defined opcode. An opcode without a format
// is not: the verifier rejects what it cannot check.
func (op Op) Valid() bool { return op < opCount && formats[op].name != "" }

// String returns the opcode's mnemonic, e.g. "LOADK", as the disassembler
// prints it.
func (op Op) String() string {
	if !op.Valid() {
		return "OP?" + strconv.Itoa(int(op))
	}
	return formats[op].name
}

// windowOf returns the first register and the length of the register window
// of instruction i (length 0 when it has none). The window of NewMap is as
// long as its key vector K[C]; when K[C] is not a vector the length is 0 and
// the verifier reports the constant instead.
func windowOf(i Instr, consts []value.Value) (first, length int) {
	switch formats[i.Op()].window {
	case calleeAndArgs:
		return i.A(), i.B() + 1
	case valuesBC:
		return i.B(), i.C()
	case mapValues:
		if k := i.C(); k < len(consts) && consts[k].Kind() == value.KVector {
			return i.B(), consts[k].AsVector().Len()
		}
		return i.B(), 0
	case iterState:
		return i.A(), 3
	}
	return 0, 0
}
