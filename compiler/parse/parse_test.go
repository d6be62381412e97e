package parse

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/value"
)

const testFile = "t.rtfs"

// build parses src and fails the test on any error.
func build(t *testing.T, src string) string {
	t.Helper()
	prog, errs := Source(testFile, []byte(src))
	for _, e := range errs {
		t.Errorf("%q: unexpected error %v", src, e)
	}
	return dumpAll(prog.Forms)
}

// sourceCase is a source and what building it must give.
type sourceCase struct{ src, want string }

// checkBuilds builds each source and compares the dump of its forms.
func checkBuilds(t *testing.T, cases []sourceCase) {
	t.Helper()
	for _, tt := range cases {
		if got := build(t, tt.src); got != tt.want {
			t.Errorf("%s\n got: %s\nwant: %s", tt.src, got, tt.want)
		}
	}
}

// checkOneError builds each source, which must fail with exactly one error
// shown as "Kind line:col message".
func checkOneError(t *testing.T, cases []sourceCase) {
	t.Helper()
	for _, tt := range cases {
		_, errs := Source(testFile, []byte(tt.src))
		if len(errs) != 1 || fmt.Sprintf("%s %d:%d %s", errs[0].Kind, errs[0].Pos.Line, errs[0].Pos.Col, errs[0].Message) != tt.want {
			t.Errorf("%s: got %v, want %s", tt.src, errs, tt.want)
		}
	}
}

func TestBuildForms(t *testing.T) {
	tests := []sourceCase{
		// literals, references, collections
		{`42 -1.5 "s" true nil :k sym @ctx @:key`, `42 -1.5 "s" true nil :k sym @ctx key`},
		{`[1 [2]] {:a 1 "b" (f) 3 x} () (f) (:k m)`, `[1 [2]] {:a 1 "b" (f) 3 x} [] (f) (:k m)`},
		{`(1 2 3) ((fn [x] x) 1)`, `(1 2 3) ((fn [x] x) 1)`},
		{`2025-06-23T10:37:15Z`, `"2025-06-23T10:37:15Z"`},
		{`(.toUpperCase s 1)`, `(toUpperCase s 1)`},
		// def, A4
		{`(def x 5) (def s :ok) (def n :int 5)`, `(def x 5) (def s :ok) (def n^int 5)`},
		// defn, fn, λ, return types, docstring
		{`(defn f [x] x)`, `(def f (fn f [x] x))`},
		{`(defn f "doc" [x :int y :string & r :int] :int (g x) y)`,
			`(def f (fn f [x^int y^string & r^int]^int (g x) y))`},
		{`(defn f "only a string body" [] "s")`, `(def f (fn f [] "s"))`},
		{`(defn f [] "doc")`, `(def f (fn f [] "doc"))`},
		{`(fn [] :ok) (fn [] :int 5) (λ [x] x)`, `(fn [] :ok) (fn []^int 5) (fn [x] x)`},
		{`(fn [[a b] {:keys [c]} _] a)`, `(fn [[a b] {:c c} _] a)`},
		{`(fn [x :Int? y :integer z :number w :boolean v :MyType] x)`,
			`(fn [x^int? y^int z^[union int float] w^bool v^never] x)`},
		// delegation and metadata
		{`(fn ^:delegation :local [x] x)`, `(fn ^local [x] x)`},
		{`(defn ^:delegation :remote "agent-1" f [x] x)`, `(def f (fn f ^remote agent-1 [x] x))`},
		{`(fn ^:delegation :local-model [x] x)`, `(fn ^local-model [x] x)`},
		{`(defn ^{:doc "d"} f [x] x)`, `(meta {:doc "d"} (def f (fn f [x] x)))`},
		{`(fn ^:delegation :local ^{:a 1} [x] x)`, `(meta {:a 1} (fn ^local [x] x))`},
		{`^{:runtime.timeout 5} (f x) [^{:a 1} ^{:b 2} y]`,
			`(meta {:runtime.timeout 5} (f x)) [(meta {:a 1} (meta {:b 2} y))]`},
		// let, A4
		{`(let [x 1 y (+ x 1)] x y)`, `(let [x 1 y (+ x 1)] x y)`},
		{`(let [s :ok] s)`, `(let [s :ok] s)`},
		{`(let [a :x b :y] a)`, `(let [a :x b :y] a)`},
		{`(let [x :int 5] x)`, `(let [x^int 5] x)`},
		{`(let [x :int] x)`, `(let [x :int] x)`},
		{`(let [[a b & r :as all] v {:keys [c d] :e e "s" s 1 one :as m} w] a)`,
			`(let [[a b & r :as all] v {:c c :d d :e e "s" s 1 one :as m} w] a)`},
		// if, do, and, or
		{`(if c 1) (if c 1 2) (do) (do 1 2)`, `(if c 1) (if c 1 2) (do) (do 1 2)`},
		{`(and) (or a b) (apply and [1]) (reduce or x)`, `(and) (or a b) (apply and [1]) (reduce or x)`},
		// match
		{`(match 10 x when (> x 5) "large" _ "small")`, `(match 10 x when (> x 5) "large" _ "small")`},
		{`(match v 1 :one 2.5 :f "s" :s true :t nil :n :k :kw)`,
			`(match v 1 :one 2.5 :f "s" :s true :t nil :n :k :kw)`},
		{`(match v [:ok x & more] x {:a 1 "b" y} y (:as all [_ _]) all)`,
			`(match v [:ok x & more] x {:a 1 "b" y} y (:as all [_ _]) all)`},
		// try
		{`(try (f) (catch e (g e)))`, `(try (f) (catch * e (g e)))`},
		{`(try (f) (catch DivisionByZero e 1) (catch :TypeError e 2) (catch Exception err 3) (finally (h)))`,
			`(try (f) (catch DivisionByZero e 1) (catch TypeError e 2) (catch * err 3) (finally (h)))`},
		{`(try (finally 1))`, `(try (finally 1))`},
		// for, dotimes, get
		{`(for [x [1 2] y [10 20]] (+ x y))`, `(for [x [1 2] y [10 20]] (+ x y))`},
		{`(dotimes [i 3] (f i))`, `(dotimes [i 3] (f i))`},
		{`(get :k) (get sym) (get m :k) (get m :k 0) (get)`,
			`(get-var k) (get-var sym) (get m :k) (get m :k 0) (get)`},
		// defstruct, call, llm-execute
		{`(defstruct P :name :string :age [:and :int [:>= 0]] :tags [:vector :keyword])`,
			`(defstruct P :name^string :age^[and int [>= 0]] :tags^[vector keyword])`},
		{`(call :ccos.io.log "x" 1) (call "id")`, `(call-cap :ccos.io.log "x" 1) (call-cap "id")`},
		{`(llm-execute "m" "p") (llm-execute :model m :prompt "p" :system s) (llm-execute :prompt "p")`,
			`(call-cap "ccos.ai.llm-execute" "m" "p") (call-cap "ccos.ai.llm-execute" m "p" s) (call-cap "ccos.ai.llm-execute" "echo-model" "p")`},
		// #( ) shorthand
		{`#(+ % 1) #(* %1 %2) #(f %2) #(g) #(h %params)`,
			`(fn [%1] (+ %1 1)) (fn [%1 %2] (* %1 %2)) (fn [%1 %2] (f %2)) (fn [] (g)) (fn [] (h %params))`},
		{`#(+ % %1 (fn [x] %))`, `(fn [%1] (+ %1 %1 (fn [x] %1)))`},
		// special-form names are exact; non-head and/or are symbols
		{`(iffy a b) (define x) (steps "a")`, `(iffy a b) (define x) (steps "a")`},
	}
	checkBuilds(t, tests)
}

func TestTypes(t *testing.T) {
	tests := []struct{ annotation, want string }{
		{":int", "int"}, {"int", "int"}, {"Int", "int"}, {":String?", "string?"},
		{":float", "float"}, {":bool", "bool"}, {":nil", "nil"}, {"nil", "nil"}, {":keyword", "keyword"},
		{":symbol", "symbol"}, {":any", "any"}, {"Any", "any"}, {":never", "never"}, {":fn", "fn"},
		{":integer", "int"}, {":number?", "[union int float]?"}, {":Boolean", "bool"}, {":MyType", "never"},
		{"[:vector :int?]", "[vector int?]"},
		{"[:tuple :int :string]", "[tuple int string]"},
		{"[:map [:a :int] [:b :string ?] [:c :int?]]", "[map [:a int] [:b string ?] [:c int? ?]]"},
		{"[:record [:a :int]]", "[map [:a int]]"},
		{"[:map-of :keyword :int]", "[map-of keyword int]"},
		{"[:dict :string :any]", "[map-of string any]"},
		{"[:union :int :nil]", "[union int nil]"},
		{"[:and :string [:min-length 3] [:non-empty] [:in-range 1 5]]", "[and string [min-length 3] [non-empty] [in-range [1 5]]]"},
		{"[:enum :a :b 1]", "[enum :a :b 1]"},
		{"[:val 42]", "[val 42]"},
		{"[:fn [:int & :int] :string]", "fnsig"},
		{"[:whatever :int]", "never"},
	}
	for _, tt := range tests {
		src := fmt.Sprintf("(defstruct S :f %s)", tt.annotation)
		prog, errs := Source(testFile, []byte(src))
		if len(errs) > 0 {
			t.Errorf("%s: %v", src, errs)
			continue
		}
		if got := typeText(prog.Forms[0].(*ast.Defstruct).Fields[0].Type); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.annotation, got, tt.want)
		}
	}
}

// TestErrors checks malformed forms: each expected error is "Kind line:col
// message-fragment", in order.
func TestErrors(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{`(let x 5)`, []string{"InvalidInput 1:1 let: expected a binding vector"}},
		{`(let [x 1])`, []string{"InvalidInput 1:1 let: expected a body"}},
		{`(let [1 2] x)`, []string{"InvalidInput 1:7 let: expected a binding pattern (symbol, vector or map), got integer 1"}},
		{`(let [x 1 y] x)`, []string{"InvalidInput 1:11 let: binding symbol y has no value"}},
		{`(let [[a & ] v] a)`, []string{"InvalidInput 1:10 let: & must be followed by a rest pattern"}},
		{`(let [[a :as] v] a)`, []string{"InvalidInput 1:10 let: :as must be followed by a symbol"}},
		{`(let [[a & r b] v] a)`, []string{"InvalidInput 1:14 let: unexpected symbol b at the end of a vector pattern"}},
		{`(let [{:keys [1]} v] a)`, []string{"InvalidInput 1:15 let: :keys names must be symbols, got integer 1"}},
		{`(let [{:keys x} v] a)`, []string{"InvalidInput 1:14 let: :keys must be followed by a vector of symbols"}},
		{`(let [{:as 1} v] a)`, []string{"InvalidInput 1:12 let: keyword :as must be followed by a symbol, got integer 1"}},
		{`(if c)`, []string{"InvalidInput 1:1 if: expected 2 or 3 arguments (condition, then, else), got 1"}},
		{`(if a b c d)`, []string{"InvalidInput 1:1 if: expected 2 or 3 arguments"}},
		{`(fn)`, []string{"InvalidInput 1:1 fn: expected a parameter vector"}},
		{`(fn [x])`, []string{"InvalidInput 1:1 fn: expected a body after the parameter vector"}},
		{`(fn name [x] x)`, []string{"InvalidInput 1:5 fn: a function literal has no name slot, got symbol name"}},
		{`(fn x)`, []string{"InvalidInput 1:5 fn: expected a parameter vector, got symbol x"}},
		{`(fn [1] x)`, []string{"InvalidInput 1:6 fn: expected a parameter (symbol, vector or map), got integer 1"}},
		{`(fn [[1]] x)`, []string{"InvalidInput 1:7 fn: expected a binding pattern (symbol, vector or map), got integer 1"}},
		{`(fn [& [r]] r)`, []string{"InvalidInput 1:6 fn: & must be followed by a rest parameter name"}},
		{`(fn [& r s] r)`, []string{"InvalidInput 1:10 fn: unexpected symbol s after the rest parameter"}},
		{`(defn [x] x)`, []string{"InvalidInput 1:7 defn: expected a function name, got a vector"}},
		{`(defn f)`, []string{"InvalidInput 1:1 defn: expected a parameter vector"}},
		{`(defn f [x])`, []string{"InvalidInput 1:1 defn: expected a body"}},
		{`(def)`, []string{"InvalidInput 1:1 def: expected a name and a value"}},
		{`(def 1 2)`, []string{"InvalidInput 1:6 def: expected a symbol name, got integer 1"}},
		{`(def x)`, []string{"InvalidInput 1:1 def: expected (def name [:type] value), got 0 arguments after the name"}},
		{`(def x 1 2)`, []string{"InvalidInput 1:1 def: expected (def name [:type] value), got 2 arguments"}},
		{`(def x [:vector] 1)`, []string{"InvalidInput 1:1 def: expected (def name [:type] value)"}},
		{`(defstruct S :f [:vector])`, []string{"InvalidInput 1:17 type [:vector ...]: expected 1, got 0"}},
		{`(defstruct S :f [])`, []string{"InvalidInput 1:17 expected a type, got an empty vector"}},
		{`(defstruct S :f "t")`, []string{`InvalidInput 1:17 expected a type, got string "t"`}},
		{`(defstruct S :f [:map :a])`, []string{"InvalidInput 1:23 type [:map ...]: expected entries [:key Type] or [:key Type ?], got keyword :a"}},
		{`(defstruct S :f [:and :int 5])`, []string{"InvalidInput 1:28 type [:and ...]: expected predicates such as [:> 0], got integer 5"}},
		{`(defstruct S :f [:enum (f)])`, []string{"InvalidInput 1:24 type: expected a literal, got a list"}},
		{`(defstruct S :f [1 2])`, []string{"InvalidInput 1:18 type: expected a type constructor such as :vector, got integer 1"}},
		{`(defstruct S :f [:fn :int :int])`, []string{"InvalidInput 1:22 type [:fn ...]: expected a vector of parameter types"}},
		{`(match x)`, []string{"InvalidInput 1:1 match: expected a value and at least one clause"}},
		{`(match x 1)`, []string{"InvalidInput 1:10 match: the clause for pattern integer 1 has no body"}},
		{`(match x y when (g y))`, []string{"InvalidInput 1:12 match: when must be followed by a guard and a body"}},
		{`(match x (:as 1 y) 2)`, []string{"InvalidInput 1:10 match: expected (:as name pattern)"}},
		{`(match x (:int y) 2)`, []string{"NotImplemented 1:10 match: list patterns other than (:as name pattern) are not implemented"}},
		{`(match x #(f) 2)`, []string{"InvalidInput 1:10 match: expected a pattern, got a #( ) function"}},
		{`(try x)`, []string{"InvalidInput 1:1 try: expected at least one catch or finally clause"}},
		{`(try)`, []string{"InvalidInput 1:1 try: expected at least one catch or finally clause"}},
		{`(try (catch e 1) x)`, []string{"InvalidInput 1:18 try: body form symbol x after a catch or finally clause"}},
		{`(try (finally 1) (catch e 2))`, []string{"InvalidInput 1:18 try: catch clause after the finally clause"}},
		{`(try (finally 1) (finally 2))`, []string{"InvalidInput 1:18 try: more than one finally clause"}},
		{`(try x (finally))`, []string{"InvalidInput 1:8 finally: expected a body"}},
		{`(try x (catch e))`, []string{"InvalidInput 1:8 catch: expected a body"}},
		{`(try x (catch))`, []string{"InvalidInput 1:8 catch: expected (catch [Kind] name body...)"}},
		{`(try x (catch :Oops e 1))`, []string{"InvalidInput 1:15 catch: unknown error kind :Oops"}},
		{`(try x (catch :TypeError 1))`, []string{"InvalidInput 1:8 catch: expected (catch :TypeError name body...)"}},
		{`(for x 1)`, []string{"InvalidInput 1:6 for: expected a binding vector [name coll ...]"}},
		{`(for [x] 1)`, []string{"InvalidInput 1:6 for: expected a binding vector"}},
		{`(for [1 [2]] 1)`, []string{"InvalidInput 1:7 for: binding names must be symbols, got integer 1"}},
		{`(dotimes [i] 1)`, []string{"InvalidInput 1:10 dotimes: expected a binding vector [name count]"}},
		{`(dotimes [1 2] 1)`, []string{"InvalidInput 1:10 dotimes: expected a binding vector [name count]"}},
		{`(defstruct)`, []string{"InvalidInput 1:1 defstruct: expected a struct name"}},
		{`(defstruct P :a)`, []string{"InvalidInput 1:1 defstruct: expected :field Type pairs, got 1 forms"}},
		{`(defstruct P a :int)`, []string{"InvalidInput 1:14 defstruct: expected a :field keyword, got symbol a"}},
		{`(defmacro)`, []string{"InvalidInput 1:1 defmacro: expected a macro name"}},
		{`(defmacro if [x] x)`, []string{"InvalidInput 1:11 defmacro: if is a special form and cannot be redefined"}},
		{`(defmacro m x)`, []string{"InvalidInput 1:1 defmacro: expected a parameter vector after the name"}},
		{`(defmacro m [x])`, []string{"InvalidInput 1:1 defmacro: expected exactly one template after the parameters, got 0"}},
		{`(defmacro m [x] a b)`, []string{"InvalidInput 1:1 defmacro: expected exactly one template after the parameters, got 2"}},
		{`(defmacro m [[x]] x)`, []string{"InvalidInput 1:14 defmacro: parameters must be symbols"}},
		{`(defmacro m [& r s] x)`, []string{"InvalidInput 1:14 defmacro: parameters must be symbols"}},
		{`^{:a 1}`, []string{"ParseError 1:1 metadata ^{...} must be followed by a form"}},
		{`(f ^:delegation)`, []string{"ParseError 1:4 ^:delegation must be followed by :local"}},
		{`(f ^:delegation :far x)`, []string{"ParseError 1:17 ^:delegation: expected :local, :local-model or :remote, got keyword :far"}},
		{`(f ^:foo x)`, []string{"ParseError 1:4 metadata must be a map ^{...} or ^:delegation"}},
		{`(f ^:delegation :local x)`, []string{"ParseError 1:4 ^:delegation may only follow fn or defn"}},
		{`#(f %21)`, []string{"ParseError 1:5 %21: #( ) functions take at most 20 parameters"}},
		// reader errors come through, in position order with the rest
		{"(if c)\n(f \"\\q\")\n(let x)", []string{
			"InvalidInput 1:1 if: expected 2 or 3",
			"InvalidEscapeSequence 2:5 invalid escape sequence",
			"InvalidInput 3:1 let: expected a binding vector"}},
		{`(f 1e5)`, []string{"InvalidLiteral 1:4 malformed number 1e5"}},
		{`{x 1}`, []string{"ParseError 1:2 map literal keys must be keyword, string or integer literals"}},
	}
	for _, tt := range tests {
		_, errs := Source(testFile, []byte(tt.src))
		var got []string
		for _, e := range errs {
			if e.Pos.File != testFile {
				t.Errorf("%s: error %v names file %q", tt.src, e, e.Pos.File)
			}
			got = append(got, fmt.Sprintf("%s %d:%d %s", e.Kind, e.Pos.Line, e.Pos.Col, e.Message))
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: got %d errors %q, want %q", tt.src, len(got), got, tt.want)
			continue
		}
		for i := range got {
			if !strings.HasPrefix(got[i], tt.want[i]) {
				t.Errorf("%s: error %d\n got: %s\nwant: %s...", tt.src, i, got[i], tt.want[i])
			}
		}
	}
}

func TestColonAnnotations(t *testing.T) {
	tests := []sourceCase{
		{`(def m : string "a")`, `(def m^string "a")`},
		{`(def v :[:vector :int] [1])`, `(def v^[vector int] [1])`},
		{`(defn f [x : int y :[:vector :int] & r : string] : bool true)`,
			`(def f (fn f [x^int y^[vector int] & r^string]^bool true))`},
		{`(let [x : float 5 y :[:vector :int] []] x)`, `(let [x^float 5 y^[vector int] []] x)`},
	}
	checkBuilds(t, tests)
	bad := []sourceCase{
		{`(let [x :] x)`, "InvalidInput 1:9 let: expected a type and a value after ':'"},
		{`(fn [x :] x)`, "InvalidInput 1:8 fn: ':' must be followed by a type"},
		{`(fn [] : int)`, "InvalidInput 1:8 fn: expected a return type and a body after ':'"},
		{`(f :)`, "ParseError 1:4 ':' may only introduce a type annotation"},
	}
	checkOneError(t, bad)
}

func TestAllErrorsReported(t *testing.T) {
	src := `(def a 1)
(let [x] x)
(defn f [x]
  (if x)
  (match x))
(try 1)
(fn [x] (let y 2))
`
	_, errs := Source(testFile, []byte(src))
	var got []string
	for _, e := range errs {
		got = append(got, e.Pos.String()+" "+string(e.Kind))
	}
	want := []string{
		"t.rtfs:2:7 InvalidInput", "t.rtfs:4:3 InvalidInput", "t.rtfs:5:3 InvalidInput",
		"t.rtfs:6:1 InvalidInput", "t.rtfs:7:9 InvalidInput",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRuntimeRaises checks the statically known run-time errors: no parse
// error, a Raise node of the right kind where the form was.
func TestRuntimeRaises(t *testing.T) {
	tests := []sourceCase{
		{`(get 1)`, `(raise InvalidArguments "get: the one-argument form needs a keyword or a symbol, got integer 1")`},
		{"`(a ~b)", "(raise InternalError \"quasiquote (`) used outside a macro template\")"},
		{"(f ~x)", `(f (raise InternalError "unquote (~) used outside a macro template"))`},
		{"[~@x]", `[(raise InternalError "unquote-splicing (~@) used outside a macro template")]`},
		{`(for [x xs])`, `(raise ArityMismatch "Arity mismatch in for: expected 2, got 1")`},
		{`(for [x xs] a b)`, `(raise ArityMismatch "Arity mismatch in for: expected 2, got 3")`},
		{`(dotimes [i 3])`, `(raise ArityMismatch "Arity mismatch in dotimes: expected 2, got 1")`},
		{`(call)`, `(raise ArityMismatch "Arity mismatch in call: expected at least 1, got 0")`},
		{`(llm-execute)`, `(raise InvalidArguments "llm-execute: expected a model and a prompt, or :model/:prompt/:system arguments")`},
		{`(llm-execute "p")`, `(raise InvalidArguments "llm-execute: expected :model, :prompt or :system, got string \"p\"")`},
		{`(llm-execute :model "m" :temp 1 :prompt "p")`, `(raise InvalidArguments "llm-execute: unknown argument :temp (expected :model, :prompt or :system)")`},
		{`(llm-execute :model "m" :prompt)`, `(raise InvalidArguments "llm-execute: :prompt has no value")`},
		{`(llm-execute :model "m" :system "s" :model "n")`, `(raise InvalidArguments "llm-execute: missing :prompt")`},
	}
	checkBuilds(t, tests)
}

func TestSteps(t *testing.T) {
	tests := []sourceCase{
		{`(step "s")`, `(step "s")`},
		{`(step "s" (f) (g))`, `(step "s" (f) (g))`},
		{`(step "s" :expose-context true :context-keys ["a" "b"] :params {"k" (f x)} (g %params))`,
			`(step "s" :expose-context true :context-keys ["a" "b"] :params {"k" (f x)} (g %params))`},
		{`(step "s" :unknown 1 2)`, `(step "s" :unknown 1 2)`},
		{`(step :k 1)`, `(step :k 1)`},
		{`(step-if c 1)`, `(step-if "step-if" c 1)`},
		{`(step-if :expose-context false c 1 2)`, `(step-if "step-if" :expose-context false c 1 2)`},
		{`(step-loop (< i 3) (f))`, `(step-loop "step-loop" (< i 3) (f))`},
		{`(step-parallel (f) (g))`, `(step-parallel "step-parallel" (f) (g))`},
		{`(step-parallel :merge-policy :overwrite :context-keys ["k"] (f))`,
			`(step-parallel "step-parallel" :context-keys ["k"] :merge-policy overwrite (f))`},
		{`(step-parallel :merge-policy "merge" :expose-context true (f))`,
			`(step-parallel "step-parallel" :expose-context true :merge-policy merge (f))`},
		{`(step-parallel (f) :x (g))`, `(step-parallel "step-parallel" (f) :x (g))`},
		{`(step-parallel :merge-policy :merge :other (g))`, `(step-parallel "step-parallel" :merge-policy merge :other (g))`},
		// malformed steps raise InvalidArguments at run time
		{`(step)`, `(raise InvalidArguments "step: expected a name string")`},
		{`(step name (f))`, `(raise InvalidArguments "step: the step name must be a string literal, got symbol name")`},
		{`(step "s" :context-keys [:a])`, `(raise InvalidArguments "step: :context-keys must be a vector of strings, got keyword :a in it")`},
		{`(step "s" :params {:k 1})`, `(raise InvalidArguments "step: :params keys must be strings, got keyword :k")`},
		{`(step "s" :params 5)`, `(raise InvalidArguments "step: :params must be a map with string keys, got integer 5")`},
		{`(step "s" :expose-context "yes")`, `(raise InvalidArguments "step: :expose-context must be true or false, got string \"yes\"")`},
		{`(step "o" :context-keys "a" 7)`, `(raise InvalidArguments "step: :context-keys must be a vector of strings, got string \"a\"")`},
		{`(step-if :params {"a" 1} c 1)`, `(raise InvalidArguments "step-if: expected a condition, a then branch and an optional else branch, got 4 forms")`},
		{`(step-if c)`, `(raise InvalidArguments "step-if: expected a condition, a then branch and an optional else branch, got 1 forms")`},
		{`(step-if :expose-context true c)`, `(raise InvalidArguments "step-if: expected a condition, a then branch and an optional else branch, got 1 forms")`},
		{`(step-if c 1 2 3)`, `(raise InvalidArguments "step-if: expected a condition, a then branch and an optional else branch, got 4 forms")`},
		{`(step-loop c)`, `(raise InvalidArguments "step-loop: expected a condition and a body, got 1 forms")`},
		{`(step-loop c a b)`, `(raise InvalidArguments "step-loop: expected a condition and a body, got 3 forms")`},
		{`(step-parallel)`, `(raise InvalidArguments "step-parallel: expected at least one branch")`},
		{`(step-parallel :merge-policy :newest (f))`, `(raise InvalidArguments "step-parallel: :merge-policy must be :keep-existing, :overwrite or :merge, got keyword :newest")`},
		{`(step-parallel :merge-policy true (f))`, `(raise InvalidArguments "step-parallel: :merge-policy must be :keep-existing, :overwrite or :merge, got boolean true")`},
		{`(step-parallel :timeout (f) (g))`, `(raise InvalidArguments "step-parallel: option :timeout needs a keyword, string or boolean value, got a list")`},
		{`(step-parallel :expose-context "x" (f))`, `(raise InvalidArguments "step-parallel: :expose-context must be true or false, got string \"x\"")`},
	}
	checkBuilds(t, tests)
}

// TestRaisedFormsStillChecked: a form replaced by a run-time Raise still has
// its parts checked for parse errors.
func TestRaisedFormsStillChecked(t *testing.T) {
	for _, src := range []string{`(step 1 (if))`, `(for [x xs] (if) 2)`, `(llm-execute :x (if))`} {
		_, errs := Source(testFile, []byte(src))
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Message, "if: expected 2 or 3") {
			t.Errorf("%s: got %v, want the malformed if reported", src, errs)
		}
	}
}

func TestPositions(t *testing.T) {
	src := "(defn f [x]\n  (if x\n      (g x)))"
	prog, errs := Source(testFile, []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	def := prog.Forms[0].(*ast.Def)
	fn := def.Value.(*ast.Fn)
	iff := fn.Body[0].(*ast.If)
	call := iff.Then.(*ast.Call)
	for _, c := range []struct {
		node ast.Node
		want string
	}{
		{def, "t.rtfs:1:1"}, {fn, "t.rtfs:1:1"}, {iff, "t.rtfs:2:3"}, {iff.Cond, "t.rtfs:2:7"},
		{call, "t.rtfs:3:7"}, {call.Fn, "t.rtfs:3:8"}, {call.Args[0], "t.rtfs:3:10"},
	} {
		if got := c.node.Pos().String(); got != c.want {
			t.Errorf("%s at %s, want %s", dump(c.node), got, c.want)
		}
	}
}

func TestErrorValuesArePositioned(t *testing.T) {
	_, errs := Source("plan.rtfs", []byte("\n  (let x 5)"))
	if len(errs) != 1 {
		t.Fatal(errs)
	}
	want := "plan.rtfs:2:3: error[InvalidInput]: let: expected a binding vector"
	if got := errs[0].Error(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if errs[0].Kind != value.InvalidInput {
		t.Errorf("kind %s", errs[0].Kind)
	}
}

// TestMapPatternDirectives covers map patterns whose keys are not literals
// (`sym :key`, `& rest`).
func TestMapPatternDirectives(t *testing.T) {
	tests := []sourceCase{
		{`(let [{n :n & more :as m} v] n)`, `(let [{:n n & more :as m} v] n)`},
		{`(fn [{[a] :xs}] a)`, `(fn [{:xs [a]}] a)`},
		{`(match v {:a 1 & r} r)`, `(match v {:a 1 & r} r)`},
	}
	checkBuilds(t, tests)
	bad := []sourceCase{
		{`(let [{[a] [b]} v] a)`, "InvalidInput 1:8 let: expected a map pattern entry (:key pattern, symbol :key, :keys, :as or &), got a vector"},
		{`(let [{& 1} v] a)`, "InvalidInput 1:10 let: symbol & must be followed by a symbol, got integer 1"},
		{`(match v {x 1} 2)`, "InvalidInput 1:11 match: map pattern keys must be keyword, string or integer literals, got symbol x"},
		{`(match v {& 1} 2)`, "InvalidInput 1:13 match: & must be followed by a symbol, got integer 1"},
	}
	checkOneError(t, bad)
}

// TestResourceRef builds `(resource:ref "uri")` from forms made by hand:
// the reader does not read resource:ref as one symbol yet.
func TestResourceRef(t *testing.T) {
	list := func(elems ...*syntax.Form) []*syntax.Form {
		head := &syntax.Form{Kind: syntax.FSymbol, Text: "resource:ref", Pos: value.Pos{File: testFile, Line: 1, Col: 2}}
		return []*syntax.Form{{Kind: syntax.FList, Pos: value.Pos{File: testFile, Line: 1, Col: 1}, Elems: append([]*syntax.Form{head}, elems...)}}
	}
	str := &syntax.Form{Kind: syntax.FString, Val: value.String("my-doc")}
	prog, errs := BuildForms(testFile, list(str))
	if len(errs) > 0 || dumpAll(prog.Forms) != "@my-doc" {
		t.Errorf("got %s %v, want @my-doc", dumpAll(prog.Forms), errs)
	}
	_, errs = BuildForms(testFile, list(str, str))
	if len(errs) != 1 || errs[0].Kind != value.InvalidInput || errs[0].Message != "resource:ref: expected one string literal" {
		t.Errorf("got %v, want the InvalidInput", errs)
	}
}

// The hints of undefined symbols offer the special forms; their list must
// be this package's.
func TestSpecialFormsListed(t *testing.T) {
	names := slices.Sorted(maps.Keys(specialForms))
	if !slices.Equal(names, rt.SpecialForms) {
		t.Errorf("special forms %v, rt.SpecialForms %v", names, rt.SpecialForms)
	}
}
