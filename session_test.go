package rtfs_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs"
)

// What an input defines, functions, values and macros, the inputs after it
// see; an error ends its input, not the session.
func TestSessionKeepsDefinitions(t *testing.T) {
	for _, engine := range []rtfs.Engine{rtfs.Interp, rtfs.VM, rtfs.WASM} {
		t.Run(string(engine), func(t *testing.T) { sessionKeepsDefinitions(t, engine) })
	}
}

func sessionKeepsDefinitions(t *testing.T, engine rtfs.Engine) {
	var out strings.Builder
	s, err := rtfs.NewSession(rtfs.Options{Engine: engine, Stdout: &out, Context: rtfs.Context{Level: rtfs.Full}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, c := range []struct{ src, want, err string }{
		{`(defn sq [x] (* x x))`, "#<function>", ""},
		{`(def n (sq 7))`, "49", ""},
		{`(defmacro twice [e] ` + "`" + `(do ~e ~e))`, "nil", ""},
		{`(+ n "a")`, "", "Type error in +"},
		{`(twice (println n))`, "nil", ""},
		{`(step "s" (call :ccos.echo (sq n)))`, "2401", ""},
		{`(undefined-thing)`, "", "Undefined symbol: undefined-thing"},
		{`[n (sq 3)]`, "[49 9]", ""},
		// What later inputs reach through earlier ones: a step inside a
		// function, a struct, a closure over a local, a pattern.
		{`(defn tagged [x] (step "t" {:x x})) (defstruct P :x :int) (defn adder [k] (fn [[a b]] (+ a b k)))`, "#<function>", ""},
		{`(step "outer" [(tagged 1) (P {:x 2}) ((adder 10) [1 2])])`, "[{:x 1} {:x 2} 13]", ""},
		{`(P {:x "no"})`, "", "Type validation failed for P"},
	} {
		v, err := s.Eval(context.Background(), "<input>", []byte(c.src))
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("input %d %s: %v, want an error with %q", i, c.src, err, c.err)
		case c.err == "" && (err != nil || v.String() != c.want):
			t.Errorf("input %d %s: %v, %v, want %s", i, c.src, v, err, c.want)
		}
	}
	if out.String() != "49\n49\n" {
		t.Errorf("printed %q", out.String())
	}
}

// TestHintsOfLocalsOnEveryEngine: a misspelt local gets the same hint on
// the interpreter and, from the compiler's analysis, on the VM and WASM,
// in a run and in a session.
func TestHintsOfLocalsOnEveryEngine(t *testing.T) {
	src := []byte(`(defn f [item-count] (+ item-cuont 1)) (f 2)`)
	const want = "did you mean `item-count`?"
	for _, engine := range []rtfs.Engine{rtfs.Interp, rtfs.VM, rtfs.WASM} {
		p, err := rtfs.Compile("f.rtfs", src)
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Run(context.Background(), rtfs.Options{Engine: engine})
		var e *rtfs.Error
		if !errors.As(err, &e) || e.Hint != want {
			t.Errorf("%s run: %v (hint %q)", engine, err, hintOf(e))
		}
		s, err := rtfs.NewSession(rtfs.Options{Engine: engine})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Eval(context.Background(), "<input>", src)
		s.Close()
		if !errors.As(err, &e) || e.Hint != want {
			t.Errorf("%s session: %v (hint %q)", engine, err, hintOf(e))
		}
	}
}

func hintOf(e *rtfs.Error) string {
	if e == nil {
		return ""
	}
	return e.Hint
}
