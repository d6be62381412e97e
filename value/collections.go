package value

import (
	"sort"
	"strings"
	"sync/atomic"
)

// Vector holds the elements of a vector or a list (the Value's kind tells
// which). Its slice is never written below its length once shared, so any
// number of values may alias it.
//
// Appending (conj) builds a fresh slice unless this vector is the longest one
// ever made from its backing array: then the element is written past the end
// and the new vector shares the array. A claim on the next slot is taken with
// a compare-and-swap, so two values that both end at the same length never
// both write it. This makes a loop that conjes onto its accumulator amortised
// O(1) per element while keeping every value immutable.
type Vector struct {
	items []Value
	claim *atomic.Int64 // length of the longest vector sharing items' array
}

// NewVector makes a vector value owning items (the caller must not keep or
// change items afterwards).
func NewVector(items []Value) Value {
	return Value{kind: KVector, ref: &Vector{items: items}}
}

// NewList makes a list value owning items.
func NewList(items []Value) Value {
	return Value{kind: KList, ref: &Vector{items: items}}
}

// EmptyVector is `[]`.
var EmptyVector = NewVector(nil)

// Items returns the elements of a vector or list. The slice must not be
// modified.
func (v Value) Items() []Value { return v.ref.(*Vector).items }

// Len is the number of elements.
func (vec *Vector) Len() int { return len(vec.items) }

// Items returns the elements; the slice must not be modified.
func (vec *Vector) Items() []Value { return vec.items }

// Conj returns a new vector with xs appended to the seq v (vector or list);
// the result is a vector.
func Conj(v Value, xs ...Value) Value {
	vec := v.ref.(*Vector)
	n := len(vec.items)
	if v.kind == KVector && vec.claim != nil && cap(vec.items)-n >= len(xs) &&
		vec.claim.CompareAndSwap(int64(n), int64(n+len(xs))) {
		items := append(vec.items, xs...)
		return Value{kind: KVector, ref: &Vector{items: items, claim: vec.claim}}
	}
	items := make([]Value, n+len(xs), (n+len(xs))*2+4)
	copy(items, vec.items)
	copy(items[n:], xs)
	claim := new(atomic.Int64)
	claim.Store(int64(len(items)))
	return Value{kind: KVector, ref: &Vector{items: items, claim: claim}}
}

// MapEntry is one key/value pair of a Map.
type MapEntry struct {
	Key, Val Value
}

// Map is an immutable map whose entries are kept in the sorted key order of
// §2 (integers, then strings, then keywords), so printing and iteration need
// no sorting. Lookups are binary searches; updates copy the entry slice,
// which is cheap for the small maps plans use.
type Map struct {
	entries []MapEntry
}

// EmptyMap is `{}`.
var EmptyMap = Value{kind: KMap, ref: &Map{}}

// ValidKey reports whether k may be a map key (keyword, string or integer).
func ValidKey(k Value) bool {
	return k.kind == KKeyword || k.kind == KString || k.kind == KInt
}

// compareKeys orders map keys: integers numerically, then strings by bytes,
// then keywords by name.
func compareKeys(a, b Value) int {
	if a.kind != b.kind {
		return keyRank(a.kind) - keyRank(b.kind)
	}
	switch a.kind {
	case KInt:
		return cmpOrdered(a.AsInt(), b.AsInt())
	case KString:
		return strings.Compare(a.ref.(string), b.ref.(string))
	default:
		return strings.Compare(a.AsKeyword().Name, b.AsKeyword().Name)
	}
}

func keyRank(k Kind) int {
	switch k {
	case KInt:
		return 0
	case KString:
		return 1
	}
	return 2
}

// MapFromEntries builds a map value; later duplicates win. Keys must be
// valid (see ValidKey).
func MapFromEntries(entries []MapEntry) Value {
	sorted := make([]MapEntry, len(entries))
	copy(sorted, entries)
	sort.SliceStable(sorted, func(i, j int) bool { return compareKeys(sorted[i].Key, sorted[j].Key) < 0 })
	out := sorted[:0]
	for _, e := range sorted {
		if len(out) > 0 && compareKeys(out[len(out)-1].Key, e.Key) == 0 {
			out[len(out)-1].Val = e.Val
			continue
		}
		out = append(out, e)
	}
	return Value{kind: KMap, ref: &Map{entries: out}}
}

// MapOf wraps a Map.
func MapOf(m *Map) Value { return Value{kind: KMap, ref: m} }

func (m *Map) search(k Value) (int, bool) {
	i := sort.Search(len(m.entries), func(i int) bool { return compareKeys(m.entries[i].Key, k) >= 0 })
	return i, i < len(m.entries) && compareKeys(m.entries[i].Key, k) == 0
}

// Get looks up k.
func (m *Map) Get(k Value) (Value, bool) {
	if !ValidKey(k) {
		return Nil, false
	}
	if i, ok := m.search(k); ok {
		return m.entries[i].Val, true
	}
	return Nil, false
}

// Len is the number of entries.
func (m *Map) Len() int { return len(m.entries) }

// Entries returns the entries in key order; the slice must not be modified.
func (m *Map) Entries() []MapEntry { return m.entries }

func (m *Map) with(k, v Value) *Map {
	i, found := m.search(k)
	if found {
		entries := make([]MapEntry, len(m.entries))
		copy(entries, m.entries)
		entries[i].Val = v
		return &Map{entries: entries}
	}
	entries := make([]MapEntry, len(m.entries)+1)
	copy(entries, m.entries[:i])
	entries[i] = MapEntry{k, v}
	copy(entries[i+1:], m.entries[i:])
	return &Map{entries: entries}
}

// Assoc returns m with k bound to v; k must be a valid key.
func (m *Map) Assoc(k, v Value) *Map { return m.with(k, v) }

// Dissoc returns m without k.
func (m *Map) Dissoc(k Value) *Map {
	i, found := m.search(k)
	if !found {
		return m
	}
	entries := make([]MapEntry, 0, len(m.entries)-1)
	entries = append(entries, m.entries[:i]...)
	entries = append(entries, m.entries[i+1:]...)
	return &Map{entries: entries}
}
