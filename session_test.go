package rtfs_test

import (
	"context"
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
