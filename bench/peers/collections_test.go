package main

import (
	"testing"

	"github.com/benbjohnson/immutable"

	"github.com/rtfs-go/rtfs/value"
)

// The persistent collections of package value against those of
// github.com/benbjohnson/immutable, on what programs do with them:
//
//	go test -run '^$' -bench Collections
//
// The RTFS map must keep the §2 key order, so immutable's counterpart is
// its SortedMap (a B+tree) with the same order.

type keyOrder struct{}

func (keyOrder) Compare(a, b value.Value) int { return value.Compare(a, b) }

const collectionSize = 20_000

func BenchmarkCollectionsMapAssocNew(b *testing.B) {
	b.Run("rtfs", func(b *testing.B) {
		for b.Loop() {
			m := value.EmptyMap.AsMap()
			for i := range collectionSize {
				m = m.Assoc(value.Int(int64(i*7919%collectionSize)), value.Int(int64(i)))
			}
		}
	})
	b.Run("immutable", func(b *testing.B) {
		for b.Loop() {
			m := immutable.NewSortedMap[value.Value, value.Value](keyOrder{})
			for i := range collectionSize {
				m = m.Set(value.Int(int64(i*7919%collectionSize)), value.Int(int64(i)))
			}
		}
	})
}

func BenchmarkCollectionsMapGet(b *testing.B) {
	m := value.EmptyMap.AsMap()
	im := immutable.NewSortedMap[value.Value, value.Value](keyOrder{})
	for i := range collectionSize {
		m = m.Assoc(value.Int(int64(i)), value.Int(int64(i)))
		im = im.Set(value.Int(int64(i)), value.Int(int64(i)))
	}
	b.Run("rtfs", func(b *testing.B) {
		i := 0
		for b.Loop() {
			m.Get(value.Int(int64(i % collectionSize)))
			i += 7919
		}
	})
	b.Run("immutable", func(b *testing.B) {
		i := 0
		for b.Loop() {
			im.Get(value.Int(int64(i % collectionSize)))
			i += 7919
		}
	})
}

func BenchmarkCollectionsVectorAssoc(b *testing.B) {
	items := make([]value.Value, collectionSize)
	v := value.NewVector(items).AsVector()
	l := immutable.NewList(items...)
	b.Run("rtfs", func(b *testing.B) {
		i := 0
		for b.Loop() {
			v = v.Assoc(i%collectionSize, value.Int(int64(i)))
			i += 7919
		}
	})
	b.Run("immutable", func(b *testing.B) {
		i := 0
		for b.Loop() {
			l = l.Set(i%collectionSize, value.Int(int64(i)))
			i += 7919
		}
	})
}

func BenchmarkCollectionsVectorConj(b *testing.B) {
	b.Run("rtfs", func(b *testing.B) {
		for b.Loop() {
			v := value.EmptyVector.AsVector()
			for i := range collectionSize {
				v = v.Conj(value.Int(int64(i)))
			}
		}
	})
	b.Run("immutable", func(b *testing.B) {
		for b.Loop() {
			l := immutable.NewList[value.Value]()
			for i := range collectionSize {
				l = l.Append(value.Int(int64(i)))
			}
		}
	})
}
