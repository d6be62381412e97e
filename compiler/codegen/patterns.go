package codegen

import (
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/resolve"
	"github.com/rtfs-go/rtfs/isa"
)

// pattern adds to the module the descriptor of p whose names are bound to
// vars (in patternNames order) and returns its index for DESTRUCT or MATCH.
func (g *funcGen) pattern(p ast.Pattern, vars []*resolve.Variable) (int, bool) {
	b := patternBuilder{vars: vars}
	desc := b.build(p, 1)
	if b.err != "" {
		g.fail("%s", b.err)
		return 0, false
	}
	g.m.mod.Patterns = append(g.m.mod.Patterns, desc)
	index := len(g.m.mod.Patterns) - 1
	if index > isa.MaxA {
		g.fail("more than %d patterns", isa.MaxA+1)
	}
	return index, true
}

type patternBuilder struct {
	vars []*resolve.Variable
	err  string
}

// bind returns the register and cell flag of the variable the next name
// of the pattern binds.
func (b *patternBuilder) bind() (reg int, cell bool) {
	if len(b.vars) == 0 {
		b.err = "internal: a pattern binds more names than resolved"
		return -1, false
	}
	v := b.vars[0]
	b.vars = b.vars[1:]
	return v.Reg, v.Cell
}

// bindOptional is bind for an optional name (:as, a map's & rest): -1 when
// the pattern has none.
func (b *patternBuilder) bindOptional(name string) (reg int, cell bool) {
	if name == "" {
		return -1, false
	}
	return b.bind()
}

func (b *patternBuilder) build(p ast.Pattern, depth int) *isa.Pattern {
	if depth > isa.MaxNesting {
		b.err = "a pattern nested too deep"
		return nil
	}
	desc := &isa.Pattern{Reg: -1, RestReg: -1}
	switch p := p.(type) {
	case ast.PBind:
		desc.Kind = isa.PatBind
		desc.Reg, desc.Cell = b.bind()
	case ast.PIgnore:
		desc.Kind = isa.PatIgnore
	case ast.PLit:
		desc.Kind, desc.Lit = isa.PatLit, p.Val
	case ast.PAs:
		desc.Kind = isa.PatAs
		desc.Reg, desc.Cell = b.bind()
		desc.Elems = []*isa.Pattern{b.build(p.Pat, depth+1)}
	case ast.PVector:
		desc.Kind = isa.PatVector
		for _, e := range p.Elems {
			desc.Elems = append(desc.Elems, b.build(e, depth+1))
		}
		if p.Rest != nil {
			desc.Rest = b.build(p.Rest, depth+1)
		}
		desc.Reg, desc.Cell = b.bindOptional(p.As)
	case ast.PMap:
		desc.Kind, desc.Keys = isa.PatMap, p.Keys
		for _, sub := range p.Pats {
			desc.Elems = append(desc.Elems, b.build(sub, depth+1))
		}
		desc.RestReg, desc.RestCell = b.bindOptional(p.Rest)
		desc.Reg, desc.Cell = b.bindOptional(p.As)
	default:
		b.err = "unsupported pattern"
	}
	return desc
}
