package value

import (
	"math"
	"testing"
)

func simple(name string) *Type { return &Type{Name: name} }

func optional(name string) *Type { return &Type{Name: name, Optional: true} }

func vec(items ...Value) Value { return NewVector(items) }

func list(items ...Value) Value { return NewList(items) }

func mapOf(kv ...Value) Value {
	entries := make([]MapEntry, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		entries = append(entries, MapEntry{kv[i], kv[i+1]})
	}
	return MapFromEntries(entries)
}

var someFunc = Func(&Builtin{Name: "inc"})

func TestCheck(t *testing.T) {
	positive := &Type{Name: "and", Elems: []*Type{simple("int")}, Preds: []TypePred{{Op: ">", Arg: Int(0)}}}
	person := &Type{Name: "map", Fields: []TypeField{
		{Key: Kw("name"), Type: simple("string")},
		{Key: Kw("age"), Type: simple("int"), Optional: true},
	}}
	tests := []struct {
		name string
		typ  *Type
		val  Value
		want bool
	}{
		{"no annotation", nil, Int(1), true},
		{"int", simple("int"), Int(1), true},
		{"int rejects float", simple("int"), Float(1), false},
		{"float", simple("float"), Float(1.5), true},
		{"float accepts int", simple("float"), Int(2), true},
		{"string", simple("string"), String("x"), true},
		{"string rejects keyword", simple("string"), Kw("x"), false},
		{"bool", simple("bool"), False, true},
		{"nil", simple("nil"), Nil, true},
		{"nil rejects false", simple("nil"), False, false},
		{"keyword", simple("keyword"), Kw("k"), true},
		{"symbol", simple("symbol"), Symbol("s"), true},
		{"any", simple("any"), vec(), true},
		{"never", simple("never"), Nil, false},
		{"fn", simple("fn"), someFunc, true},
		{"fn rejects keyword", simple("fn"), Kw("k"), false},
		{"fnsig", &Type{Name: "fnsig"}, someFunc, true},
		{"fnsig rejects number", &Type{Name: "fnsig"}, Int(1), false},
		{"optional accepts nil", optional("string"), Nil, true},
		{"optional accepts base", optional("string"), String("a"), true},
		{"optional rejects other", optional("string"), Int(1), false},
		{"unknown name", simple("integer"), Int(1), false},
		{"vector", &Type{Name: "vector", Elems: []*Type{simple("int")}}, vec(Int(1), Int(2)), true},
		{"vector accepts list", &Type{Name: "vector", Elems: []*Type{simple("int")}}, list(Int(1)), true},
		{"vector bad element", &Type{Name: "vector", Elems: []*Type{simple("int")}}, vec(Int(1), String("2")), false},
		{"vector rejects map", &Type{Name: "vector", Elems: []*Type{simple("int")}}, EmptyMap, false},
		{"vector without element type", &Type{Name: "vector"}, vec(Nil), true},
		{"tuple", &Type{Name: "tuple", Elems: []*Type{simple("int"), simple("string")}}, vec(Int(1), String("a")), true},
		{"tuple length", &Type{Name: "tuple", Elems: []*Type{simple("int")}}, vec(Int(1), Int(2)), false},
		{"tuple element", &Type{Name: "tuple", Elems: []*Type{simple("int"), simple("int")}}, vec(Int(1), String("a")), false},
		{"record", person, mapOf(Kw("name"), String("Ann"), Kw("extra"), Int(1)), true},
		{"record optional field present", person, mapOf(Kw("name"), String("Ann"), Kw("age"), Int(3)), true},
		{"record optional field bad", person, mapOf(Kw("name"), String("Ann"), Kw("age"), String("3")), false},
		{"record missing field", person, mapOf(Kw("age"), Int(3)), false},
		{"record string key", person, mapOf(String("name"), String("Ann")), true},
		{"record rejects vector", person, vec(), false},
		{"record string field finds keyword", &Type{Name: "map", Fields: []TypeField{{Key: String("id"), Type: simple("int")}}}, mapOf(Kw("id"), Int(1)), true},
		{"map-of", &Type{Name: "map-of", Elems: []*Type{simple("string"), simple("int")}}, mapOf(String("a"), Int(1)), true},
		{"map-of bad key", &Type{Name: "map-of", Elems: []*Type{simple("string"), simple("int")}}, mapOf(Kw("a"), Int(1)), false},
		{"map-of bad value", &Type{Name: "map-of", Elems: []*Type{simple("string"), simple("int")}}, mapOf(String("a"), Nil), false},
		{"map-of rejects nil", &Type{Name: "map-of", Elems: []*Type{simple("string"), simple("int")}}, Nil, false},
		{"union first", &Type{Name: "union", Elems: []*Type{simple("int"), simple("string")}}, Int(1), true},
		{"union second", &Type{Name: "union", Elems: []*Type{simple("int"), simple("string")}}, String("a"), true},
		{"union none", &Type{Name: "union", Elems: []*Type{simple("int"), simple("string")}}, Nil, false},
		{"and holds", positive, Int(5), true},
		{"and predicate fails", positive, Int(0), false},
		{"and base fails", positive, Float(5), false},
		{"enum", &Type{Name: "enum", Values: []Value{Kw("a"), Kw("b")}}, Kw("b"), true},
		{"enum miss", &Type{Name: "enum", Values: []Value{Kw("a"), Kw("b")}}, Kw("c"), false},
		{"enum is type strict", &Type{Name: "enum", Values: []Value{Int(1)}}, Float(1), false},
		{"val", &Type{Name: "val", Values: []Value{String("ok")}}, String("ok"), true},
		{"val miss", &Type{Name: "val", Values: []Value{String("ok")}}, String("no"), false},
		{"optional complex", &Type{Name: "vector", Optional: true, Elems: []*Type{simple("int")}}, Nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Check(tt.typ, tt.val); got != tt.want {
				t.Errorf("Check(%v, %v) = %v, want %v", tt.typ, tt.val, got, tt.want)
			}
		})
	}
}

func TestPredicates(t *testing.T) {
	tests := []struct {
		op   string
		arg  Value
		val  Value
		want bool
	}{
		{">", Int(0), Int(1), true},
		{">", Int(0), Int(0), false},
		{">", Int(0), Float(0.5), true},
		{">", Float(0.5), Int(1), true},
		{">", Int(0), String("1"), false},
		{">", Int(0), Float(math.NaN()), false},
		{">=", Int(0), Int(0), true},
		{">=", Int(0), Int(-1), false},
		{"<", Int(10), Int(9), true},
		{"<", Int(10), Int(10), false},
		{"<=", Int(10), Int(10), true},
		{"<=", Int(10), Int(11), false},
		{"<", Int(math.MaxInt64), Int(math.MaxInt64 - 1), true},
		{"=", String("a"), String("a"), true},
		{"=", Int(1), Float(1), false},
		{"!=", Int(1), Int(2), true},
		{"!=", Int(1), Int(1), false},
		{"in-range", vec(Int(1), Int(5)), Int(5), true},
		{"in-range", vec(Int(1), Int(5)), Int(6), false},
		{"in-range", vec(Int(1), Int(5)), Float(0.5), false},
		{"in-range", Int(1), Int(1), false},
		{"min-length", Int(3), String("abc"), true},
		{"min-length", Int(3), String("ab"), false},
		{"min-length", Int(3), String("héé"), true},
		{"min-length", Int(1), Int(10), false},
		{"max-length", Int(2), String("ab"), true},
		{"max-length", Int(2), String("abc"), false},
		{"length", Int(2), String("ab"), true},
		{"length", Int(2), String("a"), false},
		{"min-count", Int(1), vec(Int(1)), true},
		{"min-count", Int(1), EmptyMap, false},
		{"max-count", Int(1), list(Int(1), Int(2)), false},
		{"count", Int(1), mapOf(Kw("a"), Int(1)), true},
		{"count", Int(1), String("a"), false},
		{"non-empty", Nil, String("a"), true},
		{"non-empty", Nil, String(""), false},
		{"non-empty", Nil, vec(), false},
		{"non-empty", Nil, Int(1), false},
		{"matches-regex", String("^a+$"), String("aaa"), true},
		{"matches-regex", String("^a+$"), String("aab"), false},
		{"matches-regex", String("("), String("("), false},
		{"has-key", Kw("id"), mapOf(Kw("id"), Nil), true},
		{"has-key", Kw("id"), mapOf(Kw("x"), Nil), false},
		{"is-url", Nil, String("https://x.org"), true},
		{"is-url", Nil, String("ftp://x.org"), false},
		{"is-email", Nil, String("a@b.io"), true},
		{"is-email", Nil, String("a@b"), false},
		{"no-such-predicate", Nil, Int(1), false},
	}
	for _, tt := range tests {
		p := TypePred{Op: tt.op, Arg: tt.arg}
		if got := p.Holds(tt.val); got != tt.want {
			t.Errorf("[:%s %v] on %v = %v, want %v", tt.op, tt.arg, tt.val, got, tt.want)
		}
	}
}

func TestTypeString(t *testing.T) {
	tests := []struct {
		typ  *Type
		want string
	}{
		{simple("int"), ":int"},
		{optional("string"), ":string?"},
		{simple("fn"), ":fn"},
		{simple("MyType"), ":MyType"},
		{nil, ":any"},
		{&Type{Name: "vector", Elems: []*Type{simple("int")}}, "[:vector :int]"},
		{&Type{Name: "tuple", Elems: []*Type{simple("int"), optional("string")}}, "[:tuple :int :string?]"},
		{&Type{Name: "map", Fields: []TypeField{
			{Key: Kw("name"), Type: simple("string")},
			{Key: Kw("age"), Type: simple("int"), Optional: true},
		}}, "[:map [:name :string] [:age :int ?]]"},
		{&Type{Name: "map-of", Elems: []*Type{simple("string"), simple("int")}}, "[:map-of :string :int]"},
		{&Type{Name: "union", Elems: []*Type{simple("int"), simple("nil")}}, "[:union :int :nil]"},
		{&Type{Name: "and", Elems: []*Type{simple("string")}, Preds: []TypePred{
			{Op: "min-length", Arg: Int(3)}, {Op: "matches-regex", Arg: String("^a")},
			{Op: "non-empty"}, {Op: "in-range", Arg: vec(Int(1), Int(9))},
		}}, `[:and :string [:min-length 3] [:matches-regex "^a"] [:non-empty] [:in-range 1 9]]`},
		{&Type{Name: "enum", Values: []Value{Kw("a"), String("b"), Int(1)}}, `[:enum :a "b" 1]`},
		{&Type{Name: "val", Values: []Value{Float(2)}}, "[:val 2.0]"},
		{&Type{Name: "fnsig"}, ":fn"},
		{&Type{Name: "vector", Optional: true, Elems: []*Type{simple("int")}}, "[:union [:vector :int] :nil]"},
	}
	for _, tt := range tests {
		if got := tt.typ.String(); got != tt.want {
			t.Errorf("String() = %s, want %s", got, tt.want)
		}
	}
}
