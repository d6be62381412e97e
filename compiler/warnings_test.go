package compiler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/internal/conformance"
	"github.com/rtfs-go/rtfs/value"
)

func TestWarnings(t *testing.T) {
	for src, want := range map[string][]string{
		`(defn f [x] (inc x 2))`:                          {"f.rtfs:1:13: error[ArityMismatch]: Arity mismatch in inc: expected 1, got 2"},
		`(if false ("not a function" 1) 0)`:               {"f.rtfs:1:11: error[TypeError]: Type error in function call: expected function, got string"},
		`(let [inc (fn [a b] a)] (inc 1 2))`:              nil, // a local named like a builtin
		`(defn str [a b c] a) (str 1 2 3)`:                nil, // a global named like a builtin
		`(:a {:a 1})`:                                     nil, // keywords are callable
		`(map inc [1 2]) (get {:a 1} :a :d)`:              nil,
		"(first)\n(rest 1 2)":                             {"f.rtfs:1:1: error[ArityMismatch]: Arity mismatch in first: expected 1, got 0", "f.rtfs:2:1: error[ArityMismatch]: Arity mismatch in rest: expected 1, got 2"},
		`(mathc 1 1 1)`:                                   {"f.rtfs:1:2: error[UndefinedSymbol]: Undefined symbol: mathc"},
		`(defn total [xs] (reduce + xs)) (totl [1])`:      {"f.rtfs:1:34: error[UndefinedSymbol]: Undefined symbol: totl"},
		`(let [item-count 3] (+ item-cuont 1))`:           {"f.rtfs:1:24: error[UndefinedSymbol]: Undefined symbol: item-cuont"},
		`(str user-name)`:                                 nil, // a value of the host context or a parameter, maybe
		`(def later (fn [] (helper))) (defn helper [] 1)`: nil, // defined further down
	} {
		out, err := Compile("f.rtfs", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		var got []string
		for _, w := range out.Warnings {
			got = append(got, w.Error())
		}
		if len(got) != len(want) {
			t.Errorf("%s: warnings %q, want %q", src, got, want)
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: warning %q, want %q", src, got[i], want[i])
			}
		}
	}
}

// The plans, examples and benchmark programs are correct programs: no
// warning may fire on them.
func TestNoWarningsOnCorrectPrograms(t *testing.T) {
	eachProgram(t, func(file string, src []byte, out *Output) {
		for _, w := range out.Warnings {
			t.Errorf("%s: %v", file, w)
		}
	})
}

// eachProgram compiles every plan, example and benchmark program of the
// repository and hands each to f.
func eachProgram(t *testing.T, f func(file string, src []byte, out *Output)) {
	t.Helper()
	var files []string
	for _, pattern := range []string{"../testdata/plans/*.rtfs", "../testdata/examples/*.rtfs", "../bench/programs/*.rtfs"} {
		more, _ := filepath.Glob(pattern)
		files = append(files, more...)
	}
	if len(files) < 5 {
		t.Fatalf("only %d programs found", len(files))
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Compile(file, src)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		f(file, src, out)
	}
}

// A warning of a call that fails whenever it runs is right on every case
// of the conformance corpus: each case it fires on expects an error, or
// catches one.
func TestWarningsOnTheCorpusAreRight(t *testing.T) {
	cases, err := conformance.Load("../testdata/conformance")
	if err != nil {
		t.Fatal(err)
	}
	fired := 0
	for _, c := range cases {
		out, err := Compile(c.File, []byte(c.Source))
		if err != nil {
			continue // a case of a compile error
		}
		for _, w := range out.Warnings {
			if w.Kind == value.InvalidInput {
				continue // odd but valid code, not a failing call
			}
			fired++
			if c.WantErr == "" && !strings.Contains(c.Source, "(catch ") {
				t.Errorf("%s:%d (%s): %v, yet the case succeeds", c.File, c.Line, c.Name, w)
			}
		}
	}
	if fired == 0 {
		t.Error("no warning fired on the corpus, which has failing calls")
	}
}

func TestArityWarningShowsTheParameters(t *testing.T) {
	out, err := Compile("f.rtfs", []byte(`(defn f [a [b c] {:keys [d]} & more] a) (f)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Warnings) != 1 || out.Warnings[0].Hint != "f takes [a [b c] {d :d} & more]" {
		t.Errorf("warnings %+v", out.Warnings)
	}
}
