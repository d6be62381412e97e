package wasm

import "math"

// code is a buffer of WebAssembly binary encoding: opcodes and LEB128
// immediates, the only two things a module is made of.
type code []byte

func (c *code) byte(b ...byte) { *c = append(*c, b...) }

func (c *code) u32(v uint32) {
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			c.byte(b)
			return
		}
		c.byte(b | 0x80)
	}
}

func (c *code) s64(v int64) {
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && b&0x40 == 0) || (v == -1 && b&0x40 != 0) {
			c.byte(b)
			return
		}
		c.byte(b | 0x80)
	}
}

func (c *code) name(s string) {
	c.u32(uint32(len(s)))
	*c = append(*c, s...)
}

// vec writes a length-prefixed byte string (a section or function body).
func (c *code) vec(b []byte) {
	c.u32(uint32(len(b)))
	*c = append(*c, b...)
}

// Value types, block types and the opcodes the code generator emits.
const (
	tI32   = 0x7f
	tI64   = 0x7e
	tFunc  = 0x60
	tEmpty = 0x40

	opUnreachable        = 0x00
	opBlock              = 0x02
	opLoop               = 0x03
	opIf                 = 0x04
	opElse               = 0x05
	opEnd                = 0x0b
	opBr                 = 0x0c
	opBrTable            = 0x0e
	opReturn             = 0x0f
	opCall               = 0x10
	opCallIndirect       = 0x11
	opReturnCallIndirect = 0x13
	opDrop               = 0x1a
	opLocalGet           = 0x20
	opLocalSet           = 0x21
	opLocalTee           = 0x22
	opGlobalGet          = 0x23
	opGlobalSet          = 0x24
	opI32Load            = 0x28
	opI64Load            = 0x29
	opI64Store           = 0x37
	opMemorySize         = 0x3f
	opMemoryGrow         = 0x40
	opI32Const           = 0x41
	opI64Const           = 0x42
	opI32Eqz             = 0x45
	opI32Eq              = 0x46
	opI32Ne              = 0x47
	opI32LtS             = 0x48
	opI32GtU             = 0x4b
	opI32LeS             = 0x4c
	opI32GeS             = 0x4e
	opI64Eq              = 0x51
	opI64Ne              = 0x52
	opI64LtS             = 0x53
	opI64GtS             = 0x55
	opI64LeS             = 0x57
	opI64GeS             = 0x59
	opI32Add             = 0x6a
	opI32Sub             = 0x6b
	opI32And             = 0x71
	opI32Or              = 0x72
	opI32Shl             = 0x74
	opI64Add             = 0x7c
	opI64Sub             = 0x7d
	opI64Mul             = 0x7e
	opI64RemS            = 0x81
	opF64Lt              = 0x63
	opF64Gt              = 0x64
	opF64Le              = 0x65
	opF64Ge              = 0x66
	opF64Add             = 0xa0
	opF64Sub             = 0xa1
	opF64Mul             = 0xa2
	opI64ReinterpretF64  = 0xbd
	opF64ReinterpretI64  = 0xbf
	opI64ShrU            = 0x88
	opI32WrapI64         = 0xa7
	opI64ExtendI32U      = 0xad
	opPrefixFC           = 0xfc
	fcMemoryCopy         = 0x0a
	fcMemoryFill         = 0x0b
)

func (c *code) i32Const(v int32)   { c.byte(opI32Const); c.s64(int64(v)) }
func (c *code) i64Const(v int64)   { c.byte(opI64Const); c.s64(v) }
func (c *code) localGet(i uint32)  { c.byte(opLocalGet); c.u32(i) }
func (c *code) localSet(i uint32)  { c.byte(opLocalSet); c.u32(i) }
func (c *code) globalGet(i uint32) { c.byte(opGlobalGet); c.u32(i) }
func (c *code) globalSet(i uint32) { c.byte(opGlobalSet); c.u32(i) }
func (c *code) call(f uint32)      { c.byte(opCall); c.u32(f) }

// load and store take the address on the stack and a constant offset;
// the alignment hint is the natural one.
func (c *code) i64Load(offset uint32)  { c.byte(opI64Load, 3); c.u32(offset) }
func (c *code) i64Store(offset uint32) { c.byte(opI64Store, 3); c.u32(offset) }
func (c *code) i32Load(offset uint32)  { c.byte(opI32Load, 2); c.u32(offset) }

// f64Bits is the i64 payload of a float: the host reads it back bit for bit.
func f64Bits(f float64) int64 { return int64(math.Float64bits(f)) }
