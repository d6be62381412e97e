package interp_test

import (
	"context"
	"errors"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/parse"
	"github.com/rtfs-go/rtfs/interp"
	"github.com/rtfs-go/rtfs/value"
)

// TestDeepProgramsUnderACappedStack runs programs deeper than the
// interpreter's limits with the Go stack capped at half its
// default: each must end in StackOverflow, never in Go's fatal stack
// overflow (which no recover catches, so this test would crash).
func TestDeepProgramsUnderACappedStack(t *testing.T) {
	defer debug.SetMaxStack(debug.SetMaxStack(512 << 20))
	nest := func(open, inner, close string, n int) string {
		return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
	}
	programs := map[string]string{
		"nested arithmetic around a recursion": "(defn f [n] (if (= n 0) 0 " + nest("(+ 1 ", "(f (- n 1))", ")", 400) + ")) (f 9000)",
		"mutual recursion through let":         "(defn f [n] (if (= n 0) 0 (let [x (g (- n 1))] (+ x 1)))) (defn g [n] (let [y (f n)] y)) (f 100000)",
		"recursion through map callbacks":      "(defn f [n] (if (= n 0) [0] (map (fn [x] (+ x 1)) (f (- n 1))))) (f 100000)",
		"recursion through apply":              "(defn f [n] (if (= n 0) 0 (+ 1 (apply f [(- n 1)])))) (f 100000)",
	}
	for name, src := range programs {
		t.Run(name, func(t *testing.T) {
			prog, errs := parse.Source("deep.rtfs", []byte(src))
			if len(errs) > 0 {
				t.Fatal(errs[0])
			}
			_, err := interp.Run(context.Background(), prog, interp.Options{MaxDepth: 1 << 30})
			var verr *value.Error
			if !errors.As(err, &verr) || verr.Kind != value.StackOverflow {
				t.Fatalf("got %v, want StackOverflow", err)
			}
		})
	}
}
