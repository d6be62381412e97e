// Package wasm compiles the register bytecode of package isa to a
// WebAssembly module, one WASM function per prototype.
//
// # The machine
//
// The registers of every frame live in linear memory, a shadow stack of
// 16-byte slots: an i64 tag and an i64 payload. Integers, floats,
// booleans and nil are unboxed (the payload is the value); every other
// value is a handle, an index into a table the host keeps per instance
// (sandbox/wasm), so the host finds every live handle by reading memory
// and can collect the table while a long step runs. A closure's handle
// carries its prototype's index in the payload's high half, so a call of a
// closure is a call_indirect through the module's function table with no
// host involvement; a tail call is a return_call_indirect.
//
// A frame's registers start at its frame pointer fp; the slot just below
// it, fp-16, holds the callee and receives the result, as in the VM: the
// caller's CALL A B puts the callee frame at its own R[A+1], where the
// arguments already are. Each function is a loop around a chain of
// blocks, one per basic block of the bytecode: a forward jump is a br, a
// backward jump (or a catch) sets the pc and goes through the br_table at
// the loop head. Entering at any pc is therefore free, which is how the VM
// hands a sandboxed step to WASM in the middle of a function.
//
// The fast paths (moves, constants, integer arithmetic and comparison,
// tests, global reads, calls, returns) run in WASM. Every other
// instruction is one call of the host import op, which runs it on the
// host's machine with the shared builtins and returns a status: 0 to go
// on, 1 on an error (the host holds it), 2 when a branch is taken. An
// error goes to the function's fail block, which asks the host (raise) for
// the handler covering the pc; the host puts the error value in the
// handler's register, or the function returns 1 and its caller raises it
// at its call. The imports are the module "rtfs" below and nothing else.
package wasm

// Tags of a slot. A slot of zero bytes is nil.
const (
	TagNil     = 0
	TagBool    = 1
	TagInt     = 2
	TagFloat   = 3
	TagHandle  = 4 // any other value: the payload indexes the host's table
	TagClosure = 5 // a closure that runs in WASM: handle | proto index << 32
	TagCell    = 6 // a cell (isa package doc): a handle
	TagUnbound = 7 // a global slot the program has not defined
)

// SlotSize is the size of a register or global slot in linear memory.
const SlotSize = 16

// Fixed words of linear memory.
const (
	AddrChecks   = 0  // i32: return checks remembered by the host (RETURNTYPE)
	AddrMaxDepth = 4  // i32: the call depth limit
	AddrExitFP   = 8  // i32: the frame whose step region the host runs (0: none)
	AddrExitPC   = 12 // i32: the pc where that frame returns to the host (StatusExit)
	AddrGlobals  = 64 // the global slots, then the stack
)

// StackBase is the address of the first frame's callee slot in a module
// with globals global slots; its registers start one slot above.
func StackBase(globals int) uint32 { return AddrGlobals + uint32(globals)*SlotSize }

// Status codes of the functions and of the imports.
const (
	StatusOK    = 0
	StatusError = 1
	StatusJump  = 2 // op: the branch is taken (or MATCH matched)
	StatusExit  = 3 // the frame of the step region the host runs reached its end (AddrExitPC)
)

// Poll codes of the import poll.
const (
	PollTick          = 0 // the event budget ran out: look at the clock and the heap
	PollStackOverflow = 1 // the depth limit or the stack's memory ran out
)

// PollInterval is the event budget between polls, as the VM's.
const PollInterval = 1024

// Imports are the host functions the module imports from the module
// "rtfs", in the order of their function indices, with their signatures:
//
//	op(fn, pc i32, fp i32, closure i64) i32       run instruction pc of Protos[fn]
//	raise(fn, pc, fp, mark, site i32) i32         handle the pending error at pc: the handler's target, or -1
//	enter(fn, fp, nargs, site i32) i32            check the arity and lay out a variadic call
//	remember(fn, pc, mark i32) i32                RETURNTYPE at pc, for the frame whose checks start at mark
//	ret(fn, fp, mark i32) i32                     apply the frame's return checks to its result
//	poll(code i32) i32                            a PollTick or PollStackOverflow
//	upval(closure i64, index, fn, fp, a i32) i32  R[a] = the closure's upvalue index (GETUPVAL in Protos[fn])
var Imports = []string{"op", "raise", "enter", "remember", "ret", "poll", "upval"}

// ImportModule is the module name of the imports.
const ImportModule = "rtfs"

// Exports of the module.
const (
	// ExportCall is call(fn, fp i32, closure i64, nargs, pc, mark i32) i32:
	// run Protos[fn] on the frame at fp from pc (0: a call, after its
	// arguments were stored from fp on).
	ExportCall   = "call"
	ExportMemory = "memory"
	ExportDepth  = "depth" // mutable i32 global: the call depth
)
