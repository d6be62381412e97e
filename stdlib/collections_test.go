package stdlib

import (
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

func TestConstructors(t *testing.T) {
	runCalls(t, []call{
		{"vector", args(), "[]", ""},
		{"vector", args(num(1), text("a")), `[1 "a"]`, ""},
		{"list", args(), "()", ""},
		{"list", args(num(1), num(2)), "(1 2)", ""},
		{"hash-map", args(), "{}", ""},
		{"hash-map", args(kw("b"), num(2), text("a"), num(1), num(3), none), `{3 nil "a" 1 :b 2}`, ""},
		{"hash-map", args(kw("a"), num(1), kw("a"), num(2)), "{:a 2}", ""},
		{"hash-map", args(kw("a")), "", value.ArityMismatch},
		{"hash-map", args(flt(1.5), num(1)), "", value.TypeError},
		{"hash-map", args(none, num(1)), "", value.TypeError},
		{"hash-map", args(vec(), num(1)), "", value.TypeError},
	})
}

func TestAccess(t *testing.T) {
	m := dict(kw("a"), num(1), text("s"), num(2), num(7), num(3), kw("n"), none)
	v := vec(num(10), num(20), num(30))
	runCalls(t, []call{
		{"count", args(v), "3", ""},
		{"count", args(lst()), "0", ""},
		{"count", args(m), "4", ""},
		{"count", args(text("héllo")), "5", ""},
		{"count", args(none), "", value.TypeError},
		{"count", args(num(3)), "", value.TypeError},

		{"empty?", args(vec()), "true", ""},
		{"empty?", args(v), "false", ""},
		{"empty?", args(lst()), "true", ""},
		{"empty?", args(dict()), "true", ""},
		{"empty?", args(text("")), "true", ""},
		{"empty?", args(text("a")), "false", ""},
		{"empty?", args(none), "true", ""},
		{"empty?", args(num(0)), "false", ""},

		{"first", args(v), "10", ""},
		{"first", args(lst(num(1))), "1", ""},
		{"first", args(vec()), "nil", ""},
		{"first", args(text("éa")), `"é"`, ""},
		{"first", args(text("")), "nil", ""},
		{"first", args(none), "", value.TypeError},
		{"first", args(m), "", value.TypeError},

		{"rest", args(v), "[20 30]", ""},
		{"rest", args(lst(num(1), num(2))), "(2)", ""},
		{"rest", args(vec()), "[]", ""},
		{"rest", args(lst()), "()", ""},
		{"rest", args(text("éab")), `"ab"`, ""},
		{"rest", args(text("")), `""`, ""},
		{"rest", args(none), "", value.TypeError},

		{"last", args(v), "30", ""},
		{"last", args(lst(num(1), num(2))), "2", ""},
		{"last", args(vec()), "nil", ""},
		{"last", args(text("abé")), `"é"`, ""},
		{"last", args(text("")), `""`, ""},
		{"last", args(none), "", value.TypeError},

		{"nth", args(v, num(1)), "20", ""},
		{"nth", args(lst(num(1), num(2)), num(1)), "2", ""},
		{"nth", args(text("aéb"), num(1)), `"é"`, ""},
		{"nth", args(v, num(3)), "", value.IndexOutOfBounds},
		{"nth", args(v, num(-1)), "", value.IndexOutOfBounds},
		{"nth", args(text("ab"), num(2)), "", value.IndexOutOfBounds},
		{"nth", args(v, num(5), kw("none")), ":none", ""},
		{"nth", args(text("ab"), num(9), none), "nil", ""},
		{"nth", args(v, flt(1)), "", value.TypeError},
		{"nth", args(m, num(0)), "", value.TypeError},
		{"nth", args(none, num(0)), "", value.TypeError},

		{"get", args(m, kw("a")), "1", ""},
		{"get", args(m, text("s")), "2", ""},
		{"get", args(m, num(7)), "3", ""},
		{"get", args(m, kw("zz")), "nil", ""},
		{"get", args(m, kw("zz"), num(0)), "0", ""},
		{"get", args(m, kw("n"), num(0)), "nil", ""},
		{"get", args(m, text("a")), "nil", ""},
		{"get", args(m, flt(1.5)), "", value.TypeError},
		{"get", args(m, none), "", value.TypeError},
		{"get", args(v, num(0)), "10", ""},
		{"get", args(lst(num(1)), num(0)), "1", ""},
		{"get", args(v, num(3)), "nil", ""},
		{"get", args(v, num(-1), kw("d")), ":d", ""},
		{"get", args(v, kw("a")), "", value.TypeError},
		{"get", args(text("s"), num(1)), "", value.TypeError},
		{"get", args(none, kw("a")), "", value.TypeError},

		{"get-in", args(dict(kw("a"), dict(text("b"), v)), vec(kw("a"), text("b"), num(2))), "30", ""},
		{"get-in", args(dict(kw("a"), num(1)), vec()), "{:a 1}", ""},
		{"get-in", args(dict(kw("a"), num(1)), lst(kw("a"))), "1", ""},
		{"get-in", args(dict(kw("a"), num(1)), vec(kw("b"))), "nil", ""},
		{"get-in", args(dict(kw("a"), num(1)), vec(kw("a"), kw("b")), kw("d")), ":d", ""},
		{"get-in", args(v, vec(num(9)), kw("d")), ":d", ""},
		{"get-in", args(v, vec(flt(0))), "nil", ""},
		{"get-in", args(none, vec(kw("a"))), "nil", ""},
		{"get-in", args(m, kw("a")), "", value.TypeError},

		{"find", args(m, kw("a")), "[:a 1]", ""},
		{"find", args(m, kw("n")), "[:n nil]", ""},
		{"find", args(m, kw("zz")), "nil", ""},
		{"find", args(m, flt(1)), "", value.TypeError},
		{"find", args(v, num(0)), "", value.TypeError},

		{"contains?", args(m, kw("a")), "true", ""},
		{"contains?", args(m, kw("zz")), "false", ""},
		{"contains?", args(m, flt(1)), "false", ""},
		{"contains?", args(v, num(20)), "true", ""},
		{"contains?", args(v, num(1)), "false", ""},
		{"contains?", args(lst(vec(num(1))), lst(num(1))), "true", ""},
		{"contains?", args(text("hello"), text("ell")), "true", ""},
		{"contains?", args(text("hello"), text("z")), "false", ""},
		{"contains?", args(text("hello"), num(1)), "", value.TypeError},
		{"contains?", args(none, num(1)), "", value.TypeError},

		{"keys", args(m), `[7 "s" :a :n]`, ""},
		{"keys", args(dict()), "[]", ""},
		{"keys", args(none), "", value.TypeError},
		{"vals", args(m), "[3 2 1 nil]", ""},
		{"vals", args(v), "", value.TypeError},
	})
}

func TestUpdates(t *testing.T) {
	m := dict(kw("a"), num(1))
	v := vec(num(10), num(20))
	runCalls(t, []call{
		{"assoc", args(m, kw("b"), num(2)), "{:a 1 :b 2}", ""},
		{"assoc", args(m, kw("a"), num(9), text("c"), num(3)), `{"c" 3 :a 9}`, ""},
		{"assoc", args(dict(), num(1), none), "{1 nil}", ""},
		{"assoc", args(m, flt(1), num(2)), "", value.TypeError},
		{"assoc", args(m, kw("b")), "", value.ArityMismatch},
		{"assoc", args(m, kw("b"), num(2), kw("c")), "", value.ArityMismatch},
		{"assoc", args(v, num(1), num(99)), "[10 99]", ""},
		{"assoc", args(lst(num(1), num(2)), num(0), num(5)), "[5 2]", ""},
		{"assoc", args(v, num(2), num(99)), "", value.IndexOutOfBounds},
		{"assoc", args(v, num(-1), num(99)), "", value.IndexOutOfBounds},
		{"assoc", args(v, kw("a"), num(99)), "", value.TypeError},
		{"assoc", args(none, kw("a"), num(1)), "", value.TypeError},
		{"assoc", args(text("s"), num(0), num(1)), "", value.TypeError},

		{"dissoc", args(dict(kw("a"), num(1), kw("b"), num(2)), kw("a")), "{:b 2}", ""},
		{"dissoc", args(dict(kw("a"), num(1), kw("b"), num(2)), kw("a"), kw("b"), kw("c")), "{}", ""},
		{"dissoc", args(m, kw("zz")), "{:a 1}", ""},
		{"dissoc", args(m, vec()), "", value.TypeError},
		{"dissoc", args(none, kw("a")), "", value.TypeError},

		{"merge", args(m), "{:a 1}", ""},
		{"merge", args(m, dict(kw("a"), num(2), kw("b"), num(3)), dict(kw("b"), num(4))), "{:a 2 :b 4}", ""},
		{"merge", args(dict(), dict()), "{}", ""},
		{"merge", args(m, none), "", value.TypeError},
		{"merge", args(none), "", value.TypeError},
		{"merge", args(m, v), "", value.TypeError},

		{"conj", args(v, num(30)), "[10 20 30]", ""},
		{"conj", args(v, num(30), num(40)), "[10 20 30 40]", ""},
		{"conj", args(lst(num(1)), num(2)), "[1 2]", ""},
		{"conj", args(vec(), none), "[nil]", ""},
		{"conj", args(none, num(1)), "", value.TypeError},
		{"conj", args(m, num(1)), "", value.TypeError},

		{"cons", args(num(0), v), "[0 10 20]", ""},
		{"cons", args(num(0), lst(num(1))), "[0 1]", ""},
		{"cons", args(num(0), vec()), "[0]", ""},
		{"cons", args(num(0), none), "", value.TypeError},
	})
}

func TestSequences(t *testing.T) {
	v := vec(num(1), num(2), num(3), num(4), num(5))
	runCalls(t, []call{
		{"concat", args(), "[]", ""},
		{"concat", args(vec(num(1)), lst(num(2), num(3)), text("ab"), num(4), none), `[1 2 3 "a" "b" 4 nil]`, ""},
		{"concat", args(vec(), vec()), "[]", ""},

		{"range", args(num(4)), "[0 1 2 3]", ""},
		{"range", args(num(0)), "[]", ""},
		{"range", args(num(-2)), "[]", ""},
		{"range", args(num(2), num(5)), "[2 3 4]", ""},
		{"range", args(num(5), num(2)), "[]", ""},
		{"range", args(num(0), num(10), num(3)), "[0 3 6 9]", ""},
		{"range", args(num(5), num(0), num(-2)), "[5 3 1]", ""},
		{"range", args(num(0), num(5), num(-1)), "[]", ""},
		{"range", args(num(maxInt-2), num(maxInt), num(maxInt)), "[9223372036854775805]", ""},
		{"range", args(num(minInt), num(maxInt)), "", value.Generic},
		{"range", args(num(0), num(5), num(0)), "", value.InvalidArgument},
		{"range", args(flt(3)), "", value.TypeError},
		{"range", args(num(0), text("5")), "", value.TypeError},

		{"numbers", args(num(1), num(4)), "[1 2 3 4]", ""},
		{"numbers", args(num(3), num(3)), "[3]", ""},
		{"numbers", args(num(4), num(1)), "[]", ""},
		{"numbers", args(num(minInt), num(maxInt)), "", value.Generic},
		{"numbers", args(num(1), flt(4)), "", value.TypeError},

		{"take", args(num(2), v), "[1 2]", ""},
		{"take", args(num(9), v), "[1 2 3 4 5]", ""},
		{"take", args(num(-1), v), "[]", ""},
		{"take", args(num(1), lst(num(7), num(8))), "[7]", ""},
		{"take", args(num(2), text("héllo")), `"hé"`, ""},
		{"take", args(flt(2), v), "", value.TypeError},
		{"take", args(num(2), none), "", value.TypeError},
		{"drop", args(num(2), v), "[3 4 5]", ""},
		{"drop", args(num(9), v), "[]", ""},
		{"drop", args(num(-3), v), "[1 2 3 4 5]", ""},
		{"drop", args(num(1), text("éa")), `"a"`, ""},
		{"drop", args(num(1), dict()), "", value.TypeError},

		{"subvec", args(v, num(1), num(3)), "[2 3]", ""},
		{"subvec", args(v, num(3)), "[4 5]", ""},
		{"subvec", args(v, num(5)), "[]", ""},
		{"subvec", args(lst(num(1), num(2)), num(1)), "[2]", ""},
		{"subvec", args(v, num(3), num(2)), "", value.IndexOutOfBounds},
		{"subvec", args(v, num(0), num(6)), "", value.IndexOutOfBounds},
		{"subvec", args(v, num(-1)), "", value.IndexOutOfBounds},
		{"subvec", args(v, kw("a")), "", value.TypeError},
		{"subvec", args(text("abc"), num(1)), "", value.TypeError},

		{"reverse", args(v), "[5 4 3 2 1]", ""},
		{"reverse", args(lst(num(1), num(2))), "[2 1]", ""},
		{"reverse", args(vec()), "[]", ""},
		{"reverse", args(text("héllo")), `"olléh"`, ""},
		{"reverse", args(none), "", value.TypeError},

		{"distinct", args(vec(num(1), num(2), num(1), flt(1), text("1"), num(2))), `[1 2 1.0 "1"]`, ""},
		{"distinct", args(vec(vec(num(1)), lst(num(1)), vec(num(2)))), "[[1] [2]]", ""},
		{"distinct", args(vec(nan, nan)), "[##NaN ##NaN]", ""},
		{"distinct", args(vec(none, value.False, none, kw("a"), kw("a"), value.Symbol("a"))), "[nil false :a a]", ""},
		{"distinct", args(vec(builtin("inc"), builtin("inc"), builtin("dec"))), "[#<function> #<function>]", ""},
		{"distinct", args(text("abcabd")), `"abcd"`, ""},
		{"distinct", args(num(1)), "", value.TypeError},

		{"sort", args(vec(num(3), flt(1.5), num(2))), "[1.5 2 3]", ""},
		{"sort", args(vec(kw("b"), text("z"), none, num(1), value.True, vec(), lst(), dict(), kw("a"))), `[nil true 1 "z" :a :b [] () {}]`, ""},
		{"sort", args(lst(text("b"), text("a"))), `["a" "b"]`, ""},
		{"sort", args(text("cba")), `"abc"`, ""},
		{"sort", args(dict()), "", value.TypeError},

		{"partition", args(num(2), v), "[[1 2] [3 4] [5]]", ""},
		{"partition", args(num(5), v), "[[1 2 3 4 5]]", ""},
		{"partition", args(num(9), v), "[[1 2 3 4 5]]", ""},
		{"partition", args(num(2), vec()), "[]", ""},
		{"partition", args(num(2), lst(num(1), num(2), num(3))), "[[1 2] [3]]", ""},
		{"partition", args(num(0), v), "", value.TypeError},
		{"partition", args(num(-1), v), "", value.TypeError},
		{"partition", args(flt(2), v), "", value.TypeError},
		{"partition", args(num(2), text("abc")), "", value.TypeError},

		{"frequencies", args(vec(kw("a"), kw("b"), kw("a"), num(1), flt(1.5), flt(1.5))), `{1 1 "1.5" 2 :a 2 :b 1}`, ""},
		{"frequencies", args(text("aba")), `{"a" 2 "b" 1}`, ""},
		{"frequencies", args(vec()), "{}", ""},
		{"frequencies", args(none), "", value.TypeError},
	})
}

// TestResultsDoNotAlias checks that results sharing storage with their
// input stay independent when either side grows.
func TestResultsDoNotAlias(t *testing.T) {
	rt := newRuntime()
	v := value.Conj(vec(num(1), num(2), num(3)), num(4))
	taken, _ := invoke(rt, "take", args(num(2), v))
	grown, _ := invoke(rt, "conj", args(taken, num(99)))
	again, _ := invoke(rt, "conj", args(v, num(5)))
	if taken.String() != "[1 2]" || grown.String() != "[1 2 99]" || v.String() != "[1 2 3 4]" || again.String() != "[1 2 3 4 5]" {
		t.Errorf("take/conj interfere: taken %v grown %v v %v again %v", taken, grown, v, again)
	}
	restOf, _ := invoke(rt, "rest", args(v))
	restGrown, _ := invoke(rt, "conj", args(restOf, num(7)))
	if restGrown.String() != "[2 3 4 7]" || again.String() != "[1 2 3 4 5]" {
		t.Errorf("rest/conj interfere: %v %v", restGrown, again)
	}
}
