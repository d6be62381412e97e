package wasm

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"

	cw "github.com/rtfs-go/rtfs/compiler/wasm"
	"github.com/rtfs-go/rtfs/value"
)

// wasiModule is a module that imports WASI's fd_write, as a module built
// for WASI would.
var wasiModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x09, 0x01, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, // type (i32 i32 i32 i32) -> i32
	0x02, 0x23, 0x01, // one import
	0x16, 'w', 'a', 's', 'i', '_', 's', 'n', 'a', 'p', 's', 'h', 'o', 't', '_', 'p', 'r', 'e', 'v', 'i', 'e', 'w', '1',
	0x08, 'f', 'd', '_', 'w', 'r', 'i', 't', 'e', 0x00, 0x00,
}

func TestModulesImportingAnythingElseAreRefused(t *testing.T) {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	compiled, err := r.CompileModule(ctx, wasiModule)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckImports(compiled); err == nil || !strings.Contains(err.Error(), "wasi_snapshot_preview1.fd_write") {
		t.Fatalf("CheckImports: %v", err)
	}
}

func TestCollectKeepsWhatMemoryNames(t *testing.T) {
	h := NewHeap([]value.Value{value.String("pinned")})
	mem := make([]byte, 64*cw.SlotSize)
	for range minCollect {
		h.Put(value.String("garbage"))
	}
	kept := value.String("kept")
	h.Store(mem, 2*cw.SlotSize, kept, -1)
	h.Store(mem, 3*cw.SlotSize, value.NewCell(value.Int(7)), -1)
	beyond := h.Store(mem, 40*cw.SlotSize, value.String("above the frame"), -1)
	if !h.Due() {
		t.Fatal("a table of more than minCollect handles is not due")
	}
	h.Collect(mem, 0, 10*cw.SlotSize)
	if h.Live() != 3 {
		t.Errorf("%d handles live after collecting, want the pinned one and the two in the frame", h.Live())
	}
	if got := h.Load(mem, 2*cw.SlotSize); got != kept {
		t.Errorf("the kept value reads %v", got)
	}
	if got := h.Load(mem, 3*cw.SlotSize); got.Kind() != value.KCell || got.AsCell().V.AsInt() != 7 {
		t.Errorf("the cell reads %v", got)
	}
	if got := h.Get(1); got.AsString() != "pinned" {
		t.Errorf("the pinned constant reads %v", got)
	}
	if got := h.Get(uint32(beyond)); !got.IsNil() {
		t.Errorf("a handle above the scanned slots survived: %v", got)
	}
	if h.Due() {
		t.Error("due again right after a collection")
	}
	if tag := binary.LittleEndian.Uint64(mem[2*cw.SlotSize:]); tag != cw.TagHandle {
		t.Errorf("a string's tag is %d", tag)
	}
}
