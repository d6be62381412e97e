package codegen_test
import ("testing"; "github.com/rtfs-go/rtfs/compiler/codegen")
var extra = []string{
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
}
func TestExtra(t *testing.T) {
	for _, variant := range []codegen.Options{{}, {NoFold: true}} {
		run := vmEngine(variant)
		for i, src := range extra {
			got := run(t, "d.rtfs", src)
			want := runInterp(t, "d.rtfs", src)
			if got.String() != want.String() {
				t.Errorf("program %d (NoFold %t): VM and interpreter differ:\n vm:     %s\n interp: %s\nprogram: %s", i, variant.NoFold, got, want, src)
			}
		}
	}
}
