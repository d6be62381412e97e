package syntax

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

// show renders forms compactly so tests can compare whole trees as text.
func show(forms []*Form) string {
	parts := make([]string, len(forms))
	for i, f := range forms {
		parts[i] = showForm(f)
	}
	return strings.Join(parts, " ")
}

func showForm(f *Form) string {
	wrap := func(open, close string) string { return open + show(f.Elems) + close }
	switch f.Kind {
	case FSymbol:
		return f.Text
	case FContext:
		return "@" + f.Text
	case FList:
		return wrap("(", ")")
	case FVector:
		return wrap("[", "]")
	case FMap:
		return wrap("{", "}")
	case FQuasi:
		return wrap("`", "")
	case FUnquote:
		return wrap("~", "")
	case FSplice:
		return wrap("~@", "")
	case FShortFn:
		return wrap("#(", ")")
	case FMeta:
		return wrap("^", "")
	}
	return f.Val.String()
}

func TestReadForms(t *testing.T) {
	tests := []struct{ src, want string }{
		{"(defn f [x] (+ x 1))", "(defn f [x] (+ x 1))"},
		{"42 -7 +7 007 3.5 -0.5 1.5e3 2.0E-2", "42 -7 7 7 3.5 -0.5 1500.0 0.02"},
		{"##Inf ##-Inf ##NaN", "##Inf ##-Inf ##NaN"},
		{`"a\"b\n\t\r\\" "multi
line" "λ"`, `"a\"b\n\t\r\\" "multi\nline" "λ"`},
		{"true false nil true-x nil? true?", "true false nil true-x nil? true?"},
		{":a :valid? :a.b/c :com.acme:v1.0/foo", ":a :valid? :a.b/c :com.acme:v1.0/foo"},
		{"my.ns/fn com.acme:v1.0/fn / - -x -> + .toUpperCase & %1 a@b", "my.ns/fn com.acme:v1.0/fn / - -x -> + .toUpperCase & %1 a@b"},
		{"2025-06-23T10:37:15Z 2025-06-23T10:37:15_123Z", `"2025-06-23T10:37:15Z" "2025-06-23T10:37:15_123Z"`},
		{"550e8400-e29b-41d4-a716-446655440000 abcdef12-e29b-41d4-a716-446655440000", `"550e8400-e29b-41d4-a716-446655440000" "abcdef12-e29b-41d4-a716-446655440000"`},
		{"(f resource://a/b)", `(f "resource://a/b")`},
		{"{:a 1, :b 2} [1,2,,3]", "{:a 1 :b 2} [1 2 3]"},
		{"; comment\n1 ;; more\n#| block\n comment |# 2", "1 2"},
		{"`(if ~c nil (do ~@body))", "`(if ~c nil (do ~@body))"},
		{"#(+ % %2)", "#(+ % %2)"},
		{"^{:runtime.x 1} (f) (fn ^:delegation :local [x] x)", "^{:runtime.x 1} (f) (fn ^:delegation :local [x] x)"},
		{"λ @name @:key", "fn @name key"},
		{"(fn [x : int v :[:vector :int]] x)", "(fn [x : int v : [:vector :int]] x)"},
		{"(resource:ref \"u\")", "(resource:ref \"u\")"},
		{"{x :a & more} {:a}", "{x :a & more} {:a}"},
		{"()", "()"},
	}
	for _, tc := range tests {
		forms, errs := Read("t.rtfs", []byte(tc.src))
		if len(errs) > 0 {
			t.Errorf("Read(%q): unexpected errors %v", tc.src, errs)
			continue
		}
		if got := show(forms); got != tc.want {
			t.Errorf("Read(%q)\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
}

func TestReadPositions(t *testing.T) {
	forms, errs := Read("p.rtfs", []byte("(a\n  [b  c])"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	vec := forms[0].Elems[1]
	for _, tc := range []struct {
		f    *Form
		want string
	}{{forms[0], "p.rtfs:1:1"}, {vec, "p.rtfs:2:3"}, {vec.Elems[1], "p.rtfs:2:7"}} {
		if got := tc.f.Pos.String(); got != tc.want {
			t.Errorf("position %s, want %s", got, tc.want)
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		src  string
		want []string // "line:col Kind message-fragment"
	}{
		{"(+ x 2)))", []string{"1:8 ParseError unexpected ')'"}},
		{"(a b", []string{"1:5 ParseError '(' opened at 1:1 is never closed"}},
		{"(a]", []string{"1:3 ParseError unexpected ']', expected ')'"}},
		{"1e5 12ab 5. .5", []string{"1:1 InvalidLiteral 1e5", "1:5 InvalidLiteral 12ab", "1:10 InvalidLiteral 5.", "1:13 InvalidLiteral .5"}},
		{"99999999999999999999", []string{"1:1 InvalidLiteral out of the 64-bit range"}},
		{"-9223372036854775809", []string{"1:1 InvalidLiteral out of the 64-bit range"}},
		{`"ab\u0041"`, []string{`1:4 InvalidEscapeSequence \u`}},
		{"\"x\ny\\0\"", []string{`2:2 InvalidEscapeSequence \0`}},
		{`"abc\`, []string{"1:1 InvalidEscapeSequence lone backslash"}},
		{`"abc`, []string{"1:1 ParseError unterminated string"}},
		{":1x :a:b", []string{"1:1 ParseError malformed keyword", "1:5 ParseError malformed keyword"}},
		{"'x #{1 2}", []string{"1:4 ParseError unexpected character"}}, // 'x is (quote x) (A36); #{ is no set
		{"#(#(x))", []string{"1:3 ParseError nested"}},
		{"^:private f", []string{"1:1 ParseError metadata must be"}},
		{"1 #| open", []string{"1:3 ParseError unterminated block comment"}},
		{strings.Repeat("[", MaxNesting) + "(", []string{fmt.Sprintf("1:%d ParseError nest deeper than %d", MaxNesting+1, MaxNesting)}},
		{"(a))\n(b]\n(c", []string{"1:4 ParseError unexpected ')'", "2:3 ParseError unexpected ']'", "3:3 ParseError never closed"}},
	}
	for _, tc := range tests {
		_, errs := Read("t.rtfs", []byte(tc.src))
		if len(errs) != len(tc.want) {
			t.Errorf("Read(%q): got %d errors %v, want %d", tc.src, len(errs), errs, len(tc.want))
			continue
		}
		for i, e := range errs {
			got := fmt.Sprintf("%d:%d %s %s", e.Pos.Line, e.Pos.Col, e.Kind, e.Message)
			var pos, kind, frag string
			fmt.Sscanf(tc.want[i], "%s %s", &pos, &kind)
			frag = strings.SplitN(tc.want[i], " ", 3)[2]
			if !strings.HasPrefix(got, pos+" "+kind+" ") || !strings.Contains(e.Message, frag) {
				t.Errorf("Read(%q) error %d = %q, want %q", tc.src, i, got, tc.want[i])
			}
		}
	}
}

func TestRender(t *testing.T) {
	src := []byte("(defn f [x]\n  (+ x 2)))\n")
	_, errs := Read("plan.rtfs", src)
	if len(errs) != 1 {
		t.Fatalf("got %v", errs)
	}
	want := "plan.rtfs:2:11: error[ParseError]: unexpected ')'\n  2 |   (+ x 2)))\n    |           ^\n"
	if got := Render(errs[0], src); got != want {
		t.Errorf("Render:\n%s\nwant:\n%s", got, want)
	}
	tabbed := Render(&value.Error{Kind: value.ParseError, Message: "m", Pos: value.Pos{File: "f", Line: 1, Col: 3}}, []byte("\t\tx"))
	if !strings.HasSuffix(tabbed, "| \t\t^\n") {
		t.Errorf("caret under tabbed text: %q", tabbed)
	}
	if got := Render(&value.Error{Kind: value.Generic, Message: "m"}, src); got != "error[Generic]: m\n" {
		t.Errorf("unpositioned: %q", got)
	}
}
