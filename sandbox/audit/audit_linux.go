// Package audit records what the processes of a confined worker do to the
// kernel, with an eBPF program on the sys_enter and sys_exit raw
// tracepoints (github.com/cilium/ebpf): a count of every system call, and
// an event, with its arguments and return value, for each call that says
// what a program touched (files opened, created, removed, programs run,
// addresses connected to, sockets, signals, ptrace, mounts).
//
// The program is loaded once per process and attached only while some
// worker is watched; it filters on the cgroup v2 id of the watched
// workers' cgroups, so other processes cost a map lookup and are never
// recorded. It audits; it enforces nothing (Landlock and seccomp do).
package audit

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/sandbox/seccomp"
	"golang.org/x/sys/unix"
)

// Event is one recorded system call.
type Event = chain.AuditEvent

// Report is what a watched cgroup did between two Collects.
type Report = chain.Audit

// MaxEvents bounds the events one Report keeps.
const MaxEvents = 256

// ringBytes sizes the ring buffer at about three Reports' worth of
// events: what overflows between two Collects is counted as dropped. A
// larger buffer costs its pages at every load (a MiB is half a
// millisecond).
const ringBytes = 1 << 18

// Auditor owns the loaded program and its maps.
type Auditor struct {
	slots, counts, scratch, pending, events *ebpf.Map
	enter, exit                             *ebpf.Program
	reader                                  *ringbuf.Reader
	// LoadTime is how long loading took (maps, verifier, JIT).
	LoadTime time.Duration

	mu       sync.Mutex
	links    []link.Link
	holds    int               // reasons to stay attached: Holds and Watches
	watches  map[uint64]*Watch // by cgroup id
	freeSlot []uint32
}

var (
	auditorOnce sync.Once
	auditor     *Auditor
	auditorErr  error
)

// Supported reports whether this kernel loads raw tracepoint programs and
// ring buffers, naming what it lacks.
func Supported() error {
	if err := features.HaveProgramType(ebpf.RawTracepoint); err != nil {
		return fmt.Errorf("eBPF raw tracepoints: %w", err)
	}
	if err := features.HaveMapType(ebpf.RingBuf); err != nil {
		return fmt.Errorf("eBPF ring buffers: %w", err)
	}
	return nil
}

// Open returns this process's auditor, loading the program on first use.
func Open() (*Auditor, error) {
	auditorOnce.Do(func() { auditor, auditorErr = load() })
	return auditor, auditorErr
}

func load() (*Auditor, error) {
	start := time.Now()
	// Kernels before 5.11 charge eBPF memory to the locked-memory limit,
	// later ones to the memory cgroup and may refuse raising it: a failure
	// here matters only if creating the maps then fails, which says so.
	// Set by hand rather than through cilium/ebpf's rlimit, whose init
	// probes the kernel in every process that links it: in every worker.
	_ = unix.Setrlimit(unix.RLIMIT_MEMLOCK, &unix.Rlimit{Cur: unix.RLIM_INFINITY, Max: unix.RLIM_INFINITY})
	a := &Auditor{watches: map[uint64]*Watch{}}
	var err error
	newMap := func(spec *ebpf.MapSpec) *ebpf.Map {
		if err != nil {
			return nil
		}
		var m *ebpf.Map
		m, err = ebpf.NewMap(spec)
		return m
	}
	a.slots = newMap(&ebpf.MapSpec{Name: "rtfs_slots", Type: ebpf.Hash, KeySize: 8, ValueSize: 4, MaxEntries: maxSlots})
	a.counts = newMap(&ebpf.MapSpec{Name: "rtfs_counts", Type: ebpf.Array, KeySize: 4, ValueSize: maxNr * 8, MaxEntries: maxSlots})
	a.scratch = newMap(&ebpf.MapSpec{Name: "rtfs_scratch", Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: evSize, MaxEntries: 1})
	a.pending = newMap(&ebpf.MapSpec{Name: "rtfs_pending", Type: ebpf.LRUHash, KeySize: 8, ValueSize: evSize, MaxEntries: 1024})
	a.events = newMap(&ebpf.MapSpec{Name: "rtfs_events", Type: ebpf.RingBuf, MaxEntries: ringBytes})
	if err != nil {
		a.close()
		return nil, fmt.Errorf("eBPF maps: %w", err)
	}
	if a.enter, err = newProgram("rtfs_sys_enter", enterProgram(a.slots, a.counts, a.scratch, a.pending)); err == nil {
		a.exit, err = newProgram("rtfs_sys_exit", exitProgram(a.slots, a.counts, a.pending, a.events))
	}
	if err == nil {
		a.reader, err = ringbuf.NewReader(a.events)
	}
	if err != nil {
		a.close()
		return nil, err
	}
	for i := maxSlots - 1; i >= 0; i-- {
		a.freeSlot = append(a.freeSlot, uint32(i))
	}
	a.LoadTime = time.Since(start)
	return a, nil
}

func newProgram(name string, insns asm.Instructions) (*ebpf.Program, error) {
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{Name: name, Type: ebpf.RawTracepoint, License: "GPL", Instructions: insns})
	if err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			return nil, fmt.Errorf("eBPF program %s: %+v", name, ve)
		}
		return nil, fmt.Errorf("eBPF program %s: %w", name, err)
	}
	return prog, nil
}

func (a *Auditor) close() {
	for _, c := range []interface{ Close() error }{a.reader, a.enter, a.exit, a.slots, a.counts, a.scratch, a.pending, a.events} {
		if c != nil && !isNil(c) {
			c.Close()
		}
	}
}

func isNil(c interface{ Close() error }) bool {
	switch v := c.(type) {
	case *ringbuf.Reader:
		return v == nil
	case *ebpf.Program:
		return v == nil
	case *ebpf.Map:
		return v == nil
	}
	return false
}

// Attached reports whether the programs are attached now.
func (a *Auditor) Attached() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.links) > 0
}

// Watch is one audited cgroup.
type Watch struct {
	a      *Auditor
	id     uint64
	slot   uint32
	last   []uint64
	events []Event
	drops  uint64
}

// Watch starts auditing the cgroup v2 directory dir, attaching the
// programs if nothing was watched.
func (a *Auditor) Watch(dir string) (*Watch, error) {
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.freeSlot) == 0 {
		return nil, fmt.Errorf("eBPF audit: more than %d workers audited at once", maxSlots)
	}
	w := &Watch{a: a, id: st.Ino, slot: a.freeSlot[len(a.freeSlot)-1], last: make([]uint64, maxNr)}
	if err := a.counts.Put(w.slot, make([]byte, maxNr*8)); err != nil {
		return nil, err
	}
	if err := a.slots.Put(w.id, w.slot); err != nil {
		return nil, err
	}
	if err := a.hold(); err != nil {
		a.slots.Delete(w.id)
		return nil, err
	}
	a.freeSlot = a.freeSlot[:len(a.freeSlot)-1]
	a.watches[w.id] = w
	return w, nil
}

// Hold keeps the programs attached until Release, so that a run whose
// steps are audited one after another attaches once: detaching waits for
// the kernel's tracepoint users to drain, and attaching again soon after
// pays for that wait.
func (a *Auditor) Hold() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hold()
}

// Release undoes a Hold.
func (a *Auditor) Release() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.release()
}

func (a *Auditor) hold() error {
	if a.holds == 0 {
		for _, tp := range []struct {
			name string
			prog *ebpf.Program
		}{{"sys_enter", a.enter}, {"sys_exit", a.exit}} {
			l, err := link.AttachRawTracepoint(link.RawTracepointOptions{Name: tp.name, Program: tp.prog})
			if err != nil {
				a.detach()
				return fmt.Errorf("eBPF audit: attaching to %s: %w", tp.name, err)
			}
			a.links = append(a.links, l)
		}
	}
	a.holds++
	return nil
}

func (a *Auditor) release() {
	if a.holds--; a.holds == 0 {
		a.detach()
	}
}

func (a *Auditor) detach() {
	for _, l := range a.links {
		l.Close()
	}
	a.links = nil
}

// Close stops auditing the cgroup; the programs detach when nothing else
// is watched.
func (w *Watch) Close() {
	a := w.a
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.watches[w.id] != w {
		return
	}
	delete(a.watches, w.id)
	a.slots.Delete(w.id)
	a.freeSlot = append(a.freeSlot, w.slot)
	a.release()
}

// Collect returns what the cgroup did since the last Collect (or the
// Watch): the counts' growth and the events the ring buffer holds for it.
// Events are written when the call returns, so every call that returned
// before Collect is in.
func (w *Watch) Collect() (Report, error) {
	a := w.a
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.drain(); err != nil {
		return Report{}, err
	}
	raw := make([]byte, maxNr*8)
	if err := a.counts.Lookup(w.slot, &raw); err != nil {
		return Report{}, err
	}
	r := Report{Syscalls: map[string]uint64{}}
	for nr := range droppedIndex {
		n := binary.LittleEndian.Uint64(raw[nr*8:])
		if d := n - w.last[nr]; d > 0 {
			r.Syscalls[seccomp.Name(uint32(nr))] += d
		}
		w.last[nr] = n
	}
	dropped := binary.LittleEndian.Uint64(raw[droppedIndex*8:])
	r.Dropped = dropped - w.last[droppedIndex] + w.drops
	w.last[droppedIndex] = dropped
	r.Events, w.events, w.drops = w.events, nil, 0
	return r, nil
}

// drain moves every record the ring buffer holds to its watch.
func (a *Auditor) drain() error {
	a.reader.SetDeadline(time.Now())
	for {
		rec, err := a.reader.Read()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil
		}
		if err != nil {
			return err
		}
		e, cgroup := decode(rec.RawSample)
		if w := a.watches[cgroup]; w != nil {
			if len(w.events) < MaxEvents {
				w.events = append(w.events, e)
			} else {
				w.drops++
			}
		}
	}
}

func decode(s []byte) (Event, uint64) {
	if len(s) < evSize {
		return Event{Syscall: "short-record"}, 0
	}
	nr := binary.LittleEndian.Uint32(s[evNr:])
	e := Event{Syscall: seccomp.Name(nr), Pid: uint32(binary.LittleEndian.Uint64(s[evPidTgid:]) >> 32),
		Ret: int64(binary.LittleEndian.Uint64(s[evRet:]))}
	for i := range e.Args {
		e.Args[i] = binary.LittleEndian.Uint64(s[evArgs+8*i:])
	}
	data := s[evData : evData+dataSize]
	switch binary.LittleEndian.Uint32(s[evKind:]) {
	case kindString:
		if i := bytes.IndexByte(data, 0); i >= 0 {
			data = data[:i]
		}
		e.Path = string(data)
	case kindAddr:
		e.Addr = sockaddr(data)
	}
	if e.Ret < 0 && e.Ret > -4096 {
		e.Errno = unix.ErrnoName(unix.Errno(-e.Ret))
	}
	return e, binary.LittleEndian.Uint64(s[evCgroup:])
}

// sockaddr renders the start of a struct sockaddr.
func sockaddr(b []byte) string {
	switch binary.LittleEndian.Uint16(b) {
	case unix.AF_INET:
		return net.JoinHostPort(net.IP(b[4:8]).String(), fmt.Sprint(binary.BigEndian.Uint16(b[2:])))
	case unix.AF_INET6:
		return net.JoinHostPort(net.IP(b[8:24]).String(), fmt.Sprint(binary.BigEndian.Uint16(b[2:])))
	case unix.AF_UNIX:
		return "unix"
	case 0:
		return ""
	}
	return fmt.Sprintf("family %d", binary.LittleEndian.Uint16(b))
}
