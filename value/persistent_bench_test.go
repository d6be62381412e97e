package value

import (
	"fmt"
	"testing"
)

// The collection benchmarks size the trees (mapNodeMax) and report what
// an element costs.

func BenchmarkMapAssocNew(b *testing.B) {
	for _, n := range []int{20_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m := &Map{}
				for i := range n {
					m = m.Assoc(Int(int64(i*7919%n)), Int(int64(i)))
				}
			}
		})
	}
}

func BenchmarkMapUpdate(b *testing.B) {
	keys := make([]Value, 1000)
	entries := make([]MapEntry, len(keys))
	for i := range keys {
		keys[i] = String(fmt.Sprint("w", i))
		entries[i] = MapEntry{keys[i], Int(0)}
	}
	m := MapFromEntries(entries).AsMap()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := keys[i*7919%len(keys)]
		v, _ := m.Get(k)
		m = m.Assoc(k, Int(v.AsInt()+1))
		i++
	}
}

func BenchmarkVectorAssoc(b *testing.B) {
	const n = 20_000
	v := vectorOf(make([]Value, n))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		v = v.Assoc(i*7919%n, Int(int64(i)))
		i++
	}
}

func BenchmarkVectorConj(b *testing.B) {
	b.ReportAllocs()
	v := vectorOf(nil)
	for b.Loop() {
		v = v.Conj(Int(1))
	}
}
