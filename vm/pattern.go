package vm

import (
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// bindPattern binds the registers of p to the parts of v, with the rules
// of mode (package rt has them, shared with the interpreter). It reports
// whether v fits p; when it does not, destructuring also returns the
// TypeError describing why. A failed match may leave some registers bound:
// the next clause binds its own.
func bindPattern(p *isa.Pattern, v value.Value, regs []value.Value, mode rt.Mode) (bool, *value.Error) {
	switch p.Kind {
	case isa.PatIgnore:
		return true, nil
	case isa.PatBind:
		return true, store(regs, p.Reg, p.Cell, v)
	case isa.PatLit:
		return rt.LiteralFits(p.Lit, v, mode)
	case isa.PatAs:
		if err := store(regs, p.Reg, p.Cell, v); err != nil {
			return false, err
		}
		return bindPattern(p.Elems[0], v, regs, mode)
	case isa.PatVector:
		return bindVector(p, v, regs, mode)
	case isa.PatMap:
		return bindMap(p, v, regs, mode)
	}
	return false, value.Errorf(value.NotImplemented, "Unsupported pattern kind %d", p.Kind)
}

func bindVector(p *isa.Pattern, v value.Value, regs []value.Value, mode rt.Mode) (bool, *value.Error) {
	items, ok, err := rt.VectorFits(v, len(p.Elems), p.Rest != nil, mode)
	if !ok {
		return false, err
	}
	for i, elem := range p.Elems {
		if ok, err := bindPattern(elem, items.Nth(i), regs, mode); !ok {
			return false, err
		}
	}
	if p.Rest != nil {
		if ok, err := bindPattern(p.Rest, rt.VectorRest(items, len(p.Elems)), regs, mode); !ok {
			return false, err
		}
	}
	return true, store(regs, p.Reg, p.Cell, v)
}

func bindMap(p *isa.Pattern, v value.Value, regs []value.Value, mode rt.Mode) (bool, *value.Error) {
	m, ok, err := rt.MapFits(v, mode)
	if !ok {
		return false, err
	}
	for i, k := range p.Keys {
		x, ok := rt.MapKey(m, k, mode)
		if !ok {
			return false, nil
		}
		if ok, err := bindPattern(p.Elems[i], x, regs, mode); !ok {
			return false, err
		}
	}
	rest, ok := rt.MapRemainder(m, p.Keys, p.RestReg >= 0, mode)
	if !ok {
		return false, nil
	}
	if p.RestReg >= 0 {
		if err := store(regs, p.RestReg, p.RestCell, value.MapOf(rest)); err != nil {
			return false, err
		}
	}
	return true, store(regs, p.Reg, p.Cell, v)
}

// store binds register reg (none when negative) to v, through the cell it
// holds when cell is set.
func store(regs []value.Value, reg int, cell bool, v value.Value) *value.Error {
	switch {
	case reg < 0:
	case !cell:
		regs[reg] = v
	default:
		c, err := cellOf(regs[reg])
		if err != nil {
			return err
		}
		c.V = v
	}
	return nil
}
