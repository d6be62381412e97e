package vm_test

import (
	"context"
	"errors"
	"runtime/debug"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/codegen"
	compilerparse "github.com/rtfs-go/rtfs/compiler/parse"
	"github.com/rtfs-go/rtfs/value"
	"github.com/rtfs-go/rtfs/vm"
)

// TestCallbacksUnderACappedStack: builtins calling back into closures nest
// the dispatch loop in Go; even with the depth limit lifted, such a
// recursion must end in StackOverflow, not in Go's fatal stack overflow.
func TestCallbacksUnderACappedStack(t *testing.T) {
	defer debug.SetMaxStack(debug.SetMaxStack(512 << 20))
	for name, src := range map[string]string{
		"apply": "(defn f [n] (if (= n 0) 0 (+ 1 (apply f [(- n 1)])))) (f 1000000)",
		"map":   "(defn f [n] (if (= n 0) 0 (first (map (fn [x] (+ 1 (f x))) [(- n 1)])))) (f 1000000)",
	} {
		t.Run(name, func(t *testing.T) {
			prog, errs := compilerparse.Source("deep.rtfs", []byte(src))
			if len(errs) > 0 {
				t.Fatal(errs[0])
			}
			m, err := codegen.Compile(prog)
			if err != nil {
				t.Fatal(err)
			}
			_, err = vm.Run(context.Background(), m, vm.Options{MaxDepth: 1 << 30})
			var verr *value.Error
			if !errors.As(err, &verr) || verr.Kind != value.StackOverflow {
				t.Fatalf("got %v, want StackOverflow", err)
			}
		})
	}
}
