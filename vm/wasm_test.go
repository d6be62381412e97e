package vm

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/wanterr"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// compileSource compiles src for the tests of the WASM engine.
func compileSource(t *testing.T, src string) *isa.Module {
	t.Helper()
	out, err := compiler.Compile("plan.rtfs", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return out.Module
}

// sandboxed is a profile of the isolation level sandboxed with the given
// limits (0: none).
func sandboxed(name string, ms, memory int64) *host.StepProfile {
	return &host.StepProfile{ProfileID: "p-" + name, StepName: name, IsolationLevel: host.Sandboxed,
		ResourceLimits: host.ResourceLimits{MaxExecutionTimeMS: ms, MaxMemoryBytes: memory}}
}

// engineHost records which engine ran each step.
type engineHost struct {
	*host.Recorder
	mu      sync.Mutex
	engines []string
}

func (h *engineHost) NotifyStepStarted(ctx context.Context, name string) string {
	h.mu.Lock()
	h.engines = append(h.engines, name+" on "+host.EngineFromContext(ctx))
	h.mu.Unlock()
	return h.Recorder.NotifyStepStarted(ctx, name)
}

func TestSandboxedStepsRunInWASM(t *testing.T) {
	m := compileSource(t, `(defn sq [x] (* x x))
(def n (step "plain" 3))
(step "box" (map sq (range n)))`)
	h := &engineHost{Recorder: host.NewRecorder()}
	v, err := Run(context.Background(), m, Options{Host: h, Profiles: []*host.StepProfile{nil, sandboxed("box", 0, 0)}})
	if err != nil || v.String() != "[0 1 4]" {
		t.Fatalf("got %v, %v", v, err)
	}
	if got := strings.Join(h.engines, ", "); got != "plain on vm, box on wasm" {
		t.Errorf("steps ran %s", got)
	}
}

func TestSandboxedStepErrorsReachTheVM(t *testing.T) {
	m := compileSource(t, `(try (step "box" (/ 1 0)) (catch DivisionByZero e [:caught (:message e)]))`)
	v, err := Run(context.Background(), m, Options{Profiles: []*host.StepProfile{sandboxed("box", 0, 0)}})
	if err != nil || v.String() != `[:caught "Division by zero"]` {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestASpinningSandboxedStepStopsAtItsDeadline(t *testing.T) {
	const limit = 200 * time.Millisecond
	m := compileSource(t, `(defn spin [] (spin)) (try (step "slow" (spin)) (catch SecurityViolation e :stopped))`)
	start := time.Now()
	v, err := Run(context.Background(), m, Options{Profiles: []*host.StepProfile{sandboxed("slow", limit.Milliseconds(), 0)}})
	elapsed := time.Since(start)
	if err != nil || v.String() != ":stopped" {
		t.Fatalf("got %v, %v", v, err)
	}
	if elapsed > limit+50*time.Millisecond {
		t.Errorf("the step stopped %v after it began, %v past its deadline", elapsed, elapsed-limit)
	}
}

func TestASandboxedStepAllocatingWithoutBoundRunsOutOfMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates up to the step's limit")
	}
	m := compileSource(t, `(defn grow [s] (grow (str s s))) (step "bomb" (grow "0123456789abcdef"))`)
	_, err := Run(context.Background(), m, Options{Profiles: []*host.StepProfile{sandboxed("bomb", 0, 256<<20)}})
	wanterr.Check(t, err, value.MemoryExceeded)
}

// TestTheHandleTableIsCollected runs a loop of ten million iterations that
// makes a vector each time: the table of handles WASM holds must stay
// small.
func TestTheHandleTableIsCollected(t *testing.T) {
	n := 10_000_000
	if testing.Short() {
		n = 200_000
	}
	wantSmallTable(t, `(defn churn [i acc] (if (= i 0) (count acc) (churn (dec i) [i (count acc)])))
(churn `+itoa(n)+` [])`, "2")
}

// TestTheHandleTableIsCollectedInCallbacks makes a handle for the closure
// of every callback of map: those are collected too.
func TestTheHandleTableIsCollectedInCallbacks(t *testing.T) {
	wantSmallTable(t, `(count (map (fn [x] (* x 2)) (range 300000)))`, "300000")
}

// wantSmallTable runs src in WASM, which must produce want and leave the
// handle table small.
func wantSmallTable(t *testing.T, src, want string) {
	t.Helper()
	mc := newMachine(context.Background(), compileSource(t, src), Options{WASM: WASMOptions{All: true}})
	defer mc.wasm.close()
	v, err := mc.runMain()
	if err != nil || v.String() != want {
		t.Fatalf("got %v, %v", v, err)
	}
	if size := mc.wasm.heap.Size(); size > 20_000 {
		t.Errorf("the handle table has %d entries at the end", size)
	}
}

func itoa(n int) string { return value.Int(int64(n)).String() }

// TestRunsOnWASMAllowOnlyTheImports reads the import section of the
// module of a program using every kind of instruction.
func TestTheModuleImportsOnlyTheHostFunctions(t *testing.T) {
	m := compileSource(t, `(defn f [& xs] (map inc xs)) (step "s" (call :ccos.io.log "x")) (f 1 2)`)
	w := newWASMRun(context.Background(), newMachine(context.Background(), m, Options{}), WASMOptions{})
	if err := w.start(0); err != nil { // start checks the imports
		t.Fatal(err)
	}
	w.close()
}

// TestASandboxedStepCountsTheVMsDepth: the calls a sandboxed step makes
// nest in the VM's, under one depth limit.
func TestASandboxedStepCountsTheVMsDepth(t *testing.T) {
	m := compileSource(t, `(defn down [n] (if (= n 0) 0 (+ 1 (down (- n 1)))))
(defn wrap [n] (if (= n 0) (step "box" (down 60)) (+ 0 (wrap (- n 1)))))
(wrap 50)`)
	_, err := Run(context.Background(), m, Options{MaxDepth: 100, Profiles: []*host.StepProfile{sandboxed("box", 0, 0)}})
	wanterr.Check(t, err, value.StackOverflow)
	v, err := Run(context.Background(), m, Options{MaxDepth: 200, Profiles: []*host.StepProfile{sandboxed("box", 0, 0)}})
	if err != nil || v.String() != "60" {
		t.Fatalf("with room: %v, %v", v, err)
	}
}
