package parse

import (
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/syntax"
)

// buildDef builds `(def name [:T] value)`. The keyword after the name is an
// annotation only when a value follows it (§4 A4): `(def s :ok)` binds :ok.
func (b *builder) buildDef(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) == 0 {
		return b.fail(f, "def: expected a name and a value")
	}
	if !isName(args[0]) {
		b.exprs(args[1:])
		return b.fail(args[0], "def: expected a symbol name, got %s", describe(args[0]))
	}
	def := &ast.Def{At: at(f), Name: args[0].Text}
	rest := args[1:]
	switch {
	case len(rest) == 3 && isColon(rest[0]):
		def.Type, rest = b.typeOf(rest[1]), rest[2:]
	case len(rest) == 2 && rest[0].Kind == syntax.FKeyword:
		def.Type, rest = b.typeOf(rest[0]), rest[1:]
	}
	if len(rest) != 1 {
		b.exprs(rest)
		return b.fail(f, "def: expected (def name [:type] value), got %s after the name", argCount(len(rest)))
	}
	def.Value = b.expr(rest[0])
	return def
}

// buildDefn builds `(defn [^meta] name [docstring] [params] [:Ret] body+)`
// as a Def of a named Fn.
func (b *builder) buildDefn(f *syntax.Form, args []*syntax.Form) ast.Node {
	fn := &ast.Fn{At: at(f)}
	args, maps := b.fnMetadata(fn, args)
	if len(args) == 0 {
		return b.fail(f, "defn: expected a name, a parameter vector and a body")
	}
	if !isName(args[0]) {
		b.exprs(args[1:])
		return b.fail(args[0], "defn: expected a function name, got %s", describe(args[0]))
	}
	fn.Name = args[0].Text
	args = args[1:]
	// A31: a docstring is a string right after the name with more forms
	// after it; it is ignored.
	if len(args) > 1 && args[0].Kind == syntax.FString {
		args = args[1:]
	}
	if failed := b.fnTail("defn", f, fn, args); failed != nil {
		return failed
	}
	return b.wrapMeta(&ast.Def{At: at(f), Name: fn.Name, Value: fn}, maps)
}

// buildFn builds `(fn [^meta] [params] [:Ret] body+)`.
func (b *builder) buildFn(f *syntax.Form, args []*syntax.Form) ast.Node {
	fn := &ast.Fn{At: at(f)}
	args, maps := b.fnMetadata(fn, args)
	if len(args) > 1 && args[0].Kind == syntax.FSymbol && args[1].Kind == syntax.FVector {
		b.exprs(args[2:])
		return b.fail(args[0], "fn: a function literal has no name slot, got %s (use defn to name a function)", describe(args[0]))
	}
	if failed := b.fnTail("fn", f, fn, args); failed != nil {
		return failed
	}
	return b.wrapMeta(fn, maps)
}

// fnTail fills fn from `[params] [:Ret] body+`. When there is no parameter
// vector or no body it returns the node standing for the malformed form.
func (b *builder) fnTail(form string, f *syntax.Form, fn *ast.Fn, args []*syntax.Form) ast.Node {
	if len(args) == 0 {
		return b.fail(f, "%s: expected a parameter vector", form)
	}
	if args[0].Kind != syntax.FVector {
		b.exprs(args[1:])
		return b.fail(args[0], "%s: expected a parameter vector, got %s", form, describe(args[0]))
	}
	b.params(form, args[0], fn)
	body := args[1:]
	// A4: a keyword after the parameters is the return type only when a
	// body follows it: (fn [] :ok) returns :ok.
	switch {
	case len(body) > 0 && isColon(body[0]):
		if len(body) < 3 {
			return b.fail(body[0], "%s: expected a return type and a body after ':'", form)
		}
		fn.Ret, body = b.typeOf(body[1]), body[2:]
	case len(body) > 1 && body[0].Kind == syntax.FKeyword:
		fn.Ret, body = b.typeOf(body[0]), body[1:]
	}
	if len(body) == 0 {
		return b.fail(f, "%s: expected a body after the parameter vector", form)
	}
	fn.Body = b.exprs(body)
	return nil
}

// params reads a parameter vector: patterns each optionally annotated (`x
// :int`, `x : int`), then optionally `& rest [: T]`, rest a plain symbol.
func (b *builder) params(form string, v *syntax.Form, fn *ast.Fn) {
	elems := v.Elems
	for i := 0; i < len(elems); {
		e := elems[i]
		if e.IsSymbol("&") {
			if i+1 == len(elems) || !isName(elems[i+1]) {
				b.fail(e, "%s: & must be followed by a rest parameter name", form)
				return
			}
			fn.Rest = &ast.RestParam{Name: elems[i+1].Text}
			t, n := b.annotation(form, elems[i+2:])
			fn.Rest.Type = t
			if i += 2 + n; i < len(elems) {
				b.fail(elems[i], "%s: unexpected %s after the rest parameter", form, describe(elems[i]))
			}
			return
		}
		if !isPatternForm(e) {
			b.fail(e, "%s: expected a parameter (symbol, vector or map), got %s", form, describe(e))
			i++
			continue
		}
		p := ast.Param{Pattern: b.bindingPattern(form, e)}
		t, n := b.annotation(form, elems[i+1:])
		p.Type = t
		fn.Params = append(fn.Params, p)
		i += 1 + n
	}
}
