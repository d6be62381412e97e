package isa

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// The .rtfsb container. A file is a fixed header, the encoded module
// compressed with zstd, and a SHA-256 checksum; all integers in the header
// are little-endian.
//
//	offset  size  field
//	0       6     magic "RTFSB\x00"
//	6       2     format version (Version)
//	8       2     flags: none is defined yet, so 0; a reader rejects bits it does not know
//	10      n     body: the encoded module (see below), compressed as zstd frames
//	10+n    32    SHA-256 of bytes [0, 10+n): the header and the compressed body
//
// The checksum covers the compressed bytes so that a damaged file is turned
// away before it reaches the decompressor, and it covers the header so a
// flipped version or flag bit is caught too. The body may decompress to at
// most MaxBodySize bytes.
//
// The body is a sequence of sections in a fixed order. In the grammar
// below, uvarint and varint are the encodings of encoding/binary (varint
// zig-zagged); an int is a varint within the int32 range; a count is a
// uvarint; X* is a count followed by that many X; a bool is a byte 0 or 1.
//
//	module   = file:str globals:str* builtins:str* types:type* patterns:pattern*
//	           steps:step* top-level:reach structs:struct* protos:proto*
//	           sections:(name:str blob:bytes)*
//	str      = bytes = count followed by that many bytes
//	proto    = name:str params:int variadic:bool regs:int code:u64* pos:(line:int col:int)*
//	           consts:value* upvals:upval* handlers:handler* delegate-target:str delegate-id:str
//	u64      = 8 bytes, one instruction
//	upval    = flags:byte (1 from parent, 2 cell) index:int
//	handler  = start:int end:int target:int reg:int finally:bool
//	value    = 0 nil | 1 false | 2 true | 3 int:varint (64-bit) | 4 float:8 bytes (IEEE-754 bits)
//	         | 5 string:str | 6 keyword:str | 7 vector:value* | 8 map:(key:value val:value)*
//	         | 9 symbol:str | 10 list:value*
//	type     = 0 (nil: no constraint) | 1 name:str optional:bool elems:type*
//	           fields:(key:value type optional:bool)* preds:(op:str arg:value)* values:value*
//	pattern  = kind:byte flags:byte (1 cell, 2 rest cell, 4 has rest) reg:int rest-reg:int
//	           lit:value keys:value* elems:pattern* [rest:pattern]
//	step     = name:str kind:byte expose-context:byte (int8) context-keys:str* merge-policy:str
//	           reach
//	reach    = capabilities:str* unresolved:bool
//	struct   = name:str type:int
//
// Sections are written sorted by name. Types, patterns and values nest at
// most MaxNesting deep. Decode checks every count against the bytes left
// before allocating and charges what it builds against MaxDecodedMemory, so
// a corrupt count cannot make it allocate more than the input justifies.
const (
	// Magic opens every .rtfsb file.
	Magic = "RTFSB\x00"
	// Version is the format version this package writes and reads.
	// Version 2 added step profiles and the flags byte of instructions
	// (TailMark) and dropped the opcodes the compiler never emitted.
	// Version 3 dropped TailMark, which builtin calls carried in tail
	// position when they counted towards the call depth: no flag is
	// defined now. Version 4 stores what each step reaches (capability
	// ids) instead of a profile, which the run derives itself. Version 5
	// stores each function's parameter list, for the hint of an arity
	// error, and has the instructions of the hottest builtins (INC...NTH).
	Version = 5
	// MaxBodySize bounds the decompressed body.
	MaxBodySize = 256 << 20
	// MaxDecodedMemory bounds the memory the decoded module may take.
	MaxDecodedMemory = 512 << 20
	// MaxNesting bounds the depth of types, patterns and constants.
	MaxNesting = 128
)

const (
	headerSize   = len(Magic) + 2 + 2
	checksumSize = sha256.Size
)

// The zstd coders are expensive to build and safe for concurrent use, so
// the package keeps one of each, made on first use; the decoder writes no
// more than the capacity of the buffer each file's limit sizes. A single
// segment frame always declares its size, so that loading allocates what
// the body needs rather than the limit (a megabyte at least). The decoder
// decodes one body at a time: a program is loaded once, and setting up
// decoders for concurrent loads nobody makes is a cost of every start.
var (
	zstdEncoder = sync.OnceValues(func() (*zstd.Encoder, error) {
		return zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBetterCompression), zstd.WithEncoderConcurrency(1),
			zstd.WithSingleSegment(true))
	})
	zstdDecoder = sync.OnceValues(func() (*zstd.Decoder, error) {
		return zstd.NewReader(nil, zstd.WithDecoderMaxMemory(MaxBodySize), zstd.WithDecodeAllCapLimit(true),
			zstd.WithDecoderConcurrency(1))
	})
)

// Encode writes m as a .rtfsb file. It does not verify m (the compiler's
// tests write deliberately broken modules); it fails only on what the format
// cannot carry: a nil function, pattern or step element, a constant that is
// not nil, a boolean, a number, a string, a keyword or a vector or map of
// those, nesting deeper than MaxNesting, an int outside the int32 range, or
// a body larger than MaxBodySize.
func Encode(m *Module) ([]byte, error) {
	body, err := encodeBody(m)
	if err != nil {
		return nil, err
	}
	enc, err := zstdEncoder()
	if err != nil {
		return nil, fmt.Errorf("starting the zstd encoder: %w", err)
	}
	out := make([]byte, headerSize, headerSize+len(body)/2+checksumSize)
	copy(out, Magic)
	binary.LittleEndian.PutUint16(out[len(Magic):], Version)
	binary.LittleEndian.PutUint16(out[len(Magic)+2:], 0)
	out = enc.EncodeAll(body, out)
	sum := sha256.Sum256(out)
	return append(out, sum[:]...), nil
}

// Digest is the hex SHA-256 of m's encoding before compression: the same
// for a program compiled from source and for its .rtfsb.
func Digest(m *Module) (string, error) {
	body, err := encodeBody(m)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), nil
}

// HasMagic reports whether data starts like a .rtfsb file.
func HasMagic(data []byte) bool { return bytes.HasPrefix(data, []byte(Magic)) }

// BuiltinSet reports whether name is a builtin the reader of a module can
// bind. The instruction format names builtins but does not define them, so
// whoever will run the module says which names are good.
type BuiltinSet func(name string) bool

// Decode reads a .rtfsb file and verifies the module it holds (see Verify).
// Its errors say what is wrong with the file, in words meant to follow
// "not a valid rtfs bytecode file: ".
func Decode(data []byte, builtins BuiltinSet) (*Module, error) {
	body, err := openContainer(data)
	if err != nil {
		return nil, err
	}
	m, err := decodeBody(body)
	if err != nil {
		return nil, err
	}
	if err := Verify(m, builtins); err != nil {
		return nil, err
	}
	return m, nil
}

// openContainer checks the header and the checksum and returns the
// decompressed body.
func openContainer(data []byte) ([]byte, error) {
	if !bytes.HasPrefix(data, []byte(Magic)) {
		return nil, errors.New("bad magic: the file does not start with \"RTFSB\\x00\"")
	}
	if len(data) < headerSize+checksumSize {
		return nil, fmt.Errorf("truncated: %d bytes is shorter than the smallest file (%d bytes)", len(data), headerSize+checksumSize)
	}
	if v := binary.LittleEndian.Uint16(data[len(Magic):]); v != Version {
		return nil, fmt.Errorf("unsupported format version %d (this build reads version %d)", v, Version)
	}
	if flags := binary.LittleEndian.Uint16(data[len(Magic)+2:]); flags != 0 {
		return nil, fmt.Errorf("unknown flags %#04x", flags)
	}
	signed, sum := data[:len(data)-checksumSize], data[len(data)-checksumSize:]
	if want := sha256.Sum256(signed); !bytes.Equal(sum, want[:]) {
		return nil, errors.New("checksum mismatch: the file is truncated or corrupt")
	}
	compressed := signed[headerSize:]
	limit := maxExpansion(len(compressed))
	// The frame header declares the size when the encoder knew it, as
	// Encode's does: a file claiming more is refused before anything is
	// allocated, and the decoder never writes past the capacity it is
	// given, so a frame that declares nothing, or lies, stops at the limit.
	var head zstd.Header
	if err := head.Decode(compressed); err == nil && head.HasFCS {
		if head.FrameContentSize > uint64(limit) {
			return nil, fmt.Errorf("the body would decompress to %d bytes, more than %d for a file of %d bytes", head.FrameContentSize, limit, len(data))
		}
		limit = int(head.FrameContentSize)
	}
	dec, err := zstdDecoder()
	if err != nil {
		return nil, fmt.Errorf("starting the zstd decoder: %w", err)
	}
	body, err := dec.DecodeAll(compressed, make([]byte, 0, limit))
	switch {
	case errors.Is(err, zstd.ErrDecoderSizeExceeded):
		return nil, fmt.Errorf("the body decompresses to more than %d bytes, the most a file of %d bytes may hold", limit, len(data))
	case err != nil:
		return nil, fmt.Errorf("decompressing the body: %w", err)
	}
	return body, nil
}

// maxExpansion is the most a compressed body of n bytes may decompress
// to: code and constants compress well, but a container that expands a
// thousand times is a bomb, not a program.
func maxExpansion(n int) int { return min(MaxBodySize, 1<<20+64*n) }
