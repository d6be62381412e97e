package parse

import (
	"strings"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/value"
)

const unless = "(defmacro unless [c & body] `(if ~c nil (do ~@body)))\n"

func TestMacros(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unless (§4.12)", unless + "(unless false 1 2)", "nil (if false nil (do 1 2))"},
		{"empty rest", unless + "(unless ok)", "nil (if ok nil (do))"},
		{"splice into a vector", "(defmacro vec-of [& xs] `[0 ~@xs])\n(vec-of 1 (f 2))", "nil [0 1 (f 2)]"},
		{"splice a bound vector", "(defmacro call-with [f args] `(~f ~@args))\n(call-with + [1 2])", "nil (+ 1 2)"},
		{"rest inserted whole is a list", "(defmacro args [& xs] `(f ~xs))\n(args 1 2)", "nil (f (1 2))"},
		{"unquoted expression", "(defmacro twice [x] `(+ 1 ~(* x 2)))\n(twice y)", "nil (+ 1 (* y 2))"},
		{"parameters are not replaced unless unquoted", "(defmacro m [x] `(f x ~x))\n(m 5)", "nil (f x 5)"},
		{"template without quasiquote", "(defmacro id [x] x)\n(id (+ 1 2))", "nil (+ 1 2)"},
		{"nested macros", unless + "(defmacro when-not [c x] `(unless ~c ~x))\n(when-not a b)",
			"nil nil (if a nil (do b))"},
		{"macro inside a special form", unless + "(let [x 1] (unless x (g)))", "nil (let [x 1] (if x nil (do (g))))"},
		{"argument forms are not evaluated", "(defmacro quote-first [x & _] `(str ~x))\n(quote-first a (boom) (if))",
			"nil (str a)"},
		{"used before its definition it is a call", "(m 1)\n(defmacro m [x] x)\n(m 2)", "(m 1) nil 2"},
		{"defined inside a form", "(do (defmacro m [] 1) (m))", "(do nil 1)"},
		{"shadows a builtin", "(defmacro str [x] x)\n(str 1)\nstr", "nil 1 str"},
		{"expands into metadata", "(defmacro hinted [x] `(do ^{:runtime.t 1} (f ~x)))\n(hinted 2)",
			"nil (do (meta {:runtime.t 1} (f 2)))"},
		{"expands into #( )", "(defmacro adder [n] `#(+ % ~n))\n(adder 3)", "nil (fn [%1] (+ %1 3))"},
		{"nested quasiquote keeps the inner one", "(defmacro m [x] `(f `(g ~~x)))\n(m 5)",
			"nil (f (raise InternalError \"quasiquote (`) used outside a macro template\"))"},
		// expansion errors are run-time errors at the call site
		{"arity, fixed", "(defmacro two [a b] `(+ ~a ~b))\n(two 1)",
			`nil (raise ArityMismatch "Arity mismatch in two: expected 2, got 1")`},
		{"arity, too many", "(defmacro two [a b] `(+ ~a ~b))\n(two 1 2 3)",
			`nil (raise ArityMismatch "Arity mismatch in two: expected 2, got 3")`},
		{"arity, rest", unless + "(unless)",
			`nil (raise ArityMismatch "Arity mismatch in unless: expected at least 1, got 0")`},
		{"splice of a non-sequence", "(defmacro bad [x] `(f ~@x))\n(bad 1)",
			`nil (raise Generic "macro bad: ~@ needs a list or a vector to splice, got integer 1")`},
		{"splice outside a sequence", "(defmacro bad [x] `~@x)\n(bad [1])",
			`nil (raise Generic "macro bad: ~@ must stand inside a list, vector or map")`},
	}
	for _, tt := range tests {
		if got := build(t, tt.src); got != tt.want {
			t.Errorf("%s: %s\n got: %s\nwant: %s", tt.name, tt.src, got, tt.want)
		}
	}
}

func TestMacroExpansionIsBounded(t *testing.T) {
	tests := []struct{ name, src string }{
		{"self-recursive", "(defmacro forever [x] `(do (forever ~x)))\n(forever 1)"},
		{"exponential", "(defmacro boom [x] `(do (boom ~x) (boom ~x)))\n(boom 1)"},
	}
	for _, tt := range tests {
		start := time.Now()
		prog, errs := Source(testFile, []byte(tt.src))
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v", tt.name, d)
		}
		if len(errs) > 0 {
			t.Errorf("%s: %v", tt.name, errs)
		}
		r := firstRaise(prog.Forms[1])
		if r == nil || r.Kind != value.Generic || !strings.Contains(r.Message, "expansion too deep or too large") {
			t.Errorf("%s: no expansion limit error, got %+v", tt.name, r)
		}
	}
}

// firstRaise finds the leftmost Raise in nested do forms.
func firstRaise(n ast.Node) *ast.Raise {
	switch n := n.(type) {
	case *ast.Raise:
		return n
	case *ast.Do:
		for _, b := range n.Body {
			if r := firstRaise(b); r != nil {
				return r
			}
		}
	}
	return nil
}

// TestMacroPositions: nodes made from the template carry the position of
// the call; argument forms keep their own.
func TestMacroPositions(t *testing.T) {
	prog, errs := Source(testFile, []byte(unless+"\n  (unless c\n     (g))"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	iff := prog.Forms[1].(*ast.If)
	do := iff.Else.(*ast.Do)
	for _, c := range []struct {
		node ast.Node
		want string
	}{
		{iff, "t.rtfs:3:3"}, {iff.Then, "t.rtfs:3:3"}, {do, "t.rtfs:3:3"},
		{iff.Cond, "t.rtfs:3:11"}, {do.Body[0], "t.rtfs:4:6"},
	} {
		if got := c.node.Pos().String(); got != c.want {
			t.Errorf("%s at %s, want %s", dump(c.node), got, c.want)
		}
	}
}
