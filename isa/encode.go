package isa

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/rtfs-go/rtfs/value"
)

// The body encoder writes the grammar documented beside Magic. Writes do
// not fail one by one: the first problem is kept in err, later writes are
// skipped, and the loops over the module's tables report it with the index
// of the element that caused it.

// Tags of encoded constants.
const (
	tagNil byte = iota
	tagFalse
	tagTrue
	tagInt
	tagFloat
	tagString
	tagKeyword
	tagVector
	tagMap
	tagSymbol // a quoted symbol (A36)
	tagList   // a quoted list
)

// Flag bits of encoded upvalue descriptors and patterns.
const (
	upvalFromParent = 1 << 0
	upvalCell       = 1 << 1

	patternCell     = 1 << 0
	patternRestCell = 1 << 1
	patternHasRest  = 1 << 2
)

type encoder struct {
	buf []byte
	err error
}

func encodeBody(m *Module) ([]byte, error) {
	if m == nil {
		return nil, errors.New("no module")
	}
	e := &encoder{}
	e.str(m.File)
	e.strs(m.Globals)
	e.strs(m.Builtins)
	e.count(len(m.Types))
	for i, t := range m.Types {
		e.typ(t, 1)
		if e.err != nil {
			return nil, fmt.Errorf("type %d: %w", i, e.err)
		}
	}
	e.count(len(m.Patterns))
	for i, p := range m.Patterns {
		e.pattern(p, 1)
		if e.err != nil {
			return nil, fmt.Errorf("pattern %d: %w", i, e.err)
		}
	}
	e.count(len(m.Steps))
	for i, s := range m.Steps {
		e.step(s)
		if e.err != nil {
			return nil, fmt.Errorf("step %d: %w", i, e.err)
		}
	}
	e.reach(m.TopLevel)
	e.count(len(m.Structs))
	for i, s := range m.Structs {
		e.str(s.Name)
		e.int(s.Type)
		if e.err != nil {
			return nil, fmt.Errorf("struct %d: %w", i, e.err)
		}
	}
	e.count(len(m.Protos))
	for i, p := range m.Protos {
		e.proto(p)
		if e.err != nil {
			return nil, fmt.Errorf("proto %d: %w", i, e.err)
		}
	}
	names := make([]string, 0, len(m.Sections))
	for name := range m.Sections {
		names = append(names, name)
	}
	slices.Sort(names)
	e.count(len(names))
	for _, name := range names {
		e.str(name)
		e.bytes(m.Sections[name])
	}
	if e.err == nil && len(e.buf) > MaxBodySize {
		e.fail("the module encodes to %d bytes, more than the limit of %d", len(e.buf), MaxBodySize)
	}
	if e.err != nil {
		return nil, e.err
	}
	return e.buf, nil
}

func (e *encoder) fail(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf(format, args...)
	}
}

// deeper reports whether the nested element at depth may be written: it
// stops at the first error, at MaxNesting, and once the body has outgrown
// MaxBodySize (so a shared subtree repeated exponentially cannot run away).
func (e *encoder) deeper(depth int) bool {
	switch {
	case e.err != nil:
		return false
	case depth > MaxNesting:
		e.fail("nested more than %d deep", MaxNesting)
		return false
	case len(e.buf) > MaxBodySize:
		e.fail("the module encodes to more than %d bytes", MaxBodySize)
		return false
	}
	return true
}

func (e *encoder) count(n int) { e.buf = binary.AppendUvarint(e.buf, uint64(n)) }

func (e *encoder) int(n int) {
	if n < math.MinInt32 || n > math.MaxInt32 {
		e.fail("%d is out of the int32 range", n)
	}
	e.buf = binary.AppendVarint(e.buf, int64(n))
}

func (e *encoder) byte(b byte) { e.buf = append(e.buf, b) }

func (e *encoder) bool(b bool) {
	if b {
		e.byte(1)
	} else {
		e.byte(0)
	}
}

func (e *encoder) str(s string) {
	e.count(len(s))
	e.buf = append(e.buf, s...)
}

func (e *encoder) bytes(b []byte) {
	e.count(len(b))
	e.buf = append(e.buf, b...)
}

func (e *encoder) strs(ss []string) {
	e.count(len(ss))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) value(v value.Value, depth int) {
	if !e.deeper(depth) {
		return
	}
	switch v.Kind() {
	case value.KNil:
		e.byte(tagNil)
	case value.KBool:
		if v.AsBool() {
			e.byte(tagTrue)
		} else {
			e.byte(tagFalse)
		}
	case value.KInt:
		e.byte(tagInt)
		e.buf = binary.AppendVarint(e.buf, v.AsInt())
	case value.KFloat:
		e.byte(tagFloat)
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v.AsFloat()))
	case value.KString:
		e.byte(tagString)
		e.str(v.AsString())
	case value.KKeyword:
		e.byte(tagKeyword)
		e.str(v.AsKeyword().Name)
	case value.KSymbol:
		e.byte(tagSymbol)
		e.str(v.AsString())
	case value.KVector, value.KList:
		tag := tagVector
		if v.Kind() == value.KList {
			tag = tagList
		}
		e.byte(tag)
		items := v.AsVector()
		e.count(items.Len())
		for _, x := range items.All() {
			e.value(x, depth+1)
		}
	case value.KMap:
		e.byte(tagMap)
		m := v.AsMap()
		e.count(m.Len())
		for en := range m.Entries() {
			e.value(en.Key, depth+1)
			e.value(en.Val, depth+1)
		}
	default:
		e.fail("%s cannot be a constant", aKind(v.Kind()))
	}
}

func (e *encoder) values(vs []value.Value, depth int) {
	e.count(len(vs))
	for _, v := range vs {
		e.value(v, depth)
	}
}

func (e *encoder) typ(t *value.Type, depth int) {
	if t == nil {
		e.byte(0)
		return
	}
	if !e.deeper(depth) {
		return
	}
	e.byte(1)
	e.str(t.Name)
	e.bool(t.Optional)
	e.count(len(t.Elems))
	for _, elem := range t.Elems {
		e.typ(elem, depth+1)
	}
	e.count(len(t.Fields))
	for _, f := range t.Fields {
		e.value(f.Key, depth+1)
		e.typ(f.Type, depth+1)
		e.bool(f.Optional)
	}
	e.count(len(t.Preds))
	for _, p := range t.Preds {
		e.str(p.Op)
		e.value(p.Arg, depth+1)
	}
	e.values(t.Values, depth+1)
}

func (e *encoder) pattern(p *Pattern, depth int) {
	if !e.deeper(depth) {
		return
	}
	if p == nil {
		e.fail("a nil pattern")
		return
	}
	var flags byte
	if p.Cell {
		flags |= patternCell
	}
	if p.RestCell {
		flags |= patternRestCell
	}
	if p.Rest != nil {
		flags |= patternHasRest
	}
	e.byte(byte(p.Kind))
	e.byte(flags)
	e.int(p.Reg)
	e.int(p.RestReg)
	e.value(p.Lit, depth+1)
	e.values(p.Keys, depth+1)
	e.count(len(p.Elems))
	for _, elem := range p.Elems {
		e.pattern(elem, depth+1)
	}
	if p.Rest != nil {
		e.pattern(p.Rest, depth+1)
	}
}

func (e *encoder) step(s Step) {
	e.str(s.Name)
	e.byte(byte(s.Kind))
	e.byte(byte(s.ExposeContext))
	e.strs(s.ContextKeys)
	e.str(s.MergePolicy)
	e.reach(s.Reach)
}

func (e *encoder) proto(p *Proto) {
	if p == nil {
		e.fail("a nil proto")
		return
	}
	e.str(p.Name)
	e.str(p.Params)
	e.int(p.NumParams)
	e.bool(p.Variadic)
	e.int(p.NumRegs)
	e.count(len(p.Code))
	for _, in := range p.Code {
		e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(in))
	}
	e.count(len(p.Pos))
	for _, pos := range p.Pos {
		e.buf = binary.AppendVarint(e.buf, int64(pos.Line))
		e.buf = binary.AppendVarint(e.buf, int64(pos.Col))
	}
	e.count(len(p.Consts))
	for i, k := range p.Consts {
		e.value(k, 1)
		if e.err != nil {
			e.err = fmt.Errorf("constant %d: %w", i, e.err)
			return
		}
	}
	e.count(len(p.Upvals))
	for _, u := range p.Upvals {
		var flags byte
		if u.FromParent {
			flags |= upvalFromParent
		}
		if u.Cell {
			flags |= upvalCell
		}
		e.byte(flags)
		e.int(u.Index)
	}
	e.count(len(p.Handlers))
	for _, h := range p.Handlers {
		e.int(h.Start)
		e.int(h.End)
		e.int(h.Target)
		e.int(h.Reg)
		e.bool(h.Finally)
	}
	e.str(p.DelegateTarget)
	e.str(p.DelegateID)
}
