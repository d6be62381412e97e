package value

import (
	"iter"
	"math"
	"sync/atomic"
	"unsafe"
)

// A vector or list is a persistent vector in the manner of Clojure's
// PersistentVector: a trie of 32-wide nodes holding all but the last
// elements, and a tail slice holding the last 1 to 32, so that nth and
// assoc copy one path of at most a handful of nodes and conj usually only
// touches the tail. Three things are added to fit RTFS:
//
//   - Appending writes in place past the tail's end when this vector is the
//     longest one ever made from that tail array (a compare-and-swap claim
//     on the next slot), so a loop conjing onto its accumulator copies
//     nothing; every other conj copies at most 32 elements.
//   - A window [lo, hi) over the trie makes rest, drop, subvec and take
//     O(1), sharing everything.
//   - A front slice, in reverse order and claimed the same way, holds the
//     elements cons put before the window, so that a cons loop is
//     amortised O(1).
//
// Nothing reachable from a Vector is ever written below a length some
// value can see, so any number of values and goroutines may share it.
type Vector struct {
	front      []Value // elements before the window, last first
	frontClaim *atomic.Int64
	lo, hi     int // the window of trie's elements in view
	trie       trie
}

const (
	trieBits  = 5
	trieWidth = 1 << trieBits
	trieMask  = trieWidth - 1
)

// A trie node is a branch or a leaf, told apart by its height, which the
// trie knows: a node is the array itself, with no header to allocate and
// follow. A leaf holds trieWidth values (always full); a branch its kids,
// leaves when it is at height 1.
type (
	leaf   = [trieWidth]Value
	branch = [trieWidth]unsafe.Pointer
)

func asLeaf(n unsafe.Pointer) *leaf     { return (*leaf)(n) }
func asBranch(n unsafe.Pointer) *branch { return (*branch)(n) }

// trie holds cnt elements: the first cnt-len(tail) in root, whose height is
// shift/trieBits (a leaf when shift is 0), and the rest in tail, which is
// never empty unless cnt is 0.
type trie struct {
	cnt   int
	shift uint
	root  unsafe.Pointer
	tail  []Value
	claim *atomic.Int64 // the longest length any trie has given tail's array
}

// newTrie makes a trie owning items: full leaves are views of items, not
// copies.
func newTrie(items []Value) trie {
	n := len(items)
	if n == 0 {
		return trie{}
	}
	tailOff := (n - 1) &^ trieMask
	t := trie{cnt: n, tail: items[tailOff:n:n]}
	if tailOff == 0 {
		return t
	}
	level := make([]unsafe.Pointer, 0, tailOff/trieWidth)
	for i := 0; i < tailOff; i += trieWidth {
		level = append(level, unsafe.Pointer((*leaf)(items[i:i+trieWidth])))
	}
	for len(level) > 1 {
		t.shift += trieBits
		parents := level[:0:0]
		for i := 0; i < len(level); i += trieWidth {
			kids := new(branch)
			copy(kids[:], level[i:min(i+trieWidth, len(level))])
			parents = append(parents, unsafe.Pointer(kids))
		}
		level = parents
	}
	t.root = level[0]
	return t
}

func (t *trie) tailOffset() int { return t.cnt - len(t.tail) }

// leafAt returns the elements of the leaf (or tail) holding element i,
// from i to the leaf's end.
func (t *trie) leafAt(i int) []Value {
	if off := t.tailOffset(); i >= off {
		return t.tail[i-off:]
	}
	n := t.root
	for s := t.shift; s > 0; s -= trieBits {
		n = asBranch(n)[(i>>s)&trieMask]
	}
	return asLeaf(n)[i&trieMask:]
}

func (t *trie) nth(i int) Value {
	if off := t.tailOffset(); i >= off {
		return t.tail[i-off]
	}
	n := t.root
	for s := t.shift; s > 0; s -= trieBits {
		n = asBranch(n)[(i>>s)&trieMask]
	}
	return asLeaf(n)[i&trieMask]
}

// claimAppend appends x to s in place when claim shows no longer slice has
// been made from s's array and there is room, else into a copy with room to
// grow, up to limit; it returns the new slice and the claim that now guards
// it.
func claimAppend(s []Value, claim *atomic.Int64, x Value, limit int) ([]Value, *atomic.Int64) {
	n := len(s)
	if claim != nil && cap(s) > n && claim.CompareAndSwap(int64(n), int64(n+1)) {
		return append(s, x), claim
	}
	grown := make([]Value, n+1, min(max(2*(n+1), 4), max(limit, n+1)))
	copy(grown, s)
	grown[n] = x
	claim = new(atomic.Int64)
	claim.Store(int64(len(grown)))
	return grown, claim
}

// conj returns t with x appended.
func (t *trie) conj(x Value) trie {
	out := *t
	out.cnt++
	if len(t.tail) < trieWidth {
		out.tail, out.claim = claimAppend(t.tail, t.claim, x, trieWidth)
		return out
	}
	full := unsafe.Pointer((*leaf)(t.tail))
	off := t.tailOffset()
	switch {
	case t.root == nil:
		out.root = full
	case off == 1<<(t.shift+trieBits): // the root is full
		kids := new(branch)
		kids[0], kids[1] = t.root, newPath(t.shift, full)
		out.root, out.shift = unsafe.Pointer(kids), t.shift+trieBits
	default:
		out.root = pushLeaf(t.root, t.shift, off, full)
	}
	out.tail, out.claim = claimAppend(nil, nil, x, trieWidth)
	return out
}

// pushLeaf returns branch n (at height shift) with leaf added as the leaf
// holding element index.
func pushLeaf(n unsafe.Pointer, shift uint, index int, full unsafe.Pointer) unsafe.Pointer {
	kids := *asBranch(n)
	i := (index >> shift) & trieMask
	switch {
	case shift == trieBits:
		kids[i] = full
	case kids[i] != nil:
		kids[i] = pushLeaf(kids[i], shift-trieBits, index, full)
	default:
		kids[i] = newPath(shift-trieBits, full)
	}
	return unsafe.Pointer(&kids)
}

// newPath is a chain of single-kid branches down to leaf, height
// shift/trieBits.
func newPath(shift uint, full unsafe.Pointer) unsafe.Pointer {
	if shift == 0 {
		return full
	}
	kids := new(branch)
	kids[0] = newPath(shift-trieBits, full)
	return unsafe.Pointer(kids)
}

// assoc returns t with element i (which exists) replaced by x.
func (t *trie) assoc(i int, x Value) trie {
	out := *t
	if off := t.tailOffset(); i >= off {
		out.tail = append([]Value(nil), t.tail...)
		out.tail[i-off] = x
		out.claim = nil
		return out
	}
	out.root = assocIn(t.root, t.shift, i, x)
	return out
}

func assocIn(n unsafe.Pointer, shift uint, i int, x Value) unsafe.Pointer {
	if shift == 0 {
		vals := *asLeaf(n)
		vals[i&trieMask] = x
		return unsafe.Pointer(&vals)
	}
	kids := *asBranch(n)
	j := (i >> shift) & trieMask
	kids[j] = assocIn(kids[j], shift-trieBits, i, x)
	return unsafe.Pointer(&kids)
}

// NewVector makes a vector value owning items (the caller must not keep or
// change items afterwards).
func NewVector(items []Value) Value {
	return boxed(KVector, unsafe.Pointer(vectorOf(items)))
}

// NewList makes a list value owning items.
func NewList(items []Value) Value {
	return boxed(KList, unsafe.Pointer(vectorOf(items)))
}

func vectorOf(items []Value) *Vector {
	return &Vector{hi: len(items), trie: newTrie(items)}
}

// EmptyVector is `[]`.
var EmptyVector = NewVector(nil)

// WithKind returns the same elements as a vector or a list.
func (vec *Vector) WithKind(k Kind) Value { return boxed(k, unsafe.Pointer(vec)) }

// Len is the number of elements.
func (vec *Vector) Len() int { return len(vec.front) + vec.hi - vec.lo }

// Nth is element i, which must exist.
func (vec *Vector) Nth(i int) Value {
	if i < len(vec.front) {
		return vec.front[len(vec.front)-1-i]
	}
	return vec.trie.nth(vec.lo + i - len(vec.front))
}

// All yields the elements in order, with their indices.
func (vec *Vector) All() iter.Seq2[int, Value] {
	return func(yield func(int, Value) bool) {
		i := 0
		for j := len(vec.front) - 1; j >= 0; j-- {
			if !yield(i, vec.front[j]) {
				return
			}
			i++
		}
		for at := vec.lo; at < vec.hi; {
			leaf := vec.trie.leafAt(at)
			leaf = leaf[:min(len(leaf), vec.hi-at)]
			for _, x := range leaf {
				if !yield(i, x) {
					return
				}
				i++
			}
			at += len(leaf)
		}
	}
}

// AppendTo appends the elements to dst.
func (vec *Vector) AppendTo(dst []Value) []Value {
	dst = growFor(dst, vec.Len())
	for j := len(vec.front) - 1; j >= 0; j-- {
		dst = append(dst, vec.front[j])
	}
	for at := vec.lo; at < vec.hi; {
		leaf := vec.trie.leafAt(at)
		leaf = leaf[:min(len(leaf), vec.hi-at)]
		dst = append(dst, leaf...)
		at += len(leaf)
	}
	return dst
}

func growFor(dst []Value, n int) []Value {
	if cap(dst)-len(dst) < n {
		grown := make([]Value, len(dst), len(dst)+n)
		copy(grown, dst)
		return grown
	}
	return dst
}

// Slice returns the elements in a slice the caller owns.
func (vec *Vector) Slice() []Value { return vec.AppendTo(nil) }

// Conj returns the elements with xs appended.
func (vec *Vector) Conj(xs ...Value) *Vector {
	if vec.hi != vec.trie.cnt {
		// A window ending early cannot grow in place: its trie holds
		// other elements where the new ones would go.
		return vectorOf(append(vec.Slice(), xs...))
	}
	out := *vec
	for _, x := range xs {
		out.trie = out.trie.conj(x)
	}
	out.hi = out.trie.cnt
	return &out
}

// Cons returns the elements with x put first.
func (vec *Vector) Cons(x Value) *Vector {
	out := *vec
	out.front, out.frontClaim = claimAppend(vec.front, vec.frontClaim, x, math.MaxInt)
	return &out
}

// Assoc returns the elements with element i (which must exist) replaced.
func (vec *Vector) Assoc(i int, x Value) *Vector {
	out := *vec
	if i < len(vec.front) {
		out.front = append([]Value(nil), vec.front...)
		out.front[len(vec.front)-1-i] = x
		out.frontClaim = nil
		return &out
	}
	out.trie = vec.trie.assoc(vec.lo+i-len(vec.front), x)
	return &out
}

// Sub returns elements [start, end), which must be in range.
func (vec *Vector) Sub(start, end int) *Vector {
	f := len(vec.front)
	if start < f {
		if end <= f {
			return vectorOf(vec.Slice()[start:end:end])
		}
		out := *vec
		out.front = vec.front[: f-start : f-start]
		out.frontClaim = nil
		out.hi = vec.lo + end - f
		return &out
	}
	return &Vector{lo: vec.lo + start - f, hi: vec.lo + end - f, trie: vec.trie}
}

// Conj returns a new vector with xs appended to the seq v (vector or list);
// the result is a vector.
func Conj(v Value, xs ...Value) Value {
	return boxed(KVector, unsafe.Pointer(v.AsVector().Conj(xs...)))
}
