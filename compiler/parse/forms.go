package parse

import (
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/value"
)

// buildLet builds `(let [p1 e1 ...] body+)`.
func (b *builder) buildLet(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) == 0 || args[0].Kind != syntax.FVector {
		b.exprs(args)
		return b.fail(f, "let: expected a binding vector")
	}
	let := &ast.Let{At: at(f), Bindings: b.letBindings(args[0])}
	if len(args) == 1 {
		return b.fail(f, "let: expected a body after the binding vector")
	}
	let.Body = b.exprs(args[1:])
	return let
}

// letBindings reads `pattern [:T] value ...`. A keyword after a pattern is
// read as a type annotation when that leaves the rest of the vector well
// formed, and as the value otherwise (§4 A4): `[x :int 5]` is annotated,
// `[a :x b :y]` binds two keywords.
func (b *builder) letBindings(v *syntax.Form) []ast.Binding {
	elems := v.Elems
	// width[i] is the length of the binding at i in the first reading of
	// elems[i:] that splits into whole bindings, 0 when there is none.
	width := make([]int, len(elems))
	splits := func(i int) bool { return i == len(elems) || width[i] > 0 }
	for i := len(elems) - 1; i >= 0; i-- {
		for _, w := range bindingWidths(elems[i:]) {
			if splits(i + w) {
				width[i] = w
				break
			}
		}
	}
	if !splits(0) {
		b.badBindings(elems)
		return nil
	}
	var out []ast.Binding
	for i := 0; i < len(elems); i += width[i] {
		out = append(out, b.binding(elems[i:i+width[i]]))
	}
	return out
}

// bindingWidths lists how many forms a binding at the start of elems may
// take, the annotated reading first.
func bindingWidths(elems []*syntax.Form) []int {
	switch {
	case !isPatternForm(elems[0]) || len(elems) < 2:
		return nil
	case isColon(elems[1]):
		if len(elems) >= 4 {
			return []int{4}
		}
		return nil
	case elems[1].Kind == syntax.FKeyword && len(elems) >= 3:
		return []int{3, 2}
	}
	return []int{2}
}

// binding builds one binding of 2 (p v), 3 (p :T v) or 4 (p : T v) forms.
func (b *builder) binding(forms []*syntax.Form) ast.Binding {
	out := ast.Binding{Pattern: b.bindingPattern("let", forms[0]), Value: b.expr(forms[len(forms)-1])}
	if len(forms) > 2 {
		out.Type = b.typeOf(forms[len(forms)-2])
	}
	return out
}

// badBindings reports the first place where a binding vector that has no
// reading goes wrong, reading keywords as values.
func (b *builder) badBindings(elems []*syntax.Form) {
	for i := 0; i < len(elems); {
		switch rest := elems[i:]; {
		case !isPatternForm(rest[0]):
			b.fail(rest[0], "let: expected a binding pattern (symbol, vector or map), got %s", describe(rest[0]))
			return
		case len(rest) == 1:
			b.fail(rest[0], "let: binding %s has no value", describe(rest[0]))
			return
		case isColon(rest[1]):
			if len(rest) < 4 {
				b.fail(rest[1], "let: expected a type and a value after ':'")
				return
			}
			i += 4
		default:
			i += 2
		}
	}
}

// buildIf builds `(if c then [else])`.
func (b *builder) buildIf(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) < 2 || len(args) > 3 {
		b.exprs(args)
		return b.fail(f, "if: expected 2 or 3 arguments (condition, then, else), got %d", len(args))
	}
	n := &ast.If{At: at(f), Cond: b.expr(args[0]), Then: b.expr(args[1])}
	if len(args) == 3 {
		n.Else = b.expr(args[2])
	}
	return n
}

func (b *builder) buildDo(f *syntax.Form, args []*syntax.Form) ast.Node {
	return &ast.Do{At: at(f), Body: b.exprs(args)}
}

func (b *builder) buildAnd(f *syntax.Form, args []*syntax.Form) ast.Node {
	return &ast.And{At: at(f), Args: b.exprs(args)}
}

func (b *builder) buildOr(f *syntax.Form, args []*syntax.Form) ast.Node {
	return &ast.Or{At: at(f), Args: b.exprs(args)}
}

// buildMatch builds `(match expr pat [when guard] body ...)`.
func (b *builder) buildMatch(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) < 2 {
		b.exprs(args)
		return b.fail(f, "match: expected a value and at least one clause (pattern body)")
	}
	m := &ast.Match{At: at(f), Subject: b.expr(args[0])}
	clauses := args[1:]
	catchAll := false // a clause before matches everything
	for i := 0; i < len(clauses); {
		pat := clauses[i]
		if catchAll {
			b.warns = append(b.warns, value.Errorf(value.InvalidInput,
				"match: the clause for pattern %s is never reached: a clause before it matches every value", describe(pat)).WithPos(pat.Pos))
			catchAll = false // one warning for the rest
		}
		var c ast.MatchClause
		if inner, guard, ok := guardedPattern(pat); ok {
			// (pat :when guard) is pat when guard (A37).
			c.Pattern, c.Guard = b.matchPattern(inner), b.expr(guard)
		} else {
			c.Pattern = b.matchPattern(pat)
		}
		switch rest := clauses[i+1:]; {
		case len(rest) > 0 && rest[0].IsSymbol("when") && c.Guard != nil:
			return b.fail(rest[0], "match: a clause with a guard in its pattern takes no second guard")
		case len(rest) > 0 && rest[0].IsSymbol("when"):
			if len(rest) < 3 {
				b.exprs(rest[1:])
				return b.fail(rest[0], "match: when must be followed by a guard and a body")
			}
			c.Guard, c.Body = b.expr(rest[1]), b.expr(rest[2])
			i += 4
		case len(rest) > 0:
			c.Body = b.expr(rest[0])
			i += 2
		default:
			return b.fail(pat, "match: the clause for pattern %s has no body", describe(pat))
		}
		m.Clauses = append(m.Clauses, c)
		if c.Guard == nil && matchesEverything(c.Pattern) && i < len(clauses) {
			catchAll = true
		}
	}
	return m
}

// matchesEverything reports whether a match clause with pattern p takes
// every value: _, a bare name, or either under :as.
func matchesEverything(p ast.Pattern) bool {
	switch p := p.(type) {
	case *ast.PIgnore, *ast.PBind:
		return true
	case *ast.PAs:
		return matchesEverything(p.Pat)
	}
	return false
}

// guardedPattern reads a match pattern written (pat :when guard).
func guardedPattern(f *syntax.Form) (pat, guard *syntax.Form, ok bool) {
	if f.Kind != syntax.FList || len(f.Elems) != 3 || f.Elems[1].Kind != syntax.FKeyword || f.Elems[1].Val.AsKeyword().Name != "when" {
		return nil, nil, false
	}
	return f.Elems[0], f.Elems[2], true
}

// buildTry builds `(try body* (catch ...)* (finally ...)?)`.
func (b *builder) buildTry(f *syntax.Form, args []*syntax.Form) ast.Node {
	t := &ast.Try{At: at(f)}
	hasClause := false
	for _, a := range args {
		switch clauseName(a) {
		case "":
			if hasClause {
				b.expr(a)
				b.fail(a, "try: body form %s after a catch or finally clause", describe(a))
				continue
			}
			t.Body = append(t.Body, b.expr(a))
		case "catch":
			hasClause = true
			if t.Finally != nil {
				b.fail(a, "try: catch clause after the finally clause")
			}
			if c, ok := b.catchClause(a); ok {
				t.Catches = append(t.Catches, c)
			}
		case "finally":
			hasClause = true
			if t.Finally != nil {
				b.fail(a, "try: more than one finally clause")
			}
			if len(a.Elems) == 1 {
				b.fail(a, "finally: expected a body")
				continue
			}
			t.Finally = b.exprs(a.Elems[1:])
		}
	}
	if !hasClause {
		return b.fail(f, "try: expected at least one catch or finally clause")
	}
	return t
}

// clauseName returns "catch" or "finally" when f is such a clause of a try.
func clauseName(f *syntax.Form) string {
	if f.Kind == syntax.FList && len(f.Elems) > 0 && (f.Elems[0].IsSymbol("catch") || f.Elems[0].IsSymbol("finally")) {
		return f.Elems[0].Text
	}
	return ""
}

// errorKindNames are the kinds of §6 a catch clause may name. Parse-time
// kinds are never caught, since only run-time errors are, but naming one is
// not a mistake.
var errorKindNames = func() map[string]value.ErrorKind {
	kinds := append([]value.ErrorKind{value.ParseError, value.InvalidLiteral, value.InvalidEscapeSequence, value.InvalidInput}, value.RuntimeKinds...)
	m := make(map[string]value.ErrorKind, len(kinds))
	for _, k := range kinds {
		m[string(k)] = k
	}
	return m
}()

// catchClause builds `(catch Kind e body+)` or `(catch e body+)` (§4.9
// A12): a keyword or a symbol naming an error kind catches that kind only,
// any other symbol catches everything.
func (b *builder) catchClause(f *syntax.Form) (ast.Catch, bool) {
	c := ast.Catch{At: at(f)}
	args := f.Elems[1:]
	var body []*syntax.Form
	switch {
	case len(args) > 0 && args[0].Kind == syntax.FKeyword:
		name := args[0].Val.AsKeyword().Name
		kind, ok := errorKindNames[name]
		if !ok {
			b.fail(args[0], "catch: unknown error kind :%s", name)
			return c, false
		}
		if len(args) < 2 || !isName(args[1]) {
			b.fail(f, "catch: expected (catch :%s name body...)", name)
			return c, false
		}
		c.Kind, c.Binding, body = kind, args[1].Text, args[2:]
	case len(args) > 2 && args[0].Kind == syntax.FSymbol && isName(args[1]):
		c.Kind, c.Binding, body = errorKindNames[args[0].Text], args[1].Text, args[2:]
	case len(args) > 0 && isName(args[0]):
		c.Binding, body = args[0].Text, args[1:]
	default:
		b.fail(f, "catch: expected (catch [Kind] name body...)")
		return c, false
	}
	if len(body) == 0 {
		b.fail(f, "catch: expected a body")
		return c, false
	}
	c.Body = b.exprs(body)
	return c, true
}

// buildFor builds `(for [x coll ...] body)`. A wrong argument count is the
// run-time ArityMismatch of §6, as in the reference.
func (b *builder) buildFor(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) != 2 {
		return b.raise(f, value.ArityMismatch, value.ArityErr("for", "2", len(args)).Message, args...)
	}
	v := args[0]
	if v.Kind != syntax.FVector || len(v.Elems) == 0 || len(v.Elems)%2 != 0 {
		b.exprs(args)
		return b.fail(v, "for: expected a binding vector [name coll ...] with name/collection pairs")
	}
	n := &ast.For{At: at(f)}
	for i := 0; i < len(v.Elems); i += 2 {
		name := v.Elems[i]
		if !isName(name) {
			b.fail(name, "for: binding names must be symbols, got %s", describe(name))
		}
		n.Bindings = append(n.Bindings, ast.ForBinding{Name: name.Text, Coll: b.expr(v.Elems[i+1])})
	}
	n.Body = b.expr(args[1])
	return n
}

// buildDotimes builds `(dotimes [i n] body)`; like for, a wrong argument
// count is a run-time ArityMismatch.
func (b *builder) buildDotimes(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) != 2 {
		return b.raise(f, value.ArityMismatch, value.ArityErr("dotimes", "2", len(args)).Message, args...)
	}
	v := args[0]
	if v.Kind != syntax.FVector || len(v.Elems) != 2 || !isName(v.Elems[0]) {
		b.exprs(args)
		return b.fail(v, "dotimes: expected a binding vector [name count]")
	}
	return &ast.Dotimes{At: at(f), Var: v.Elems[0].Text, Count: b.expr(v.Elems[1]), Body: []ast.Node{b.expr(args[1])}}
}

// buildGet builds the one-argument shorthand `(get :k)` / `(get sym)`;
// other argument counts call the builtin get.
func (b *builder) buildGet(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) != 1 {
		return &ast.Call{At: at(f), Fn: &ast.Symbol{At: at(f.Elems[0]), Name: "get"}, Args: b.exprs(args)}
	}
	switch a := args[0]; {
	case a.Kind == syntax.FKeyword:
		return &ast.GetVar{At: at(f), Name: a.Val.AsKeyword().Name}
	case a.Kind == syntax.FSymbol && !isColon(a):
		return &ast.GetVar{At: at(f), Name: a.Text}
	default:
		return b.raise(f, value.InvalidArguments, "get: the one-argument form needs a keyword or a symbol, got "+describe(a), a)
	}
}

// buildDefstruct builds `(defstruct Name :field Type ...)`.
func (b *builder) buildDefstruct(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) == 0 || !isName(args[0]) {
		return b.fail(f, "defstruct: expected a struct name")
	}
	d := &ast.Defstruct{At: at(f), Name: args[0].Text}
	fields := args[1:]
	if len(fields)%2 != 0 {
		return b.fail(f, "defstruct: expected :field Type pairs, got %d forms", len(fields))
	}
	for i := 0; i < len(fields); i += 2 {
		if fields[i].Kind != syntax.FKeyword {
			b.fail(fields[i], "defstruct: expected a :field keyword, got %s", describe(fields[i]))
			continue
		}
		d.Fields = append(d.Fields, value.TypeField{Key: fields[i].Val, Type: b.typeOf(fields[i+1])})
	}
	return d
}

// buildCall builds the capability call `(call id arg*)`.
func (b *builder) buildCall(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) == 0 {
		return b.raise(f, value.ArityMismatch, value.ArityErr("call", "at least 1", 0).Message)
	}
	return &ast.CallCap{At: at(f), ID: b.expr(args[0]), Args: b.exprs(args[1:])}
}

// llmCapability is the capability llm-execute is lowered to.
const llmCapability = "ccos.ai.llm-execute"

// buildLLMExecute lowers `(llm-execute model prompt)` and `(llm-execute
// :model m :prompt p [:system s])` to a call of the llm-execute capability
// with the arguments [model prompt] or [model prompt system]; the model
// defaults to "echo-model" as in the reference. Two arguments are the
// positional form unless the first is a keyword: a model id is a string, so
// `(llm-execute :prompt p)` is read as named.
func (b *builder) buildLLMExecute(f *syntax.Form, args []*syntax.Form) ast.Node {
	call := func(model, prompt, system ast.Node) ast.Node {
		n := &ast.CallCap{At: at(f), ID: &ast.Const{At: at(f), Val: value.String(llmCapability)}, Args: []ast.Node{model, prompt}}
		if system != nil {
			n.Args = append(n.Args, system)
		}
		return n
	}
	if len(args) == 0 {
		return b.raise(f, value.InvalidArguments, "llm-execute: expected a model and a prompt, or :model/:prompt/:system arguments")
	}
	if len(args) == 2 && args[0].Kind != syntax.FKeyword {
		return call(b.expr(args[0]), b.expr(args[1]), nil)
	}
	for i := 0; i < len(args); i += 2 {
		key, ok := keywordName(args[i])
		switch {
		case !ok:
			return b.raise(f, value.InvalidArguments, "llm-execute: expected :model, :prompt or :system, got "+describe(args[i]), args...)
		case key != "model" && key != "prompt" && key != "system":
			return b.raise(f, value.InvalidArguments, "llm-execute: unknown argument :"+key+" (expected :model, :prompt or :system)", args...)
		case i+1 == len(args):
			return b.raise(f, value.InvalidArguments, "llm-execute: :"+key+" has no value", args...)
		}
	}
	named := map[string]ast.Node{}
	for i := 0; i < len(args); i += 2 {
		named[args[i].Val.AsKeyword().Name] = b.expr(args[i+1])
	}
	if named["prompt"] == nil {
		return b.raise(f, value.InvalidArguments, "llm-execute: missing :prompt")
	}
	if named["model"] == nil {
		named["model"] = &ast.Const{At: at(f), Val: value.String("echo-model")}
	}
	return call(named["model"], named["prompt"], named["system"])
}

// buildResourceRef builds `(resource:ref "uri")`, which reads the host
// context like `@uri` (§1).
func (b *builder) buildResourceRef(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) != 1 || args[0].Kind != syntax.FString {
		b.exprs(args)
		return b.fail(f, "resource:ref: expected one string literal")
	}
	return &ast.ContextRef{At: at(f), Name: args[0].Val.AsString()}
}
