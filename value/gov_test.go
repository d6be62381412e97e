package value

import (
	"reflect"
	"testing"
)

func TestGoConversion(t *testing.T) {
	kw := Keyword{Name: "k"}
	in := map[any]any{"s": "text", kw: []any{int64(1), 2.5, true, nil}, int64(7): map[any]any{"inner": kw}}
	v, err := FromGo(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.String(), `{7 {"inner" :k} "s" "text" :k [1 2.5 true nil]}`; got != want {
		t.Errorf("FromGo = %s, want %s", got, want)
	}
	if back := v.Go(); !reflect.DeepEqual(back, in) {
		t.Errorf("Go() = %#v, want %#v", back, in)
	}
	for _, bad := range []any{map[float64]int{1.5: 1}, uint64(1 << 63), struct{}{}, []any{make(chan int)}} {
		if _, err := FromGo(bad); err == nil {
			t.Errorf("FromGo(%#v) succeeded", bad)
		}
	}
	if v, err := FromGo([]int32{1, 2}); err != nil || v.String() != "[1 2]" {
		t.Errorf("FromGo([]int32) = %s, %v", v, err)
	}
}
