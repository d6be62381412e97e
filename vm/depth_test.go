package vm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/internal/enginetest"
)

// TestDepthLimitMatchesInterpreter runs recursions that end just below, at
// and just above the depth limit, with every kind of call in the deepest
// frame, and holds the VM to the interpreter's outcome: the same calls
// succeed, and the first one to fail is the same, at the same position.
func TestDepthLimitMatchesInterpreter(t *testing.T) {
	const maxDepth = 20
	// Each body is what the deepest call (n = 0) does, in tail position or
	// not; the recursion itself is never a tail call, and choosing between
	// the two with match, which calls nothing, lets the body run at the
	// limit itself.
	bodies := []string{
		"n", "(+ n 1)", "(not n)", "(str n)", "(:a {:a n})", "[(+ n 1)]", "(P {:x n})",
		"(map inc [n])", "(map (fn [x] (inc x)) [n])", "(do (map (fn [x] (inc x)) [n]) n)",
		"(apply + [n 1])", "(apply (fn [x] x) [n])", "(apply map [inc [n]])", "(map :a [{:a n}])",
		"(let [y 1] (+ n y))", "(do (+ n 1) (- n 1))", "(if (< n 1) :low :high)",
		"(if (nil? n) 1 (+ n 1))", "(if (nil? n) (+ n 1) 1)", "(match n 0 (+ n 1))", "((fn [] n))", "(step \"s\" n)",
		"(reduce (fn [a b] (+ a b)) 0 [1 2])", "(reduce + 0 [n 1])", "(try (/ 1 n) (catch e :caught))",
		// The value of an operation returned at once, but by a let or an
		// and, which make it outside tail position.
		"(let [y (+ n 1)] y)", "(and (+ n 1))", "(let [y (str n)] y)", "(or (not n))",
		// Calls of builtins the code generator folds, and loops, which it
		// lowers to jumps and comparisons.
		"(+ 1 (abs -8))", "(if (< 1 2) 1 2)", "(let [y (+ 1 2)] y)", "(dotimes [i 2] (+ n i))",
		"(for [i [1 2]] (+ n i))", "(dotimes [i 1] ((fn [] i)))",
		// A closure called outside tail position, directly or not.
		"(let [f (fn [] n)] (+ (f) 1))", "(str ((fn [] n)))",
	}
	for _, body := range bodies {
		src := fmt.Sprintf("(defstruct P :x :int)\n(defn d [n] (match n 0 %s _ (let [r (d (- n 1))] r)))\n", body)
		for depth := maxDepth - 3; depth <= maxDepth; depth++ {
			program := src + fmt.Sprintf("(d %d)", depth)
			prog, err := parse("t.rtfs", program)
			if err != nil {
				t.Fatal(err)
			}
			got, want := runVM(t, prog, maxDepth), runInterp(prog, maxDepth)
			if got.String() != want.String() {
				t.Errorf("the VM and the interpreter differ:\n vm:     %s\n interp: %s\nprogram:\n%s", got, want, program)
			}
		}
	}
}

// TestOnlyClosureCallsCount pins down what the depth counts (§3.5): the
// closures called outside tail position, however they are called, and
// nothing else. Both engines must give the outcome stated.
func TestOnlyClosureCallsCount(t *testing.T) {
	const overflow = "StackOverflow"
	cases := []struct {
		src      string
		maxDepth int
		want     string // the value printed, or overflow
	}{
		// The closure called from the top level is depth 1; the builtin
		// calls it makes, folded or not, are not counted.
		{"((fn [] (+ 1 (abs -8))))", 1, "9"},
		{"((fn [n] (+ 1 (abs n))) -8)", 1, "9"},
		{"((fn [] (if (< 1 2) 1 2)))", 1, "1"},
		{"((fn [] (dotimes [i 0] nil)))", 1, "nil"},
		{"((fn [] (let [y (+ 1 2)] y)))", 1, "3"},
		{"((fn [n] (str (count [n]) (not n))) 1)", 1, `"1false"`},
		// Nor a builtin applied by a builtin, nor a keyword or a struct
		// constructor.
		{"((fn [] (map inc [1])))", 1, "[2]"},
		{"((fn [] (apply apply [+ [1 2]])))", 1, "3"},
		{"((fn [] (map :a [{:a 1}])))", 1, "[1]"},
		{"(defstruct P :x :int) ((fn [] (P {:x 1})))", 1, "{:x 1}"},
		// A closure called back by a builtin counts.
		{"((fn [] (map (fn [x] x) [1])))", 1, overflow},
		{"((fn [] (map (fn [x] x) [1])))", 2, "[1]"},
		// A closure called in tail position runs at its caller's depth, a
		// builtin's value notwithstanding.
		{"((fn [] ((fn [] 1))))", 1, "1"},
		{"((fn [] (+ 1 ((fn [] 1)))))", 1, overflow},
		{"((fn [] (+ 1 ((fn [] 1)))))", 2, "2"},
	}
	for _, c := range cases {
		prog, err := parse("t.rtfs", c.src)
		if err != nil {
			t.Fatal(err)
		}
		vm, in := runVM(t, prog, c.maxDepth), runInterp(prog, c.maxDepth)
		for _, got := range []struct {
			engine string
			enginetest.Outcome
		}{{"vm", vm}, {"interp", in}} {
			if !matches(got.Outcome, c.want) {
				t.Errorf("%s with MaxDepth %d: %s gives %s, want %s", c.src, c.maxDepth, got.engine, got.Outcome, c.want)
			}
		}
	}
}

// TestDeepRecursionOverflows: recursion far past the limit is a
// StackOverflow error in both engines, never a Go stack overflow, also when
// every level goes through a builtin calling back; a tail-recursive loop
// runs however long at a depth of one.
func TestDeepRecursionOverflows(t *testing.T) {
	cases := []struct {
		src      string
		maxDepth int
		want     string
	}{
		{"(defn f [n] (if (= n 0) 0 (+ 1 (f (- n 1))))) (f 100000)", 10000, "StackOverflow"},
		{"(defn f [n] (map (fn [x] (f x)) [n])) (f 1)", 10000, "StackOverflow"},
		{"(defn f [n] (reduce (fn [a x] (+ a (f x))) 0 [n])) (f 1)", 10000, "StackOverflow"},
		{"(defn f [n] (if (= n 0) 0 (+ 1 (f (- n 1))))) (f 9999)", 10000, "9999"},
		{"(defn f [n] (if (= n 0) 0 (+ 1 (f (- n 1))))) (f 10000)", 10000, "StackOverflow"},
		{"(defn f [n acc] (if (= n 0) (str acc) (f (- n 1) (+ acc 1)))) (f 1000000 0)", 1, `"1000000"`},
	}
	for _, c := range cases {
		prog, err := parse("t.rtfs", c.src)
		if err != nil {
			t.Fatal(err)
		}
		if got := runVM(t, prog, c.maxDepth); !matches(got, c.want) {
			t.Errorf("%s: vm gives %s, want %s", c.src, got, c.want)
		}
		if got := runInterp(prog, c.maxDepth); !matches(got, c.want) {
			t.Errorf("%s: interp gives %s, want %s", c.src, got, c.want)
		}
	}
}

// matches says whether o is the value printed as want, or an error of
// kind want.
func matches(o enginetest.Outcome, want string) bool {
	if o.Err != nil {
		return strings.HasPrefix(o.String(), "error "+want+" ")
	}
	return o.Value.String() == want
}
