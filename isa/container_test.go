package isa

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
)

func TestRoundTrip(t *testing.T) {
	for name, m := range map[string]*Module{"full": fullModule(), "small": smallModule()} {
		t.Run(name, func(t *testing.T) {
			data, err := Encode(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(data, stdlib.Has)
			if err != nil {
				t.Fatal(err)
			}
			if !sameModule(t, got, m) {
				t.Errorf("decoded module differs from the encoded one:\n got %#v\nwant %#v", got, m)
			}
			again, err := Encode(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, data) {
				t.Error("re-encoding the decoded module gives different bytes")
			}
		})
	}
}

// TestRoundTripEdgeValues checks constants whose bits matter: NaN, -0.0,
// extreme integers, empty collections and nesting at the limit.
func TestRoundTripEdgeValues(t *testing.T) {
	nested := value.Int(1)
	for range MaxNesting - 1 {
		nested = value.NewVector([]value.Value{nested})
	}
	consts := []value.Value{
		value.Float(nanWithPayload()), value.Float(negativeZero()),
		value.Int(-1 << 63), value.Int(1<<63 - 1),
		value.EmptyVector, value.EmptyMap, value.String(""), value.Kw("a.b/c"),
		nested,
	}
	m := smallModule()
	m.Protos[0].Consts = append(m.Protos[0].Consts, consts...)
	data, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(data, stdlib.Has)
	if err != nil {
		t.Fatal(err)
	}
	if !sameModule(t, got, m) {
		t.Errorf("constants differ after a round trip:\n got %v\nwant %v", got.Protos[0].Consts, m.Protos[0].Consts)
	}
}

func nanWithPayload() float64 { return math.Float64frombits(0x7ff8_0000_dead_beef) }

func negativeZero() float64 { return math.Float64frombits(1 << 63) }

func TestEncodeRejectsWhatTheFormatCannotCarry(t *testing.T) {
	deep := value.Int(1)
	for range MaxNesting {
		deep = value.NewVector([]value.Value{deep})
	}
	tests := []struct {
		name   string
		mutate func(m *Module)
		want   string
	}{
		{"function constant", func(m *Module) {
			m.Protos[0].Consts[0] = value.Func(stdlib.Lookup("str"))
		}, "proto 0: constant 0: a function cannot be a constant"},
		{"nil proto", func(m *Module) { m.Protos = append(m.Protos, nil) }, "proto 1: a nil proto"},
		{"nil pattern", func(m *Module) { m.Patterns = []*Pattern{nil} }, "pattern 0: a nil pattern"},
		{"deep constant", func(m *Module) { m.Protos[0].Consts[0] = deep }, "nested more than 128 deep"},
		{"int out of range", func(m *Module) { m.Protos[0].NumRegs = 1 << 40 }, "out of the int32 range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := smallModule()
			tt.mutate(m)
			_, err := Encode(m)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Encode error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := Encode(nil); err == nil {
		t.Error("Encode(nil) succeeded")
	}
}

// wrap builds a container around an already compressed body, with a
// correct checksum.
func wrap(version, flags uint16, compressed []byte) []byte {
	out := []byte(Magic)
	out = binary.LittleEndian.AppendUint16(out, version)
	out = binary.LittleEndian.AppendUint16(out, flags)
	out = append(out, compressed...)
	sum := sha256.Sum256(out)
	return append(out, sum[:]...)
}

// compress returns body compressed the way Encode does it.
func compress(t *testing.T, body []byte) []byte {
	t.Helper()
	enc, err := zstdEncoder()
	if err != nil {
		t.Fatal(err)
	}
	return enc.EncodeAll(body, nil)
}

func TestDecodeRejectsBadContainers(t *testing.T) {
	valid, err := Encode(smallModule())
	if err != nil {
		t.Fatal(err)
	}
	body, err := encodeBody(smallModule())
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(valid)
	flipped[headerSize+3] ^= 0x10
	// A zstd frame header declaring 1 GiB of content (single segment,
	// 4-byte content size), followed by an empty raw last block.
	hugeFrame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0, 0, 0, 0x40, 1, 0, 0}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "bad magic"},
		{"text", []byte("(defn f [x] x)\n"), "bad magic"},
		{"magic only", []byte(Magic), "truncated"},
		{"truncated", valid[:len(valid)/2], "checksum mismatch"},
		{"bit flip", flipped, "checksum mismatch"},
		{"version", wrap(Version+1, 0, compress(t, body)), fmt.Sprintf("unsupported format version %d", Version+1)},
		{"flags", wrap(Version, 4, compress(t, body)), "unknown flags 0x0004"},
		{"not zstd", wrap(Version, 0, body), "decompressing the body"},
		{"too large", wrap(Version, 0, hugeFrame), "decompress"},
		{"trailing data", wrap(Version, 0, compress(t, append(bytes.Clone(body), 0))), "1 bytes of trailing data"},
		{"empty body", wrap(Version, 0, compress(t, nil)), "the body ends too early"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode(tt.data, stdlib.Has)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode = %v, %v; want an error containing %q", m, err, tt.want)
			}
		})
	}
}

// TestDecodeBodyRejectsBadStructure feeds hand-made bodies to the structure
// decoder.
func TestDecodeBodyRejectsBadStructure(t *testing.T) {
	// prefix is a module with an empty file name and empty tables up to
	// (not including) the protos count: the step table and the top
	// level's reach included.
	prefix := []byte{0, 0, 0, 0, 0, 0, 0, 0, 0}
	uvarint := func(n uint64) []byte { return binary.AppendUvarint(nil, n) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"huge count", cat([]byte{0}, uvarint(1<<62)), "a count of 4611686018427387904 elements cannot fit in the 0 bytes left"},
		{"count beyond input", cat([]byte{0, 5}, []byte("ab")), "cannot fit in the 2 bytes left"},
		{"bad count varint", cat([]byte{0}, bytes.Repeat([]byte{0xff}, 11)), "bad count"},
		{"float truncated", cat(prefix, []byte{1, 0, 0, 0, 0, 0, 0, 0, 1, tagFloat, 1, 2, 3}), "proto 0: constant 0: the body ends too early"},
		{"bad bool", cat(prefix, []byte{1, 0, 0, 0, 7}, make([]byte, 12)), "proto 0: bad boolean byte 7"},
		{"unknown constant tag", cat(prefix, []byte{1, 0, 0, 0, 0, 1, 0, 0, 1, 99}, make([]byte, 8)), "proto 0: constant 0: unknown constant tag 99"},
		{"float map key", cat(prefix, []byte{1, 0, 0, 0, 0, 1, 0, 0, 1, tagMap, 1, tagFloat}, make([]byte, 8), []byte{tagNil}, make([]byte, 4)), "map key must be a keyword"},
		{"upvalue flags", cat(prefix, []byte{1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0x80, 0}, make([]byte, 4)), "unknown flag bits 0x80"},
		{"int32 overflow", cat(prefix, []byte{1, 0, 0}, binary.AppendVarint(nil, 1<<40), make([]byte, 12)), "out of the int32 range"},
		{"memory budget", cat(prefix, []byte{1, 0, 0, 0, 0, 0, 0, 0, 1, tagVector}, uvarint(uint64(MaxDecodedMemory/value.ValueBytes+1)), make([]byte, MaxDecodedMemory/value.ValueBytes+1)), "more than 536870912 bytes of memory"},
		{"reach unresolved flag", cat([]byte{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7}, make([]byte, 8)), "step 0: bad boolean byte 7"},
		{"duplicate section", cat(prefix, []byte{0, 2, 1, 'a', 0, 1, 'a', 0}), `section "a" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := decodeBody(tt.body)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("decodeBody = %v, %v; want an error containing %q", m, err, tt.want)
			}
		})
	}
}

func TestDecodeBodyBoundsNesting(t *testing.T) {
	body := []byte{0, 0, 0, 1}
	for range MaxNesting + 1 {
		body = append(body, 1, 0, 0, 1) // a type with one element type
	}
	if _, err := decodeBody(body); err == nil || !strings.Contains(err.Error(), "type 0: nested more than 128 deep") {
		t.Errorf("decodeBody error = %v, want the nesting limit", err)
	}
}

// sameModule reports whether two modules encode to the same bytes.
// reflect.DeepEqual cannot tell: a Value's data sits behind an
// unsafe.Pointer, which it compares by address.
func sameModule(t testing.TB, a, b *Module) bool {
	t.Helper()
	x, err := Encode(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := Encode(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}
