package stdlib

import (
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

func TestStrings(t *testing.T) {
	runCalls(t, []call{
		{"str", args(), `""`, ""},
		{"str", args(text("a")), `"a"`, ""},
		{"str", args(text("a"), num(1), kw("k"), none, vec(num(1), text("b"))), `"a1:knil[1 \"b\"]"`, ""},
		{"str", args(flt(2), flt(0.1), nan), `"2.00.1##NaN"`, ""},
		{"str", args(value.ErrorValue(value.Errorf(value.Generic, "boom"))), `"#<error: boom>"`, ""},
		{"str", args(builtin("inc")), `"#<function>"`, ""},

		{"string-length", args(text("héllo")), "5", ""},
		{"string-length", args(text("")), "0", ""},
		{"string-length", args(none), "", value.TypeError},
		{"string-length", args(vec()), "", value.TypeError},
		{"length", args(text("héllo")), "6", ""},
		{"length", args(vec(num(1), num(2))), "2", ""},
		{"length", args(lst(num(1))), "1", ""},
		{"length", args(dict(kw("a"), num(1))), "1", ""},
		{"length", args(none), "", value.TypeError},
		{"length", args(num(5)), "", value.TypeError},

		{"substring", args(text("hello"), num(1), num(3)), `"el"`, ""},
		{"substring", args(text("hello"), num(2)), `"llo"`, ""},
		{"substring", args(text("hello"), num(5)), `""`, ""},
		{"substring", args(text("héllo"), num(1), num(2)), `"é"`, ""},
		{"substring", args(text("日本語"), num(1)), `"本語"`, ""},
		{"substring", args(text("hello"), num(0), num(6)), "", value.IndexOutOfBounds},
		{"substring", args(text("hello"), num(-1)), "", value.IndexOutOfBounds},
		{"substring", args(text("hello"), num(3), num(2)), "", value.IndexOutOfBounds},
		{"substring", args(text("hello"), num(6)), "", value.IndexOutOfBounds},
		{"substring", args(text("hello"), flt(1)), "", value.TypeError},
		{"substring", args(text("hello"), num(1), text("3")), "", value.TypeError},
		{"substring", args(none, num(0)), "", value.TypeError},
		{"substring", args(text("hello")), "", value.ArityMismatch},

		{"string-contains", args(text("hello"), text("ell")), "true", ""},
		{"string-contains", args(text("hello"), text("")), "true", ""},
		{"string-contains", args(text("hello"), text("z")), "false", ""},
		{"string-contains", args(text("hello"), kw("e")), "", value.TypeError},
		{"string-contains", args(none, text("e")), "", value.TypeError},
		{"starts-with?", args(text("hello"), text("he")), "true", ""},
		{"starts-with?", args(text("hello"), text("lo")), "false", ""},
		{"starts-with?", args(none, text("he")), "false", ""},
		{"starts-with?", args(num(1), text("1")), "", value.TypeError},
		{"starts-with?", args(text("hello"), none), "", value.TypeError},

		{"split", args(text("a,b,,c"), text(",")), `["a" "b" "" "c"]`, ""},
		{"split", args(text("a--b"), text("--")), `["a" "b"]`, ""},
		{"split", args(text("abc"), text("")), `["a" "b" "c"]`, ""},
		{"split", args(text("né"), text("")), `["n" "é"]`, ""},
		{"split", args(text(""), text(",")), `[""]`, ""},
		{"split", args(none, text(",")), `[""]`, ""},
		{"split", args(text("a.b"), text(".")), `["a" "b"]`, ""},
		{"split", args(num(1), text(",")), "", value.TypeError},
		{"split", args(text("a"), none), "", value.TypeError},

		{"join", args(text(", "), vec(text("a"), num(1), kw("k"), none)), `"a, 1, :k, nil"`, ""},
		{"join", args(text("-"), lst(text("a"), text("b"))), `"a-b"`, ""},
		{"join", args(text("-"), vec()), `""`, ""},
		{"join", args(text("-"), vec(vec(text("x")))), `"[\"x\"]"`, ""},
		{"join", args(vec(text("a")), text("-")), "", value.TypeError},
		{"join", args(text("-"), text("ab")), "", value.TypeError},
		{"string-join", args(text("/"), vec(text("a"), text("b"))), `"a/b"`, ""},
		{"string-join", args(text("/"), none), "", value.TypeError},

		{"string-upper", args(text("héllo")), `"HÉLLO"`, ""},
		{"string-upper", args(kw("a")), "", value.TypeError},
		{"string-lower", args(text("HeLLo")), `"hello"`, ""},
		{"string-lower", args(none), "", value.TypeError},
		{"string-trim", args(text(" \t hi \n")), `"hi"`, ""},
		{"string-trim", args(num(1)), "", value.TypeError},
	})
}

func TestRegex(t *testing.T) {
	runCalls(t, []call{
		{"re-matches", args(text("[0-9]+"), text("abc123")), "true", ""},
		{"re-matches", args(text("^[0-9]+$"), text("abc123")), "false", ""},
		{"re-matches", args(text("x"), none), "false", ""},
		{"re-matches", args(text("("), text("x")), "", value.Generic},
		{"re-matches", args(text("("), none), "", value.Generic},
		{"re-matches", args(kw("a"), text("a")), "", value.TypeError},
		{"re-matches", args(text("a"), num(1)), "", value.TypeError},
		{"re-find", args(text("[0-9]+"), text("ab12cd345")), `"12"`, ""},
		{"re-find", args(text("[0-9]+"), text("abcd")), "nil", ""},
		{"re-find", args(text("a"), none), "nil", ""},
		{"re-find", args(text("[z-a]"), text("a")), "", value.Generic},
		{"re-seq", args(text("[0-9]+"), text("ab12cd345")), `["12" "345"]`, ""},
		{"re-seq", args(text("[0-9]+"), text("abcd")), "[]", ""},
		{"re-seq", args(text("a"), none), "[]", ""},
		{"re-seq", args(text("é+"), text("aéébé")), `["éé" "é"]`, ""},
		{"re-seq", args(none, text("a")), "", value.TypeError},
	})
}

func TestRegexCacheStaysBounded(t *testing.T) {
	for i := range 3 * regexCacheSize {
		if _, err := compileRegex(string(rune('a'+i%26)) + "{" + string(rune('0'+i%10)) + "}"); err != nil {
			t.Fatal(err)
		}
	}
	regexCache.Lock()
	defer regexCache.Unlock()
	if n := len(regexCache.compiled); n > regexCacheSize {
		t.Errorf("regex cache holds %d patterns, limit %d", n, regexCacheSize)
	}
}
