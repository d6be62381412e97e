package isa

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"

	"github.com/rtfs-go/rtfs/value"
)

// The body decoder reads the grammar documented beside Magic from
// untrusted bytes. Like the encoder it keeps the first error and turns every
// later read into a no-op returning zero values, so a count read after a
// failure is 0 and no loop runs on. Every count is checked against the
// bytes left, given the smallest encoding of one element, before anything
// is allocated, and every allocation is charged against MaxDecodedMemory.

// The smallest encodings of the body's elements, in bytes.
const (
	minStr       = 1 // a zero length
	minValue     = 1 // a tag
	minType      = 1 // the nil type
	minTypeField = minValue + minType + 1
	minTypePred  = minStr + minValue
	minPattern   = 2 + 1 + 1 + minValue + 1 + 1 // kind, flags, reg, rest-reg, lit, no keys, no elems
	minStep      = minStr + 2 + 1 + minStr + 1 + 1
	minStruct    = minStr + 1
	minProto     = 11 // a count or one-byte field for each of its parts
	minSection   = minStr + minStr
	minInstr     = 8
	minPos       = 2
	minMapEntry  = 2 * minValue
	minUpval     = 2
	minHandler   = 5
)

type decoder struct {
	body   []byte // the whole input
	rest   []byte // the input not read yet
	budget int    // bytes the decoded module may still allocate
	err    error
}

// decodeBudget is the memory a decoded body of n bytes may take: the
// structures cost more than their encoding (an instruction is 8 bytes
// decoded and as many encoded, a value 32 against one), within
// MaxDecodedMemory.
func decodeBudget(n int) int { return min(MaxDecodedMemory, 1<<20+64*n) }

func decodeBody(body []byte) (*Module, error) {
	d := &decoder{body: body, rest: body, budget: decodeBudget(len(body))}
	m := &Module{}
	m.File = d.str()
	m.Globals = list(d, "global", minStr, d.str)
	m.Builtins = list(d, "builtin", minStr, d.str)
	m.Types = list(d, "type", minType, func() *value.Type { return d.typ(1) })
	m.Patterns = list(d, "pattern", minPattern, func() *Pattern { return d.pattern(1) })
	m.Steps = list(d, "step", minStep, d.step)
	m.TopLevel = d.reach()
	m.Structs = list(d, "struct", minStruct, func() Struct { return Struct{Name: d.str(), Type: d.int()} })
	m.Protos = list(d, "proto", minProto, d.proto)
	// A section costs its name and blob headers, and about as much again
	// in the map's own bookkeeping.
	sectionCost := 2 * int(reflect.TypeFor[string]().Size()+reflect.TypeFor[[]byte]().Size())
	if n := d.count(minSection, sectionCost); n > 0 {
		m.Sections = make(map[string][]byte, n)
		for range n {
			name := d.str()
			blob := d.bytes()
			if _, dup := m.Sections[name]; dup {
				d.fail("section %q appears twice", name)
			}
			m.Sections[name] = blob
		}
	}
	if d.err == nil && len(d.rest) > 0 {
		d.fail("%d bytes of trailing data after the module", len(d.rest))
	}
	if d.err != nil {
		return nil, d.err
	}
	return m, nil
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

func (d *decoder) truncated() { d.fail("the body ends too early") }

// charge takes n bytes from the allocation budget.
func (d *decoder) charge(n int) bool {
	if d.err != nil {
		return false
	}
	if n > d.budget {
		d.fail("the module would take more than %d bytes of memory", decodeBudget(len(d.body)))
		return false
	}
	d.budget -= n
	return true
}

// count reads an element count, checks that the bytes left can hold that
// many elements of at least minSize bytes each, and charges elemSize bytes
// per element.
func (d *decoder) count(minSize, elemSize int) int {
	if d.err != nil {
		return 0
	}
	n, k := binary.Uvarint(d.rest)
	switch {
	case k == 0:
		d.truncated()
		return 0
	case k < 0:
		d.fail("bad count: more than 64 bits")
		return 0
	}
	d.rest = d.rest[k:]
	if n > uint64(len(d.rest)/minSize) {
		d.fail("a count of %d elements cannot fit in the %d bytes left", n, len(d.rest))
		return 0
	}
	if !d.charge(int(n) * elemSize) {
		return 0
	}
	return int(n)
}

// list reads a count followed by that many elements. An error in an element
// is reported with the element's kind and index when kind is not empty
// (nested elements leave it empty, or an error deep in a constant would
// repeat "element 0: " a hundred times).
func list[T any](d *decoder, kind string, minSize int, read func() T) []T {
	n := d.count(minSize, int(reflect.TypeFor[T]().Size()))
	if n == 0 {
		return nil
	}
	out := make([]T, n)
	for i := range out {
		out[i] = read()
		if d.err != nil {
			if kind != "" {
				d.err = fmt.Errorf("%s %d: %w", kind, i, d.err)
			}
			return nil
		}
	}
	return out
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.rest) == 0 {
		d.truncated()
		return 0
	}
	b := d.rest[0]
	d.rest = d.rest[1:]
	return b
}

func (d *decoder) bool() bool {
	switch b := d.byte(); b {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail("bad boolean byte %d", b)
		return false
	}
}

// flags reads a flag byte and rejects bits outside known.
func (d *decoder) flags(known byte) byte {
	f := d.byte()
	if f&^known != 0 {
		d.fail("unknown flag bits %#02x", f&^known)
	}
	return f
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	n, k := binary.Varint(d.rest)
	switch {
	case k == 0:
		d.truncated()
		return 0
	case k < 0:
		d.fail("bad integer: more than 64 bits")
		return 0
	}
	d.rest = d.rest[k:]
	return n
}

func (d *decoder) int() int {
	n := d.varint()
	if n < math.MinInt32 || n > math.MaxInt32 {
		d.fail("%d is out of the int32 range", n)
		return 0
	}
	return int(n)
}

func (d *decoder) uint64() uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.rest) < 8 {
		d.truncated()
		return 0
	}
	u := binary.LittleEndian.Uint64(d.rest)
	d.rest = d.rest[8:]
	return u
}

// bytes reads a length-prefixed byte string, copied out of the body.
func (d *decoder) bytes() []byte {
	n := d.count(1, 1)
	if n == 0 {
		return nil
	}
	b := bytes.Clone(d.rest[:n])
	d.rest = d.rest[n:]
	return b
}

func (d *decoder) str() string { return string(d.bytes()) }

func (d *decoder) strs() []string { return list(d, "", minStr, d.str) }

// deeper reports whether a nested element at depth may be read.
func (d *decoder) deeper(depth int) bool {
	if d.err == nil && depth > MaxNesting {
		d.fail("nested more than %d deep", MaxNesting)
	}
	return d.err == nil
}

func (d *decoder) value(depth int) value.Value {
	if !d.deeper(depth) {
		return value.Nil
	}
	switch tag := d.byte(); tag {
	case tagNil:
		return value.Nil
	case tagFalse:
		return value.False
	case tagTrue:
		return value.True
	case tagInt:
		return value.Int(d.varint())
	case tagFloat:
		return value.Float(math.Float64frombits(d.uint64()))
	case tagString:
		return value.String(d.str())
	case tagKeyword:
		return value.Kw(d.str())
	case tagSymbol:
		return value.Symbol(d.str())
	case tagVector:
		return value.NewVector(list(d, "", minValue, func() value.Value { return d.value(depth + 1) }))
	case tagList:
		return value.NewList(list(d, "", minValue, func() value.Value { return d.value(depth + 1) }))
	case tagMap:
		return d.mapValue(depth)
	default:
		d.fail("unknown constant tag %d", tag)
		return value.Nil
	}
}

func (d *decoder) mapValue(depth int) value.Value {
	entries := list(d, "", minMapEntry, func() value.MapEntry {
		k := d.value(depth + 1)
		if d.err == nil && !value.ValidKey(k) {
			d.fail("a map key must be a keyword, a string or an integer, not %s", aKind(k.Kind()))
		}
		return value.MapEntry{Key: k, Val: d.value(depth + 1)}
	})
	if len(entries) == 0 {
		return value.EmptyMap
	}
	// MapFromEntries sorts a copy of the entries.
	if !d.charge(len(entries) * int(reflect.TypeFor[value.MapEntry]().Size())) {
		return value.Nil
	}
	return value.MapFromEntries(entries)
}

func (d *decoder) values(depth int) []value.Value {
	return list(d, "", minValue, func() value.Value { return d.value(depth) })
}

func (d *decoder) typ(depth int) *value.Type {
	switch present := d.byte(); present {
	case 0:
		return nil
	case 1:
	default:
		d.fail("bad type marker %d", present)
		return nil
	}
	if !d.deeper(depth) || !d.charge(int(reflect.TypeFor[value.Type]().Size())) {
		return nil
	}
	t := &value.Type{Name: d.str(), Optional: d.bool()}
	t.Elems = list(d, "", minType, func() *value.Type { return d.typ(depth + 1) })
	t.Fields = list(d, "", minTypeField, func() value.TypeField {
		return value.TypeField{Key: d.value(depth + 1), Type: d.typ(depth + 1), Optional: d.bool()}
	})
	t.Preds = list(d, "", minTypePred, func() value.TypePred {
		return value.TypePred{Op: d.str(), Arg: d.value(depth + 1)}
	})
	t.Values = d.values(depth + 1)
	return t
}

func (d *decoder) pattern(depth int) *Pattern {
	if !d.deeper(depth) || !d.charge(int(reflect.TypeFor[Pattern]().Size())) {
		return nil
	}
	p := &Pattern{Kind: PatternKind(d.byte())}
	flags := d.flags(patternCell | patternRestCell | patternHasRest)
	p.Cell = flags&patternCell != 0
	p.RestCell = flags&patternRestCell != 0
	p.Reg = d.int()
	p.RestReg = d.int()
	p.Lit = d.value(depth + 1)
	p.Keys = d.values(depth + 1)
	p.Elems = list(d, "", minPattern, func() *Pattern { return d.pattern(depth + 1) })
	if flags&patternHasRest != 0 {
		p.Rest = d.pattern(depth + 1)
	}
	return p
}

func (d *decoder) step() Step {
	return Step{
		Name:          d.str(),
		Kind:          StepKind(d.byte()),
		ExposeContext: int8(d.byte()),
		ContextKeys:   d.strs(),
		MergePolicy:   d.str(),
		Reach:         d.reach(),
	}
}

func (d *decoder) proto() *Proto {
	if !d.charge(int(reflect.TypeFor[Proto]().Size())) {
		return nil
	}
	p := &Proto{Name: d.str(), Params: d.str(), NumParams: d.int(), Variadic: d.bool(), NumRegs: d.int()}
	p.Code = list(d, "instruction", minInstr, func() Instr { return Instr(d.uint64()) })
	p.Pos = list(d, "position", minPos, func() Pos {
		return Pos{Line: int32(d.int()), Col: int32(d.int())}
	})
	p.Consts = list(d, "constant", minValue, func() value.Value { return d.value(1) })
	p.Upvals = list(d, "upvalue", minUpval, func() Upval {
		flags := d.flags(upvalFromParent | upvalCell)
		return Upval{FromParent: flags&upvalFromParent != 0, Cell: flags&upvalCell != 0, Index: d.int()}
	})
	p.Handlers = list(d, "handler", minHandler, func() Handler {
		return Handler{Start: d.int(), End: d.int(), Target: d.int(), Reg: d.int(), Finally: d.bool()}
	})
	p.DelegateTarget = d.str()
	p.DelegateID = d.str()
	return p
}
