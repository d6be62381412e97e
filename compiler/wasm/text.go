package wasm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// WriteText prints a module of this package in the WebAssembly text
// format, decoded from its binary: the sections, then each function's
// instructions, indented by block.
func WriteText(w io.Writer, bin []byte) error {
	r := &reader{b: bin}
	if !strings.HasPrefix(string(bin), "\x00asm\x01\x00\x00\x00") {
		return errors.New("wasm: not a WebAssembly 1 module")
	}
	r.i = 8
	p := &printer{w: w}
	p.line(0, "(module")
	for r.i < len(r.b) && r.err == nil {
		id := r.byte()
		size := int(r.u32())
		end := r.i + size
		if end > len(r.b) {
			return errors.New("wasm: section past the end")
		}
		body := &reader{b: r.b[:end], i: r.i}
		p.section(id, body)
		if body.err != nil {
			return body.err
		}
		r.i = end
	}
	p.line(0, ")")
	if r.err != nil {
		return r.err
	}
	return p.err
}

type reader struct {
	b   []byte
	i   int
	err error
}

func (r *reader) byte() byte {
	if r.i >= len(r.b) {
		r.err = errors.New("wasm: truncated")
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

func (r *reader) u32() uint32 {
	v, n := binary.Uvarint(r.b[min(r.i, len(r.b)):])
	if n <= 0 {
		r.err = errors.New("wasm: bad LEB128")
		return 0
	}
	r.i += n
	return uint32(v)
}

func (r *reader) s64() int64 {
	var v int64
	var shift uint
	for {
		b := r.byte()
		v |= int64(b&0x7f) << shift
		shift += 7
		if b&0x80 == 0 {
			if shift < 64 && b&0x40 != 0 {
				v |= -1 << shift
			}
			return v
		}
		if r.err != nil || shift > 63 {
			r.err = errors.New("wasm: bad LEB128")
			return 0
		}
	}
}

func (r *reader) name() string {
	n := int(r.u32())
	if r.i+n > len(r.b) {
		r.err = errors.New("wasm: truncated name")
		return ""
	}
	s := string(r.b[r.i : r.i+n])
	r.i += n
	return s
}

type printer struct {
	w   io.Writer
	err error
	// imports counts the imported functions: defined functions are
	// numbered after them.
	imports int
}

func (p *printer) line(indent int, format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, "%s%s\n", strings.Repeat("  ", indent), fmt.Sprintf(format, args...))
	}
}

var typeNames = map[byte]string{tI32: "i32", tI64: "i64"}

func valueTypes(r *reader) string {
	n := int(r.u32())
	names := make([]string, n)
	for i := range names {
		names[i] = typeNames[r.byte()]
	}
	return strings.Join(names, " ")
}

func (p *printer) section(id byte, r *reader) {
	switch id {
	case 1:
		for i := range r.u32() {
			r.byte()
			params := valueTypes(r)
			p.line(1, "(type %d (func (param %s) (result %s)))", i, params, valueTypes(r))
		}
	case 2:
		n := int(r.u32())
		for i := range n {
			mod, name := r.name(), r.name()
			r.byte()
			p.line(1, "(import %q %q (func %d (type %d)))", mod, name, i, r.u32())
		}
		p.imports = n
	case 3:
		for i := range r.u32() {
			p.line(1, "(func %d (type %d))", p.imports+int(i), r.u32())
		}
	case 4:
		r.u32()
		r.byte()
		r.byte()
		p.line(1, "(table %d %d funcref)", r.u32(), r.u32())
	case 5:
		r.u32()
		r.byte()
		p.line(1, "(memory %d %d)", r.u32(), r.u32())
	case 6:
		for i := range r.u32() {
			t := typeNames[r.byte()]
			r.byte()
			r.byte()
			v := r.s64()
			r.byte()
			p.line(1, "(global %d (mut %s) (i32.const %d))", i, t, v)
		}
	case 7:
		kinds := []string{"func", "table", "memory", "global"}
		for range r.u32() {
			name := r.name()
			kind := r.byte()
			p.line(1, "(export %q (%s %d))", name, kinds[min(int(kind), 3)], r.u32())
		}
	case 9:
		r.u32()
		r.u32()
		r.byte()
		offset := r.s64()
		r.byte()
		n := int(r.u32())
		funcs := make([]string, n)
		for i := range funcs {
			funcs[i] = fmt.Sprint(r.u32())
		}
		p.line(1, "(elem (i32.const %d) func %s)", offset, strings.Join(funcs, " "))
	case 10:
		for i := range r.u32() {
			size := int(r.u32())
			body := &reader{b: r.b[:r.i+size], i: r.i}
			p.function(p.imports+int(i), body)
			if body.err != nil {
				r.err = body.err
				return
			}
			r.i += size
		}
	default:
		p.line(1, ";; section %d, %d bytes", id, len(r.b)-r.i)
		r.i = len(r.b)
	}
}

// immediates say how each opcode's immediates print.
var instrs = map[byte]struct {
	name string
	imm  string // "": none; u: a u32; s: a signed LEB; m: align and offset; b: a block type; t: a br_table; c: type and table
}{
	opUnreachable: {"unreachable", ""}, opBlock: {"block", "b"}, opLoop: {"loop", "b"}, opIf: {"if", "b"},
	opElse: {"else", ""}, opEnd: {"end", ""}, opBr: {"br", "u"}, opBrTable: {"br_table", "t"},
	opReturn: {"return", ""}, opCall: {"call", "u"}, opCallIndirect: {"call_indirect", "c"},
	opReturnCallIndirect: {"return_call_indirect", "c"}, opDrop: {"drop", ""},
	opLocalGet: {"local.get", "u"}, opLocalSet: {"local.set", "u"}, opLocalTee: {"local.tee", "u"},
	opGlobalGet: {"global.get", "u"}, opGlobalSet: {"global.set", "u"},
	opI32Load: {"i32.load", "m"}, opI64Load: {"i64.load", "m"}, opI64Store: {"i64.store", "m"},
	opMemorySize: {"memory.size", "u"}, opMemoryGrow: {"memory.grow", "u"},
	opI32Const: {"i32.const", "s"}, opI64Const: {"i64.const", "s"},
	opI32Eqz: {"i32.eqz", ""}, opI32Eq: {"i32.eq", ""}, opI32Ne: {"i32.ne", ""}, opI32LtS: {"i32.lt_s", ""},
	opI32GtU: {"i32.gt_u", ""}, opI32LeS: {"i32.le_s", ""}, opI32GeS: {"i32.ge_s", ""},
	0x50: {"i64.eqz", ""}, opI64Eq: {"i64.eq", ""}, opI64Ne: {"i64.ne", ""}, opI64LtS: {"i64.lt_s", ""},
	opI64GtS: {"i64.gt_s", ""}, opI64LeS: {"i64.le_s", ""}, opI64GeS: {"i64.ge_s", ""},
	opI32Add: {"i32.add", ""}, opI32Sub: {"i32.sub", ""}, opI32And: {"i32.and", ""}, opI32Or: {"i32.or", ""},
	opI32Shl: {"i32.shl", ""}, opI64Add: {"i64.add", ""}, opI64Sub: {"i64.sub", ""}, opI64Mul: {"i64.mul", ""}, opI64RemS: {"i64.rem_s", ""},
	opF64Lt: {"f64.lt", ""}, opF64Gt: {"f64.gt", ""}, opF64Le: {"f64.le", ""}, opF64Ge: {"f64.ge", ""},
	opF64Add: {"f64.add", ""}, opF64Sub: {"f64.sub", ""}, opF64Mul: {"f64.mul", ""},
	opI64ReinterpretF64: {"i64.reinterpret_f64", ""}, opF64ReinterpretI64: {"f64.reinterpret_i64", ""},
	opI64ShrU: {"i64.shr_u", ""}, opI32WrapI64: {"i32.wrap_i64", ""}, opI64ExtendI32U: {"i64.extend_i32_u", ""},
}

func (p *printer) function(index int, r *reader) {
	var locals []string
	for range r.u32() {
		n := r.u32()
		t := typeNames[r.byte()]
		for range n {
			locals = append(locals, t)
		}
	}
	p.line(1, "(func %d (local %s)", index, strings.Join(locals, " "))
	depth := 2
	for r.i < len(r.b) && r.err == nil {
		op := r.byte()
		if op == opPrefixFC {
			switch sub := r.u32(); sub {
			case fcMemoryCopy:
				r.byte()
				r.byte()
				p.line(depth, "memory.copy")
			case fcMemoryFill:
				r.byte()
				p.line(depth, "memory.fill")
			default:
				r.err = fmt.Errorf("wasm: unknown instruction 0xfc %d", sub)
			}
			continue
		}
		in, ok := instrs[op]
		if !ok {
			r.err = fmt.Errorf("wasm: unknown opcode 0x%02x", op)
			return
		}
		if op == opEnd || op == opElse {
			depth--
		}
		text := in.name
		switch in.imm {
		case "u":
			text += fmt.Sprintf(" %d", r.u32())
		case "s":
			text += fmt.Sprintf(" %d", r.s64())
		case "m":
			r.u32()
			if off := r.u32(); off != 0 {
				text += fmt.Sprintf(" offset=%d", off)
			}
		case "b":
			r.byte()
		case "c":
			text += fmt.Sprintf(" (type %d)", r.u32())
			r.u32()
		case "t":
			n := int(r.u32())
			labels := make([]string, n+1)
			for i := range labels {
				labels[i] = fmt.Sprint(r.u32())
			}
			text += " " + strings.Join(labels, " ")
		}
		if op == opEnd && r.i == len(r.b) {
			p.line(1, ")") // the function's own end
			return
		}
		p.line(depth, "%s", text)
		if op == opBlock || op == opLoop || op == opIf || op == opElse {
			depth++
		}
	}
}
