package enginetest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/wanterr"
	"github.com/rtfs-go/rtfs/value"
)

// Parallel holds an engine to the semantics of step-parallel: branches
// run concurrently, each in a frame of its own and as a child action of
// the step; their values come in source order, their output in branch
// order; the lowest-numbered failing branch's error wins, a limit error
// before any other. Run it under the race detector: the branches define,
// print and call closures and the host concurrently.
func Parallel(t *testing.T, engine Engine) {
	full := host.NewContext(host.Full)

	t.Run("branches run concurrently", func(t *testing.T) {
		// Each branch waits at the barrier until all three are there: run
		// one after the other, the first would wait in vain.
		v, err := run(t, engine, `(step-parallel (call :barrier 3) (call :barrier 3) (call :barrier 3))`,
			Options{Host: newTestHost(), Context: full})
		wantValue(t, v, err, "[:ok :ok :ok]")
	})

	t.Run("output comes in branch order", func(t *testing.T) {
		// Branch 1 prints first, branch 0 only once it has.
		var out bytes.Buffer
		v, err := run(t, engine, `(step-parallel
  (do (call :wait "b printed") (println "a1") (println "a2") 1)
  (do (println "b") (call :signal "b printed") 2)
  (do (println "c") 3))`, Options{Host: newTestHost(), Context: full, Stdout: &out})
		wantValue(t, v, err, "[1 2 3]")
		if want := "a1\na2\nb\nc\n"; out.String() != want {
			t.Errorf("output %q, want %q", out.String(), want)
		}
	})

	t.Run("each branch defines in a frame of its own", func(t *testing.T) {
		v, err := run(t, engine, `(let [x 1]
  [(step-parallel (def x 2) (do (def y 3) y) x) x (get y)])`, Options{})
		wantValue(t, v, err, "[[2 3 1] 1 nil]")
		v, err = run(t, engine, `(step-parallel (def g 1) (get g)) [(get g)]`, Options{})
		wantValue(t, v, err, "[nil]")
	})

	t.Run("the lowest-numbered failing branch's error wins", func(t *testing.T) {
		// Branch 1 fails first; branch 0 fails after it.
		h := newTestHost()
		_, err := run(t, engine, `(step-parallel
  (do (call :wait "1 failed") (/ 1 0))
  (try (nth [] 5) (finally (call :signal "1 failed")))
  3)`, Options{Host: h, Context: full})
		e := wanterr.Check(t, err, value.DivisionByZero)
		if e.Pos.Line != 2 {
			t.Errorf("error at %s, want line 2", e.Pos)
		}
		want := strings.Join([]string{
			"step-parallel failed Division by zero",
			"step-parallel/branch-0 failed Division by zero",
			"step-parallel/branch-1 failed Index 5 out of bounds for length 0 in nth",
			"step-parallel/branch-2 completed 3",
		}, "\n")
		if got := actionLog(h.Events()); got != want {
			t.Errorf("actions:\n%s\nwant:\n%s", got, want)
		}
	})

	t.Run("a limit error wins over the others", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := engine(ctx, t, mustParse(t, `(defn spin [] (spin))
(try (step-parallel (/ 1 0) (spin)) (catch e :caught))`), Options{})
		wanterr.Check(t, err, value.Timeout)
	})

	t.Run("branches are child actions under the step's profile", func(t *testing.T) {
		h := newTestHost()
		profile := &host.StepProfile{ProfileID: "p-parallel", StepName: "step-parallel", IsolationLevel: host.Isolated,
			NetworkPolicy: host.NetworkPolicy{Mode: host.NetworkDenied}, FSPolicy: host.FSPolicy{Mode: host.FSNone}}
		v, err := run(t, engine, `(step-parallel (call :echo 0) (step "inner" (call :echo 1)))`,
			Options{Host: h, Context: full, Profiles: []*host.StepProfile{profile}})
		wantValue(t, v, err, "[[0] [1]]")
		ids := map[string]string{} // action id -> step name
		for _, e := range h.Events() {
			if e.Type == host.PlanStepStarted {
				ids[e.ActionID] = e.Name
			}
		}
		calls, _ := h.recorded()
		var where []string
		for _, c := range calls {
			id := ""
			if c.profile != nil {
				id = c.profile.ProfileID
			}
			where = append(where, fmt.Sprintf("%s in %s under %s", c.id, ids[c.step], id))
		}
		got := strings.Join(where, "; ")
		for _, want := range []string{"echo in step-parallel/branch-0 under p-parallel", "echo in inner under p-parallel"} {
			if !strings.Contains(got, want) {
				t.Errorf("calls %q lack %q", got, want)
			}
		}
		wantActions := "inner completed [1]\nstep-parallel completed [[0] [1]]\nstep-parallel/branch-0 completed [0]\nstep-parallel/branch-1 completed [1]"
		if got := actionLog(h.Events()); got != wantActions {
			t.Errorf("actions:\n%s\nwant:\n%s", got, wantActions)
		}
	})

	t.Run("many and nested branches", func(t *testing.T) {
		// More branches than run at once, nested ones among them.
		var src strings.Builder
		src.WriteString("(step-parallel")
		for i := range 20 {
			fmt.Fprintf(&src, " (do (println %d) (step-parallel %d (* %d 10)))", i, i, i)
		}
		src.WriteString(")")
		var out bytes.Buffer
		v, err := run(t, engine, src.String(), Options{Stdout: &out})
		var want, wantOut strings.Builder
		for i := range 20 {
			fmt.Fprintf(&want, " [%d %d]", i, i*10)
			fmt.Fprintf(&wantOut, "%d\n", i)
		}
		wantValue(t, v, err, "["+strings.TrimPrefix(want.String(), " ")+"]")
		if out.String() != wantOut.String() {
			t.Errorf("output %q, want %q", out.String(), wantOut.String())
		}
	})

	t.Run("branches define, print and call shared closures", func(t *testing.T) {
		// For the race detector: everything a branch may share.
		var out bytes.Buffer
		v, err := run(t, engine, `(def scale 10)
(defn twice [n] (def doubled (* 2 n)) (println "twice" n) doubled)
(let [base 1 add (fn [x] (+ x base))]
  (step-parallel
    (do (def a (twice 1)) (context/set "k" a) (add (* a scale)))
    (do (def a (twice 2)) (map add [a a]))
    (do (def a (twice 3)) (step "s" (add a)))
    (dotimes [i 3] (do (def a (twice i)) a))))`, Options{Stdout: &out})
		wantValue(t, v, err, "[21 [5 5] 7 4]")
		if want := "twice 1\ntwice 2\ntwice 3\ntwice 0\ntwice 1\ntwice 2\n"; out.String() != want {
			t.Errorf("output %q, want %q", out.String(), want)
		}
	})
}
