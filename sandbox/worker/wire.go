package worker

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/rtfs-go/rtfs/value"
)

// The protocol: frames of a 4-byte big-endian length and a JSON document,
// over a socketpair. The parent sends the Setup, the worker answers Ready
// once it is confined, then each Request gets one Response, in order.

// maxFrame bounds one frame: a capability result the run clamps well below
// this (DefaultMaxBytes per stream) fits, a corrupt length does not make
// either side allocate without bound.
const maxFrame = 256 << 20

func writeFrame(w io.Writer, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(body) > maxFrame {
		return fmt.Errorf("a frame of %d bytes is larger than %d", len(body), maxFrame)
	}
	buf := make([]byte, 4, 4+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	_, err = w.Write(append(buf, body...))
	return err
}

func readFrame(r io.Reader, v any) error {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(head[:])
	if n > maxFrame {
		return fmt.Errorf("a frame of %d bytes is larger than %d", n, maxFrame)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return err
	}
	return json.Unmarshal(body, v)
}

// Wire is an RTFS value as it crosses the socket: data only (nil,
// booleans, numbers, strings, keywords, vectors, lists, maps), each kind
// tagged so that nothing is lost (an integer stays an integer, a keyword a
// keyword).
type Wire struct {
	Kind  string     `json:"k"`
	Bool  bool       `json:"b,omitempty"`
	Int   int64      `json:"i,omitempty"`
	Float *float64   `json:"f,omitempty"` // a pointer: NaN and infinities travel as their bits
	Bits  uint64     `json:"x,omitempty"`
	Str   string     `json:"s,omitempty"`
	Items []Wire     `json:"v,omitempty"`
	Pairs [][2]*Wire `json:"m,omitempty"`
}

// ToWire encodes v; functions, errors and cells have no wire form.
func ToWire(v value.Value) (Wire, error) {
	switch v.Kind() {
	case value.KNil:
		return Wire{Kind: "nil"}, nil
	case value.KBool:
		return Wire{Kind: "bool", Bool: v.AsBool()}, nil
	case value.KInt:
		return Wire{Kind: "int", Int: v.AsInt()}, nil
	case value.KFloat:
		f := v.AsFloat()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return Wire{Kind: "float", Bits: math.Float64bits(f)}, nil
		}
		return Wire{Kind: "float", Float: &f}, nil
	case value.KString:
		return Wire{Kind: "str", Str: v.AsString()}, nil
	case value.KKeyword:
		return Wire{Kind: "kw", Str: v.AsKeyword().Name}, nil
	case value.KVector, value.KList:
		items := v.AsVector()
		w := Wire{Kind: "vec", Items: make([]Wire, items.Len())}
		if v.Kind() == value.KList {
			w.Kind = "list"
		}
		for i, x := range items.All() {
			var err error
			if w.Items[i], err = ToWire(x); err != nil {
				return Wire{}, err
			}
		}
		return w, nil
	case value.KMap:
		m := v.AsMap()
		w := Wire{Kind: "map", Pairs: make([][2]*Wire, 0, m.Len())}
		for e := range m.Entries() {
			k, err := ToWire(e.Key)
			if err != nil {
				return Wire{}, err
			}
			val, err := ToWire(e.Val)
			if err != nil {
				return Wire{}, err
			}
			w.Pairs = append(w.Pairs, [2]*Wire{&k, &val})
		}
		return w, nil
	}
	return Wire{}, fmt.Errorf("a %s cannot be passed to a confined capability", v.TypeName())
}

// FromWire decodes w.
func FromWire(w Wire) (value.Value, error) {
	switch w.Kind {
	case "nil":
		return value.Nil, nil
	case "bool":
		return value.Bool(w.Bool), nil
	case "int":
		return value.Int(w.Int), nil
	case "float":
		if w.Float == nil {
			return value.Float(math.Float64frombits(w.Bits)), nil
		}
		return value.Float(*w.Float), nil
	case "str":
		return value.String(w.Str), nil
	case "kw":
		return value.Kw(w.Str), nil
	case "vec", "list":
		items := make([]value.Value, len(w.Items))
		for i, x := range w.Items {
			var err error
			if items[i], err = FromWire(x); err != nil {
				return value.Nil, err
			}
		}
		if w.Kind == "list" {
			return value.NewList(items), nil
		}
		return value.NewVector(items), nil
	case "map":
		entries := make([]value.MapEntry, len(w.Pairs))
		for i, p := range w.Pairs {
			if p[0] == nil || p[1] == nil {
				return value.Nil, errors.New("a map entry without key or value")
			}
			k, err := FromWire(*p[0])
			if err != nil {
				return value.Nil, err
			}
			if !value.ValidKey(k) {
				return value.Nil, fmt.Errorf("bad map key %s", k)
			}
			v, err := FromWire(*p[1])
			if err != nil {
				return value.Nil, err
			}
			entries[i] = value.MapEntry{Key: k, Val: v}
		}
		return value.MapFromEntries(entries), nil
	}
	return value.Nil, fmt.Errorf("unknown wire kind %q", w.Kind)
}
