package wasm

import (
	"encoding/binary"
	"math"
	"slices"

	cw "github.com/rtfs-go/rtfs/compiler/wasm"
	"github.com/rtfs-go/rtfs/value"
)

// Heap is the table behind the handles of one instance. Handles 1..pinned
// are the module's constants; the others are collected: Collect keeps
// those that a slot of linear memory still names and frees the rest, so a
// step that loops long building garbage keeps the table small.
type Heap struct {
	values []value.Value // index 0 is no handle
	free   []uint32
	pinned int
	// next is the table size at which Collect next runs.
	next int
	mark []bool
}

// minCollect is the smallest table Collect bothers with.
const minCollect = 4096

// NewHeap returns a heap whose first handles are consts.
func NewHeap(consts []value.Value) *Heap {
	h := &Heap{values: make([]value.Value, 1, 1+len(consts)+minCollect), next: minCollect}
	h.values = append(h.values, consts...)
	h.pinned = len(consts)
	return h
}

// Put gives v a handle.
func (h *Heap) Put(v value.Value) uint64 {
	if n := len(h.free); n > 0 {
		i := h.free[n-1]
		h.free = h.free[:n-1]
		h.values[i] = v
		return uint64(i)
	}
	h.values = append(h.values, v)
	return uint64(len(h.values) - 1)
}

// Get is the value of handle i (nil for no handle).
func (h *Heap) Get(i uint32) value.Value {
	if int(i) >= len(h.values) {
		return value.Nil
	}
	return h.values[i]
}

// Size is the number of handles the table has room for now, free or not.
func (h *Heap) Size() int { return len(h.values) - 1 }

// Live is the number of handles in use.
func (h *Heap) Live() int { return len(h.values) - 1 - len(h.free) }

// Due reports whether the table has grown enough since the last
// collection to collect it again.
func (h *Heap) Due() bool { return len(h.values)-len(h.free) >= h.next }

// Collect frees every handle no slot of mem[from:to] names, but the pinned
// ones, and sets the size of the next collection to twice what survived.
func (h *Heap) Collect(mem []byte, from, to uint32) {
	h.mark = slices.Grow(h.mark[:0], len(h.values))[:len(h.values)]
	clear(h.mark)
	for addr := from; addr+cw.SlotSize <= to; addr += cw.SlotSize {
		tag := binary.LittleEndian.Uint64(mem[addr:])
		if tag < cw.TagHandle || tag > cw.TagCell {
			continue
		}
		if i := uint32(binary.LittleEndian.Uint64(mem[addr+8:])); int(i) < len(h.mark) {
			h.mark[i] = true
		}
	}
	h.free = h.free[:0]
	for i := len(h.values) - 1; i > h.pinned; i-- {
		if !h.mark[i] {
			h.values[i] = value.Nil
			h.free = append(h.free, uint32(i))
		}
	}
	h.next = max(minCollect, 2*h.Live())
}

// Store writes v into the slot at addr and returns its payload; fn is the
// prototype of a closure that runs in WASM, -1 for any other value.
func (h *Heap) Store(mem []byte, addr uint32, v value.Value, fn int) uint64 {
	var tag, payload uint64
	switch v.Kind() {
	case value.KNil:
	case value.KBool:
		tag = cw.TagBool
		if v.Truthy() {
			payload = 1
		}
	case value.KInt:
		tag, payload = cw.TagInt, uint64(v.AsInt())
	case value.KFloat:
		tag, payload = cw.TagFloat, math.Float64bits(v.AsFloat())
	case value.KCell:
		tag, payload = cw.TagCell, h.Put(v)
	default:
		tag, payload = cw.TagHandle, h.Put(v)
		if fn >= 0 {
			tag, payload = cw.TagClosure, payload|uint64(fn)<<32
		}
	}
	binary.LittleEndian.PutUint64(mem[addr:], tag)
	binary.LittleEndian.PutUint64(mem[addr+8:], payload)
	return payload
}

// Load reads the slot at addr.
func (h *Heap) Load(mem []byte, addr uint32) value.Value {
	return h.Value(binary.LittleEndian.Uint64(mem[addr:]), binary.LittleEndian.Uint64(mem[addr+8:]))
}

// Value is the value of a slot's tag and payload.
func (h *Heap) Value(tag, payload uint64) value.Value {
	switch tag {
	case cw.TagBool:
		return value.Bool(payload != 0)
	case cw.TagInt:
		return value.Int(int64(payload))
	case cw.TagFloat:
		return value.Float(math.Float64frombits(payload))
	case cw.TagHandle, cw.TagClosure, cw.TagCell:
		return h.Get(uint32(payload))
	}
	return value.Nil
}
