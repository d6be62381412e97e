package audit

import (
	"strconv"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"
)

// The programs, built with cilium/ebpf's asm package (no clang, nothing
// generated to commit). Both are raw tracepoints: sys_enter's context holds
// the registers of the call (struct pt_regs *) and its number; sys_exit's
// the registers and the return value.
//
// sys_enter: if the calling task's cgroup v2 id is in slots, count the call
// in counts[slot][nr]; for the calls worth an event, fill the per-CPU
// scratch record (number, ids, three argument registers, and the string or
// socket address one of them points to) and park it in pending under the
// task's pid_tgid.
//
// sys_exit: if the task has a parked record, add the return value (so a
// refusal shows as -EACCES or -EPERM) and send it through the ring buffer;
// when the buffer is full, count the record as dropped in
// counts[slot][droppedIndex]. Then forget it.

// Layout of an event record, in bytes.
const (
	evNr      = 0  // u32 system call number
	evKind    = 4  // u32 what data holds: kindNone, kindString, kindAddr
	evPidTgid = 8  // u64 tgid << 32 | tid
	evTime    = 16 // u64 ktime ns
	evCgroup  = 24 // u64 cgroup v2 id
	evRet     = 32 // s64 return value
	evArgs    = 40 // 3 × u64: di, si, dx
	evData    = 64 // dataSize bytes: a NUL-terminated path or a raw sockaddr
	dataSize  = 256
	evSize    = evData + dataSize
	addrSize  = 28 // sizeof(struct sockaddr_in6)
)

const (
	kindNone   = 0
	kindString = 1
	kindAddr   = 2
)

// Offsets of argument registers in x86-64 struct pt_regs.
const (
	regDI  = 14 * 8
	regSI  = 13 * 8
	regDX  = 12 * 8
	regR10 = 7 * 8
	regR8  = 9 * 8
)

// Counts: per slot, one u64 per call number below droppedIndex, then the
// number of events dropped.
const (
	maxSlots     = 64
	maxNr        = 512
	droppedIndex = maxNr - 1
)

// eventCalls are the calls recorded as events: where their data comes
// from (a register holding a pointer) and what it is.
var eventCalls = []struct {
	nr   int64
	reg  int16
	kind int32
}{
	{unix.SYS_OPENAT, regSI, kindString},
	{unix.SYS_OPENAT2, regSI, kindString},
	{unix.SYS_EXECVE, regDI, kindString},
	{unix.SYS_EXECVEAT, regSI, kindString},
	{unix.SYS_UNLINKAT, regSI, kindString},
	{unix.SYS_RENAMEAT2, regSI, kindString},
	{unix.SYS_MKDIRAT, regSI, kindString},
	{unix.SYS_MOUNT, regSI, kindString},
	{unix.SYS_CONNECT, regSI, kindAddr},
	{unix.SYS_BIND, regSI, kindAddr},
	{unix.SYS_SENDTO, regR8, kindAddr},
	{unix.SYS_SOCKET, 0, kindNone},
	{unix.SYS_PTRACE, 0, kindNone},
	{unix.SYS_KILL, 0, kindNone},
}

func enterProgram(slots, counts, scratch, pending *ebpf.Map) asm.Instructions {
	p := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),               // r6 = ctx
		asm.LoadMem(asm.R7, asm.R6, 8, asm.DWord), // r7 = nr
		asm.FnGetCurrentCgroupId.Call(),
		asm.StoreMem(asm.R10, -8, asm.R0, asm.DWord), // stack[-8] = cgroup id
		asm.LoadMapPtr(asm.R1, slots.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -8),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "out"),
		asm.LoadMem(asm.R8, asm.R0, 0, asm.Word), // r8 = slot
		asm.JGT.Imm(asm.R7, droppedIndex-1, "out"),
		asm.StoreMem(asm.R10, -12, asm.R8, asm.Word),
		asm.LoadMapPtr(asm.R1, counts.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -12),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "out"),
		asm.Mov.Reg(asm.R1, asm.R7),
		asm.LSh.Imm(asm.R1, 3),
		asm.Add.Reg(asm.R0, asm.R1),
		asm.Mov.Imm(asm.R1, 1),
		asm.StoreXAdd(asm.R0, asm.R1, asm.DWord), // counts[slot][nr]++
	}
	for _, c := range eventCalls {
		p = append(p, asm.JEq.Imm(asm.R7, int32(c.nr), eventLabel(c.nr)))
	}
	p = append(p, asm.Ja.Label("out"))
	for _, c := range eventCalls {
		p = append(p,
			asm.Mov.Imm(asm.R8, int32(c.reg)).WithSymbol(eventLabel(c.nr)),
			asm.StoreImm(asm.R10, -16, int64(c.kind), asm.Word),
			asm.Ja.Label("record"))
	}
	p = append(p,
		// r9 = the scratch record
		asm.StoreImm(asm.R10, -20, 0, asm.Word).WithSymbol("record"),
		asm.LoadMapPtr(asm.R1, scratch.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -20),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "out"),
		asm.Mov.Reg(asm.R9, asm.R0),
		asm.StoreMem(asm.R9, evNr, asm.R7, asm.Word),
		asm.LoadMem(asm.R1, asm.R10, -16, asm.Word),
		asm.StoreMem(asm.R9, evKind, asm.R1, asm.Word),
		asm.LoadMem(asm.R1, asm.R10, -8, asm.DWord),
		asm.StoreMem(asm.R9, evCgroup, asm.R1, asm.DWord),
		asm.Mov.Imm(asm.R1, 0),
		asm.StoreMem(asm.R9, evRet, asm.R1, asm.DWord),
		asm.StoreImm(asm.R9, evData, 0, asm.Byte),
		asm.FnGetCurrentPidTgid.Call(),
		asm.StoreMem(asm.R9, evPidTgid, asm.R0, asm.DWord),
		asm.StoreMem(asm.R10, -32, asm.R0, asm.DWord), // stack[-32] = pid_tgid, the pending key
		asm.FnKtimeGetNs.Call(),
		asm.StoreMem(asm.R9, evTime, asm.R0, asm.DWord),
	)
	for i, reg := range []int16{regDI, regSI, regDX} {
		p = append(p,
			asm.Mov.Reg(asm.R1, asm.R9),
			asm.Add.Imm(asm.R1, int32(evArgs+8*i)),
			asm.Mov.Imm(asm.R2, 8),
			asm.LoadMem(asm.R3, asm.R6, 0, asm.DWord),
			asm.Add.Imm(asm.R3, int32(reg)),
			asm.FnProbeReadKernel.Call())
	}
	p = append(p,
		// The data: read the pointer from its register, then what it points to.
		asm.LoadMem(asm.R1, asm.R10, -16, asm.Word),
		asm.JEq.Imm(asm.R1, kindNone, "park"),
		asm.Mov.Reg(asm.R1, asm.R10),
		asm.Add.Imm(asm.R1, -40),
		asm.Mov.Imm(asm.R2, 8),
		asm.LoadMem(asm.R3, asm.R6, 0, asm.DWord),
		asm.Add.Reg(asm.R3, asm.R8),
		asm.FnProbeReadKernel.Call(),
		asm.JNE.Imm(asm.R0, 0, "park"),
		asm.LoadMem(asm.R3, asm.R10, -40, asm.DWord),
		asm.JEq.Imm(asm.R3, 0, "park"),
		asm.Mov.Reg(asm.R1, asm.R9),
		asm.Add.Imm(asm.R1, evData),
		asm.LoadMem(asm.R4, asm.R10, -16, asm.Word),
		asm.JEq.Imm(asm.R4, kindAddr, "addr"),
		asm.Mov.Imm(asm.R2, dataSize),
		asm.FnProbeReadUserStr.Call(),
		asm.Ja.Label("park"),
		asm.Mov.Imm(asm.R2, addrSize).WithSymbol("addr"),
		asm.FnProbeReadUser.Call(),
		// pending[pid_tgid] = *scratch
		asm.LoadMapPtr(asm.R1, pending.FD()).WithSymbol("park"),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -32),
		asm.Mov.Reg(asm.R3, asm.R9),
		asm.Mov.Imm(asm.R4, 0), // BPF_ANY
		asm.FnMapUpdateElem.Call(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("out"),
		asm.Return(),
	)
	return p
}

func exitProgram(slots, counts, pending, events *ebpf.Map) asm.Instructions {
	return asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1), // r6 = ctx
		asm.FnGetCurrentPidTgid.Call(),
		asm.StoreMem(asm.R10, -8, asm.R0, asm.DWord),
		asm.LoadMapPtr(asm.R1, pending.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -8),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "out"),
		asm.Mov.Reg(asm.R7, asm.R0), // r7 = the parked record
		asm.LoadMem(asm.R1, asm.R6, 8, asm.DWord),
		asm.StoreMem(asm.R7, evRet, asm.R1, asm.DWord),
		asm.LoadMapPtr(asm.R1, events.FD()),
		asm.Mov.Reg(asm.R2, asm.R7),
		asm.Mov.Imm(asm.R3, evSize),
		asm.Mov.Imm(asm.R4, 0),
		asm.FnRingbufOutput.Call(),
		asm.JEq.Imm(asm.R0, 0, "forget"),
		// The buffer is full: count the record as dropped.
		asm.LoadMem(asm.R1, asm.R7, evCgroup, asm.DWord),
		asm.StoreMem(asm.R10, -16, asm.R1, asm.DWord),
		asm.LoadMapPtr(asm.R1, slots.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -16),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "forget"),
		asm.LoadMem(asm.R1, asm.R0, 0, asm.Word),
		asm.StoreMem(asm.R10, -20, asm.R1, asm.Word),
		asm.LoadMapPtr(asm.R1, counts.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -20),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "forget"),
		asm.Add.Imm(asm.R0, droppedIndex*8),
		asm.Mov.Imm(asm.R1, 1),
		asm.StoreXAdd(asm.R0, asm.R1, asm.DWord),
		asm.LoadMapPtr(asm.R1, pending.FD()).WithSymbol("forget"),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -8),
		asm.FnMapDeleteElem.Call(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("out"),
		asm.Return(),
	}
}

func eventLabel(nr int64) string { return "ev" + strconv.FormatInt(nr, 10) }
