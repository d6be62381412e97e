package value

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// The persistent collections are checked against plain Go models on
// random operation sequences. Every version ever made is kept with a copy
// of its model and checked again at the end: an operation that wrote into
// shared structure would change an older version.

type vectorVersion struct {
	vec   *Vector
	model []Value
}

func TestVectorAgainstModel(t *testing.T) {
	for seed := range uint64(16) {
		r := rand.New(rand.NewPCG(seed, 1))
		versions := []vectorVersion{{vectorOf(nil), nil}}
		if seed%2 == 1 {
			n := r.IntN(3000)
			items := make([]Value, n)
			for i := range items {
				items[i] = Int(int64(i))
			}
			versions[0] = vectorVersion{vectorOf(slices.Clone(items)), items}
		}
		for step := range 500 {
			base := versions[len(versions)-1]
			if r.IntN(4) == 0 { // branch from an older version
				base = versions[r.IntN(len(versions))]
			}
			next, what := vectorStep(r, base, int64(seed*10000+uint64(step)))
			checkVector(t, next, what)
			versions = append(versions, next)
		}
		for i, v := range versions {
			checkVector(t, v, fmt.Sprintf("seed %d version %d at the end", seed, i))
		}
	}
}

// vectorStep applies one random operation to base and to a copy of its
// model.
func vectorStep(r *rand.Rand, base vectorVersion, x int64) (vectorVersion, string) {
	n := len(base.model)
	model := slices.Clone(base.model)
	switch op := r.IntN(10); {
	case op < 4:
		k := 1 + r.IntN(40)
		xs := make([]Value, k)
		for i := range xs {
			xs[i] = Int(x*100 + int64(i))
		}
		return vectorVersion{base.vec.Conj(xs...), append(model, xs...)}, fmt.Sprintf("conj %d onto %d", k, n)
	case op < 6:
		return vectorVersion{base.vec.Cons(Int(x)), append([]Value{Int(x)}, model...)}, fmt.Sprintf("cons onto %d", n)
	case op < 8 && n > 0:
		i := r.IntN(n)
		model[i] = Int(-x)
		return vectorVersion{base.vec.Assoc(i, Int(-x)), model}, fmt.Sprintf("assoc %d of %d", i, n)
	default:
		start := r.IntN(n + 1)
		end := start + r.IntN(n-start+1)
		if r.IntN(2) == 0 {
			end = n // rest and drop keep the end
		}
		return vectorVersion{base.vec.Sub(start, end), model[start:end]}, fmt.Sprintf("sub %d %d of %d", start, end, n)
	}
}

func checkVector(t *testing.T, v vectorVersion, what string) {
	t.Helper()
	if v.vec.Len() != len(v.model) {
		t.Fatalf("%s: length %d, want %d", what, v.vec.Len(), len(v.model))
	}
	for i, want := range v.model {
		if got := v.vec.Nth(i); !Equal(got, want) {
			t.Fatalf("%s: nth %d = %v, want %v", what, i, got, want)
		}
	}
	if got := v.vec.Slice(); !slices.EqualFunc(got, v.model, Equal) {
		t.Fatalf("%s: slice %v, want %v", what, got, v.model)
	}
	i := 0
	for j, x := range v.vec.All() {
		if j != i || !Equal(x, v.model[i]) {
			t.Fatalf("%s: iteration gave %d %v at %d", what, j, x, i)
		}
		i++
	}
	if i != len(v.model) {
		t.Fatalf("%s: iteration stopped at %d of %d", what, i, len(v.model))
	}
}

func TestVectorIterationStops(t *testing.T) {
	v := vectorOf(nil).Cons(Int(0)).Conj(Int(1), Int(2))
	var seen []int
	for i := range v.All() {
		if seen = append(seen, i); i == 1 {
			break
		}
	}
	if !slices.Equal(seen, []int{0, 1}) {
		t.Errorf("iteration after break: %v", seen)
	}
}

type mapVersion struct {
	m     *Map
	model map[int64]Value
}

// mapKey spreads random keys over the three key kinds.
func mapKey(i int64) Value {
	switch i % 3 {
	case 0:
		return Int(i)
	case 1:
		return String(fmt.Sprint("s", i))
	}
	return Kw(fmt.Sprint("k", i))
}

func TestMapAgainstModel(t *testing.T) {
	for seed := range uint64(10) {
		r := rand.New(rand.NewPCG(seed, 2))
		keySpace := int64(10 + r.IntN(1500))
		versions := []mapVersion{{&Map{}, map[int64]Value{}}}
		if seed%2 == 1 {
			var entries []MapEntry
			model := map[int64]Value{}
			for range r.IntN(2000) {
				k := r.Int64N(keySpace)
				entries = append(entries, MapEntry{mapKey(k), Int(k)})
				model[k] = Int(k)
			}
			versions[0] = mapVersion{MapFromEntries(entries).AsMap(), model}
		}
		for step := range 500 {
			base := versions[len(versions)-1]
			if r.IntN(4) == 0 {
				base = versions[r.IntN(len(versions))]
			}
			model := make(map[int64]Value, len(base.model))
			for k, v := range base.model {
				model[k] = v
			}
			k := r.Int64N(keySpace)
			var next *Map
			if r.IntN(3) == 0 {
				next = base.m.Dissoc(mapKey(k))
				delete(model, k)
			} else {
				next = base.m.Assoc(mapKey(k), Int(int64(step)))
				model[k] = Int(int64(step))
			}
			v := mapVersion{next, model}
			checkMap(t, v, keySpace, keySpace/50+1, fmt.Sprintf("seed %d step %d", seed, step))
			versions = append(versions, v)
		}
		for i, v := range versions {
			checkMap(t, v, keySpace, 1, fmt.Sprintf("seed %d version %d at the end", seed, i))
		}
	}
}

// checkMap compares v with its model: every entry, and a lookup of every
// stride-th key (present or not) below keySpace.
func checkMap(t *testing.T, v mapVersion, keySpace, stride int64, what string) {
	t.Helper()
	if v.m.Len() != len(v.model) {
		t.Fatalf("%s: length %d, want %d", what, v.m.Len(), len(v.model))
	}
	var want []MapEntry
	for k, x := range v.model {
		want = append(want, MapEntry{mapKey(k), x})
	}
	slices.SortFunc(want, func(a, b MapEntry) int { return compareKeys(a.Key, b.Key) })
	got := v.m.AppendEntries(nil)
	if !slices.EqualFunc(got, want, func(a, b MapEntry) bool { return Equal(a.Key, b.Key) && Equal(a.Val, b.Val) }) {
		t.Fatalf("%s: entries %v, want %v", what, got, want)
	}
	for k := int64(0); k < keySpace; k += stride {
		x, found := v.m.Get(mapKey(k))
		if wantX, ok := v.model[k]; found != ok || (ok && !Equal(x, wantX)) {
			t.Fatalf("%s: get %v = %v %v, want %v %v", what, mapKey(k), x, found, wantX, ok)
		}
	}
	if v.m.root != nil {
		if _, err := v.m.root.shape(true); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

// shape checks the B-tree invariants below n and returns its height.
func (n *mapNode) shape(isRoot bool) (int, error) {
	if len(n.entries) > mapNodeMax || (!isRoot && len(n.entries) < mapNodeMin) || len(n.entries) == 0 {
		return 0, fmt.Errorf("a node has %d entries", len(n.entries))
	}
	if n.kids == nil {
		return 0, nil
	}
	if len(n.kids) != len(n.entries)+1 {
		return 0, fmt.Errorf("a branch has %d entries and %d kids", len(n.entries), len(n.kids))
	}
	height := -1
	for _, kid := range n.kids {
		h, err := kid.shape(false)
		if err != nil {
			return 0, err
		}
		if height >= 0 && h != height {
			return 0, fmt.Errorf("leaves at heights %d and %d", height, h)
		}
		height = h
	}
	return height + 1, nil
}

func TestMapFromEntriesShapes(t *testing.T) {
	for n := range 2000 {
		entries := make([]MapEntry, n)
		for i := range entries {
			entries[i] = MapEntry{Int(int64(i)), Int(int64(i))}
		}
		m := MapFromEntries(entries).AsMap()
		if m.Len() != n {
			t.Fatalf("%d entries built a map of %d", n, m.Len())
		}
		if m.root != nil {
			if _, err := m.root.shape(true); err != nil {
				t.Fatalf("%d entries: %v", n, err)
			}
		}
	}
}
