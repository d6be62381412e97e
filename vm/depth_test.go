package vm_test

import (
	"fmt"
	"testing"
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
		"n", "(+ n 1)", "(not n)", "(str n)", "(:a {:a n})", "[(+ n 1)]",
		"(map inc [n])", "(map (fn [x] (inc x)) [n])", "(do (map (fn [x] (inc x)) [n]) n)",
		"(let [y 1] (+ n y))", "(do (+ n 1) (- n 1))", "(if (< n 1) :low :high)",
		"(if (nil? n) 1 (+ n 1))", "(if (nil? n) (+ n 1) 1)", "(match n 0 (+ n 1))", "((fn [] n))", "(step \"s\" n)",
		"(reduce (fn [a b] (+ a b)) 0 [1 2])", "(try (/ 1 n) (catch e :caught))",
		// The value of an operation returned at once, but by a let or an
		// and, which make it outside tail position.
		"(let [y (+ n 1)] y)", "(and (+ n 1))", "(let [y (str n)] y)", "(or (not n))",
	}
	for _, body := range bodies {
		src := fmt.Sprintf("(defn d [n] (match n 0 %s _ (let [r (d (- n 1))] r)))\n", body)
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
