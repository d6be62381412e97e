package interp

import (
	"context"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

// The builders below write AST the way the compiler would produce it, so
// these tests exercise the interpreter alone. Builders put every node on
// line 1; tests about positions build their nodes with at(line).

func at(line int) ast.At { return ast.At{P: value.Pos{File: "t.rtfs", Line: line, Col: 1}} }

func pos(line int) value.Pos { return at(line).P }

func lit(v value.Value) *ast.Const { return &ast.Const{At: at(1), Val: v} }
func num(i int64) *ast.Const       { return lit(value.Int(i)) }
func str(s string) *ast.Const      { return lit(value.String(s)) }
func kw(name string) *ast.Const    { return lit(value.Kw(name)) }
func sym(name string) *ast.Symbol  { return &ast.Symbol{At: at(1), Name: name} }

func call(fn ast.Node, args ...ast.Node) *ast.Call { return &ast.Call{At: at(1), Fn: fn, Args: args} }

// op calls the builtin or function named name.
func op(name string, args ...ast.Node) *ast.Call { return call(sym(name), args...) }

func vec(elems ...ast.Node) *ast.Vector { return &ast.Vector{At: at(1), Elems: elems} }

func do(body ...ast.Node) *ast.Do { return &ast.Do{At: at(1), Body: body} }

func iff(c, then, els ast.Node) *ast.If { return &ast.If{At: at(1), Cond: c, Then: then, Else: els} }

func def(name string, v ast.Node) *ast.Def { return &ast.Def{At: at(1), Name: name, Value: v} }

// params makes plain symbol parameters.
func params(names ...string) []ast.Param {
	ps := make([]ast.Param, len(names))
	for i, n := range names {
		ps[i] = ast.Param{Pattern: bind(n)}
	}
	return ps
}

func fn(ps []ast.Param, body ...ast.Node) *ast.Fn { return &ast.Fn{At: at(1), Params: ps, Body: body} }

func defn(name string, ps []ast.Param, body ...ast.Node) *ast.Def {
	f := fn(ps, body...)
	f.Name = name
	return def(name, f)
}

func bind(name string) ast.PBind { return ast.PBind{Name: name} }

func binding(p ast.Pattern, v ast.Node) ast.Binding { return ast.Binding{Pattern: p, Value: v} }

func let(bindings []ast.Binding, body ...ast.Node) *ast.Let {
	return &ast.Let{At: at(1), Bindings: bindings, Body: body}
}

func typ(name string) *value.Type { return &value.Type{Name: name} }

// testHost is a Recorder with capabilities registered by id. Each call
// records the action id of the step it ran in.
type testHost struct {
	*host.Recorder
	caps     map[string]func(args []value.Value) (value.Value, error)
	calledIn []string
}

func newTestHost() *testHost {
	return &testHost{Recorder: host.NewRecorder(), caps: map[string]func([]value.Value) (value.Value, error){}}
}

func (h *testHost) ExecuteCapability(ctx context.Context, id string, args []value.Value) (value.Value, error) {
	f, ok := h.caps[id]
	if !ok {
		return h.Recorder.ExecuteCapability(ctx, id, args)
	}
	h.calledIn = append(h.calledIn, host.StepFromContext(ctx))
	return f(args)
}

// run evaluates forms as a program with opts (a fresh Recorder host if
// none).
func run(t *testing.T, opts Options, forms ...ast.Node) (value.Value, *value.Error) {
	t.Helper()
	v, err := Run(context.Background(), &ast.Program{File: "t.rtfs", Forms: forms}, opts)
	if err == nil {
		return v, nil
	}
	e, ok := err.(*value.Error)
	if !ok {
		t.Fatalf("error %v is a %T, not a *value.Error", err, err)
	}
	return v, e
}

// evalCase is one program and its expected outcome: a value (printed form)
// or an error kind.
type evalCase struct {
	name    string
	forms   []ast.Node
	want    string
	wantErr value.ErrorKind
}

func runCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := run(t, Options{}, c.forms...)
			checkOutcome(t, v, err, c.want, c.wantErr)
		})
	}
}

func checkOutcome(t *testing.T, v value.Value, err *value.Error, want string, wantErr value.ErrorKind) {
	t.Helper()
	switch {
	case wantErr != "" && err == nil:
		t.Fatalf("got %s, want a %s error", v, wantErr)
	case wantErr != "" && err.Kind != wantErr:
		t.Fatalf("got error %v, want kind %s", err, wantErr)
	case wantErr == "" && err != nil:
		t.Fatalf("unexpected error %v", err)
	case wantErr == "" && v.String() != want:
		t.Fatalf("got %s, want %s", v, want)
	}
}

func forms(nodes ...ast.Node) []ast.Node { return nodes }
