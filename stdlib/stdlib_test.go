package stdlib

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

// fakeRuntime applies builtins, keywords and goFuncs, and records output
// and context values, which is all the builtins ask of an engine.
type fakeRuntime struct {
	out     bytes.Buffer
	context map[string]value.Value
	calls   int
}

func newRuntime() *fakeRuntime { return &fakeRuntime{context: map[string]value.Value{}} }

func (r *fakeRuntime) Call(fn value.Value, args []value.Value) (value.Value, error) {
	r.calls++
	switch fn.Kind() {
	case value.KFunc:
		switch f := fn.AsFunction().(type) {
		case *value.Builtin:
			if err := f.CheckArity(len(args)); err != nil {
				return value.Nil, err
			}
			return f.Fn(r, args)
		case *goFunc:
			return f.fn(args)
		}
	case value.KKeyword:
		if len(args) < 1 || len(args) > 2 {
			return value.Nil, value.ArityErr(fn.String(), value.ArityText(1, 2), len(args))
		}
		m, fallback := args[0], value.Nil
		if len(args) == 2 {
			fallback = args[1]
		}
		switch m.Kind() {
		case value.KNil:
			return fallback, nil
		case value.KMap:
			if v, ok := m.AsMap().Get(fn); ok {
				return v, nil
			}
			return fallback, nil
		}
		return value.Nil, value.TypeErr(fn.String(), "map", m)
	}
	return value.Nil, value.TypeErr("function call", "function", fn)
}

func (r *fakeRuntime) Stdout() io.Writer { return &r.out }

func (r *fakeRuntime) ContextValue(key string) (value.Value, bool) {
	v, ok := r.context[key]
	return v, ok
}

func (r *fakeRuntime) SetContextValue(key string, v value.Value) { r.context[key] = v }
func (r *fakeRuntime) Interrupted() error                        { return nil }
func (r *fakeRuntime) Reserve(int64) error                       { return nil }

// goFunc stands for a closure in tests.
type goFunc struct {
	fn func(args []value.Value) (value.Value, error)
}

func (*goFunc) FuncName() string { return "fn" }

func closure(fn func(args []value.Value) (value.Value, error)) value.Value {
	return value.Func(&goFunc{fn: fn})
}

// Value constructors that keep the tables short.
func num(n int64) value.Value              { return value.Int(n) }
func flt(f float64) value.Value            { return value.Float(f) }
func text(s string) value.Value            { return value.String(s) }
func kw(name string) value.Value           { return value.Kw(name) }
func vec(items ...value.Value) value.Value { return value.NewVector(items) }
func lst(items ...value.Value) value.Value { return value.NewList(items) }
func args(vs ...value.Value) []value.Value { return vs }

// builtin is the function value of the builtin called name.
func builtin(name string) value.Value { return value.Func(Lookup(name)) }

func dict(kv ...value.Value) value.Value {
	entries := make([]value.MapEntry, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		entries = append(entries, value.MapEntry{Key: kv[i], Val: kv[i+1]})
	}
	return value.MapFromEntries(entries)
}

var (
	nan    = flt(math.NaN())
	posInf = flt(math.Inf(1))
	none   = value.Nil
)

// call is one builtin application and its expected outcome: the printed
// form of the result, or an error kind.
type call struct {
	fn   string
	args []value.Value
	want string
	err  value.ErrorKind
}

func describe(c call) string {
	parts := []string{c.fn}
	for _, a := range c.args {
		parts = append(parts, a.String())
	}
	return "(" + strings.Join(parts, " ") + ")"
}

// invoke applies the builtin the way an engine does: arity check, then Fn
// on a window of argument slots.
func invoke(rt value.Runtime, name string, argv []value.Value) (value.Value, error) {
	b := Lookup(name)
	if err := b.CheckArity(len(argv)); err != nil {
		return value.Nil, err
	}
	return b.Fn(rt, argv)
}

// runCalls checks each call. The arguments are passed in a scratch slice
// that is overwritten once the builtin returns, as VM registers are, so a
// builtin keeping the slice shows up as a wrong result.
func runCalls(t *testing.T, calls []call) {
	t.Helper()
	for _, c := range calls {
		if Lookup(c.fn) == nil {
			t.Errorf("%s: no such builtin", describe(c))
			continue
		}
		window := make([]value.Value, len(c.args))
		copy(window, c.args)
		got, err := invoke(newRuntime(), c.fn, window)
		for i := range window {
			window[i] = value.Symbol("clobbered")
		}
		if c.err != "" {
			var rerr *value.Error
			switch {
			case err == nil:
				t.Errorf("%s = %v, want %s error", describe(c), got, c.err)
			case !errors.As(err, &rerr):
				t.Errorf("%s: error %v is not a *value.Error", describe(c), err)
			case rerr.Kind != c.err:
				t.Errorf("%s: error %v, want kind %s", describe(c), err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: unexpected error %v", describe(c), err)
			continue
		}
		if printed := got.String(); printed != c.want {
			t.Errorf("%s = %s, want %s", describe(c), printed, c.want)
		}
	}
}

// arities lists every builtin of §5 with its argument counts; the test
// fails on a missing, unexpected or mis-declared builtin.
var arities = map[string][2]int{
	"+": {1, -1}, "-": {1, -1}, "*": {1, -1}, "/": {1, -1}, "mod": {2, 2},
	"inc": {1, 1}, "dec": {1, 1}, "max": {1, -1}, "min": {1, -1}, "abs": {1, 1},
	"sqrt": {1, 1}, "pow": {2, 2}, "factorial": {1, 1}, "even?": {1, 1}, "odd?": {1, 1},
	"zero?": {1, 1}, "pos?": {1, 1}, "neg?": {1, 1},
	"parse-int": {1, 1}, "parse-float": {1, 1}, "int": {1, 1}, "float": {1, 1},
	"=": {1, -1}, "not=": {2, 2}, "!=": {2, 2}, "<": {2, 2}, ">": {2, 2}, "<=": {2, 2}, ">=": {2, 2},
	"not": {1, 1}, "and": {0, -1}, "or": {0, -1},
	"str": {0, -1}, "string-length": {1, 1}, "length": {1, 1}, "substring": {2, 3},
	"string-contains": {2, 2}, "starts-with?": {2, 2}, "split": {2, 2}, "join": {2, 2},
	"string-join": {2, 2}, "string-upper": {1, 1}, "string-lower": {1, 1}, "string-trim": {1, 1},
	"re-matches": {2, 2}, "re-find": {2, 2}, "re-seq": {2, 2},
	"vector": {0, -1}, "list": {0, -1}, "hash-map": {0, -1}, "count": {1, 1}, "empty?": {1, 1},
	"first": {1, 1}, "rest": {1, 1}, "last": {1, 1}, "nth": {2, 3}, "get": {2, 3}, "get-in": {2, 3},
	"assoc": {3, -1}, "dissoc": {2, -1}, "update": {3, -1}, "merge": {1, -1}, "keys": {1, 1},
	"vals": {1, 1}, "find": {2, 2}, "contains?": {2, 2}, "conj": {2, -1}, "cons": {2, 2},
	"concat": {0, -1}, "range": {1, 3}, "numbers": {2, 2}, "take": {2, 2}, "drop": {2, 2},
	"subvec": {2, 3}, "reverse": {1, 1}, "distinct": {1, 1}, "sort": {1, 1}, "sort-by": {2, 2},
	"partition": {2, 2}, "frequencies": {1, 1},
	"map": {2, 2}, "filter": {2, 2}, "remove": {2, 2}, "reduce": {2, 3}, "apply": {2, -1},
	"map-indexed": {2, 2}, "group-by": {2, 2}, "every?": {2, 2}, "some?": {2, 2},
	"nil?": {1, 1}, "bool?": {1, 1}, "int?": {1, 1}, "float?": {1, 1}, "number?": {1, 1},
	"string?": {1, 1}, "string-p": {1, 1}, "keyword?": {1, 1}, "symbol?": {1, 1},
	"vector?": {1, 1}, "list?": {1, 1}, "map?": {1, 1}, "fn?": {1, 1}, "type-name": {1, 1},
	"parse-json": {1, 1}, "serialize-json": {1, 1}, "serialize-json-pretty": {1, 1},
	"tool/parse-json": {1, 1}, "tool/serialize-json": {1, 1}, "tool/serialize-json-pretty": {1, 1},
	"getMessage": {1, 1}, "Exception.": {1, -1}, "process-data": {1, 1}, "deftype": {2, 2},
	"println": {0, -1}, "context/get": {1, 1}, "context/set": {2, 2},
}

func TestInventoryAndArity(t *testing.T) {
	all := All()
	if len(all) != len(arities) {
		t.Errorf("All() has %d builtins, the reference lists %d", len(all), len(arities))
	}
	for i, b := range all {
		if i > 0 && all[i-1].Name >= b.Name {
			t.Errorf("All() not sorted or duplicated at %s", b.Name)
		}
		want, ok := arities[b.Name]
		if !ok {
			t.Errorf("unexpected builtin %s", b.Name)
			continue
		}
		if b.MinArgs != want[0] || b.MaxArgs != want[1] {
			t.Errorf("%s arity = %d..%d, want %d..%d", b.Name, b.MinArgs, b.MaxArgs, want[0], want[1])
		}
		if Lookup(b.Name) != b {
			t.Errorf("Lookup(%q) does not return the listed builtin", b.Name)
		}
		var wrongCounts []int
		if b.MinArgs > 0 {
			wrongCounts = append(wrongCounts, b.MinArgs-1)
		}
		if b.MaxArgs >= 0 {
			wrongCounts = append(wrongCounts, b.MaxArgs+1)
		}
		for _, n := range wrongCounts {
			_, err := invoke(newRuntime(), b.Name, make([]value.Value, n))
			var rerr *value.Error
			if !errors.As(err, &rerr) || rerr.Kind != value.ArityMismatch {
				t.Errorf("%s with %d arguments: got %v, want ArityMismatch", b.Name, n, err)
			} else if !strings.Contains(rerr.Message, "Arity mismatch in "+b.Name+":") {
				t.Errorf("%s arity message %q does not name the function", b.Name, rerr.Message)
			}
		}
	}
	for name := range arities {
		if Lookup(name) == nil {
			t.Errorf("missing builtin %s", name)
		}
	}
	if Lookup("call") != nil || Lookup("no-such-builtin") != nil {
		t.Error("Lookup finds names that are not builtins")
	}
}

func TestPurity(t *testing.T) {
	impure := map[string]bool{
		"map": true, "filter": true, "remove": true, "reduce": true, "apply": true,
		"map-indexed": true, "group-by": true, "every?": true, "some?": true,
		"update": true, "sort-by": true, "println": true, "context/get": true,
		"context/set": true, "Exception.": true,
	}
	for _, b := range All() {
		if b.Pure == impure[b.Name] {
			t.Errorf("%s: Pure = %v", b.Name, b.Pure)
		}
	}
}

// TestNumbersDoNotAllocate guards the fast paths the VM relies on.
func TestNumbersDoNotAllocate(t *testing.T) {
	rt := newRuntime()
	for _, name := range []string{"+", "-", "*", "/", "mod", "<", ">", "<=", ">=", "=", "not=", "inc", "max", "zero?"} {
		b := Lookup(name)
		for _, operands := range [][]value.Value{args(num(7), num(3)), args(flt(7.5), num(3)), args(flt(7.5), flt(2.5))} {
			window := operands
			if b.MaxArgs >= 0 {
				window = operands[:min(len(operands), b.MaxArgs)]
			}
			allocs := testing.AllocsPerRun(100, func() {
				if _, err := b.Fn(rt, window); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("(%s %v) allocates %.0f times", name, window, allocs)
			}
		}
	}
}
