package parse

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/value"
)

// formBuilder builds the special form f from its arguments (the elements
// after the head).
type formBuilder func(b *builder, f *syntax.Form, args []*syntax.Form) ast.Node

// specialForms maps the head symbol of every special form to its builder.
// It is filled in init because the builders refer back to it through expr.
var specialForms map[string]formBuilder

func init() {
	specialForms = map[string]formBuilder{
		"def":           (*builder).buildDef,
		"defn":          (*builder).buildDefn,
		"fn":            (*builder).buildFn,
		"let":           (*builder).buildLet,
		"if":            (*builder).buildIf,
		"do":            (*builder).buildDo,
		"and":           (*builder).buildAnd,
		"or":            (*builder).buildOr,
		"match":         (*builder).buildMatch,
		"try":           (*builder).buildTry,
		"for":           (*builder).buildFor,
		"dotimes":       (*builder).buildDotimes,
		"get":           (*builder).buildGet,
		"defmacro":      (*builder).buildDefmacro,
		"defstruct":     (*builder).buildDefstruct,
		"step":          stepBuilder(ast.StepPlain),
		"step-if":       stepBuilder(ast.StepIf),
		"step-loop":     stepBuilder(ast.StepLoop),
		"step-parallel": stepBuilder(ast.StepParallel),
		"parallel":      (*builder).buildParallel,
		"call":          (*builder).buildCall,
		"llm-execute":   (*builder).buildLLMExecute,
		"resource:ref":  (*builder).buildResourceRef,
		"quote":         (*builder).buildQuote,
	}
}

// buildQuote is (quote form): form itself as data, unevaluated (A36). A
// symbol becomes a symbol value, a list a list; vectors and maps keep their
// shape with everything inside them quoted alike.
func (b *builder) buildQuote(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) != 1 {
		return b.report(f, value.InvalidInput, "quote: expected exactly one form, got %d", len(args))
	}
	v, err := datum(args[0])
	if err != "" {
		return b.report(args[0], value.InvalidInput, "quote: %s", err)
	}
	return &ast.Const{At: at(f), Val: v}
}

// Datum reads text, the printed form of one value (as the causal chain
// records results), back into the value.
func Datum(text string) (value.Value, error) {
	forms, errs := syntax.Read("<value>", []byte(text))
	if len(errs) > 0 {
		return value.Nil, errs[0]
	}
	if len(forms) != 1 {
		return value.Nil, fmt.Errorf("%d forms where one value was expected", len(forms))
	}
	v, problem := datum(forms[0])
	if problem != "" {
		return value.Nil, errors.New(problem)
	}
	return v, nil
}

// datum is a read form as a value.
func datum(f *syntax.Form) (value.Value, string) {
	switch f.Kind {
	case syntax.FInt, syntax.FFloat, syntax.FString, syntax.FBool, syntax.FNil, syntax.FKeyword:
		return f.Val, ""
	case syntax.FSymbol:
		return value.Symbol(f.Text), ""
	case syntax.FContext:
		return value.Symbol("@" + f.Text), ""
	case syntax.FList, syntax.FVector:
		items := make([]value.Value, len(f.Elems))
		for i, e := range f.Elems {
			v, err := datum(e)
			if err != "" {
				return value.Nil, err
			}
			items[i] = v
		}
		if f.Kind == syntax.FList {
			return value.NewList(items), ""
		}
		return value.NewVector(items), ""
	case syntax.FMap:
		if len(f.Elems)%2 != 0 {
			return value.Nil, "a map needs an even number of forms"
		}
		entries := make([]value.MapEntry, 0, len(f.Elems)/2)
		for i := 0; i < len(f.Elems); i += 2 {
			k, err := datum(f.Elems[i])
			if err != "" {
				return value.Nil, err
			}
			if !value.ValidKey(k) {
				return value.Nil, "map keys must be keywords, strings or integers"
			}
			v, err := datum(f.Elems[i+1])
			if err != "" {
				return value.Nil, err
			}
			entries = append(entries, value.MapEntry{Key: k, Val: v})
		}
		return value.MapFromEntries(entries), ""
	case syntax.FQuasi, syntax.FUnquote, syntax.FSplice:
		if len(f.Elems) != 1 {
			return value.Nil, "this form cannot be quoted"
		}
		head := map[syntax.FormKind]string{syntax.FQuasi: "quasiquote", syntax.FUnquote: "unquote", syntax.FSplice: "unquote-splicing"}[f.Kind]
		inner, err := datum(f.Elems[0])
		if err != "" {
			return value.Nil, err
		}
		return value.NewList([]value.Value{value.Symbol(head), inner}), ""
	}
	return value.Nil, "this form cannot be quoted"
}

// expr builds the expression f.
func (b *builder) expr(f *syntax.Form) ast.Node {
	switch f.Kind {
	case syntax.FInt, syntax.FFloat, syntax.FString, syntax.FBool, syntax.FNil, syntax.FKeyword:
		return &ast.Const{At: at(f), Val: f.Val}
	case syntax.FSymbol:
		if isColon(f) {
			return b.report(f, value.ParseError, "':' may only introduce a type annotation")
		}
		return &ast.Symbol{At: at(f), Name: f.Text}
	case syntax.FContext:
		return &ast.ContextRef{At: at(f), Name: f.Text}
	case syntax.FVector:
		return &ast.Vector{At: at(f), Elems: b.exprs(f.Elems)}
	case syntax.FMap:
		keys, vals := b.mapEntries(f)
		return &ast.Map{At: at(f), Keys: keys, Vals: vals}
	case syntax.FList:
		return b.list(f)
	case syntax.FShortFn:
		return b.shortFn(f)
	case syntax.FMeta:
		return b.metaExpr(f)
	case syntax.FQuasi:
		return b.raise(f, value.InternalError, "quasiquote (`) used outside a macro template")
	case syntax.FUnquote:
		return b.raise(f, value.InternalError, "unquote (~) used outside a macro template")
	case syntax.FSplice:
		return b.raise(f, value.InternalError, "unquote-splicing (~@) used outside a macro template")
	}
	return b.report(f, value.ParseError, "unexpected %s", describe(f))
}

func (b *builder) exprs(fs []*syntax.Form) []ast.Node {
	if len(fs) == 0 {
		return nil
	}
	out := make([]ast.Node, len(fs))
	for i, f := range fs {
		out[i] = b.expr(f)
	}
	return out
}

// list builds a list form: a special form, a macro call or a call. `()` is
// an empty vector (§2).
func (b *builder) list(f *syntax.Form) ast.Node {
	if len(f.Elems) == 0 {
		return &ast.Vector{At: at(f)}
	}
	head, args := f.Elems[0], f.Elems[1:]
	if head.Kind == syntax.FSymbol {
		if build, ok := specialForms[head.Text]; ok {
			return build(b, f, args)
		}
		if m, ok := b.macros[head.Text]; ok {
			return b.expandMacro(f, m, args)
		}
		if method, ok := methodName(head.Text); ok {
			return &ast.Call{At: at(f), Fn: &ast.Symbol{At: at(head), Name: method}, Args: b.exprs(args)}
		}
	}
	return b.call(f)
}

// call builds f as a plain call of its head.
func (b *builder) call(f *syntax.Form) ast.Node {
	return &ast.Call{At: at(f), Fn: b.expr(f.Elems[0]), Args: b.exprs(f.Elems[1:])}
}

// methodName recognises the method sugar `(.m target args)`, a call of m.
func methodName(head string) (string, bool) {
	if len(head) > 1 && head[0] == '.' && head[1] != '.' {
		return head[1:], true
	}
	return "", false
}

// mapEntries builds the entries of a map form: literal keys, value
// expressions.
func (b *builder) mapEntries(f *syntax.Form) ([]value.Value, []ast.Node) {
	if len(f.Elems)%2 != 0 {
		b.report(f, value.ParseError, "map literal needs an even number of forms, got %d", len(f.Elems))
	}
	var keys []value.Value
	var vals []ast.Node
	for i := 0; i+1 < len(f.Elems); i += 2 {
		k := f.Elems[i]
		if !isMapKey(k) {
			b.report(k, value.ParseError, "map literal keys must be keyword, string or integer literals, got %s", describe(k))
			continue
		}
		if slices.ContainsFunc(keys, func(seen value.Value) bool { return value.Equal(seen, k.Val) }) {
			b.warns = append(b.warns, value.Errorf(value.InvalidInput,
				"map literal gives the key %s twice; the later value wins", k.Val).WithPos(k.Pos))
		}
		keys = append(keys, k.Val)
		vals = append(vals, b.expr(f.Elems[i+1]))
	}
	return keys, vals
}

// metaExpr builds `^{...} expr` (an attached FMeta, see attachSeq).
func (b *builder) metaExpr(f *syntax.Form) ast.Node {
	meta, target := f.Elems[0], f.Elems[1]
	if meta.Kind != syntax.FMap {
		return b.report(f, value.ParseError, "^:delegation may only follow fn or defn")
	}
	keys, vals := b.mapEntries(meta)
	return &ast.Meta{At: at(f), Keys: keys, Vals: vals, Expr: b.expr(target)}
}

// maxShortFnParam bounds %N in #( ): more parameters than this is a typo.
const maxShortFnParam = 20

// shortFn desugars `#(f a b)` into `(fn [%1 .. %n] (f a b))`, n the highest
// %N used; `%` is `%1` (§1 A14).
func (b *builder) shortFn(f *syntax.Form) ast.Node {
	highest, bare := b.scanPercent(f.Elems)
	body := &syntax.Form{Kind: syntax.FList, Pos: f.Pos, Elems: f.Elems}
	if bare {
		body = renameSymbol(body, "%", "%1")
		highest = max(highest, 1)
	}
	fn := &ast.Fn{At: at(f), Params: make([]ast.Param, highest)}
	for i := range fn.Params {
		fn.Params[i].Pattern = ast.PBind{Name: "%" + strconv.Itoa(i+1)}
	}
	fn.Body = []ast.Node{b.expr(body)}
	return fn
}

// scanPercent finds the highest %N used in forms and whether bare % is. A
// nested #( is left alone: the reader reports it, and it gets its own
// parameters when built.
func (b *builder) scanPercent(forms []*syntax.Form) (highest int, bare bool) {
	for _, f := range forms {
		switch {
		case f.Kind == syntax.FShortFn:
		case f.IsSymbol("%"):
			bare = true
		case f.Kind == syntax.FSymbol && strings.HasPrefix(f.Text, "%"):
			n, err := strconv.Atoi(f.Text[1:])
			if err != nil || n < 1 || "%"+strconv.Itoa(n) != f.Text {
				continue // %params, %01 and the like are ordinary symbols
			}
			if n > maxShortFnParam {
				b.report(f, value.ParseError, "%s: #( ) functions take at most %d parameters", f.Text, maxShortFnParam)
				continue
			}
			highest = max(highest, n)
		default:
			h, bb := b.scanPercent(f.Elems)
			highest, bare = max(highest, h), bare || bb
		}
	}
	return highest, bare
}

// renameSymbol copies f with every symbol from renamed to to, leaving
// nested #( ) functions alone.
func renameSymbol(f *syntax.Form, from, to string) *syntax.Form {
	switch {
	case f.IsSymbol(from):
		c := *f
		c.Text = to
		return &c
	case len(f.Elems) == 0 || f.Kind == syntax.FShortFn:
		return f
	}
	c := *f
	c.Elems = make([]*syntax.Form, len(f.Elems))
	for i, e := range f.Elems {
		c.Elems[i] = renameSymbol(e, from, to)
	}
	return &c
}

// argCount formats "N argument(s)" for messages.
func argCount(n int) string {
	if n == 1 {
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", n)
}
