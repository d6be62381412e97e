package codegen_test

import (
	"context"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/compiler/codegen"
	"github.com/rtfs-go/rtfs/internal/enginetest"
	"github.com/rtfs-go/rtfs/value"
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
	// Delegation, depth, reads before binding, typed tail recursion.
	`(defn ^:delegation :remote "m1" f [x] x) (f 1)`,
	`(defn ^:delegation :local f [x] x) (f 1)`,
	`(defn f [n] (if (= n 0) 0 (apply f [(- n 1)]))) (f 3000)`,
	`(defn f [n] (if (= n 0) 0 (first (map f [(- n 1)])))) (f 3000)`,
	`(defn f [n] (if (= n 0) 0 (first (map f [(- n 1)])))) (f 6000)`,
	`(defn f [n] (if (= n 0) 0 (+ 1 (f (- n 1))))) (f 9998)`,
	`(defn f [n] (if (= n 0) 0 (+ 1 (f (- n 1))))) (f 9999)`,
	`(defn f [n] (if (= n 0) 0 (+ 1 (f (- n 1))))) (f 10000)`,
	`(defn f [n] (if (= n 0) 0 (inc (f (- n 1))))) (f 9999)`,
	`(defn f [n] (if (= n 0) 0 (inc (f (- n 1))))) (f 10000)`,
	`(defn f [n] (if (= n 0) {:a 1} (:a (f (- n 1))))) (f 2)`,
	`(defn f [m] (:a m)) (f {:a 3})`,
	`(get +)`,
	`((get inc) 1)`,
	`(let [x 2] ((fn [] (get x))))`,
	`(let [f (fn [] (get y))] (def y 3) (f))`,
	`(let [] (if false (def z 1)) z)`,
	`(def x 5) (let [f (fn [] x) r (f) x 1] r)`,
	`(defn f [n] :int (if (= n 0) 0 (f (- n 1)))) (f 20000)`,
	`(let [x 1] (defn g [] x)) (g)`,
	`(let [x 1] (def g (fn [] x))) g`,
	`(defn mk [] (let [n 0] (fn [] n))) ((mk))`,
	`(defn f [& {:keys [a]}] a) (f)`,
	`(let [v [1 2 3]] (match v [1 & r] r _ nil))`,
	`(let [p (fn [x] (* x x))] (p (p 3)))`,
	`(defn f [x] (if x (f nil) :end)) (f 1)`,
	`(let [s (str "a" "b")] s)`,
	`(let [x (+ 1 2) y (* x 2)] [x y])`,
	`(def big (range 0 300)) (count big)`,
	`(let [a 1 b 2 c 3 d 4] ((fn [] ((fn [] [a b c d])))))`,
	`(let [a 1] (let [f (fn [] (let [g (fn [] a)] (g)))] (f)))`,
	`(let [a 1] (let [f (fn [] (let [g (fn [] a)] (g)))] (def a 9) (f)))`,
	`(step-parallel (step "x" 1) (step "y" 2))`,
	`(let [n 2] (step-parallel (let [m 3] (fn [] (+ n m))) n))`,
	`(let [x 1] (step-parallel (step-parallel (def x 7)) x))`,
	`(defn f [] (step "s" (def w 4)) w) (f)`,
	`(step "s" (def w 4)) w`,
	`(defn f [] (step-loop (< (context/get "i") 3) (context/set "i" (+ 1 (context/get "i"))))) (context/set "i" 0) (f)`,
	`(try (step-loop true 1) (catch Generic e (:message e)))`,
	`(let [x 10] (try (/ 1 0) (catch DivisionByZero e (let [y x] (def x 2) (+ x y)))))`,
	`(try (/ 1 0) (catch e (try (+ 1 "a") (catch f [(getMessage e) (getMessage f)]))))`,
	`(defn f [] (try (f) (catch StackOverflow e :so))) (f)`,
	`(try (try (/ 1 0) (finally (+ 1 "x"))) (catch e (:type e)))`,
	`(match [1 2] [a b] when (> a b) :gt [a b] when (do (println "g2") true) :le)`,
	`(match {:a 1} {:a 1} :one {:a x} x)`,
	`(match nil nil :nil _ :other)`,
	`(match "s" "s" :str)`,
	`(match 1.0 1 :int 1.0 :float)`,
	`(for [x (list 1 2)] (let [y x] (fn [] y)))`,
	`(count (for [x (range 0 100) y (range 0 100)] (+ x y)))`,
	`(dotimes [i 3] (println i))`,
	`(dotimes [i 2.5] i)`,
	`(dotimes [i "3"] i)`,
	`(defn f [a b] :int (+ a b)) (f 1 2.5)`,
	`((fn [x :int] :string (str x)) 5)`,
	`(def n :int (+ 1 2))`,
	`(let [[a b] :[:tuple :int :int] [1 2]] (+ a b))`,
	`(let [v :[:vector :int] [1 "2"]] v)`,
	`((fn [{:keys [a]} :[:map [:a :int]]] a) {:a "x"})`,
	// Local recursion, conditional and late definitions, patterns, steps, calls.
	`(defn f [] (defn ev? [n] (if (= n 0) true (od? (- n 1)))) (defn od? [n] (if (= n 0) false (ev? (- n 1)))) [(ev? 10) (od? 7)]) (f)`,
	`(let [a 1] (let [b 2] (let [c 3] ((fn [] ((fn [] ((fn [] [a b c])))))))))`,
	`(let [a 1] (let [f (fn [] (fn [] a))] (def a 5) ((f))))`,
	`(let [a 1 f (fn [] (let [g (fn [] a)] (g)))] (def a 7) (f))`,
	`(dotimes [i 3] (try (if (= i 1) (/ 1 0) i) (catch e (println "caught" i)) (finally (println "fin" i))))`,
	`(let [r (for [i [1 2 3]] (try (if (= i 2) (/ 1 0) i) (catch e :e)))] r)`,
	`(defn f [n] (step-loop (< (context/get "i") n) (step "inner" (try (context/set "i" (+ 1 (context/get "i"))) (finally (println "f")))))) (context/set "i" 0) (f 2)`,
	`(match [1 2] [a b] when (do (def c (+ a b)) (> c 2)) [a b c] _ :no)`,
	`(match [1 2] [a b] when (do (def c (+ a b)) (> c 5)) [a b c] [x y] [x y])`,
	`(let [[a b] [1 2] f (fn [] [a b])] (def a 10) (f))`,
	`(let [{:keys [x]} {:x 1} g (fn [] x)] (def x 2) (g))`,
	`(let [x 1] (and (def x 2) (def y 3)) [x y])`,
	`(let [x 1] (or (def x false) (def y 3)) [x y])`,
	`(let [x 1] (or x (def y 3)) x)`,
	`(let [n 0] (if (> n 0) (def m 1) (def m 2)) m)`,
	`(defn f [flag] (if flag (def v :set)) v) (f true)`,
	`(def v :global) (defn f [flag] (if flag (def v :set)) v) [(f false) (f true)]`,
	`(defn f [] (try (def q (/ 1 0)) (catch e nil)) q) (f)`,
	`(def q :g) (defn f [] (try (def q (/ 1 0)) (catch e nil)) q) (f)`,
	`(defn f [] (let [g (fn [] h)] (def h 1) (g))) (f)`,
	`(def h 0) (defn f [] (let [g (fn [] h) r (g)] (def h 1) [r (g)])) (f)`,
	`(let [x 1] (step-loop (< x 4) (def x (+ x 1))) x)`,
	// A step-loop's later iterations see what its body defined.
	`(def n 0) (defn f [] (step-loop (< n 3) (def n (+ n 1))) n) [(f) n]`,
	`(let [] (step-loop (not (get done)) (def done true)) done)`,
	`(def v 0) (defn f [] (step-loop (< (count (or (get seen) [])) 2) (do (def s v) (def v 5) (def seen (conj (or (get seen) []) s)))) seen) (f)`,
	`(defn f [] (step-loop (if (get n) (< n 3) true) (def n (+ (or (get n) 0) 1))) n) (f)`,
	`(defn f [] (step-loop (do (def c (+ (or (get c) 0) 1)) (< c 3)) (def g (fn [] c))) [c (g)]) (f)`,
	`(let [fs []] (let [i 0] (step-loop (< i 3) (do (def fs (conj fs (fn [] i))) (def i (+ i 1))))) (map (fn [f] (f)) fs))`,
	`(let [acc (atom 0)] acc)`,
	`(let [a 1] [(let [a 2] a) a])`,
	`(let [a 1 b (let [a 2] (def c 3) (+ a c))] [a b])`,
	`((fn [& r] (let [[a & more] (vec r)] a)) 1 2)`,
	`((fn [& r] (count r)) 1 2 3)`,
	`(let [f (fn [a & r] (if (empty? r) a (apply f r)))] (f 1 2 3))`,
	`(defn f [{a :a b :b :or {b 2}}] [a b]) (f {:a 1})`,
	`(defn f [[x y] {:keys [z]}] [x y z]) (f [1 2] {:z 3})`,
	`(defn f [[x y]] [x y]) (f [1 2 3])`,
	`(defn f [a :int [b c] :[:vector :int]] [a b c]) (f 1 [2 3])`,
	`(defn f [a :int [b c] :[:vector :int]] [a b c]) (f 1 [2 "3"])`,
	`(defn f [a :int [b c]] [a b c]) (f "x" 5)`,
	`(defn f [a [b c]] [a b c]) (f 1 5)`,
	`(map (fn [[a b]] (+ a b)) [[1 2] [3]])`,
	`(reduce (fn [acc x] :int (+ acc x)) 0 [1 2 "3"])`,
	`(reduce (fn [acc x] :string (+ acc x)) 0 [1 2])`,
	`(try (map (fn [x] (/ 1 x)) [1 0]) (catch DivisionByZero e (:message e)))`,
	`(step "s" (step-parallel (step "a" 1) (step "b" (/ 1 0))))`,
	`(step "outer" :params {"n" 2} (step "inner" :params {"m" (get %params "n")} %params))`,
	`(let [x 5] (step "s" :params {"x" x} (let [x 10] [x (get %params "x")])))`,
	`(step "s" :params {"a" 1} (def inside 1)) inside`,
	`(step "s" (def inside 1)) inside`,
	`(step-if true (def sv 1) (def sv 2)) sv`,
	`(step-parallel (def pv 1) (def pv2 (+ pv 1))) [pv pv2]`,
	`(let [] (step-parallel (def pv 1) (def pv2 (+ pv 1))) [pv pv2])`,
	`(let [] (step-parallel (if false (def pv 1)) (get pv)))`,
	`(defn f [] (step-parallel 1 (f))) (f)`,
	`(defn f [n] (if (= n 0) 0 (+ 1 (step "s" (f (- n 1)))))) (f 100)`,
	`(let [v (vector 1 2)] (match v [1 x] x))`,
	`(match (list 1 2) [a b] :vec _ :other)`,
	`(match {:a {:b 1}} {:a {:b x}} x)`,
	`(match [1 2 3] [a & rest] rest)`,
	`(match {"k" 1 :j 2} {"k" v & r} [v r])`,
	`(let [p 3] (match 3 p :bound _ :no))`,
	`(defn kw [] :k) ((kw) {:k 1})`,
	`(let [k :a m {:a 5}] (k m))`,
	`(let [m {:a 5}] (:b m :default))`,
	`(:a)`,
	`(let [f nil] (f 1))`,
	`((if true + -) 1 2)`,
	`(((fn [] (fn [x] (* x 2)))) 21)`,
	`(let [f (fn [x] x)] (f))`,
	`(defn f [x] (if (> x 0) (recur (- x 1)) x)) (f 1)`,
	`(get {:a 1} :a)`,
	`(get [1 2] 1 :d)`,
	`(let [x {:a 1}] (get x :a))`,
	`(= 1 1 1)`,
	`(= 1)`,
	`(< 1 2 3)`,
	`(+ 1 2 3 4)`,
	`(- 10 1 2)`,
	`(let [x 3] (- x))`,
	`(not 1 2)`,
	`(let [a 1 b 2] (if (and (< a b) (not (= a b))) :ok :ko))`,
	`(if (or) 1 2)`,
	`(if (and) 1 2)`,
	`(if nil 1)`,
	`(if (= 1 1.0) :eq :ne)`,
	`(if (< 1 2.5) :lt :ge)`,
	`(if (> "b" "a") :gt :le)`,
	`(let [x nil] (if (< x 1) 1 2))`,
}

func TestDifferential(t *testing.T) {
	for _, noFold := range []bool{false, true} {
		for i, src := range differentialPrograms {
			if got, want := run(t, "d.rtfs", src, noFold); got.String() != want.String() {
				t.Errorf("program %d (NoFold %t): VM and interpreter differ:\n vm:     %s\n interp: %s\nprogram: %s", i, noFold, got, want, src)
			}
		}
	}
}

// FuzzDifferential runs mutated programs on both engines and holds the VM
// to the interpreter's outcome. Runs are bounded in time and depth; a run
// that times out on either engine proves nothing and is skipped.
func FuzzDifferential(f *testing.F) {
	for _, src := range differentialPrograms {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		prog, err := enginetest.Parse("f.rtfs", src)
		if err != nil {
			return
		}
		if _, err := codegen.Compile(prog); err != nil {
			// Programs the compiler refuses prove nothing; a module that
			// compiles but does not verify does, so RunVM's error fails.
			return
		}
		// Limits of the machine rather than of the program prove nothing
		// either.
		inconclusive := func(o enginetest.Outcome) bool { return o.HasKind(value.Timeout, value.MemoryExceeded) }
		opts := enginetest.RunOptions{MaxDepth: 200}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		want := enginetest.RunInterp(ctx, prog, opts)
		cancel()
		if inconclusive(want) {
			return
		}
		ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		got, err := enginetest.RunVM(ctx, prog, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !inconclusive(got) && got.String() != want.String() {
			t.Errorf("VM and interpreter differ:\n vm:     %s\n interp: %s\nprogram: %s", got, want, src)
		}
	})
}
