package bench

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/compiler/parse"
)

// CompileLines is the size of the generated program the compile-time
// measurements take by default.
const CompileLines = 30_000

// A Phase is a part of the way from source to bytecode, measured on
// generated programs.
type Phase struct {
	Name string
	Run  func(src []byte) error
}

// ParseOnly is the front end alone: reading, macro expansion, the AST.
var ParseOnly = Phase{
	Name: "parse",
	Run: func(src []byte) error {
		_, errs := parse.Source(generatedFile, src)
		return firstError(errs)
	},
}

// ParseCompile is the whole way from source to a bytecode module.
var ParseCompile = Phase{
	Name: "parse+compile",
	Run: func(src []byte) error {
		_, err := compiler.Compile(generatedFile, src)
		return err
	},
}

// generatedFile names the generated program in positions.
const generatedFile = "generated.rtfs"

// groupTemplate is one group of the generated program: five functions,
// each exercising a different part of the front end (let and arithmetic,
// match with vector, map and guarded patterns, maps and destructuring,
// closures passed to builtins, try/catch and strings), and a global
// definition that calls each of them and adds the results to the previous
// group's total, so that the program runs and its value depends on every
// group. The verbs are all %[1]d (the group number) or %[2]s (the name of
// the previous total, or 0 for the first group).
const groupTemplate = `; group %[1]d
(defn calc-%[1]d [x y]
  (let [a (+ x %[1]d)
        b (* y 3)
        c (- a b)]
    (if (> c 0)
      (+ c (mod a 7))
      (- b (mod c 5)))))

(defn classify-%[1]d [v]
  (match v
    0 0
    [a b] (+ a b %[1]d)
    {:n n} (* n 2)
    s when (string? s) (count s)
    _ -1))

(defn score-%[1]d [{:keys [id score]} bonus]
  (let [record {:id id :score score :tags ["group-%[1]d" "bench"]}
        ranked (assoc record :rank (+ id bonus))
        [lo hi] [(- score bonus) (+ score (get ranked :rank))]]
    (if (< lo hi) (+ id hi) (- id lo))))

(defn total-%[1]d [xs]
  (reduce + 0
    (map (fn [x] (* x %[1]d))
      (filter odd? xs))))

(defn label-%[1]d [n]
  (try
    (str "n=" n " q=" (/ %[1]d n))
    (catch DivisionByZero e (getMessage e))))

(def total-after-%[1]d
  (+ %[2]s
     (calc-%[1]d %[1]d 4)
     (classify-%[1]d [1 %[1]d])
     (classify-%[1]d {:n %[1]d})
     (classify-%[1]d "group")
     (score-%[1]d {:id %[1]d :score 10} 3)
     (total-%[1]d [1 2 3 4 5])
     (count (label-%[1]d (mod %[1]d 3)))))

`

// Generate returns an RTFS program of at least the given number of lines,
// made of groups of varied definitions (see groupTemplate); its value is
// an integer that depends on every group. It is the input of the
// compile-time measurements: the same number of lines always gives the
// same program.
func Generate(lines int) []byte {
	var b bytes.Buffer
	linesPerGroup := strings.Count(groupTemplate, "\n")
	previous := "0"
	for group := 0; group*linesPerGroup < lines; group++ {
		fmt.Fprintf(&b, groupTemplate, group, previous)
		previous = fmt.Sprintf("total-after-%d", group)
	}
	b.WriteString(previous)
	b.WriteString("\n")
	return b.Bytes()
}
