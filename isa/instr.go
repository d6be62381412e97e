package isa

// Field accessors and constructors for the instruction format in the package
// doc. They are tiny so the VM's dispatch loop inlines them.

// Op returns the opcode.
func (i Instr) Op() Op { return Op(i) }

// A returns the A field.
func (i Instr) A() int { return int(uint16(i >> 8)) }

// B returns the B field.
func (i Instr) B() int { return int(uint16(i >> 24)) }

// C returns the C field.
func (i Instr) C() int { return int(uint16(i >> 40)) }

// Bx returns the unsigned 32-bit Bx field.
func (i Instr) Bx() int { return int(uint32(i >> 24)) }

// SBx returns the signed 32-bit sBx field.
func (i Instr) SBx() int { return int(int32(uint32(i >> 24))) }

// SJ returns the signed 24-bit sJ field.
func (i Instr) SJ() int { return int(int64(i) >> 40) }

// ABC encodes an A B C instruction.
func ABC(op Op, a, b, c int) Instr {
	return Instr(op) | Instr(uint16(a))<<8 | Instr(uint16(b))<<24 | Instr(uint16(c))<<40
}

// ABx encodes an A Bx instruction.
func ABx(op Op, a, bx int) Instr {
	return Instr(op) | Instr(uint16(a))<<8 | Instr(uint32(bx))<<24
}

// ASBx encodes an A sBx instruction.
func ASBx(op Op, a, sbx int) Instr {
	return Instr(op) | Instr(uint16(a))<<8 | Instr(uint32(int32(sbx)))<<24
}

// ABJ encodes an A B sJ instruction (and Jmp, with A and B zero).
func ABJ(op Op, a, b, sj int) Instr {
	return Instr(op) | Instr(uint16(a))<<8 | Instr(uint16(b))<<24 | Instr(uint64(int64(sj))<<40)
}

// Limits of the fields, for the compiler and the verifier.
const (
	MaxA   = 1<<16 - 1
	MaxBx  = 1<<32 - 1
	MinSBx = -(1 << 31)
	MaxSBx = 1<<31 - 1
	MinSJ  = -(1 << 23)
	MaxSJ  = 1<<23 - 1
)
