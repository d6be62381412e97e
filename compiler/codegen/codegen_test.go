package codegen

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/parse"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
)

func compile(t *testing.T, src string, opts Options) *isa.Module {
	t.Helper()
	prog, errs := parse.Source("t.rtfs", []byte(src))
	if len(errs) > 0 {
		t.Fatalf("parse %q: %v", src, errs[0])
	}
	m, err := CompileWith(prog, opts)
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	if err := isa.Verify(m, stdlib.Has); err != nil {
		t.Fatalf("compile %q: the module does not verify: %v", src, err)
	}
	return m
}

// proto returns the proto called name (the first one, "main" for the top
// level).
func proto(t *testing.T, m *isa.Module, name string) *isa.Proto {
	t.Helper()
	for _, p := range m.Protos {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no proto %q", name)
	return nil
}

func ops(p *isa.Proto) []isa.Op {
	out := make([]isa.Op, len(p.Code))
	for i, in := range p.Code {
		out[i] = in.Op()
	}
	return out
}

// find returns the first instruction of p with opcode op.
func find(t *testing.T, p *isa.Proto, op isa.Op) isa.Instr {
	t.Helper()
	for _, in := range p.Code {
		if in.Op() == op {
			return in
		}
	}
	t.Fatalf("%s has no %s: %v", p.Name, op, ops(p))
	return 0
}

func has(p *isa.Proto, op isa.Op) bool { return slices.Contains(ops(p), op) }

// rkConst returns the constant an RK operand names, or fails.
func rkConst(t *testing.T, p *isa.Proto, x int) value.Value {
	t.Helper()
	if x < isa.RKConst {
		t.Fatalf("RK operand %d is a register, want a constant", x)
	}
	return p.Consts[x-isa.RKConst]
}

func TestTailCalls(t *testing.T) {
	for _, tc := range []struct {
		src      string
		tailCall bool
	}{
		{`(defn f [n] (f n))`, true},
		{`(defn f [n] (if n (f n) (f 1)))`, true},
		{`(defn f [n] (do 1 (f n)))`, true},
		{`(defn f [n] (let [m n] (f m)))`, true},
		{`(defn f [n] (match n 0 (f 1) _ (f 2)))`, true},
		{`(defn f [n] :int (f n))`, true},
		{`(defn f [n] (+ 1 (f n)))`, false},
		{`(defn f [n] (try (f n) (catch e 0)))`, false},
		{`(defn f [n] (and (f n)))`, false},
		{`(defn f [n] (step "s" (f n)))`, false},
		{`(defn f [n] (f n) 1)`, false},
	} {
		f := proto(t, compile(t, tc.src, Options{}), "f")
		if got := has(f, isa.OpTailCall); got != tc.tailCall {
			t.Errorf("%s: tail call %t, want %t: %v", tc.src, got, tc.tailCall, ops(f))
		}
	}
}

// TestStepTableFollowsStepIndex: the step table has one entry per step
// form, at its ast.Step.Index, with the profile given for that index,
// whatever order the code generator compiles the steps in.
func TestStepTableFollowsStepIndex(t *testing.T) {
	src := `(defn f [] (step "in-f" (step-if true 1)))
(step-parallel (step "a" 1) (step-loop false 2))
(step "last" :params {"k" 1} (f))`
	prog, errs := parse.Source("t.rtfs", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	names := []string{"in-f", "step-if", "step-parallel", "a", "step-loop", "last"}
	var reach []isa.Reach
	for i := range names {
		reach = append(reach, isa.Reach{Capabilities: []string{fmt.Sprint("cap.", i)}})
	}
	m, err := CompileWith(prog, Options{Reach: reach})
	if err != nil {
		t.Fatal(err)
	}
	if err := isa.Verify(m, stdlib.Has); err != nil {
		t.Fatal(err)
	}
	if len(m.Steps) != len(names) {
		t.Fatalf("%d steps in the table, want %d", len(m.Steps), len(names))
	}
	for i, s := range m.Steps {
		if s.Name != names[i] || !slices.Equal(s.Reach.Capabilities, reach[i].Capabilities) {
			t.Errorf("step %d is %q reaching %v, want %q reaching %v", i, s.Name, s.Reach, names[i], reach[i])
		}
	}
	begun := map[int]bool{}
	for _, p := range m.Protos {
		for _, in := range p.Code {
			if in.Op() == isa.OpStepBegin {
				begun[in.Bx()] = true
			}
		}
	}
	if len(begun) != len(m.Steps) {
		t.Errorf("STEPBEGIN names steps %v of %d", begun, len(m.Steps))
	}
	if m, err := CompileWith(prog, Options{}); err != nil || !m.Steps[0].Reach.Unresolved {
		t.Errorf("without the analysis, steps must be stored as unresolved: %v, %+v", err, m.Steps)
	}
}

func TestReturnTypeIsDeclaredFirst(t *testing.T) {
	m := compile(t, `(defn f [n :int] :string (f n))`, Options{})
	f := proto(t, m, "f")
	in := f.Code[0]
	if in.Op() != isa.OpReturnType || m.Types[in.Bx()].String() != ":string" {
		t.Fatalf("first instruction %s, want RETURNTYPE :string: %v", in.Op(), ops(f))
	}
	if f.Pos[0].Line != 1 || f.Pos[0].Col != 1 {
		t.Errorf("RETURNTYPE at %v, want the fn's position 1:1", f.Pos[0])
	}
	check := find(t, f, isa.OpCheckTypeFor)
	if what := f.Consts[check.C()].AsString(); what != "parameter 1 of f" {
		t.Errorf("parameter check describes %q", what)
	}
	if f.Pos[1] != (isa.Pos{}) {
		t.Errorf("parameter check at %v, want no position (the caller's)", f.Pos[1])
	}
}

func TestArithmeticUsesConstantOperands(t *testing.T) {
	f := proto(t, compile(t, `(defn f [x] (+ x 1))`, Options{}), "f")
	add := find(t, f, isa.OpAdd)
	if add.B() != 0 {
		t.Errorf("ADD reads R%d, want the parameter R0", add.B())
	}
	if k := rkConst(t, f, add.C()); k.String() != "1" {
		t.Errorf("ADD's constant operand is %s, want 1", k)
	}
	if has(f, isa.OpCall) || has(f, isa.OpCallB) || has(f, isa.OpLoadK) {
		t.Errorf("(+ x 1) should be one ADD: %v", ops(f))
	}
}

func TestFusedCompareAndBranch(t *testing.T) {
	for op, name := range map[isa.Op]string{isa.OpIfLt: "<", isa.OpIfLe: "<=", isa.OpIfGt: ">", isa.OpIfGe: ">=", isa.OpIfEq: "="} {
		f := proto(t, compile(t, `(defn f [a b] (if (`+name+` a b) a b))`, Options{}), "f")
		in := find(t, f, op)
		if in.A() != 0 || in.B() != 1 {
			t.Errorf("%s compares R%d and R%d, want R0 and R1", op, in.A(), in.B())
		}
		if has(f, isa.OpTest) {
			t.Errorf("(if (%s a b) ..) should not need a TEST: %v", name, ops(f))
		}
	}
}

func TestConstantFolding(t *testing.T) {
	main := proto(t, compile(t, `(+ 1 2)`, Options{}), "main")
	if got := ops(main); !slices.Equal(got, []isa.Op{isa.OpLoadInt, isa.OpReturn}) || main.Code[0].SBx() != 3 {
		t.Errorf("(+ 1 2) compiles to %v, want LOADINT 3, RETURN", got)
	}
	main = proto(t, compile(t, `(str "a" (+ 1 2) [1 (* 2 2)])`, Options{}), "main")
	if in := find(t, main, isa.OpLoadK); main.Consts[in.Bx()].String() != `"a3[1 4]"` {
		t.Errorf("nested fold gives %s", main.Consts[in.Bx()])
	}
	unfolded := proto(t, compile(t, `(+ 1 2)`, Options{NoFold: true}), "main")
	add := find(t, unfolded, isa.OpAdd)
	if rkConst(t, unfolded, add.B()).String() != "1" || rkConst(t, unfolded, add.C()).String() != "2" {
		t.Errorf("unfolded (+ 1 2) is %v", ops(unfolded))
	}
}

func TestFailingFoldIsLeftToRunTime(t *testing.T) {
	for _, src := range []string{`(/ 1 0)`, `(+ 1 "a")`, `(nth [] 0)`} {
		main := proto(t, compile(t, src, Options{}), "main")
		if !has(main, isa.OpDiv) && !has(main, isa.OpAdd) && !has(main, isa.OpNth) {
			t.Errorf("%s: the failing call is gone: %v", src, ops(main))
		}
	}
}

func TestFoldingLeavesLargeResults(t *testing.T) {
	half := "[" + strings.Repeat("1 ", maxFoldedSize/2+1) + "]"
	for _, src := range []string{
		"(concat " + half + " " + half + ")", // too large to keep
		"(range 0 3)",                        // generators are never run at compile time
	} {
		if main := proto(t, compile(t, src, Options{}), "main"); !has(main, isa.OpCallB) {
			t.Errorf("%.40s was folded into a constant: %v", src, ops(main))
		}
	}
}

func TestLiteralsOfConstantsAreOneConstant(t *testing.T) {
	main := proto(t, compile(t, `[1 "a" {:k [2]}]`, Options{}), "main")
	if got := ops(main); !slices.Equal(got, []isa.Op{isa.OpLoadK, isa.OpReturn}) {
		t.Errorf("constant vector compiles to %v", got)
	}
	f := proto(t, compile(t, `(defn f [x] [1 x {:k x}])`, Options{}), "f")
	if !has(f, isa.OpNewVec) || !has(f, isa.OpNewMap) {
		t.Errorf("vector of a variable compiles to %v", ops(f))
	}
}

func TestBuiltinsAreBoundUnlessRebound(t *testing.T) {
	for _, tc := range []struct {
		src    string
		direct bool
	}{
		{`(defn f [x] (str "a" x))`, true},
		{`(defn f [x] (+ x 1))`, true},
		{`(defn f [x] (inc x 1))`, false}, // wrong arity: the run time reports it
		{`(defn f [x] (str x)) (defn str [x] x)`, false},
		{`(defn f [x] (+ x 1)) (do (def + -))`, false},
		{`(defn f [x] (let [+ -] (+ x 1)))`, false},
		{`(defn f [x] (defstruct str :a :int) (str x))`, false},
	} {
		m := compile(t, tc.src, Options{})
		f := proto(t, m, "f")
		direct := has(f, isa.OpCallB) || has(f, isa.OpAdd)
		if direct != tc.direct {
			t.Errorf("%s: bound at compile time %t, want %t: %v", tc.src, direct, tc.direct, ops(f))
		}
	}
	// A later top-level redefinition is seen by an earlier call, so the
	// fold must not happen either.
	main := proto(t, compile(t, `(+ 1 2) (defn + [a b] 0)`, Options{}), "main")
	if !has(main, isa.OpCall) || has(main, isa.OpAdd) {
		t.Errorf("call of a redefined + compiles to %v", ops(main))
	}
}

func TestCaptureByValueOrCell(t *testing.T) {
	for _, tc := range []struct {
		src  string
		cell bool
	}{
		{`(defn adder [n] (fn [x] (+ x n)))`, false},
		{`(let [a 1 b 2] (fn [] [a b]))`, false},
		{`(for [i [1 2]] (fn [] i))`, false},
		{`(let [f (fn [n] (f n))] f)`, true},                                  // letrec
		{`(defn outer [] (defn g [n] (g n)) g)`, true},                        // self-referencing local defn
		{`(let [x 1 f (fn [] x)] (def x 2) (f))`, true},                       // reassigned after capture
		{`(let [x 1] (step-parallel (def x 2) (+ x 1)))`, false},              // a branch's def binds in the branch
		{`(let [i 0 f (fn [] i)] (step-loop (< i 3) (def i (+ i 1))))`, true}, // written by a loop
	} {
		var anyUpval bool
		m := compile(t, tc.src, Options{})
		for _, p := range m.Protos {
			for _, u := range p.Upvals {
				anyUpval = true
				if u.Cell != tc.cell {
					t.Errorf("%s: %s captures with cell %t, want %t", tc.src, p.Name, u.Cell, tc.cell)
				}
			}
		}
		if !anyUpval {
			t.Errorf("%s: nothing is captured", tc.src)
		}
	}
}

func TestGlobalsAreLookedUpAtRunTime(t *testing.T) {
	m := compile(t, `(defn f [] (g)) (defn g [] 1)`, Options{})
	f := proto(t, m, "f")
	in := find(t, f, isa.OpGetGlobal)
	if m.Globals[in.Bx()] != "g" {
		t.Errorf("f reads global %q, want g", m.Globals[in.Bx()])
	}
	if len(f.Upvals) != 0 {
		t.Errorf("f captures %v; globals are not captured", f.Upvals)
	}
}

func TestReadBeforeBindingFallsBack(t *testing.T) {
	// The closure may run before x is bound in the let: its read tests the
	// cell and falls back to the global x.
	m := compile(t, `(def x 5) (let [f (fn [] x) r (f) x 1] r)`, Options{})
	f := m.Protos[1]
	if got := ops(f); !slices.Equal(got[:3], []isa.Op{isa.OpGetUpCell, isa.OpTestBound, isa.OpGetGlobal}) {
		t.Errorf("the early read compiles to %v", got)
	}
	// A plain let binding is always bound when read: no test.
	m = compile(t, `(let [x 1 f (fn [] x)] (f))`, Options{})
	if has(m.Protos[1], isa.OpTestBound) {
		t.Errorf("a read of a let variable bound before the closure is tested: %v", ops(m.Protos[1]))
	}
}

func TestTryHandlers(t *testing.T) {
	main := proto(t, compile(t, `(try (/ 1 0) (catch DivisionByZero e 1) (finally 2))`, Options{}), "main")
	if len(main.Handlers) != 2 {
		t.Fatalf("handlers %+v, want a catch handler and a finally handler", main.Handlers)
	}
	catch, finally := main.Handlers[0], main.Handlers[1]
	if catch.Finally || !finally.Finally {
		t.Errorf("handlers %+v: want the catch handler first, then the Finally one", main.Handlers)
	}
	if finally.Start != catch.Start || finally.End <= catch.End {
		t.Errorf("the finally handler %+v does not cover the body and the catch clause %+v", finally, catch)
	}
	if in := main.Code[catch.Target]; in.Op() != isa.OpIfKind || main.Consts[in.B()].AsString() != "DivisionByZero" {
		t.Errorf("the catch handler lands on %s", in.Op())
	}
}

func TestMatchRaisesMatchError(t *testing.T) {
	main := proto(t, compile(t, `(match 1 [a] a {:k v} v)`, Options{}), "main")
	raise := find(t, main, isa.OpRaise)
	if kind := main.Consts[raise.A()].AsString(); kind != "MatchError" {
		t.Errorf("the match falls through to a %s", kind)
	}
	if n := strings.Count(strings.Join(opNames(main), " "), "MATCH "); n != 2 {
		t.Errorf("%d MATCH instructions, want one per clause", n)
	}
}

func opNames(p *isa.Proto) []string {
	var out []string
	for _, op := range ops(p) {
		out = append(out, op.String())
	}
	return out
}

func TestStepParallelBranchesAreClosures(t *testing.T) {
	m := compile(t, `(step-parallel 1 (+ 1 1) 3)`, Options{})
	main := proto(t, m, "main")
	par := find(t, main, isa.OpParallel)
	if par.C() != 3 || len(m.Protos) != 4 {
		t.Errorf("PARALLEL of %d branches, %d protos", par.C(), len(m.Protos))
	}
	if len(main.Handlers) != 1 || !main.Handlers[0].Finally {
		t.Errorf("the step body is not protected by a Finally handler: %+v", main.Handlers)
	}
}

func TestTooManyRegistersIsAPositionedError(t *testing.T) {
	src := "(defn f [x]\n [" + strings.Repeat("(inc x) ", isa.RKConst+1) + "])"
	prog, errs := parse.Source("big.rtfs", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	_, err := Compile(prog)
	var e *value.Error
	if !errors.As(err, &e) || !e.Pos.IsValid() || e.Pos.File != "big.rtfs" {
		t.Fatalf("compiling a function needing %d registers: %v", isa.RKConst+1, err)
	}
}

// FuzzCompile checks that whatever tree the front end builds, even from a
// source with errors, compiles without panicking and, when it compiles,
// to a module that verifies.
func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		`(defn f [n] (if (= n 0) 1 (* n (f (- n 1))))) (f 5)`,
		`(let [[a & r :as all] [1 2] {:keys [b] :as m} {:b 1}] (try (match a 1 (/ 1 0) _ a) (catch e r) (finally m)))`,
		`(step "s" :params {"a" 1} (step-parallel (def x 1) (step-if 0 1 2) (step-loop false 1)))`,
		`(for [x [1 2] y [x]] (dotimes [i y] (call :c i @ctx (get k))))`,
		`(let [f (fn [] x) x 1] (if false (def z 1)) ^{:runtime.a 1} (f))`,
		`(defstruct P :a :int) (defn ^:delegation :remote "m" g [& xs :int] :int (P xs))`,
		`(let [x] (fn) (if) (step) (match 1) (try 1))`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		prog, _ := parse.Source("fuzz.rtfs", []byte(src))
		m, err := Compile(prog)
		if err != nil {
			return
		}
		if err := isa.Verify(m, stdlib.Has); err != nil {
			t.Fatalf("%q: the module does not verify: %v", src, err)
		}
	})
}
