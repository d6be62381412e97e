package stdlib

import (
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

func TestParseJSON(t *testing.T) {
	runCalls(t, []call{
		{"parse-json", args(text(`{"b": [1, 2.5, "x", true, null], "a": {"c": -3}}`)), `{"a" {"c" -3} "b" [1 2.5 "x" true nil]}`, ""},
		{"parse-json", args(text(`1e2`)), "100.0", ""},
		{"parse-json", args(text(`-0`)), "0", ""},
		{"parse-json", args(text(`2.0`)), "2.0", ""},
		{"parse-json", args(text(`9223372036854775807`)), "9223372036854775807", ""},
		{"parse-json", args(text(`9223372036854775808`)), "9223372036854776000.0", ""},
		{"parse-json", args(text(`"\u00e9\n"`)), `"é\n"`, ""},
		{"parse-json", args(text(" [ ] ")), "[]", ""},
		{"parse-json", args(text(`{}`)), "{}", ""},
		{"parse-json", args(text(`{"a":1,"a":2}`)), `{"a" 2}`, ""},
		{"parse-json", args(text(`[[1],[[]]]`)), "[[1] [[]]]", ""},
		{"parse-json", args(text(`null`)), "nil", ""},
		{"tool/parse-json", args(text(`[true]`)), "[true]", ""},
		{"parse-json", args(text(``)), "", value.Generic},
		{"parse-json", args(text(`{`)), "", value.Generic},
		{"parse-json", args(text(`[1,]`)), "", value.Generic},
		{"parse-json", args(text(`[1`)), "", value.Generic},
		{"parse-json", args(text(`{"a"}`)), "", value.Generic},
		{"parse-json", args(text(`{1: 2}`)), "", value.Generic},
		{"parse-json", args(text(`1 2`)), "", value.Generic},
		{"parse-json", args(text(`nul`)), "", value.Generic},
		{"parse-json", args(text(`]`)), "", value.Generic},
		{"parse-json", args(text(`1e999`)), "", value.Generic},
		{"parse-json", args(text(strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1))), "", value.Generic},
		{"serialize-json", args(deepVector(maxJSONDepth + 1)), "", value.Generic},
		{"parse-json", args(none), "", value.TypeError},
		{"parse-json", args(vec()), "", value.TypeError},
	})
	_, err := invoke(newRuntime(), "parse-json", args(text("{")))
	if err == nil || !strings.Contains(err.Error(), "JSON parsing error: ") {
		t.Errorf("parse error message = %v", err)
	}
}

func TestSerializeJSON(t *testing.T) {
	nested := dict(kw("b"), vec(num(1), flt(2.5), text("x"), value.True, none), kw("a"), dict(kw("c"), num(-3)))
	tests := []struct {
		fn   string
		val  value.Value
		want string
		err  value.ErrorKind
	}{
		{"serialize-json", nested, `{"a":{"c":-3},"b":[1,2.5,"x",true,null]}`, ""},
		{"serialize-json", dict(num(10), num(1), num(2), num(2), text("s"), num(3), kw("k"), num(4)), `{"10":1,"2":2,"k":4,"s":3}`, ""},
		{"serialize-json", vec(kw("ok"), lst(num(1)), value.Symbol("sym"), flt(2)), `["ok",[1],"sym",2.0]`, ""},
		{"serialize-json", text("a\"b\\\n\t\r\x01é"), `"a\"b\\\n\t\r\u0001é"`, ""},
		{"serialize-json", text("\xff"), `"\ufffd"`, ""},
		{"serialize-json", text("<&>"), `"<&>"`, ""},
		{"serialize-json", vec(), `[]`, ""},
		{"serialize-json", none, `null`, ""},
		{"tool/serialize-json", num(-5), `-5`, ""},
		{"serialize-json", nan, "", value.Generic},
		{"serialize-json", vec(posInf), "", value.Generic},
		{"serialize-json", dict(kw("f"), builtin("inc")), "", value.Generic},
		{"serialize-json", value.ErrorValue(value.Errorf(value.Generic, "x")), "", value.Generic},
		{"serialize-json-pretty", dict(kw("a"), vec(num(1), num(2)), kw("b"), dict(), kw("c"), vec()),
			"{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": []\n}", ""},
		{"serialize-json-pretty", num(1), "1", ""},
		{"tool/serialize-json-pretty", vec(dict(kw("k"), none)), "[\n  {\n    \"k\": null\n  }\n]", ""},
	}
	for _, tt := range tests {
		got, err := invoke(newRuntime(), tt.fn, args(tt.val))
		if tt.err != "" {
			if rerr, ok := err.(*value.Error); !ok || rerr.Kind != tt.err {
				t.Errorf("(%s %v): got %v, %v; want %s", tt.fn, tt.val, got, err, tt.err)
			}
			continue
		}
		if err != nil || got.AsString() != tt.want {
			t.Errorf("(%s %v) = %s, %v; want %s", tt.fn, tt.val, got.AsString(), err, tt.want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	values := []value.Value{
		dict(text("name"), text("Ann \"A\"\n"), text("tags"), vec(text("x"), text("é")), text("n"), num(-12), text("f"), flt(0.1)),
		vec(none, value.False, dict(), vec(vec())),
		flt(1e21),
	}
	for _, v := range values {
		for _, name := range []string{"serialize-json", "serialize-json-pretty"} {
			encoded, err := invoke(newRuntime(), name, args(v))
			if err != nil {
				t.Fatal(err)
			}
			decoded, err := invoke(newRuntime(), "parse-json", args(encoded))
			if err != nil {
				t.Fatalf("%s output %s does not parse: %v", name, encoded.AsString(), err)
			}
			if decoded.String() != v.String() {
				t.Errorf("%s round trip: %v became %v", name, v, decoded)
			}
		}
	}
}

// deepVector is [[...[]...]] nested depth levels.
func deepVector(depth int) value.Value {
	v := value.EmptyVector
	for range depth {
		v = value.NewVector([]value.Value{v})
	}
	return v
}
