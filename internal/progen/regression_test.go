package progen

import "testing"

// regressions are divergences the generator found, reduced to a few
// forms. Each fails until the engine at fault is fixed; the comment says
// which one that is and why.
var regressions = []struct {
	name     string
	src      string
	maxDepth int // 0: the default
}{
	{
		// The interpreter counts the call of abs, made outside tail
		// position at depth 2; the VM folds (abs -8) at compile time and
		// makes no call. VM wrong: the vm package promises the
		// interpreter's depth, "a builtin's [application] as much as a
		// closure's". Found by seed 241.
		name:     "folded builtin call counts toward the depth",
		src:      "((fn [] (+ 1 (abs -8))))",
		maxDepth: 1,
	},
	{
		// Same cause through a condition: (< 1 2) is folded.
		name:     "folded comparison counts toward the depth",
		src:      "((fn [] (if (< 1 2) 1 2)))",
		maxDepth: 1,
	},
	{
		// The same at the default limit: f(0) runs 10000 calls deep and
		// (abs -1) would be the 10001st.
		name: "folded builtin call at the default depth",
		src:  "(defn f [n] (match n 0 (+ 1 (abs -1)) _ (+ 1 (f (- n 1))))) (f 9999)",
	},
	{
		// dotimes makes no application, and the interpreter counts none;
		// the VM charges one at the dotimes form (its counter test), so a
		// dotimes one level below the limit overflows. VM wrong. Found by
		// seed 50581.
		name:     "dotimes is not a call",
		src:      "((fn [] (dotimes [i 0] nil)))",
		maxDepth: 1,
	},
	{
		name: "dotimes is not a call, at the default depth",
		src:  "(defn f [n] (match n 0 (dotimes [i 1] 0) _ (+ 1 (f (- n 1))))) (f 9999)",
	},
}

func TestRegressions(t *testing.T) {
	for _, r := range regressions {
		t.Run(r.name, func(t *testing.T) {
			in, out, err := compare(r.src, runTimeout, r.maxDepth)
			if err != nil {
				t.Fatal(err)
			}
			if in != out {
				t.Errorf("the engines differ on %s (MaxDepth %d)\ninterp: %s\nvm:     %s", r.src, r.maxDepth, in, out)
			}
		})
	}
}
