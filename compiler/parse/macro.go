package parse

import (
	"fmt"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/value"
)

// Macros (§4.12) are template substitutions on forms. `(defmacro name
// [params & rest] template)` registers name from that point of the build on;
// a later list headed by name binds the parameters to its unevaluated
// argument forms (rest to a list of the remaining ones) and is replaced by
// the template instantiated with them, which is built in its place and so
// expanded again.
//
// Instantiation follows the reference: inside a quasiquoted template `~p`
// is replaced by the form bound to p, `~@p` splices the elements of that
// form (a list or a vector) into the enclosing sequence, and `~(expr)`
// inserts expr with the parameters replaced inside it; a template that is
// not quasiquoted has its parameter symbols replaced directly. Nested
// quasiquotes are kept, one level of unquote peeled per level.

type macro struct {
	name   string
	params []string
	rest   string // "" without `& rest`
	body   *syntax.Form
}

// Expansion limits: a macro expanding into a call of itself fails with a
// Generic error instead of looping, and so does one whose expansions grow
// exponentially.
const (
	maxExpansionDepth = 1000
	maxExpansions     = 100000
)

// buildDefmacro registers a macro; the form itself evaluates to nil.
func (b *builder) buildDefmacro(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) == 0 || !isName(args[0]) {
		return b.fail(f, "defmacro: expected a macro name")
	}
	name := args[0].Text
	if _, special := specialForms[name]; special {
		return b.fail(args[0], "defmacro: %s is a special form and cannot be redefined", name)
	}
	if len(args) < 2 || args[1].Kind != syntax.FVector {
		return b.fail(f, "defmacro: expected a parameter vector after the name")
	}
	if len(args) != 3 {
		return b.fail(f, "defmacro: expected exactly one template after the parameters, got %d", len(args)-2)
	}
	m := &macro{name: name, body: args[2]}
	params := args[1].Elems
	for i := 0; i < len(params); i++ {
		p := params[i]
		switch {
		case p.IsSymbol("&") && i == len(params)-2 && isName(params[i+1]):
			m.rest = params[i+1].Text
			i++
		case isName(p):
			m.params = append(m.params, p.Text)
		default:
			return b.fail(p, "defmacro: parameters must be symbols with an optional & rest symbol, got %s", describe(p))
		}
	}
	b.macros[name] = m
	return &ast.Const{At: at(f), Val: value.Nil}
}

// expandMacro expands the call f of m and builds the expansion. Errors of
// expansion are run-time ones in the language: they become Raise nodes.
func (b *builder) expandMacro(f *syntax.Form, m *macro, args []*syntax.Form) ast.Node {
	maxArgs := len(m.params)
	if m.rest != "" {
		maxArgs = -1
	}
	if len(args) < len(m.params) || (maxArgs >= 0 && len(args) > maxArgs) {
		return b.raise(f, value.ArityMismatch, value.ArityErr(m.name, value.ArityText(len(m.params), maxArgs), len(args)).Message)
	}
	if b.depth >= maxExpansionDepth || b.expansions >= maxExpansions {
		return b.raise(f, value.Generic, fmt.Sprintf("macro %s: expansion too deep or too large (limits %d nested, %d in all)", m.name, maxExpansionDepth, maxExpansions))
	}
	inst := &instantiation{pos: f.Pos, bindings: make(map[string]*syntax.Form, len(m.params)+1)}
	for i, p := range m.params {
		inst.bindings[p] = args[i]
	}
	if m.rest != "" {
		inst.bindings[m.rest] = &syntax.Form{Kind: syntax.FList, Pos: f.Pos, Elems: args[len(m.params):]}
	}
	expansion, err := inst.body(m.body)
	if err != nil {
		return b.raise(f, value.Generic, fmt.Sprintf("macro %s: %v", m.name, err))
	}
	b.expansions++
	b.depth++
	defer func() { b.depth-- }()
	return b.expr(expansion)
}

// instantiation fills a template: bindings maps parameter names to argument
// forms; the forms taken from the template get the position of the call.
type instantiation struct {
	pos      value.Pos
	bindings map[string]*syntax.Form
}

func (in *instantiation) body(f *syntax.Form) (*syntax.Form, error) {
	if f.Kind == syntax.FQuasi {
		return in.walk(f.Elems[0], 1)
	}
	return in.walk(f, 0)
}

// walk copies f at quasiquote nesting level; parameters are replaced where
// the level is 0, that is outside every quasiquote not undone by an unquote.
func (in *instantiation) walk(f *syntax.Form, level int) (*syntax.Form, error) {
	switch f.Kind {
	case syntax.FSymbol:
		if arg, ok := in.bindings[f.Text]; ok && level == 0 {
			return arg, nil
		}
	case syntax.FQuasi:
		return in.wrap(f, level+1)
	case syntax.FUnquote:
		if level <= 1 {
			return in.walk(f.Elems[0], 0)
		}
		return in.wrap(f, level-1)
	case syntax.FSplice:
		if level <= 1 {
			return nil, fmt.Errorf("~@ must stand inside a list, vector or map")
		}
		return in.wrap(f, level-1)
	}
	c := *f
	c.Pos = in.pos
	if len(f.Elems) == 0 {
		return &c, nil
	}
	c.Elems = make([]*syntax.Form, 0, len(f.Elems))
	for _, e := range f.Elems {
		if e.Kind == syntax.FSplice && level <= 1 {
			spliced, err := in.walk(e.Elems[0], 0)
			if err != nil {
				return nil, err
			}
			if spliced.Kind != syntax.FList && spliced.Kind != syntax.FVector {
				return nil, fmt.Errorf("~@ needs a list or a vector to splice, got %s", describe(spliced))
			}
			c.Elems = append(c.Elems, spliced.Elems...)
			continue
		}
		w, err := in.walk(e, level)
		if err != nil {
			return nil, err
		}
		c.Elems = append(c.Elems, w)
	}
	return &c, nil
}

// wrap copies the quasiquote or unquote f, walking its operand at level.
func (in *instantiation) wrap(f *syntax.Form, level int) (*syntax.Form, error) {
	inner, err := in.walk(f.Elems[0], level)
	if err != nil {
		return nil, err
	}
	return &syntax.Form{Kind: f.Kind, Pos: in.pos, Elems: []*syntax.Form{inner}}, nil
}
