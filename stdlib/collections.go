package stdlib

import (
	"slices"
	"strings"

	"github.com/rtfs-go/rtfs/value"
)

// Lists are accepted wherever vectors are and results are vectors (⚠ A18),
// except rest of a list, which stays a list.
var collectionBuiltins = []*value.Builtin{
	{Name: "vector", MinArgs: 0, MaxArgs: variadic, Pure: true, Fn: vector},
	{Name: "list", MinArgs: 0, MaxArgs: variadic, Pure: true, Fn: list},
	{Name: "hash-map", MinArgs: 0, MaxArgs: variadic, Pure: true, Fn: hashMap},
	{Name: "count", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: count},
	{Name: "empty?", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: isEmpty},
	{Name: "first", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: first},
	{Name: "rest", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: rest},
	{Name: "last", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: last},
	{Name: "nth", MinArgs: 2, MaxArgs: 3, Pure: true, Fn: nth},
	{Name: "get", MinArgs: 2, MaxArgs: 3, Pure: true, Fn: get},
	{Name: "get-in", MinArgs: 2, MaxArgs: 3, Pure: true, Fn: getIn},
	{Name: "assoc", MinArgs: 3, MaxArgs: variadic, Pure: true, Fn: assoc},
	{Name: "dissoc", MinArgs: 2, MaxArgs: variadic, Pure: true, Fn: dissoc},
	{Name: "merge", MinArgs: 1, MaxArgs: variadic, Pure: true, Fn: merge},
	{Name: "keys", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: mapColumn("keys", func(e value.MapEntry) value.Value { return e.Key })},
	{Name: "vals", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: mapColumn("vals", func(e value.MapEntry) value.Value { return e.Val })},
	{Name: "find", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: find},
	{Name: "contains?", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: contains},
	{Name: "conj", MinArgs: 2, MaxArgs: variadic, Pure: true, Fn: conj},
	{Name: "cons", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: cons},
	{Name: "concat", MinArgs: 0, MaxArgs: variadic, Pure: true, Fn: concat},
	{Name: "range", MinArgs: 1, MaxArgs: 3, Pure: true, Fn: rangeInts},
	{Name: "numbers", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: numbers},
	{Name: "take", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: take},
	{Name: "drop", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: drop},
	{Name: "subvec", MinArgs: 2, MaxArgs: 3, Pure: true, Fn: subvec},
	{Name: "reverse", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: seqOrString("reverse", reverseValues)},
	{Name: "distinct", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: seqOrString("distinct", distinctValues)},
	{Name: "sort", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: sortBuiltin},
	{Name: "partition", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: partition},
	{Name: "frequencies", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: frequencies},
}

func vector(_ value.Runtime, args []value.Value) (value.Value, error) {
	return value.NewVector(copyValues(args)), nil
}

func list(_ value.Runtime, args []value.Value) (value.Value, error) {
	return value.NewList(copyValues(args)), nil
}

func checkKey(op string, k value.Value) error {
	if !value.ValidKey(k) {
		return value.TypeErr(op, "keyword, string or integer key", k)
	}
	return nil
}

func asMap(op string, v value.Value) (*value.Map, error) {
	if v.Kind() != value.KMap {
		return nil, value.TypeErr(op, "map", v)
	}
	return v.AsMap(), nil
}

func indexOutOfBounds(op string, i int64, n int) error {
	return value.Errorf(value.IndexOutOfBounds, "Index %d out of bounds for length %d in %s", i, n, op)
}

func hashMap(_ value.Runtime, args []value.Value) (value.Value, error) {
	if len(args)%2 != 0 {
		return value.Nil, value.ArityErr("hash-map", "an even number of arguments", len(args))
	}
	entries := make([]value.MapEntry, 0, len(args)/2)
	for i := 0; i < len(args); i += 2 {
		if err := checkKey("hash-map", args[i]); err != nil {
			return value.Nil, err
		}
		entries = append(entries, value.MapEntry{Key: args[i], Val: args[i+1]})
	}
	return value.MapFromEntries(entries), nil
}

// count counts elements, a string's characters.
func count(_ value.Runtime, args []value.Value) (value.Value, error) {
	return size("count", args[0], charCount)
}

// size is the number of elements of a collection, or of a string as
// stringSize measures it (count and length differ only there).
func size(op string, x value.Value, stringSize func(string) int) (value.Value, error) {
	switch x.Kind() {
	case value.KVector, value.KList:
		return value.Int(int64(x.AsVector().Len())), nil
	case value.KMap:
		return value.Int(int64(x.AsMap().Len())), nil
	case value.KString:
		return value.Int(int64(stringSize(x.AsString()))), nil
	default:
		return value.Nil, value.TypeErr(op, "vector, list, map or string", x)
	}
}

func isEmpty(_ value.Runtime, args []value.Value) (value.Value, error) {
	switch x := args[0]; x.Kind() {
	case value.KVector, value.KList:
		return value.Bool(x.AsVector().Len() == 0), nil
	case value.KMap:
		return value.Bool(x.AsMap().Len() == 0), nil
	case value.KString:
		return value.Bool(x.AsString() == ""), nil
	case value.KNil:
		return value.True, nil
	default:
		return value.False, nil
	}
}

func first(_ value.Runtime, args []value.Value) (value.Value, error) {
	switch x := args[0]; x.Kind() {
	case value.KVector, value.KList:
		if items := x.AsVector(); items.Len() > 0 {
			return items.Nth(0), nil
		}
		return value.Nil, nil
	case value.KString:
		if s := x.AsString(); s != "" {
			c, _ := charAt(s, 0)
			return c, nil
		}
		return value.Nil, nil
	default:
		return value.Nil, value.TypeErr("first", "vector, list or string", x)
	}
}

// rest keeps the kind of its argument: vector, list or string.
func rest(_ value.Runtime, args []value.Value) (value.Value, error) {
	switch x := args[0]; x.Kind() {
	case value.KVector, value.KList:
		items := x.AsVector()
		if items.Len() == 0 {
			return x, nil
		}
		return items.Sub(1, items.Len()).WithKind(x.Kind()), nil
	case value.KString:
		s := x.AsString()
		if s == "" {
			return x, nil
		}
		_, size := charAt(s, 0)
		return value.String(s[size:]), nil
	default:
		return value.Nil, value.TypeErr("rest", "vector, list or string", x)
	}
}

func last(_ value.Runtime, args []value.Value) (value.Value, error) {
	switch x := args[0]; x.Kind() {
	case value.KVector, value.KList:
		if items := x.AsVector(); items.Len() > 0 {
			return items.Nth(items.Len() - 1), nil
		}
		return value.Nil, nil
	case value.KString:
		s := x.AsString()
		if s == "" {
			return x, nil
		}
		c, _ := charAt(s, byteOffset(s, charCount(s)-1))
		return c, nil
	default:
		return value.Nil, value.TypeErr("last", "vector, list or string", x)
	}
}

func nth(_ value.Runtime, args []value.Value) (value.Value, error) {
	coll := args[0]
	if !coll.IsSeq() && coll.Kind() != value.KString {
		return value.Nil, value.TypeErr("nth", "vector, list or string", coll)
	}
	i, err := asInt("nth", args[1])
	if err != nil {
		return value.Nil, err
	}
	var n int
	if coll.IsSeq() {
		items := coll.AsVector()
		if n = items.Len(); i >= 0 && i < int64(n) {
			return items.Nth(int(i)), nil
		}
	} else {
		s := coll.AsString()
		if n = charCount(s); i >= 0 && i < int64(n) {
			c, _ := charAt(s, byteOffset(s, int(i)))
			return c, nil
		}
	}
	if len(args) == 3 {
		return args[2], nil
	}
	return value.Nil, indexOutOfBounds("nth", i, n)
}

// get reads a map entry (the key must be a valid key type) or a vector
// element; what is missing is the default, or nil.
func get(_ value.Runtime, args []value.Value) (value.Value, error) {
	coll, key := args[0], args[1]
	fallback := value.Nil
	if len(args) == 3 {
		fallback = args[2]
	}
	switch coll.Kind() {
	case value.KMap:
		if err := checkKey("get", key); err != nil {
			return value.Nil, err
		}
		if v, ok := coll.AsMap().Get(key); ok {
			return v, nil
		}
	case value.KVector, value.KList:
		i, err := asInt("get", key)
		if err != nil {
			return value.Nil, err
		}
		if items := coll.AsVector(); i >= 0 && i < int64(items.Len()) {
			return items.Nth(int(i)), nil
		}
	default:
		return value.Nil, value.TypeErr("get", "map or vector", coll)
	}
	return fallback, nil
}

// getIn follows a path of keys and indices; any step that cannot be taken
// yields the default, or nil.
func getIn(_ value.Runtime, args []value.Value) (value.Value, error) {
	path, ok := seqOf(args[1])
	if !ok {
		return value.Nil, value.TypeErr("get-in", "vector or list", args[1])
	}
	cur := args[0]
	for _, step := range path.All() {
		next, found := lookupIn(cur, step)
		if !found {
			if len(args) == 3 {
				return args[2], nil
			}
			return value.Nil, nil
		}
		cur = next
	}
	return cur, nil
}

func lookupIn(coll, key value.Value) (value.Value, bool) {
	switch coll.Kind() {
	case value.KMap:
		return coll.AsMap().Get(key)
	case value.KVector, value.KList:
		items := coll.AsVector()
		if key.Kind() == value.KInt && key.AsInt() >= 0 && key.AsInt() < int64(items.Len()) {
			return items.Nth(int(key.AsInt())), true
		}
	}
	return value.Nil, false
}

// assoc binds keys of a map, or replaces existing indices of a vector.
func assoc(_ value.Runtime, args []value.Value) (value.Value, error) {
	if len(args)%2 == 0 {
		return value.Nil, value.ArityErr("assoc", "an odd number of arguments (a collection and key/value pairs)", len(args))
	}
	coll, pairs := args[0], args[1:]
	switch coll.Kind() {
	case value.KMap:
		m := coll.AsMap()
		for i := 0; i < len(pairs); i += 2 {
			if err := checkKey("assoc", pairs[i]); err != nil {
				return value.Nil, err
			}
			m = m.Assoc(pairs[i], pairs[i+1])
		}
		return value.MapOf(m), nil
	case value.KVector, value.KList:
		items := coll.AsVector()
		for i := 0; i < len(pairs); i += 2 {
			index, err := asInt("assoc", pairs[i])
			if err != nil {
				return value.Nil, err
			}
			if index < 0 || index >= int64(items.Len()) {
				return value.Nil, indexOutOfBounds("assoc", index, items.Len())
			}
			items = items.Assoc(int(index), pairs[i+1])
		}
		return items.WithKind(value.KVector), nil
	default:
		return value.Nil, value.TypeErr("assoc", "map or vector", coll)
	}
}

func dissoc(_ value.Runtime, args []value.Value) (value.Value, error) {
	m, err := asMap("dissoc", args[0])
	if err != nil {
		return value.Nil, err
	}
	for _, k := range args[1:] {
		if err := checkKey("dissoc", k); err != nil {
			return value.Nil, err
		}
		m = m.Dissoc(k)
	}
	return value.MapOf(m), nil
}

// merge combines maps left to right; on a shared key the later map wins.
// The result shares the first map's tree.
func merge(_ value.Runtime, args []value.Value) (value.Value, error) {
	out, err := asMap("merge", args[0])
	if err != nil {
		return value.Nil, err
	}
	for _, x := range args[1:] {
		m, err := asMap("merge", x)
		if err != nil {
			return value.Nil, err
		}
		for e := range m.Entries() {
			out = out.Assoc(e.Key, e.Val)
		}
	}
	return value.MapOf(out), nil
}

// mapColumn is keys or vals: one column of the entries, in map order.
func mapColumn(op string, column func(value.MapEntry) value.Value) func(value.Runtime, []value.Value) (value.Value, error) {
	return func(_ value.Runtime, args []value.Value) (value.Value, error) {
		m, err := asMap(op, args[0])
		if err != nil {
			return value.Nil, err
		}
		out := make([]value.Value, 0, m.Len())
		for e := range m.Entries() {
			out = append(out, column(e))
		}
		return value.NewVector(out), nil
	}
}

func find(_ value.Runtime, args []value.Value) (value.Value, error) {
	m, err := asMap("find", args[0])
	if err != nil {
		return value.Nil, err
	}
	if err := checkKey("find", args[1]); err != nil {
		return value.Nil, err
	}
	if v, ok := m.Get(args[1]); ok {
		return value.NewVector([]value.Value{args[1], v}), nil
	}
	return value.Nil, nil
}

// contains tests a map for a key, a sequence for an element (not an index)
// and a string for a substring.
func contains(_ value.Runtime, args []value.Value) (value.Value, error) {
	coll, x := args[0], args[1]
	switch coll.Kind() {
	case value.KMap:
		_, ok := coll.AsMap().Get(x)
		return value.Bool(ok), nil
	case value.KVector, value.KList:
		for _, y := range coll.AsVector().All() {
			if value.Equal(x, y) {
				return value.True, nil
			}
		}
		return value.False, nil
	case value.KString:
		sub, err := asString("contains?", x)
		if err != nil {
			return value.Nil, err
		}
		return value.Bool(strings.Contains(coll.AsString(), sub)), nil
	default:
		return value.Nil, value.TypeErr("contains?", "map, vector, list or string", coll)
	}
}

// conj appends to a vector or list; on a map (A38) each further argument
// is a [k v] entry or a map merged in, later ones winning.
func conj(_ value.Runtime, args []value.Value) (value.Value, error) {
	switch {
	case args[0].IsSeq():
		return value.Conj(args[0], args[1:]...), nil
	case args[0].Kind() != value.KMap:
		return value.Nil, value.TypeErr("conj", "vector, list or map", args[0])
	}
	m := args[0].AsMap()
	for _, x := range args[1:] {
		switch {
		case x.Kind() == value.KMap:
			for e := range x.AsMap().Entries() {
				m = m.Assoc(e.Key, e.Val)
			}
		case x.Kind() == value.KVector && x.AsVector().Len() == 2:
			k := x.AsVector().Nth(0)
			if !value.ValidKey(k) {
				return value.Nil, value.TypeErr("conj", "a keyword, string or integer key", k)
			}
			m = m.Assoc(k, x.AsVector().Nth(1))
		default:
			return value.Nil, value.TypeErr("conj", "a [key value] vector or a map to add to a map", x)
		}
	}
	return value.MapOf(m), nil
}

func cons(_ value.Runtime, args []value.Value) (value.Value, error) {
	items, ok := seqOf(args[1])
	if !ok {
		return value.Nil, value.TypeErr("cons", "vector or list", args[1])
	}
	return items.Cons(args[0]).WithKind(value.KVector), nil
}

// concat flattens its arguments into one vector: sequences contribute their
// elements, strings their characters, anything else itself.
func concat(rt value.Runtime, args []value.Value) (value.Value, error) {
	n := 0
	for _, x := range args {
		switch x.Kind() {
		case value.KVector, value.KList:
			n += x.AsVector().Len()
		case value.KString:
			n += len(x.AsString())
		default:
			n++
		}
	}
	if err := value.Reserve(rt, int64(n)*value.ValueBytes); err != nil {
		return value.Nil, err
	}
	out := make([]value.Value, 0, n)
	for _, x := range args {
		switch x.Kind() {
		case value.KVector, value.KList:
			out = x.AsVector().AppendTo(out)
		case value.KString:
			out = append(out, chars(x.AsString())...)
		default:
			out = append(out, x)
		}
	}
	return value.NewVector(out), nil
}

// rangeInts is (range end), (range start end) or (range start end step):
// the integers from start (inclusive) toward end (exclusive) by step.
func rangeInts(rt value.Runtime, args []value.Value) (value.Value, error) {
	bounds := [3]int64{0, 0, 1} // start, end, step
	for i, x := range args {
		n, err := asInt("range", x)
		if err != nil {
			return value.Nil, err
		}
		bounds[i] = n
	}
	if len(args) == 1 {
		bounds[0], bounds[1] = 0, bounds[0]
	}
	start, end, step := bounds[0], bounds[1], bounds[2]
	if step == 0 {
		return value.Nil, value.Errorf(value.InvalidArgument, "range step must not be zero")
	}
	// Distances are computed in uint64 so that spans wider than int64
	// (range of MinInt64 to MaxInt64) neither overflow nor wrap.
	var n uint64
	switch {
	case step > 0 && end > start:
		n = (uint64(end)-uint64(start)-1)/uint64(step) + 1
	case step < 0 && end < start:
		n = (uint64(start)-uint64(end)-1)/(-uint64(step)) + 1
	}
	if n > maxCollectionLen {
		return value.Nil, tooLarge("range", n)
	}
	if err := value.Reserve(rt, int64(n)*value.ValueBytes); err != nil {
		return value.Nil, err
	}
	out := make([]value.Value, n)
	for i, x := 0, start; i < len(out); i, x = i+1, x+step {
		out[i] = value.Int(x)
	}
	return value.NewVector(out), nil
}

// numbers is the inclusive integer range [start, end].
func numbers(rt value.Runtime, args []value.Value) (value.Value, error) {
	start, err := asInt("numbers", args[0])
	if err != nil {
		return value.Nil, err
	}
	end, err := asInt("numbers", args[1])
	if err != nil {
		return value.Nil, err
	}
	if end < start {
		return value.EmptyVector, nil
	}
	if span := uint64(end) - uint64(start); span >= maxCollectionLen {
		return value.Nil, tooLarge("numbers", span+1)
	}
	if err := value.Reserve(rt, (end-start+1)*value.ValueBytes); err != nil {
		return value.Nil, err
	}
	out := make([]value.Value, end-start+1)
	for i := range out {
		out[i] = value.Int(start + int64(i))
	}
	return value.NewVector(out), nil
}

// clampCount reads the count argument of take/drop, clamped to [0, n].
func clampCount(op string, v value.Value, n int) (int, error) {
	k, err := asInt(op, v)
	if err != nil {
		return 0, err
	}
	return int(max(0, min(k, int64(n)))), nil
}

// take and drop share one shape: (op n coll) on a sequence or a string,
// cutting at element n.
func take(_ value.Runtime, args []value.Value) (value.Value, error) {
	return cut("take", args, true)
}

func drop(_ value.Runtime, args []value.Value) (value.Value, error) {
	return cut("drop", args, false)
}

func cut(op string, args []value.Value, keepFront bool) (value.Value, error) {
	switch coll := args[1]; coll.Kind() {
	case value.KVector, value.KList:
		items := coll.AsVector()
		n, err := clampCount(op, args[0], items.Len())
		if err != nil {
			return value.Nil, err
		}
		if keepFront {
			return items.Sub(0, n).WithKind(value.KVector), nil
		}
		return items.Sub(n, items.Len()).WithKind(value.KVector), nil
	case value.KString:
		s := coll.AsString()
		n, err := clampCount(op, args[0], charCount(s))
		if err != nil {
			return value.Nil, err
		}
		if keepFront {
			return value.String(s[:byteOffset(s, n)]), nil
		}
		return value.String(s[byteOffset(s, n):]), nil
	default:
		return value.Nil, value.TypeErr(op, "vector, list or string", coll)
	}
}

func subvec(_ value.Runtime, args []value.Value) (value.Value, error) {
	items, ok := seqOf(args[0])
	if !ok {
		return value.Nil, value.TypeErr("subvec", "vector or list", args[0])
	}
	start, err := asInt("subvec", args[1])
	if err != nil {
		return value.Nil, err
	}
	end := int64(items.Len())
	if len(args) == 3 {
		if end, err = asInt("subvec", args[2]); err != nil {
			return value.Nil, err
		}
	}
	if start < 0 || start > end || end > int64(items.Len()) {
		return value.Nil, value.Errorf(value.IndexOutOfBounds,
			"Index out of bounds in subvec: start %d, end %d, length %d", start, end, items.Len())
	}
	return items.Sub(int(start), int(end)).WithKind(value.KVector), nil
}

// seqOrString lifts an operation on a fresh slice of elements to vectors,
// lists (giving a vector) and strings (working on characters, giving a
// string).
func seqOrString(op string, f func([]value.Value) []value.Value) func(value.Runtime, []value.Value) (value.Value, error) {
	return func(rt value.Runtime, args []value.Value) (value.Value, error) {
		switch x := args[0]; x.Kind() {
		case value.KVector, value.KList:
			if err := value.Reserve(rt, int64(x.AsVector().Len())*value.ValueBytes); err != nil {
				return value.Nil, err
			}
			return value.NewVector(f(x.AsVector().Slice())), nil
		case value.KString:
			var b strings.Builder
			for _, c := range f(chars(x.AsString())) {
				b.WriteString(c.AsString())
			}
			return value.String(b.String()), nil
		default:
			return value.Nil, value.TypeErr(op, "vector, list or string", x)
		}
	}
}

func reverseValues(items []value.Value) []value.Value {
	slices.Reverse(items)
	return items
}

// sortBuiltin sorts a copy of a sequence or the characters of a string in
// the total order of value.Compare, stopping when the run ends.
func sortBuiltin(rt value.Runtime, args []value.Value) (value.Value, error) {
	var stopped error
	f := func(items []value.Value) []value.Value {
		stopped = sortValues(rt, items)
		return items
	}
	v, err := seqOrString("sort", f)(rt, args)
	if stopped != nil {
		return value.Nil, stopped
	}
	return v, err
}

// interrupt carries the run's end out of a sort in progress.
type interrupt struct{ err error }

// sortValues sorts items in place, asking the run every
// value.InterruptEvery comparisons whether it must stop: a sort of ten
// million values takes seconds.
func sortValues(rt value.Runtime, items []value.Value) (stopped error) {
	defer func() {
		if r := recover(); r != nil {
			i, ok := r.(interrupt)
			if !ok {
				panic(r)
			}
			stopped = i.err
		}
	}()
	compared := 0
	slices.SortStableFunc(items, func(a, b value.Value) int {
		if compared++; compared%value.InterruptEvery == 0 {
			if err := value.Interrupted(rt); err != nil {
				panic(interrupt{err})
			}
		}
		return value.Compare(a, b)
	})
	return nil
}

// distinctValues keeps the first of each group of equal elements.
func distinctValues(items []value.Value) []value.Value {
	seen := map[any]struct{}{}
	var out, unhashable []value.Value
	for _, x := range items {
		if key, ok := hashKey(x); ok {
			if _, dup := seen[key]; dup {
				continue
			}
			seen[key] = struct{}{}
		} else {
			if slices.ContainsFunc(unhashable, func(y value.Value) bool { return value.Equal(x, y) }) {
				continue
			}
			unhashable = append(unhashable, x)
		}
		out = append(out, x)
	}
	return out
}

// Wrappers keep values of different kinds apart as Go map keys.
type (
	nilKey     struct{}
	symbolKey  string
	builtinKey string
)

// hashKey maps a scalar to a Go map key such that two scalars have equal
// keys exactly when value.Equal holds (floats included: NaN is never equal
// to itself as a map key either, and 0.0 equals -0.0). Collections,
// closures and errors have no key and are compared with value.Equal.
func hashKey(v value.Value) (any, bool) {
	switch v.Kind() {
	case value.KNil:
		return nilKey{}, true
	case value.KBool:
		return v.AsBool(), true
	case value.KInt:
		return v.AsInt(), true
	case value.KFloat:
		return v.AsFloat(), true
	case value.KString:
		return v.AsString(), true
	case value.KSymbol:
		return symbolKey(v.AsString()), true
	case value.KKeyword:
		return v.AsKeyword(), true
	case value.KFunc:
		if b, ok := v.AsFunction().(*value.Builtin); ok {
			return builtinKey(b.Name), true
		}
	}
	return nil, false
}

func partition(_ value.Runtime, args []value.Value) (value.Value, error) {
	size, err := asInt("partition", args[0])
	if err != nil {
		return value.Nil, err
	}
	if size <= 0 {
		return value.Nil, value.TypeErr("partition", "positive integer", args[0])
	}
	items, ok := seqOf(args[1])
	if !ok {
		return value.Nil, value.TypeErr("partition", "vector or list", args[1])
	}
	chunks := make([]value.Value, 0, (int64(items.Len())+size-1)/size)
	for at := 0; at < items.Len(); at += int(size) {
		chunks = append(chunks, items.Sub(at, int(min(int64(at)+size, int64(items.Len())))).WithKind(value.KVector))
	}
	return value.NewVector(chunks), nil
}

// groupKey turns a value into a map key: keywords, strings and integers are
// themselves, anything else its str text.
func groupKey(v value.Value) value.Value {
	if value.ValidKey(v) {
		return v
	}
	return value.String(value.Str(v))
}

// grouper collects items under map keys, remembering first-seen order only
// long enough to build the (sorted) map.
type grouper struct {
	index  map[any]int
	keys   []value.Value
	groups [][]value.Value
}

func newGrouper() *grouper { return &grouper{index: map[any]int{}} }

// add files item under key, which must be a valid map key.
func (g *grouper) add(key, item value.Value) {
	h, _ := hashKey(key)
	i, ok := g.index[h]
	if !ok {
		i = len(g.keys)
		g.index[h] = i
		g.keys = append(g.keys, key)
		g.groups = append(g.groups, nil)
	}
	g.groups[i] = append(g.groups[i], item)
}

// toMap builds the map key -> summary(group).
func (g *grouper) toMap(summary func([]value.Value) value.Value) value.Value {
	entries := make([]value.MapEntry, len(g.keys))
	for i, k := range g.keys {
		entries[i] = value.MapEntry{Key: k, Val: summary(g.groups[i])}
	}
	return value.MapFromEntries(entries)
}

func frequencies(_ value.Runtime, args []value.Value) (value.Value, error) {
	var items []value.Value
	switch x := args[0]; x.Kind() {
	case value.KVector, value.KList:
		items = x.AsVector().Slice()
	case value.KString:
		items = chars(x.AsString())
	default:
		return value.Nil, value.TypeErr("frequencies", "vector, list or string", x)
	}
	g := newGrouper()
	for _, x := range items {
		g.add(groupKey(x), x)
	}
	return g.toMap(func(group []value.Value) value.Value { return value.Int(int64(len(group))) }), nil
}
