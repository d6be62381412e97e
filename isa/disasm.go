package isa

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/rtfs-go/rtfs/value"
)

// Disassemble prints m for people: the module's tables (a step with its
// reach summarised), then each function with a header, one line per
// instruction (pc, source line, opcode, operands, flag bits if any are set,
// and a comment resolving constants, globals, builtins, types, patterns,
// steps, structs and functions) and its handler table.
// Jump operands are printed as absolute pcs ("->12").
//
// m need not be verified, so a broken module from a compiler under
// development can be inspected: an index out of range prints as "?" and
// nothing is assumed about the module's shape.
func Disassemble(w io.Writer, m *Module) error {
	d := &disassembler{w: w, m: m, shapes: &verifier{types: map[*value.Type]int{}, patterns: map[*Pattern]*patternFacts{}}}
	if m == nil {
		d.printf("no module\n")
		return d.err
	}
	d.tables()
	for i, p := range m.Protos {
		d.proto(i, p)
	}
	return d.err
}

type disassembler struct {
	w io.Writer
	m *Module
	// shapes checks types and patterns before they are printed: printing
	// follows them recursively, which a cycle would make endless.
	shapes *verifier
	err    error // the first write error; later writes are skipped
}

func (d *disassembler) printf(format string, args ...any) {
	if d.err == nil {
		_, d.err = fmt.Fprintf(d.w, format, args...)
	}
}

// maxConstText bounds how much of a constant a comment shows.
const maxConstText = 48

func (d *disassembler) tables() {
	m := d.m
	d.printf("file %s\n", strconv.Quote(m.File))
	d.table("globals", len(m.Globals), func(i int) string { return nameText(m.Globals[i]) })
	d.table("builtins", len(m.Builtins), func(i int) string { return nameText(m.Builtins[i]) })
	d.table("types", len(m.Types), d.typeText)
	d.table("patterns", len(m.Patterns), d.patternText)
	d.table("steps", len(m.Steps), func(i int) string {
		s := m.Steps[i]
		return fmt.Sprintf("%s %s expose-context %d context-keys %q merge-policy %q %s",
			strconv.Quote(s.Name), s.Kind, s.ExposeContext, s.ContextKeys, s.MergePolicy, reachText(s.Reach))
	})
	d.printf("top level %s\n", reachText(m.TopLevel))
	d.table("structs", len(m.Structs), func(i int) string {
		return fmt.Sprintf("%s type %d", nameText(m.Structs[i].Name), m.Structs[i].Type)
	})
	names := make([]string, 0, len(m.Sections))
	for name := range m.Sections {
		names = append(names, name)
	}
	slices.Sort(names)
	d.table("sections", len(names), func(i int) string {
		return fmt.Sprintf("%s %d bytes", strconv.Quote(names[i]), len(m.Sections[names[i]]))
	})
}

// table prints a module table, one entry a line, unless it is empty.
func (d *disassembler) table(title string, n int, entry func(i int) string) {
	if n == 0 {
		return
	}
	d.printf("%s:\n", title)
	for i := range n {
		d.printf("  %4d  %s\n", i, entry(i))
	}
}

// typeText renders Types[i], which may be malformed in an unverified module.
func (d *disassembler) typeText(i int) string {
	if !inRange(i, len(d.m.Types)) {
		return "?"
	}
	if _, err := d.shapes.typ(d.m.Types[i], 1); err != nil {
		return "<" + err.Error() + ">"
	}
	return d.m.Types[i].String()
}

// patternText renders Patterns[i], which may be malformed in an unverified
// module.
func (d *disassembler) patternText(i int) string {
	if !inRange(i, len(d.m.Patterns)) {
		return "?"
	}
	if _, err := d.shapes.pattern(d.m.Patterns[i], 1); err != nil {
		return "<" + err.Error() + ">"
	}
	return patternSyntax(d.m.Patterns[i])
}

func (d *disassembler) proto(index int, p *Proto) {
	d.printf("\n")
	if p == nil {
		d.printf("function %d: missing\n", index)
		return
	}
	d.printf("function %d %s: %d params", index, nameText(p.Name), p.NumParams)
	if p.Variadic {
		d.printf(" + rest")
	}
	d.printf(", %d registers, %d constants, %d upvalues", p.NumRegs, len(p.Consts), len(p.Upvals))
	if p.DelegateTarget != "" || p.DelegateID != "" {
		d.printf(", delegated to %s %s", nameText(p.DelegateTarget), strconv.Quote(p.DelegateID))
	}
	d.printf("\n")
	for i, u := range p.Upvals {
		source := "U"
		if u.FromParent {
			source = "R"
		}
		cell := ""
		if u.Cell {
			cell = " (cell)"
		}
		d.printf("  upvalue U%d = parent %s%d%s\n", i, source, u.Index, cell)
	}
	d.printf("     pc  line  op           operands\n")
	for pc, in := range p.Code {
		operands, comments := d.operands(p, pc, in)
		line := "?"
		if pc < len(p.Pos) {
			line = strconv.Itoa(int(p.Pos[pc].Line))
		}
		text := strings.TrimRight(fmt.Sprintf("  %5d %5s  %-12s %s", pc, line, in.Op(), strings.Join(operands, " ")), " ")
		if len(comments) > 0 {
			text = fmt.Sprintf("%-46s ; %s", text, strings.Join(comments, ", "))
		}
		d.printf("%s\n", text)
	}
	if len(p.Handlers) > 0 {
		d.printf("  handlers:\n")
	}
	for i, h := range p.Handlers {
		kind := "catch"
		if h.Finally {
			kind = "finally"
		}
		d.printf("  %5d  [%d, %d) ->%d R%d %s\n", i, h.Start, h.End, h.Target, h.Reg, kind)
	}
}

// operands renders the operands of in and the comments that explain them.
func (d *disassembler) operands(p *Proto, pc int, in Instr) (operands, comments []string) {
	op := in.Op()
	if !op.Valid() {
		return []string{fmt.Sprintf("%#016x", uint64(in))}, nil
	}
	m := d.m
	for _, o := range formats[op].operands {
		x := o.field.get(in)
		var text, comment string
		switch o.kind {
		case opReg:
			text = "R" + strconv.Itoa(x)
		case opRK:
			if x < RKConst {
				text = "R" + strconv.Itoa(x)
				break
			}
			text, comment = constText(p, x-RKConst)
		case opConst, opConstString, opConstKeys, opConstStringPair:
			text, comment = constText(p, x)
		case opImmediate:
			text = strconv.Itoa(x)
		case opGlobal:
			text = "G" + strconv.Itoa(x)
			comment = text + " = " + entry(m.Globals, x)
		case opBuiltin:
			text, comment = strconv.Itoa(x), "builtin "+entry(m.Builtins, x)
		case opType:
			text, comment = strconv.Itoa(x), "type "+d.typeText(x)
		case opPattern:
			text, comment = strconv.Itoa(x), "pattern "+d.patternText(x)
		case opStep:
			text, comment = strconv.Itoa(x), "step ?"
			if inRange(x, len(m.Steps)) {
				comment = "step " + strconv.Quote(m.Steps[x].Name)
			}
		case opStruct:
			text, comment = strconv.Itoa(x), "struct ?"
			if inRange(x, len(m.Structs)) {
				comment = "struct " + nameText(m.Structs[x].Name)
			}
		case opProto:
			text, comment = strconv.Itoa(x), "function ?"
			if inRange(x, len(m.Protos)) && m.Protos[x] != nil {
				comment = "function " + nameText(m.Protos[x].Name)
			}
		case opUpval, opUpCell:
			text = "U" + strconv.Itoa(x)
		case opJump:
			text = "->" + strconv.Itoa(pc+1+x)
		}
		operands = append(operands, text)
		if comment != "" {
			comments = append(comments, comment)
		}
	}
	if f := formats[op]; f.hasFlags() {
		if flags := in & flagBits; flags != 0 {
			operands = append(operands, fmt.Sprintf("flags=%#02x", uint64(flags>>56)))
		}
	}
	return operands, comments
}

// constText renders the constant operand K[k] and a comment showing its
// value.
func constText(p *Proto, k int) (text, comment string) {
	text = "K" + strconv.Itoa(k)
	if !inRange(k, len(p.Consts)) {
		return text, text + " = ?"
	}
	shown := p.Consts[k].String()
	if len(shown) > maxConstText {
		shown = strings.ToValidUTF8(shown[:maxConstText], "") + "..."
	}
	return text, text + " = " + shown
}

func entry(names []string, i int) string {
	if !inRange(i, len(names)) {
		return "?"
	}
	return nameText(names[i])
}

// nameText prints a name from the module as it is when it reads like an
// RTFS symbol and quoted otherwise, so that an empty name or one holding
// spaces or control characters from an untrusted file shows for what it is.
func nameText(name string) string {
	plain := name != ""
	for _, r := range name {
		plain = plain && r > ' ' && r < 0x7f && r != '"'
	}
	if plain {
		return name
	}
	return strconv.Quote(name)
}

// patternSyntax renders a pattern the verifier accepts in a syntax close to
// the source, with the registers it binds in place of names:
// [R1 R2 & R3 :as R4], {:a R1 & R2}, (:as R2 [R3 _]). A register that holds
// a cell is marked "R3^".
func patternSyntax(p *Pattern) string {
	switch p.Kind {
	case PatBind:
		return regText(p.Reg, p.Cell)
	case PatIgnore:
		return "_"
	case PatLit:
		return p.Lit.String()
	case PatAs:
		return "(:as " + regText(p.Reg, p.Cell) + " " + patternSyntax(p.Elems[0]) + ")"
	}
	var parts []string
	for i, elem := range p.Elems {
		if p.Kind == PatMap {
			parts = append(parts, p.Keys[i].String())
		}
		parts = append(parts, patternSyntax(elem))
	}
	if p.Kind == PatVector && p.Rest != nil {
		parts = append(parts, "&", patternSyntax(p.Rest))
	}
	if p.Kind == PatMap && p.RestReg >= 0 {
		parts = append(parts, "&", regText(p.RestReg, p.RestCell))
	}
	if p.Reg >= 0 {
		parts = append(parts, ":as", regText(p.Reg, p.Cell))
	}
	if p.Kind == PatMap {
		return "{" + strings.Join(parts, " ") + "}"
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func regText(r int, cell bool) string {
	if cell {
		return "R" + strconv.Itoa(r) + "^"
	}
	return "R" + strconv.Itoa(r)
}
