package vm_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/compiler/codegen"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
	"github.com/rtfs-go/rtfs/vm"
)

// echoHost records step events like host.Recorder and answers every
// capability with its arguments, noting the call and the step it came
// from.
type echoHost struct {
	*host.Recorder
	calls []string
}

func (h *echoHost) ExecuteCapability(ctx context.Context, id string, args []value.Value) (value.Value, error) {
	h.calls = append(h.calls, fmt.Sprintf("%s%v in %q", id, args, host.StepFromContext(ctx)))
	return value.NewVector(args), nil
}

func runWithHost(t *testing.T, src string, rc *host.RuntimeContext) (*echoHost, value.Value, error) {
	t.Helper()
	prog, err := parse("t.rtfs", src)
	if err != nil {
		t.Fatal(err)
	}
	m, err := codegen.Compile(prog)
	if err != nil {
		t.Fatal(err)
	}
	h := &echoHost{Recorder: host.NewRecorder()}
	v, err := vm.Run(context.Background(), m, vm.Options{Host: h, Context: rc})
	return h, v, err
}

func TestCapabilitiesSeeTheirStep(t *testing.T) {
	src := `(call :a 1) (step "outer" (call "b" 2) (step "inner" (call :c.d/e 3 4))) (call :f)`
	h, v, err := runWithHost(t, src, host.NewContext(host.Full))
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != "[]" {
		t.Errorf("value %s, want []", v)
	}
	want := `a[1] in "" | b[2] in "action-1" | c.d/e[3 4] in "action-2" | f[] in ""`
	if got := strings.Join(h.calls, " | "); got != want {
		t.Errorf("calls:\n got  %s\n want %s", got, want)
	}
}

func TestDelegatedFunctionsCallTheHost(t *testing.T) {
	src := `(defn ^:delegation :remote "m1" ask [q] q)
(defn ^:delegation :local here [q] q)
[(ask "hi" 2) (here "x") (map ask ["a"])]`
	h, v, err := runWithHost(t, src, host.NewContext(host.Controlled, "model-call:m1"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `[["hi" 2] "x" [["a"]]]`; v.String() != want {
		t.Errorf("value %s, want %s", v, want)
	}
	if want := `model-call:m1["hi" 2] in "" | model-call:m1["a"] in ""`; strings.Join(h.calls, " | ") != want {
		t.Errorf("calls %v, want %s", h.calls, want)
	}
}

func TestTheRuntimeContextIsCheckedBeforeTheHost(t *testing.T) {
	h, _, err := runWithHost(t, `(call :a 1)`, host.NewContext(host.Controlled, "b"))
	if e, ok := err.(*value.Error); !ok || e.Kind != value.SecurityViolation {
		t.Errorf("got %v, want a SecurityViolation", err)
	}
	if len(h.calls) != 0 {
		t.Errorf("the host was called: %v", h.calls)
	}
}

// TestTimeoutInsideACallback stops a loop running in a nested dispatch
// loop (a closure called by map), through the builtin and the catch
// around it.
func TestTimeoutInsideACallback(t *testing.T) {
	prog, err := parse("t.rtfs", `(defn spin [n] (spin (+ n 1)))
(try (map spin [1]) (catch e :caught))`)
	if err != nil {
		t.Fatal(err)
	}
	m, err := codegen.Compile(prog)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err = vm.Run(ctx, m, vm.Options{})
	if e, ok := err.(*value.Error); !ok || e.Kind != value.Timeout || e.Pos.Line != 1 {
		t.Errorf("got %v, want a Timeout error on line 1", err)
	}
}
