package vm

import (
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// A tiny assembler for tests written before, and independently of, the
// compiler: functions are lists of instructions, and every instruction is
// placed at line 1, column pc+1 of "t.rtfs", so a test can tell from an
// error's column which instruction raised it.

// fn builds a prototype; positions come from place.
func fn(name string, params, regs int, consts []value.Value, code ...isa.Instr) *isa.Proto {
	p := &isa.Proto{Name: name, NumParams: params, NumRegs: regs, Consts: consts, Code: code}
	p.Pos = make([]isa.Pos, len(code))
	for pc := range code {
		p.Pos[pc] = isa.Pos{Line: 1, Col: int32(pc + 1)}
	}
	return p
}

func module(protos ...*isa.Proto) *isa.Module {
	return &isa.Module{File: "t.rtfs", Protos: protos}
}

func k(i int) int { return isa.RKConst + i }

func consts(vs ...value.Value) []value.Value { return vs }

func ints(xs ...int64) value.Value {
	items := make([]value.Value, len(xs))
	for i, x := range xs {
		items[i] = value.Int(x)
	}
	return value.NewVector(items)
}

// Instruction shorthands.
func move(a, b int) isa.Instr                { return isa.ABC(isa.OpMove, a, b, 0) }
func loadK(a, kx int) isa.Instr              { return isa.ABx(isa.OpLoadK, a, kx) }
func loadInt(a, n int) isa.Instr             { return isa.ASBx(isa.OpLoadInt, a, n) }
func getGlobal(a, g int) isa.Instr           { return isa.ABx(isa.OpGetGlobal, a, g) }
func defGlobal(a, g int) isa.Instr           { return isa.ABx(isa.OpDefGlobal, a, g) }
func closure(a, p int) isa.Instr             { return isa.ABx(isa.OpClosure, a, p) }
func op(o isa.Op, a, b, c int) isa.Instr     { return isa.ABC(o, a, b, c) }
func jmp(off int) isa.Instr                  { return isa.ABJ(isa.OpJmp, 0, 0, off) }
func ifOp(o isa.Op, a, b, off int) isa.Instr { return isa.ABJ(o, a, b, off) }
func call(a, n int) isa.Instr                { return isa.ABC(isa.OpCall, a, n, 0) }
func tailCall(a, n int) isa.Instr            { return isa.ABC(isa.OpTailCall, a, n, 0) }
func callB(a, n, b int) isa.Instr            { return isa.ABC(isa.OpCallB, a, n, b) }
func ret(a int) isa.Instr                    { return isa.ABC(isa.OpReturn, a, 0, 0) }

// fibModule computes (fib n) by naive recursion:
//
//	(defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
//	(fib n)
func fibModule(n int) *isa.Module {
	m := module(
		fn("main", 0, 2, nil,
			closure(0, 1),
			defGlobal(0, 0),
			getGlobal(0, 0),
			loadInt(1, n),
			call(0, 1),
			ret(0)),
		fn("fib", 1, 4, consts(value.Int(2), value.Int(1)),
			ifOp(isa.OpIfLt, 0, k(0), 1),
			ret(0),
			getGlobal(1, 0),
			op(isa.OpSub, 2, 0, k(1)),
			call(1, 1),
			getGlobal(2, 0),
			op(isa.OpSub, 3, 0, k(0)),
			call(2, 1),
			op(isa.OpAdd, 1, 1, 2),
			ret(1)),
	)
	m.Globals = []string{"fib"}
	return m
}

// sumModule sums 1..n with a tail-recursive loop:
//
//	(defn sum [i acc] (if (= i 0) acc (sum (- i 1) (+ acc i))))
//	(sum n 0)
func sumModule(n int) *isa.Module {
	m := module(
		fn("main", 0, 3, nil,
			closure(0, 1),
			defGlobal(0, 0),
			getGlobal(0, 0),
			loadInt(1, n),
			loadInt(2, 0),
			call(0, 2),
			ret(0)),
		fn("sum", 2, 5, consts(value.Int(0), value.Int(1)),
			ifOp(isa.OpIfEq, 0, k(0), 1),
			ret(1),
			getGlobal(2, 0),
			op(isa.OpSub, 3, 0, k(1)),
			op(isa.OpAdd, 4, 1, 0),
			tailCall(2, 2)),
	)
	m.Globals = []string{"sum"}
	return m
}
