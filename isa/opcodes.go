// Package isa defines the rtfs-go register bytecode: the instruction format,
// every opcode and its effect on the machine, function prototypes, modules,
// and the .rtfsb container that carries them (encode, decode, verify,
// disassemble). It is the one place the instruction format is defined; the
// compiler writes it and the VM reads it.
//
// # The machine
//
// Each call runs in a frame: a window of NumRegs registers R[0..NumRegs-1]
// into one value stack, the prototype's constant pool K, its upvalues U (the
// captured variables of the closure), and the module's global slots G.
// Parameters arrive in R[0..NumParams-1]; a variadic function gets its rest
// list in R[NumParams]. Every instruction writes at most one register
// (R[A] unless stated) and falls through to the next instruction unless it
// jumps. Jump offsets are relative to the instruction after the jump.
//
// # Instruction format
//
// Instructions are fixed-width 64-bit words:
//
//	bits  0..7   op
//	bits  8..23  A   (16 bits)
//	bits 24..39  B   (16 bits)
//	bits 40..55  C   (16 bits)
//	bits 24..55  Bx  (32 bits, unsigned: B and C together)
//	bits 40..63  sJ  (24 bits, signed: a jump offset beside A and B)
//	bits 24..55  sBx (32 bits, signed)
//	bits 56..63  flags, in every format but the sJ one (none defined: zero)
//
// An operand written RK(x) is a register when x < RKConst and the constant
// K[x-RKConst] otherwise, so binary operations on a literal need no load.
//
// No flag is defined: the byte is kept for future use, and the verifier
// rejects any bit set in it.
//
// # Values that are not RTFS values
//
// A captured variable that may be read before it is initialised (letrec, a
// local def referring to itself) lives in a cell: its register holds a
// value.Cell and is read and written through GETCELL and SETCELL.
package isa

// Op is an opcode.
type Op uint8

// RKConst marks an RK operand that names a constant (see package doc).
const RKConst = 1 << 15

// Instr is one encoded instruction.
type Instr uint64

// flagBits are the bits of the flags byte, in the formats that have one.
const flagBits Instr = 0xff << 56

// The opcodes. Each line gives the format and the effect.
const (
	// Loads and moves.
	OpMove     Op = iota // A B       R[A] = R[B]
	OpLoadK              // A Bx      R[A] = K[Bx]
	OpLoadNil            // A         R[A] = nil
	OpLoadBool           // A B       R[A] = (B != 0)
	OpLoadInt            // A sBx     R[A] = integer sBx

	// Variables outside the frame.
	//
	// Variables that may be unbound: a variable that may be read before a
	// def or a later binding sets it starts out holding a cell (NEWCELL),
	// which no program value can be. A read tests it with TESTBOUND and, on
	// finding the cell, falls back to the next binding of the name outwards,
	// as the interpreter's lookup does.
	OpGetUpval  // A B      R[A] = U[B] (a plain captured value)
	OpGetUpCell // A B      R[A] = U[B].cell.value (a captured cell)
	OpNewCell   // A        R[A] = a new cell holding nil
	OpGetCell   // A B      R[A] = R[B].cell.value
	OpSetCell   // A B      R[A].cell.value = R[B]
	OpTestBound // A sBx    unless R[A] holds a cell: pc += sBx (see "Variables that may be unbound")
	OpGetGlobal // A Bx     R[A] = G[Bx]; if never defined: the builtin of that name, then the host context, then the cross-plan parameters, else UndefinedSymbol
	OpDefGlobal // A Bx     G[Bx] = R[A]; only the top-level function Protos[0] defines globals
	OpGetVar    // A Bx     the (get name) shorthand: like GetGlobal for the name K[Bx] but nil where GetGlobal fails
	OpCtxRef    // A Bx     R[A] = host context value named K[Bx], or the string "@" + K[Bx]

	// Building values.
	OpNewVec  // A B C     R[A] = vector of R[B..B+C-1]
	OpNewMap  // A B C     R[A] = map with the keys of the vector constant K[C] and the values R[B..B+len-1]
	OpClosure // A Bx      R[A] = closure of Protos[Bx], capturing per its upvalue descriptors
	OpAppend  // A B       R[A] = conj(R[A], R[B]); R[A] is a vector being built
	OpStruct  // A Bx      R[A] = constructor of the defstruct Structs[Bx]

	// Arithmetic and comparison of RK operands with the semantics of the
	// builtins of the same name; integers and floats take a fast path, any
	// other operand goes through the builtin (same errors).
	OpAdd // A B C     R[A] = RK(B) + RK(C)
	OpSub // A B C     R[A] = RK(B) - RK(C)
	OpMul // A B C     R[A] = RK(B) * RK(C)
	OpDiv // A B C     R[A] = RK(B) / RK(C)
	OpMod // A B C     R[A] = mod(RK(B), RK(C))
	OpLt  // A B C     R[A] = RK(B) < RK(C)
	OpLe  // A B C     R[A] = RK(B) <= RK(C)
	OpGt  // A B C     R[A] = RK(B) > RK(C)
	OpGe  // A B C     R[A] = RK(B) >= RK(C)
	OpEq  // A B C     R[A] = (= RK(B) RK(C))
	OpNot // A B       R[A] = not R[B]

	// Control flow. Fused compare-and-branch: IfLt A B sJ jumps when
	// RK(A) < RK(B) is false, so `(if (< a b) x y)` is one instruction plus
	// the branches.
	OpJmp   // sJ        pc += sJ
	OpTest  // A sBx     if R[A] is falsy (nil or false): pc += sBx
	OpTestT // A sBx     if R[A] is truthy: pc += sBx
	OpTestX // A sBx     if R[A] is falsy in the extended sense of step-if/step-loop (also 0, 0.0, "", [], {}): pc += sBx
	OpIfLt  // A B sJ    if !(RK(A) < RK(B)): pc += sJ
	OpIfLe  // A B sJ    if !(RK(A) <= RK(B)): pc += sJ
	OpIfGt  // A B sJ    if !(RK(A) > RK(B)): pc += sJ
	OpIfGe  // A B sJ    if !(RK(A) >= RK(B)): pc += sJ
	OpIfEq  // A B sJ    if !(= RK(A) RK(B)): pc += sJ
	OpIter  // A sBx     R[A] seq, R[A+1] index: if index < len: R[A+2] = R[A][index], R[A+1]++; else pc += sBx

	// Calls. The callee and its arguments sit in consecutive registers.
	//
	// Return types: RETURNTYPE remembers, in the frame, a check of the value
	// the frame finally returns, unless the same function's check is
	// remembered there already (a typed tail-recursive loop enters it again
	// through TAILCALL). RETURN, of whatever function then runs in the
	// frame, applies the remembered checks, the last remembered first; a
	// failure is rt.ValidationError(Types[Bx], v, rt.ReturnWhat(name))
	// positioned at the RETURNTYPE. A call of a delegated function, which
	// does not run its code, checks the host's answer the same way.
	OpCall       // A B       R[A] = R[A](R[A+1..A+B])
	OpTailCall   // A B       return R[A](R[A+1..A+B]), reusing this frame
	OpCallB      // A B C     R[A] = Builtins[C](R[A+1..A+B]) (a builtin bound at compile time)
	OpCallCap    // A B       R[A] = capability R[A] called with R[A+1..A+B] through the host
	OpReturn     // A         return R[A]
	OpReturnType // Bx        first instruction of a function with a return type: remember the check against Types[Bx] (see "Return types")

	// Patterns and checks. The pattern descriptor names the registers it
	// binds; the checks' error messages name what is checked, as the
	// interpreter's do.
	OpDestruct     // A B       destructure R[A] with Patterns[B] (let, parameters); a mismatch raises TypeError
	OpMatch        // A B       if R[A] matches Patterns[B]: bind and skip the next instruction (usually a Jmp to the next clause)
	OpCheckTypeFor // A B C     unless R[A] satisfies Types[B]: raise rt.ValidationError(Types[B], R[A], K[C]) (K[C] names what is checked)
	OpCheckKind    // A B C     unless the kind of R[A] is in the bit set B (1<<value.Kind): raise value.TypeErr(K[C][0], K[C][1], R[A])

	// Errors. A handler of the prototype's handler table catches errors
	// raised between its Start and End pcs (in this frame or a callee) and
	// continues at Target with the error value in R[Reg].
	OpIfKind // A B sJ     if the error R[A] is not of the kind named by K[B]: pc += sJ
	OpThrow  // A         raise the error value R[A] again
	OpRaise  // A B       raise an error of the kind named by K[A] with the message K[B]

	// Steps (§4.14). Steps[Bx] holds the step's name, kind, options and
	// reach; the run gives each step a profile (see internal/rt for what an
	// engine does on step entry and exit). The isolation a step needs is its
	// kind's or its profile's, whichever is stricter; STEPCHECK lets a step
	// with :params refuse before evaluating them. A step that overran its
	// time limit fails, in STEPFAIL, with a catchable SecurityViolation
	// instead of the Timeout. The branches of step-parallel run
	// concurrently, each as a child step of the host; the lowest-numbered
	// branch's error wins, a limit error before any other.
	OpStepCheck // Bx      raise the SecurityViolation of StepBegin if the runtime context denies the isolation step Steps[Bx] needs
	OpStepBegin // A Bx    check isolation, notify the host that step Steps[Bx] starts, run what follows under its profile; R[A] = its handle
	OpStepEnd   // A B     notify the host that the step R[A] completed with R[B]
	OpStepFail  // A B     notify the host that the step R[A] failed with the error R[B]
	OpLoopCheck // A       R[A]++ (an integer); past the step-loop limit raise Generic "Loop exceeded maximum iterations (10000)"
	OpParallel  // A B C   R[A] = vector of the results of the closures R[B..B+C-1] run as the branches of a step-parallel

	// The hottest builtins of one or two operands, with the semantics and
	// errors of the builtin of the same name; the common case (an integer,
	// a vector or map and a key or index in range) takes a fast path and
	// anything else goes through the builtin. They come last so that the
	// opcodes before them keep their numbers.
	OpInc   // A B       R[A] = (inc R[B])
	OpDec   // A B       R[A] = (dec R[B])
	OpZero  // A B       R[A] = (zero? R[B])
	OpCount // A B       R[A] = (count R[B])
	OpGet   // A B C     R[A] = (get RK(B) RK(C))
	OpNth   // A B C     R[A] = (nth RK(B) RK(C))

	opCount // number of opcodes; keep last
)
