package stdlib

import (
	"errors"
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

func TestHigherOrder(t *testing.T) {
	inc, even, plus, str := builtin("inc"), builtin("even?"), builtin("+"), builtin("str")
	records := vec(
		dict(kw("type"), kw("x"), kw("v"), num(1)),
		dict(kw("type"), kw("y")),
		dict(kw("type"), kw("x"), kw("v"), num(2)),
	)
	runCalls(t, []call{
		{"map", args(inc, vec(num(1), num(2), num(3))), "[2 3 4]", ""},
		{"map", args(inc, lst(num(1), num(2))), "[2 3]", ""},
		{"map", args(builtin("string-upper"), text("aé")), `["A" "É"]`, ""},
		{"map", args(kw("v"), records), "[1 nil 2]", ""},
		{"map", args(inc, vec()), "[]", ""},
		{"map", args(inc, vec(text("a"))), "", value.Generic},
		{"map", args(num(5), vec(num(1))), "", value.TypeError},
		{"map", args(inc, none), "", value.TypeError},
		{"map", args(inc, dict(kw("a"), num(1))), "", value.TypeError},
		{"map", args(inc, vec(), vec()), "", value.ArityMismatch},

		{"filter", args(even, vec(num(1), num(2), num(3), num(4))), "[2 4]", ""},
		{"filter", args(even, lst(num(2), num(3))), "[2]", ""},
		{"filter", args(kw("v"), records), "[{:type :x :v 1} {:type :x :v 2}]", ""},
		{"filter", args(builtin("not"), vec(none, num(1), value.False)), "[nil false]", ""},
		{"filter", args(even, none), "", value.TypeError},
		{"filter", args(even, vec(text("a"))), "", value.TypeError},

		{"remove", args(even, vec(num(1), num(2), num(3), num(4))), "[1 3]", ""},
		{"remove", args(even, lst(num(1), num(2), num(3))), "(1 3)", ""},
		{"remove", args(kw("v"), records), "[{:type :y}]", ""},
		{"remove", args(even, num(1)), "", value.TypeError},

		{"reduce", args(plus, vec(num(1), num(2), num(3))), "6", ""},
		{"reduce", args(plus, num(10), vec(num(1), num(2), num(3))), "16", ""},
		{"reduce", args(plus, vec(num(5))), "5", ""},
		{"reduce", args(plus, num(7), vec()), "7", ""},
		{"reduce", args(plus, lst(num(1), num(2))), "3", ""},
		{"reduce", args(str, text("abc")), `"abc"`, ""},
		{"reduce", args(builtin("conj"), vec(), vec(num(1), num(2))), "[1 2]", ""},
		{"reduce", args(plus, vec()), "", value.Generic},
		{"reduce", args(plus, none), "", value.Generic},
		{"reduce", args(plus, num(0), dict(kw("a"), num(1))), "", value.Generic},
		{"reduce", args(plus, vec(num(1), text("a"))), "", value.TypeError},

		{"apply", args(plus, vec(num(1), num(2), num(3))), "6", ""},
		{"apply", args(plus, num(1), num(2), vec(num(3), num(4))), "10", ""},
		{"apply", args(plus, lst(num(1), num(2))), "3", ""},
		{"apply", args(str, text("ab")), `"ab"`, ""},
		{"apply", args(builtin("hash-map"), dict(kw("b"), num(2), kw("a"), num(1))), "{:a 1 :b 2}", ""},
		{"apply", args(builtin("vector"), dict(kw("b"), num(2), kw("a"), num(1))), "[:a 1 :b 2]", ""},
		{"apply", args(builtin("vector"), none), "[]", ""},
		{"apply", args(builtin("vector"), num(1), none), "[1]", ""},
		{"apply", args(builtin("and"), vec(num(1), none)), "nil", ""},
		{"apply", args(plus, num(1)), "", value.TypeError},
		{"apply", args(inc, vec(num(1), num(2))), "", value.ArityMismatch},
		{"apply", args(plus, vec()), "", value.ArityMismatch},

		{"map-indexed", args(builtin("vector"), vec(kw("a"), kw("b"))), "[[0 :a] [1 :b]]", ""},
		{"map-indexed", args(builtin("vector"), lst(kw("a"))), "([0 :a])", ""},
		{"map-indexed", args(builtin("vector"), text("é")), `[[0 "é"]]`, ""},
		{"map-indexed", args(plus, vec()), "[]", ""},
		{"map-indexed", args(plus, none), "", value.TypeError},

		{"group-by", args(even, vec(num(1), num(2), num(3), num(4))), `{"false" [1 3] "true" [2 4]}`, ""},
		{"group-by", args(kw("type"), records), "{:x [{:type :x :v 1} {:type :x :v 2}] :y [{:type :y}]}", ""},
		{"group-by", args(builtin("count"), vec(text("a"), text("bb"), text("c"))), `{1 ["a" "c"] 2 ["bb"]}`, ""},
		{"group-by", args(kw("v"), records), `{1 [{:type :x :v 1}] 2 [{:type :x :v 2}] "nil" [{:type :y}]}`, ""},
		{"group-by", args(even, vec()), "{}", ""},
		{"group-by", args(even, none), "", value.TypeError},

		{"every?", args(even, vec(num(2), num(4))), "true", ""},
		{"every?", args(even, vec(num(2), num(3))), "false", ""},
		{"every?", args(even, vec()), "true", ""},
		{"every?", args(even, lst(num(2))), "true", ""},
		{"every?", args(kw("v"), records), "false", ""},
		{"every?", args(even, none), "", value.TypeError},
		{"some?", args(even, vec(num(1), num(2))), "true", ""},
		{"some?", args(even, vec(num(1), num(3))), "false", ""},
		{"some?", args(even, vec()), "false", ""},
		{"some?", args(builtin("nil?"), lst(num(1), none)), "true", ""},
		{"some?", args(even, vec(text("x"))), "", value.TypeError},

		{"update", args(dict(kw("a"), num(1)), kw("a"), inc), "{:a 2}", ""},
		{"update", args(dict(kw("a"), num(1)), kw("b"), str), `{:a 1 :b "nil"}`, ""},
		{"update", args(dict(kw("a"), num(1)), kw("a"), plus, num(10), num(20)), "{:a 31}", ""},
		{"update", args(dict(kw("a"), num(1)), kw("a"), text("inc")), "{:a 2}", ""},
		{"update", args(dict(kw("a"), dict(kw("b"), num(1))), kw("a"), kw("b")), "{:a 1}", ""},
		{"update", args(vec(num(1), num(2)), num(0), inc), "[2 2]", ""},
		{"update", args(lst(num(1), num(2)), num(1), inc), "[1 3]", ""},
		{"update", args(dict(kw("a"), num(1)), kw("a"), text("no-such-fn")), "", value.UndefinedSymbol},
		{"update", args(dict(kw("a"), text("x")), kw("a"), inc), "", value.Generic},
		{"update", args(dict(kw("a"), num(1)), flt(1.5), inc), "", value.TypeError},
		{"update", args(vec(num(1)), num(5), inc), "", value.IndexOutOfBounds},
		{"update", args(vec(num(1)), kw("a"), inc), "", value.TypeError},
		{"update", args(none, kw("a"), inc), "", value.TypeError},
		{"update", args(dict(), kw("a"), num(3)), "", value.TypeError},

		{"sort-by", args(builtin("count"), vec(text("ccc"), text("a"), text("bb"))), `["a" "bb" "ccc"]`, ""},
		{"sort-by", args(builtin("-"), lst(num(1), num(3), num(2))), "[3 2 1]", ""},
		{"sort-by", args(kw("k"), vec(dict(kw("k"), num(1), kw("i"), num(1)), dict(kw("k"), num(0)), dict(kw("k"), num(1), kw("i"), num(2)))),
			"[{:k 0} {:i 1 :k 1} {:i 2 :k 1}]", ""},
		{"sort-by", args(builtin("count"), none), "", value.TypeError},
		{"sort-by", args(inc, vec(text("a"))), "", value.Generic},
	})
}

func TestQuantifiersStopEarly(t *testing.T) {
	items := vec(num(2), num(3), num(4), num(6))
	for _, tt := range []struct {
		name      string
		wantCalls int
	}{{"every?", 2}, {"some?", 2}} {
		rt := newRuntime()
		pred := builtin("even?")
		if tt.name == "some?" {
			pred = builtin("odd?")
		}
		if _, err := invoke(rt, tt.name, args(pred, items)); err != nil {
			t.Fatal(err)
		}
		if rt.calls != tt.wantCalls {
			t.Errorf("%s called its predicate %d times, want %d", tt.name, rt.calls, tt.wantCalls)
		}
	}
}

// TestErrorsFromCalledFunctionsPropagate checks that a failure inside the
// function argument stops the iteration and comes back unchanged.
func TestErrorsFromCalledFunctionsPropagate(t *testing.T) {
	boom := value.Errorf(value.MatchError, "No matching clause")
	calls := 0
	failing := closure(func(args []value.Value) (value.Value, error) {
		calls++
		return value.Nil, boom
	})
	for _, name := range []string{"map", "filter", "remove", "reduce", "map-indexed", "group-by", "every?", "some?", "sort-by"} {
		calls = 0
		_, err := invoke(newRuntime(), name, args(failing, vec(num(1), num(2), num(3))))
		if !errors.Is(err, boom) {
			t.Errorf("%s returned %v, want the function's error", name, err)
		}
		if calls != 1 {
			t.Errorf("%s kept calling after an error: %d calls", name, calls)
		}
	}
	if _, err := invoke(newRuntime(), "apply", args(failing, vec())); !errors.Is(err, boom) {
		t.Errorf("apply returned %v", err)
	}
	if _, err := invoke(newRuntime(), "update", args(dict(), kw("a"), failing)); !errors.Is(err, boom) {
		t.Errorf("update returned %v", err)
	}
}

func TestClosureArguments(t *testing.T) {
	var seen [][]value.Value
	recorder := closure(func(args []value.Value) (value.Value, error) {
		seen = append(seen, copyValues(args))
		return value.True, nil
	})
	if _, err := invoke(newRuntime(), "reduce", args(recorder, num(0), vec(num(1), num(2)))); err != nil {
		t.Fatal(err)
	}
	if got := vec(vec(seen[0]...), vec(seen[1]...)).String(); got != "[[0 1] [true 2]]" {
		t.Errorf("reduce called with %s", got)
	}
}
