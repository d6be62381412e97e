package parse

import (
	"fmt"
	"strings"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/value"
)

// dump renders a node as compact S-expression text, so tests can compare
// whole trees. Annotations print as ^type after what they annotate.
func dump(n ast.Node) string {
	var b strings.Builder
	dumpNode(&b, n)
	return b.String()
}

func dumpAll(nodes []ast.Node) string {
	parts := make([]string, len(nodes))
	for i, n := range nodes {
		parts[i] = dump(n)
	}
	return strings.Join(parts, " ")
}

func dumpNode(b *strings.Builder, n ast.Node) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	switch n := n.(type) {
	case *ast.Const:
		w("%s", n.Val)
	case *ast.Symbol:
		w("%s", n.Name)
	case *ast.Vector:
		w("[%s]", dumpAll(n.Elems))
	case *ast.Map:
		w("{%s}", dumpEntries(n.Keys, n.Vals))
	case *ast.Call:
		w("(%s)", dumpAll(append([]ast.Node{n.Fn}, n.Args...)))
	case *ast.Def:
		w("(def %s%s %s)", n.Name, dumpType(n.Type), dump(n.Value))
	case *ast.Fn:
		w("(fn")
		if n.Name != "" {
			w(" %s", n.Name)
		}
		if d := n.Delegation; d != nil {
			w(" ^%s%s", d.Target, strings.TrimSuffix(" "+d.ID, " "))
		}
		var params []string
		for _, p := range n.Params {
			params = append(params, dumpPattern(p.Pattern)+dumpType(p.Type))
		}
		if n.Rest != nil {
			params = append(params, "&", n.Rest.Name+dumpType(n.Rest.Type))
		}
		w(" [%s]%s %s)", strings.Join(params, " "), dumpType(n.Ret), dumpAll(n.Body))
	case *ast.Let:
		var bs []string
		for _, bd := range n.Bindings {
			bs = append(bs, dumpPattern(bd.Pattern)+dumpType(bd.Type)+" "+dump(bd.Value))
		}
		w("(let [%s] %s)", strings.Join(bs, " "), dumpAll(n.Body))
	case *ast.If:
		w("(if %s %s", dump(n.Cond), dump(n.Then))
		if n.Else != nil {
			w(" %s", dump(n.Else))
		}
		w(")")
	case *ast.Do:
		w("(do%s)", prefixed(dumpAll(n.Body)))
	case *ast.And:
		w("(and%s)", prefixed(dumpAll(n.Args)))
	case *ast.Or:
		w("(or%s)", prefixed(dumpAll(n.Args)))
	case *ast.Match:
		w("(match %s", dump(n.Subject))
		for _, c := range n.Clauses {
			w(" %s", dumpPattern(c.Pattern))
			if c.Guard != nil {
				w(" when %s", dump(c.Guard))
			}
			w(" %s", dump(c.Body))
		}
		w(")")
	case *ast.Try:
		w("(try%s", prefixed(dumpAll(n.Body)))
		for _, c := range n.Catches {
			kind := string(c.Kind)
			if kind == "" {
				kind = "*"
			}
			w(" (catch %s %s %s)", kind, c.Binding, dumpAll(c.Body))
		}
		if n.Finally != nil {
			w(" (finally %s)", dumpAll(n.Finally))
		}
		w(")")
	case *ast.For:
		var bs []string
		for _, fb := range n.Bindings {
			bs = append(bs, fb.Name+" "+dump(fb.Coll))
		}
		w("(for [%s] %s)", strings.Join(bs, " "), dump(n.Body))
	case *ast.Dotimes:
		w("(dotimes [%s %s] %s)", n.Var, dump(n.Count), dumpAll(n.Body))
	case *ast.GetVar:
		w("(get-var %s)", n.Name)
	case *ast.ContextRef:
		w("@%s", n.Name)
	case *ast.Defstruct:
		w("(defstruct %s", n.Name)
		for _, f := range n.Fields {
			w(" %s%s", f.Key, dumpType(f.Type))
		}
		w(")")
	case *ast.CallCap:
		w("(call-cap %s)", dumpAll(append([]ast.Node{n.ID}, n.Args...)))
	case *ast.Meta:
		w("(meta {%s} %s)", dumpEntries(n.Keys, n.Vals), dump(n.Expr))
	case *ast.Step:
		w("(%s %q", stepNames[n.Kind], n.Name)
		if n.ExposeContext != nil {
			w(" :expose-context %v", *n.ExposeContext)
		}
		if n.ContextKeys != nil {
			w(" :context-keys %q", n.ContextKeys)
		}
		if n.ParamKeys != nil {
			w(" :params {%s}", dumpEntries(strings2values(n.ParamKeys), n.ParamVals))
		}
		if n.MergePolicy != "" {
			w(" :merge-policy %s", n.MergePolicy)
		}
		w("%s)", prefixed(dumpAll(n.Body)))
	case *ast.Raise:
		w("(raise %s %q)", n.Kind, n.Message)
	default:
		w("<%T>", n)
	}
}

func prefixed(s string) string {
	if s == "" {
		return ""
	}
	return " " + s
}

func strings2values(ss []string) []value.Value {
	out := make([]value.Value, len(ss))
	for i, s := range ss {
		out[i] = value.String(s)
	}
	return out
}

func dumpEntries(keys []value.Value, vals []ast.Node) string {
	var parts []string
	for i, k := range keys {
		parts = append(parts, k.String()+" "+dump(vals[i]))
	}
	return strings.Join(parts, " ")
}

func dumpPattern(p ast.Pattern) string {
	switch p := p.(type) {
	case ast.PBind:
		return p.Name
	case ast.PIgnore:
		return "_"
	case ast.PLit:
		return p.Val.String()
	case ast.PVector:
		var parts []string
		for _, e := range p.Elems {
			parts = append(parts, dumpPattern(e))
		}
		if p.Rest != nil {
			parts = append(parts, "&", dumpPattern(p.Rest))
		}
		if p.As != "" {
			parts = append(parts, ":as", p.As)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case ast.PMap:
		var parts []string
		for i, k := range p.Keys {
			parts = append(parts, k.String(), dumpPattern(p.Pats[i]))
		}
		if p.Rest != "" {
			parts = append(parts, "&", p.Rest)
		}
		if p.As != "" {
			parts = append(parts, ":as", p.As)
		}
		return "{" + strings.Join(parts, " ") + "}"
	case ast.PAs:
		return "(:as " + p.Name + " " + dumpPattern(p.Pat) + ")"
	}
	return fmt.Sprintf("<%T>", p)
}

// dumpType renders an annotation as ^type, "" when absent.
func dumpType(t *value.Type) string {
	if t == nil {
		return ""
	}
	return "^" + typeText(t)
}

func typeText(t *value.Type) string {
	var s string
	switch t.Name {
	case "vector", "tuple", "union", "map-of", "and", "map", "enum", "val":
		parts := []string{t.Name}
		for _, e := range t.Elems {
			parts = append(parts, typeText(e))
		}
		for _, f := range t.Fields {
			field := "[" + f.Key.String() + " " + typeText(f.Type)
			if f.Optional {
				field += " ?"
			}
			parts = append(parts, field+"]")
		}
		for _, p := range t.Preds {
			pred := "[" + p.Op
			if !p.Arg.IsNil() {
				pred += " " + p.Arg.String()
			}
			parts = append(parts, pred+"]")
		}
		for _, v := range t.Values {
			parts = append(parts, v.String())
		}
		s = "[" + strings.Join(parts, " ") + "]"
	default:
		s = t.Name
	}
	if t.Optional {
		s += "?"
	}
	return s
}
