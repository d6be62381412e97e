package rtfs_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/value"
)

// TestStepMemoryLimit holds the engine's own work in a step to the
// step's memory limit: a sandboxed step (128 MiB by default) that grows a
// vector without bound ends in MemoryExceeded naming the step, well before
// the run's ceiling, on both engines.
func TestStepMemoryLimit(t *testing.T) {
	src := `(defn grow [v n] (if (= n 0) (count v) (grow (concat v v) (- n 1))))
(step "hog" (if false (call (str "ccos." "echo") 1)) (grow [1 2 3 4 5 6 7 8] 26))`
	prog, err := rtfs.Compile("hog.rtfs", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, engine := range []rtfs.Engine{rtfs.VM, rtfs.Interp} {
		t.Run(string(engine), func(t *testing.T) {
			_, err := prog.Run(context.Background(), rtfs.Options{Engine: engine, Context: rtfs.Context{Level: rtfs.Full},
				Limits: rtfs.Limits{MaxMemory: 2 << 30}, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}})
			var rerr *value.Error
			if !errors.As(err, &rerr) || rerr.Kind != value.MemoryExceeded || !strings.Contains(rerr.Message, `step "hog"`) {
				t.Fatalf("got %v, want the step's MemoryExceeded", err)
			}
		})
	}
}
