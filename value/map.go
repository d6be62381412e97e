package value

import (
	"iter"
	"slices"
	"strings"
	"unsafe"
)

// MapEntry is one key/value pair of a Map.
type MapEntry struct {
	Key, Val Value
}

// Map is a persistent B-tree ordered by the map-key order of §2
// (integers, then strings, then keywords), so that printing and iteration
// need no sorting, and get, assoc and dissoc are O(log n): an update
// copies the nodes on one path from the root, each at most mapNodeMax
// entries, and shares every other node with the map it came from.
type Map struct {
	root *mapNode
	n    int
}

// A mapNode is a leaf (kids nil) or a branch with one more kid than
// entries, kid i holding the keys between entries i-1 and i. Every leaf is
// at the same depth; every node but the root has at least mapNodeMin
// entries. Nodes are never changed once a Map can reach them.
type mapNode struct {
	entries []MapEntry
	kids    []*mapNode
}

// mapNodeMax trades the copy an update makes (one node per level) against
// the depth a lookup walks; 8 was the fastest for building and updating
// maps of 20k keys and updating one of 1k (go test ./value -bench Map:
// 8, 16 and 32 took 17, 22 and 36 ms to build 20k and 0.6, 1.0 and 1.4 µs
// per update).
const (
	mapNodeMax = 8
	mapNodeMin = mapNodeMax/2 - 1
)

// EmptyMap is `{}`.
var EmptyMap = boxed(KMap, unsafe.Pointer(&Map{}))

// ValidKey reports whether k may be a map key (keyword, string or integer).
func ValidKey(k Value) bool {
	return k.Kind() == KKeyword || k.Kind() == KString || k.Kind() == KInt
}

// compareKeys orders map keys: integers numerically, then strings by bytes,
// then keywords by name.
func compareKeys(a, b Value) int {
	if a.Kind() != b.Kind() {
		return keyRank(a.Kind()) - keyRank(b.Kind())
	}
	switch a.Kind() {
	case KInt:
		return cmpOrdered(a.AsInt(), b.AsInt())
	case KString:
		return strings.Compare(a.AsString(), b.AsString())
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

// searchEntries finds k among sorted entries: its index, or where it would
// go.
func searchEntries(entries []MapEntry, k Value) (int, bool) {
	lo, hi := 0, len(entries)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := compareKeys(entries[mid].Key, k); {
		case c == 0:
			return mid, true
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return lo, false
}

// MapFromEntries builds a map value; later duplicates win. Keys must be
// valid (see ValidKey).
func MapFromEntries(entries []MapEntry) Value {
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(a, b MapEntry) int { return compareKeys(a.Key, b.Key) })
	out := sorted[:0]
	for _, e := range sorted {
		if len(out) > 0 && compareKeys(out[len(out)-1].Key, e.Key) == 0 {
			out[len(out)-1].Val = e.Val
			continue
		}
		out = append(out, e)
	}
	return MapOf(buildMap(out))
}

// buildMap packs sorted, distinct entries into a tree of the least height
// that holds them, every node as evenly filled as the others.
func buildMap(sorted []MapEntry) *Map {
	if len(sorted) == 0 {
		return &Map{}
	}
	height := 0
	for subtreeCapacity(height) < len(sorted) {
		height++
	}
	return &Map{root: buildNode(sorted, height), n: len(sorted)}
}

// subtreeCapacity is the most entries a tree of height h holds.
func subtreeCapacity(h int) int {
	c := mapNodeMax + 1
	for range h {
		c *= mapNodeMax + 1
	}
	return c - 1
}

// buildNode makes a node of height h over entries, which number more than
// a tree of height h-1 holds and no more than one of height h does.
func buildNode(entries []MapEntry, h int) *mapNode {
	if h == 0 {
		return &mapNode{entries: entries[:len(entries):len(entries)]}
	}
	sub := subtreeCapacity(h - 1)
	kids := (len(entries) + 1 + sub) / (sub + 1)
	below := len(entries) - (kids - 1)
	n := &mapNode{entries: make([]MapEntry, 0, kids-1), kids: make([]*mapNode, 0, kids)}
	for j := range kids {
		size := below / kids
		if j < below%kids {
			size++
		}
		n.kids = append(n.kids, buildNode(entries[:size], h-1))
		entries = entries[size:]
		if j < kids-1 {
			n.entries = append(n.entries, entries[0])
			entries = entries[1:]
		}
	}
	return n
}

// MapOf wraps a Map.
func MapOf(m *Map) Value { return boxed(KMap, unsafe.Pointer(m)) }

// Get looks up k.
func (m *Map) Get(k Value) (Value, bool) {
	if !ValidKey(k) {
		return Nil, false
	}
	n := m.root
	for n != nil {
		i, found := searchEntries(n.entries, k)
		if found {
			return n.entries[i].Val, true
		}
		if n.kids == nil {
			break
		}
		n = n.kids[i]
	}
	return Nil, false
}

// Len is the number of entries.
func (m *Map) Len() int { return m.n }

// Entries yields the entries in key order.
func (m *Map) Entries() iter.Seq[MapEntry] {
	return func(yield func(MapEntry) bool) {
		if m.root != nil {
			m.root.each(yield)
		}
	}
}

// each yields n's entries in order, reporting whether yield wants more.
func (n *mapNode) each(yield func(MapEntry) bool) bool {
	for i, e := range n.entries {
		if n.kids != nil && !n.kids[i].each(yield) {
			return false
		}
		if !yield(e) {
			return false
		}
	}
	return n.kids == nil || n.kids[len(n.kids)-1].each(yield)
}

// AppendEntries appends the entries, in key order, to dst.
func (m *Map) AppendEntries(dst []MapEntry) []MapEntry {
	dst = slices.Grow(dst, m.n)
	for e := range m.Entries() {
		dst = append(dst, e)
	}
	return dst
}

// Assoc returns m with k bound to v; k must be a valid key.
func (m *Map) Assoc(k, v Value) *Map {
	if m.root == nil {
		return &Map{root: &mapNode{entries: []MapEntry{{k, v}}}, n: 1}
	}
	left, mid, right, added := m.root.with(k, v)
	out := &Map{root: left, n: m.n}
	if right != nil {
		out.root = &mapNode{entries: []MapEntry{mid}, kids: []*mapNode{left, right}}
	}
	if added {
		out.n++
	}
	return out
}

// with returns n with k bound to v, split in two around mid when it grew
// too large, and whether k is new.
func (n *mapNode) with(k, v Value) (left *mapNode, mid MapEntry, right *mapNode, added bool) {
	i, found := searchEntries(n.entries, k)
	if found {
		entries := slices.Clone(n.entries)
		entries[i].Val = v
		return &mapNode{entries: entries, kids: n.kids}, MapEntry{}, nil, false
	}
	if n.kids == nil {
		left, mid, right = (&mapNode{entries: insertAt(n.entries, i, MapEntry{k, v})}).split()
		return left, mid, right, true
	}
	kid, kidMid, kidRight, added := n.kids[i].with(k, v)
	c := &mapNode{entries: n.entries}
	if kidRight == nil {
		c.kids = slices.Clone(n.kids)
		c.kids[i] = kid
		return c, MapEntry{}, nil, added
	}
	c.entries = insertAt(n.entries, i, kidMid)
	c.kids = insertAt(n.kids, i+1, kidRight)
	c.kids[i] = kid
	left, mid, right = c.split()
	return left, mid, right, added
}

// split halves a fresh node that has grown past mapNodeMax entries around
// its middle entry; a node within bounds comes back whole.
func (n *mapNode) split() (left *mapNode, mid MapEntry, right *mapNode) {
	if len(n.entries) <= mapNodeMax {
		return n, MapEntry{}, nil
	}
	h := len(n.entries) / 2
	left = &mapNode{entries: n.entries[:h:h]}
	right = &mapNode{entries: n.entries[h+1:]}
	if n.kids != nil {
		left.kids, right.kids = n.kids[:h+1:h+1], n.kids[h+1:]
	}
	return left, n.entries[h], right
}

// insertAt returns a new slice: s with x at index i.
func insertAt[T any](s []T, i int, x T) []T {
	out := make([]T, len(s)+1)
	copy(out, s[:i])
	out[i] = x
	copy(out[i+1:], s[i:])
	return out
}

// removeAt returns a new slice: s without index i.
func removeAt[T any](s []T, i int) []T {
	out := make([]T, 0, len(s)-1)
	return append(append(out, s[:i]...), s[i+1:]...)
}

// Dissoc returns m without k.
func (m *Map) Dissoc(k Value) *Map {
	if m.root == nil || !ValidKey(k) {
		return m
	}
	root, removed := m.root.without(k)
	if !removed {
		return m
	}
	if len(root.entries) == 0 {
		if root.kids == nil {
			return &Map{}
		}
		root = root.kids[0]
	}
	return &Map{root: root, n: m.n - 1}
}

// without returns n without k, and whether k was there; a node it returns
// may have one entry fewer than mapNodeMin, for its parent to refill.
func (n *mapNode) without(k Value) (*mapNode, bool) {
	i, found := searchEntries(n.entries, k)
	if n.kids == nil {
		if !found {
			return n, false
		}
		return &mapNode{entries: removeAt(n.entries, i)}, true
	}
	c := &mapNode{entries: n.entries, kids: slices.Clone(n.kids)}
	if found {
		// The entry's place goes to its predecessor, the last entry of
		// the subtree on its left, which is removed from there.
		pred := n.kids[i].last()
		c.kids[i], _ = n.kids[i].without(pred.Key)
		c.entries = slices.Clone(n.entries)
		c.entries[i] = pred
	} else {
		kid, removed := n.kids[i].without(k)
		if !removed {
			return n, false
		}
		c.kids[i] = kid
	}
	c.refill(i)
	return c, true
}

func (n *mapNode) last() MapEntry {
	for n.kids != nil {
		n = n.kids[len(n.kids)-1]
	}
	return n.entries[len(n.entries)-1]
}

// refill brings kid i of the fresh branch c back to mapNodeMin entries by
// joining it with a neighbour and the entry between them, then splitting
// the result evenly if it is too large for one node.
func (c *mapNode) refill(i int) {
	if len(c.kids[i].entries) >= mapNodeMin {
		return
	}
	if i == len(c.kids)-1 {
		i--
	}
	l, r := c.kids[i], c.kids[i+1]
	joined := &mapNode{entries: slices.Concat(l.entries, []MapEntry{c.entries[i]}, r.entries)}
	if l.kids != nil {
		joined.kids = slices.Concat(l.kids, r.kids)
	}
	left, mid, right := joined.split()
	if right == nil {
		c.entries = removeAt(c.entries, i)
		c.kids = removeAt(c.kids, i+1)
		c.kids[i] = left
		return
	}
	c.entries = slices.Clone(c.entries)
	c.entries[i] = mid
	c.kids[i], c.kids[i+1] = left, right
}
