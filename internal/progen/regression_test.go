package progen

import "testing"

// regressions are divergences the generator found, reduced to a few
// forms, kept so that they stay fixed. All were about the call depth: the
// interpreter counted builtin calls that the VM folded away at compile time
// or never made, and the VM charged a level for dotimes' counter test. The
// depth now counts closure calls only, in both engines.
var regressions = []struct {
	name     string
	src      string
	maxDepth int // 0: the default
}{
	{
		// (abs -8) is folded by the compiler; it must not count. Found by
		// seed 241.
		name:     "a folded builtin call is not a level",
		src:      "((fn [] (+ 1 (abs -8))))",
		maxDepth: 1,
	},
	{
		// Same through a condition: (< 1 2) is folded.
		name:     "a folded comparison is not a level",
		src:      "((fn [] (if (< 1 2) 1 2)))",
		maxDepth: 1,
	},
	{
		// The same at the default limit: f(0) runs 10000 calls deep.
		name: "a folded builtin call at the default depth",
		src:  "(defn f [n] (match n 0 (+ 1 (abs -1)) _ (+ 1 (f (- n 1))))) (f 9999)",
	},
	{
		// dotimes makes no application. Found by seed 50581.
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
			runs, err := compare(r.src, runTimeout, r.maxDepth)
			if err != nil {
				t.Fatal(err)
			}
			if runs.differ() {
				t.Errorf("the engines differ on %s (MaxDepth %d)\n%s", r.src, r.maxDepth, runs)
			}
		})
	}
}
