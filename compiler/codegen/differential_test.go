package codegen_test

import (
	"testing"

	"github.com/rtfs-go/rtfs/compiler/codegen"
)

// differentialPrograms exercise what the corpus covers thinly: scoping
// corners, closures over variables that change, handlers, steps. Each must
// behave on the VM exactly as in the interpreter.
var differentialPrograms = []string{
	// Scoping of def in let and function bodies.
	`(let [x 1 f (fn [] x)] (def x 2) (f))`,
	`(let [f (fn [] x) x 1] (f))`,
	`(let [f (fn [] x) x 1 x 2] [(f) x])`,
	`(let [x 1 f (fn [] x) x 2] [(f) x])`,
	`(defn f [] (defn g [n] (if (= n 0) :done (g (- n 1)))) (g 5)) (f)`,
	`(defn f [] (def h (fn [] (k))) (def k (fn [] 7)) (h)) (f)`,
	`(defn f [x] (def x (+ x 1)) x) (f 1)`,
	`(defn f [x] (let [g (fn [] x)] (def x 10) (g))) (f 1)`,
	`(def x 1) (defn f [] (+ x (do (def x 5) 0))) [(f) x]`,
	`(let [x 1] (+ x (do (def x 5) 0)))`,
	`(let [x 1] (def y (+ x 1)) (def x 10) [x y])`,
	`(let [x 1] (let [x 2] (def x 3) x))`,
	`(let [a 1] (def b 2) (+ a b))`,
	`(defn f [] (+ 1 2) (def + -) (+ 1 2)) (f)`,
	`(let [inc dec] (inc 1))`,
	`(let [f (fn [] (inc 1)) inc dec] (f))`,
	`(defn inc [x] (+ x 100)) (inc 1)`,
	`(inc 1) (defn inc [x] (+ x 100)) (inc 1)`,
	`(do (defn + [a b] (* a b))) (+ 3 4)`,
	`(if true (def z 1)) z`,
	`(let [[a a] [1 2]] a)`,
	`((fn [[a b] a] [a b]) [1 2] 3)`,
	`((fn [x x] x) 1 2)`,
	`(let [{:keys [a b] :as m} {:a 1}] [a b m])`,
	`(let [[a & r :as all] [1 2 3]] [a r all])`,
	`(let [{a :a & more} {:a 1 :b 2}] [a more])`,
	`(defn f [{:keys [x]} & ys] [x ys]) (f {:x 1} 2 3)`,
	`(let [[a b] [1]] a)`,
	`(let [{:keys [a]} 5] a)`,
	`((fn [[a]] a) 5)`,
	`(let [x 1] (def f (fn [] x)) (f))`,
	// Closures in loops keep their own variables.
	`(map (fn [f] (f)) (for [i [1 2 3]] (fn [] i)))`,
	`(let [fs (for [i [1 2]] (do (def j (* i 10)) (fn [] [i j])))] (map (fn [f] (f)) fs))`,
	`(dotimes [i 3] (def i 10) i)`,
	`(for [x [1 2]] (do (def x 5) x))`,
	`(let [acc []] (dotimes [i 3] (def acc (conj acc i))) acc)`,
	// Conditions and logic.
	`[(and) (or) (and 1 nil 2) (or nil false 3) (and 1 2) (or false nil)]`,
	`(if (< 1 2) :a :b)`,
	`(if (< "a" 1) :a :b)`,
	`(let [x 5] [(if (>= x 5) :ge :lt) (if (= x 5) :eq :ne) (if (not x) :n :y)])`,
	`(defn f [a b] (if (< a b) a b)) [(f 1 2) (f 2.5 1)]`,
	`(+ 1 "a")`,
	`(let [a 1] (+ a "b"))`,
	`(/ 1 0)`,
	`(mod 5 0)`,
	`[(+ 1 2) (- 5) (* 2 3.0) (/ 6 4) (mod -7 3) (= [1] [1]) (not nil)]`,
	`(let [x 2] [(+ x 1) (- x 1) (* x x) (/ x 2) (mod x 2) (< x 1) (<= x 2) (> x 1) (>= x 3) (= x 2)])`,
	`(inc 1 2)`,
	`(nosuch 1)`,
	`((fn [] 1) 2)`,
	`(:a {:a 1})`,
	`(:a 5)`,
	`("s" 1)`,
	// Match.
	`(match [1 2] [a b] (+ a b) _ 0)`,
	`(match {:a 1} {:a x} x _ :none)`,
	`(match {:a 1 :b 2} {:a x} x _ :none)`,
	`(match 3 1 :one x when (> x 2) :big _ :small)`,
	`(match 1 2 :two)`,
	`(match [1 [2 3]] [a [b c]] (+ a b c))`,
	`(match 5 (:as whole x) [whole x])`,
	`(defn f [v] (match v [x & r] (f r) [] :empty)) (f [1 2 3])`,
	`(match 1 x (let [g (fn [] x)] (def x 2) (g)))`,
	// try / catch / finally.
	`(try (/ 1 0) (catch e (getMessage e)))`,
	`(try (/ 1 0) (catch TypeError e :t) (catch DivisionByZero e :d))`,
	`(try (try (/ 1 0) (catch TypeError e :inner)) (catch e :outer))`,
	`(try (try (/ 1 0) (finally (println "f1"))) (catch e (println "c") :caught) (finally (println "f2")))`,
	`(try 1 (finally (/ 1 0)))`,
	`(try (/ 1 0) (catch e (+ 1 "x")) (finally (println "f")))`,
	`(defn f [n] (try (if (= n 0) (/ 1 0) (f (- n 1))) (catch e n))) (f 3)`,
	`(try (nth [] 0) (catch e (let [m (getMessage e)] (str "got " m))))`,
	`(let [x 1] (try (def x (and 2 (/ 1 0))) (catch e nil)) x)`,
	`(try (do (def q 5) (/ 1 0)) (catch e q))`,
	`(try (match 1 2 3) (catch MatchError e :no-match))`,
	// Tail calls through every tail form, typed and untyped.
	`(defn f [n] (let [m (- n 1)] (match m 0 :done _ (if (> m 0) (do (f m)) :neg)))) (f 50000)`,
	`(defn f [n] :int (if (= n 0) 0 (f (- n 1)))) (f 100)`,
	`(defn f [n] :string (if (= n 0) 0 (f (- n 1)))) (f 3)`,
	`(defn f [] (+ 1 (f))) (f)`,
	// Steps.
	`(step "a" (step "b" 1) (step "c" (/ 1 0)))`,
	`(step-if (do (println "c") 0) (println "t") (println "e"))`,
	`(let [i 0] (step-loop (< i 3) (def i (+ i 1))))`,
	`(let [x 1] (step-parallel (def x 2) (+ x 1)) x)`,
	`(let [x 1] [(step-parallel (def y 2) (+ x 1)) y])`,
	`(step-parallel (def g 5) (+ g 1))`,
	`(step "p" :params {"a" (+ 1 2)} (let [p %params] (get p "a")))`,
	`(step "p" :params {"a" (/ 1 0)} 1)`,
	`(defn f [x] (step "s" :params {"x" x} (fn [] %params))) ((f 3))`,
	`(step-loop true 1)`,
	`(step "outer" (try (step "inner" (/ 1 0)) (catch e :caught)))`,
	// Host and misc.
	`(call :nope 1)`,
	`(call 5 (println "arg"))`,
	`(call "x" (/ 1 0))`,
	`@user`,
	`(get nosuch)`,
	`(let [v 3] (get v))`,
	`(defn f [] (get later)) (def later 4) (f)`,
	`^{:runtime.x (println "hint") :other (println "no")} (+ 1 2)`,
	`(defstruct P :name :string) (P {:name "a"})`,
	`(defstruct P :name :string) (P {:name 1})`,
	`(let [] (defstruct Q :n :int) (Q {:n 1}))`,
	`(let [x (println "a")] (println "b") x)`,
	`(vector (println 1) (println 2))`,
	`{:b (println "b") :a (println "a")}`,
	`[1 [2 [3]] {:a [4]}]`,
	`(let [x 1] [x [x] {:k x}])`,
	`(range 0 1000)`,
	`(count (range 0 100000))`,
	`(str "a" 1 :k nil)`,
	`(reduce + 0 [1 2 3])`,
	`(map inc [1 2])`,
	`(apply + [1 2 3])`,
	`(fn [x] x)`,
	`((fn [& xs] xs) 1 2)`,
	`((fn [& xs] xs))`,
	`((fn [a & xs :int] [a xs]) 1 2 "3")`,
	`(for [x [1 2] y (range 0 x)] [x y])`,
	`(for [x [[1 2] 3]] (for [y x] y))`,
}

func TestDifferential(t *testing.T) {
	for _, variant := range []codegen.Options{{}, {NoFold: true}} {
		run := vmEngine(variant)
		for i, src := range differentialPrograms {
			got := run(t, "d.rtfs", src)
			if want := runInterp(t, "d.rtfs", src); got.String() != want.String() {
				t.Errorf("program %d (NoFold %t): VM and interpreter differ:\n vm:     %s\n interp: %s\nprogram: %s", i, variant.NoFold, got, want, src)
			}
		}
	}
}
