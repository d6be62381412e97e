package value

import (
	"fmt"
	"math"
	"reflect"
)

// Conversion between RTFS values and plain Go values, for programs that
// embed the toolchain. Go is total; FromGo refuses what has no RTFS form.
//
//	RTFS                 Go
//	nil                  nil
//	boolean              bool
//	integer              int64 (FromGo: any integer type that fits)
//	float                float64 (FromGo: float32 too)
//	string               string
//	keyword              Keyword (a struct holding the name)
//	vector, list         []any (FromGo: any slice or array)
//	map                  map[any]any, keys as their Go values (FromGo: any map
//	                     whose keys are strings, Keywords or integers)
//	error                *Error
//	function, symbol     the Value itself (FromGo: a Value is kept as is)

// Go returns v as a plain Go value (see the table above).
func (v Value) Go() any {
	switch v.Kind() {
	case KNil:
		return nil
	case KBool:
		return v.AsBool()
	case KInt:
		return v.AsInt()
	case KFloat:
		return v.AsFloat()
	case KString:
		return v.AsString()
	case KKeyword:
		return *v.AsKeyword()
	case KVector, KList:
		items := v.AsVector()
		out := make([]any, items.Len())
		for i, x := range items.All() {
			out[i] = x.Go()
		}
		return out
	case KMap:
		m := v.AsMap()
		out := make(map[any]any, m.Len())
		for e := range m.Entries() {
			out[e.Key.Go()] = e.Val.Go()
		}
		return out
	case KError:
		return v.AsError()
	}
	return v
}

// FromGo converts a Go value to an RTFS value (see the table above).
func FromGo(x any) (Value, error) {
	switch x := x.(type) {
	case nil:
		return Nil, nil
	case Value:
		return x, nil
	case bool:
		return Bool(x), nil
	case string:
		return String(x), nil
	case Keyword:
		return Kw(x.Name), nil
	case *Keyword:
		return Kw(x.Name), nil
	case *Error:
		return ErrorValue(x), nil
	}
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Int(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if rv.Uint() > math.MaxInt64 {
			return Nil, fmt.Errorf("%v does not fit an RTFS integer", x)
		}
		return Int(int64(rv.Uint())), nil
	case reflect.Float32, reflect.Float64:
		return Float(rv.Float()), nil
	case reflect.Slice, reflect.Array:
		items := make([]Value, rv.Len())
		for i := range items {
			item, err := FromGo(rv.Index(i).Interface())
			if err != nil {
				return Nil, fmt.Errorf("element %d: %w", i, err)
			}
			items[i] = item
		}
		return NewVector(items), nil
	case reflect.Map:
		entries := make([]MapEntry, 0, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			k, err := FromGo(iter.Key().Interface())
			if err != nil {
				return Nil, err
			}
			if !ValidKey(k) {
				return Nil, fmt.Errorf("map key %v: RTFS map keys are strings, keywords or integers", iter.Key().Interface())
			}
			val, err := FromGo(iter.Value().Interface())
			if err != nil {
				return Nil, fmt.Errorf("map value of %s: %w", k, err)
			}
			entries = append(entries, MapEntry{Key: k, Val: val})
		}
		return MapFromEntries(entries), nil
	}
	return Nil, fmt.Errorf("a Go %T has no RTFS value", x)
}
