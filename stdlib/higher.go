package stdlib

import (
	"slices"

	"github.com/rtfs-go/rtfs/value"
)

// The higher-order builtins call their function argument through the
// engine (value.Runtime.Call), so closures, builtins and keywords all behave
// as in a direct call. They are never Pure: what they return depends on the
// function they are given.
var higherOrderBuiltins = []*value.Builtin{
	{Name: "map", MinArgs: 2, MaxArgs: 2, Fn: mapEach},
	{Name: "filter", MinArgs: 2, MaxArgs: 2, Fn: selectBy("filter", true)},
	{Name: "remove", MinArgs: 2, MaxArgs: 2, Fn: selectBy("remove", false)},
	{Name: "reduce", MinArgs: 2, MaxArgs: 3, Fn: reduce},
	{Name: "apply", MinArgs: 2, MaxArgs: variadic, Fn: apply},
	{Name: "map-indexed", MinArgs: 2, MaxArgs: 2, Fn: mapIndexed},
	{Name: "group-by", MinArgs: 2, MaxArgs: 2, Fn: groupBy},
	{Name: "every?", MinArgs: 2, MaxArgs: 2, Fn: quantifier("every?", false)},
	{Name: "some?", MinArgs: 2, MaxArgs: 2, Fn: quantifier("some?", true)},
	{Name: "update", MinArgs: 3, MaxArgs: variadic, Fn: update},
	{Name: "sort-by", MinArgs: 2, MaxArgs: 2, Fn: sortBy},
}

// caller applies one function value repeatedly, reusing its argument
// buffer: the engine does not keep the slice it is given.
type caller struct {
	rt    value.Runtime
	fn    value.Value
	buf   [2]value.Value
	calls int
}

func newCaller(rt value.Runtime, fn value.Value) *caller { return &caller{rt: rt, fn: fn} }

// A builtin function called back does not go through the engine's loop,
// which polls for the run's end: every value.InterruptEvery calls the
// caller asks the engine itself.
func (c *caller) interrupted() error {
	if c.calls++; c.calls%value.InterruptEvery == 0 {
		return value.Interrupted(c.rt)
	}
	return nil
}

func (c *caller) call1(x value.Value) (value.Value, error) {
	if err := c.interrupted(); err != nil {
		return value.Nil, err
	}
	c.buf[0] = x
	return c.rt.Call(c.fn, c.buf[:1])
}

func (c *caller) call2(x, y value.Value) (value.Value, error) {
	if err := c.interrupted(); err != nil {
		return value.Nil, err
	}
	c.buf[0], c.buf[1] = x, y
	return c.rt.Call(c.fn, c.buf[:2])
}

// elementsOf returns what a higher-order function iterates: the elements of
// a vector or list, or the characters of a string.
func elementsOf(op string, coll value.Value) (*value.Vector, error) {
	switch coll.Kind() {
	case value.KVector, value.KList:
		return coll.AsVector(), nil
	case value.KString:
		return value.NewVector(chars(coll.AsString())).AsVector(), nil
	}
	return nil, value.TypeErr(op, "vector, list or string", coll)
}

func mapEach(rt value.Runtime, args []value.Value) (value.Value, error) {
	items, err := elementsOf("map", args[1])
	if err != nil {
		return value.Nil, err
	}
	if err := value.Reserve(rt, int64(items.Len())*value.ValueBytes); err != nil {
		return value.Nil, err
	}
	c := newCaller(rt, args[0])
	out := make([]value.Value, items.Len())
	for i, x := range items.All() {
		if out[i], err = c.call1(x); err != nil {
			return value.Nil, err
		}
	}
	return value.NewVector(out), nil
}

// selectBy is filter (keep items whose predicate result is truthy, giving a
// vector) or remove (drop them; a list stays a list).
func selectBy(op string, keepTruthy bool) func(value.Runtime, []value.Value) (value.Value, error) {
	return func(rt value.Runtime, args []value.Value) (value.Value, error) {
		coll := args[1]
		items, err := elementsOf(op, coll)
		if err != nil {
			return value.Nil, err
		}
		c := newCaller(rt, args[0])
		var out []value.Value
		for _, x := range items.All() {
			r, err := c.call1(x)
			if err != nil {
				return value.Nil, err
			}
			if r.Truthy() == keepTruthy {
				out = append(out, x)
			}
		}
		if !keepTruthy && coll.Kind() == value.KList {
			return value.NewList(out), nil
		}
		return value.NewVector(out), nil
	}
}

// reduce is (reduce f coll) or (reduce f init coll). Its failures on the
// collection are Generic errors, as in the reference.
func reduce(rt value.Runtime, args []value.Value) (value.Value, error) {
	coll := args[len(args)-1]
	if !coll.IsSeq() && coll.Kind() != value.KString {
		return value.Nil, value.Errorf(value.Generic,
			"reduce expects a vector, list or string as its last argument, got %s", coll.TypeName())
	}
	items, _ := elementsOf("reduce", coll)
	var acc value.Value
	if len(args) == 3 {
		acc = args[1]
	} else {
		if items.Len() == 0 {
			return value.Nil, value.Errorf(value.Generic, "reduce on empty collection with no initial value")
		}
		acc, items = items.Nth(0), items.Sub(1, items.Len())
	}
	c := newCaller(rt, args[0])
	for _, x := range items.All() {
		var err error
		if acc, err = c.call2(acc, x); err != nil {
			return value.Nil, err
		}
	}
	return acc, nil
}

// apply calls f with the middle arguments followed by the spread last one:
// a sequence's elements, a map's keys and values alternately (in map
// order), a string's characters, or nothing for nil.
func apply(rt value.Runtime, args []value.Value) (value.Value, error) {
	fixed, spread := args[1:len(args)-1], args[len(args)-1]
	callArgs := make([]value.Value, 0, len(fixed)+8)
	callArgs = append(callArgs, fixed...)
	switch spread.Kind() {
	case value.KVector, value.KList:
		callArgs = spread.AsVector().AppendTo(callArgs)
	case value.KMap:
		for e := range spread.AsMap().Entries() {
			callArgs = append(callArgs, e.Key, e.Val)
		}
	case value.KString:
		callArgs = append(callArgs, chars(spread.AsString())...)
	case value.KNil:
	default:
		return value.Nil, value.TypeErr("apply", "vector, list, map, string or nil", spread)
	}
	return rt.Call(args[0], callArgs)
}

// mapIndexed calls (f index item); a list gives a list, anything else a
// vector.
func mapIndexed(rt value.Runtime, args []value.Value) (value.Value, error) {
	coll := args[1]
	items, err := elementsOf("map-indexed", coll)
	if err != nil {
		return value.Nil, err
	}
	if err := value.Reserve(rt, int64(items.Len())*value.ValueBytes); err != nil {
		return value.Nil, err
	}
	c := newCaller(rt, args[0])
	out := make([]value.Value, items.Len())
	for i, x := range items.All() {
		if out[i], err = c.call2(value.Int(int64(i)), x); err != nil {
			return value.Nil, err
		}
	}
	if coll.Kind() == value.KList {
		return value.NewList(out), nil
	}
	return value.NewVector(out), nil
}

// groupBy maps (f item) to the vector of items giving it; results that are
// not valid map keys are keyed by their str text.
func groupBy(rt value.Runtime, args []value.Value) (value.Value, error) {
	items, err := elementsOf("group-by", args[1])
	if err != nil {
		return value.Nil, err
	}
	c := newCaller(rt, args[0])
	g := newGrouper()
	for _, x := range items.All() {
		k, err := c.call1(x)
		if err != nil {
			return value.Nil, err
		}
		g.add(groupKey(k), x)
	}
	return g.toMap(value.NewVector), nil
}

// quantifier is every? (stops at the first falsy result) or some? (stops at
// the first truthy one); both answer a boolean.
func quantifier(op string, stopWhen bool) func(value.Runtime, []value.Value) (value.Value, error) {
	return func(rt value.Runtime, args []value.Value) (value.Value, error) {
		items, err := elementsOf(op, args[1])
		if err != nil {
			return value.Nil, err
		}
		c := newCaller(rt, args[0])
		for _, x := range items.All() {
			r, err := c.call1(x)
			if err != nil {
				return value.Nil, err
			}
			if r.Truthy() == stopWhen {
				return value.Bool(stopWhen), nil
			}
		}
		return value.Bool(!stopWhen), nil
	}
}

// update is (update coll key f & extra): the entry (or existing vector
// index) key replaced by (f old extra...). f may also be a string naming a
// builtin.
func update(rt value.Runtime, args []value.Value) (value.Value, error) {
	coll, key := args[0], args[1]
	fn, err := resolveFunction(args[2])
	if err != nil {
		return value.Nil, err
	}
	callArgs := make([]value.Value, len(args)-2)
	copy(callArgs[1:], args[3:])
	switch coll.Kind() {
	case value.KMap:
		if err := checkKey("update", key); err != nil {
			return value.Nil, err
		}
		m := coll.AsMap()
		callArgs[0], _ = m.Get(key)
		updated, err := rt.Call(fn, callArgs)
		if err != nil {
			return value.Nil, err
		}
		return value.MapOf(m.Assoc(key, updated)), nil
	case value.KVector, value.KList:
		index, err := asInt("update", key)
		if err != nil {
			return value.Nil, err
		}
		items := coll.AsVector()
		if index < 0 || index >= int64(items.Len()) {
			return value.Nil, indexOutOfBounds("update", index, items.Len())
		}
		callArgs[0] = items.Nth(int(index))
		updated, err := rt.Call(fn, callArgs)
		if err != nil {
			return value.Nil, err
		}
		return items.Assoc(int(index), updated).WithKind(value.KVector), nil
	default:
		return value.Nil, value.TypeErr("update", "map or vector", coll)
	}
}

// resolveFunction turns a string naming a builtin into that builtin; any
// other value is left for the engine's call to accept or reject.
func resolveFunction(f value.Value) (value.Value, error) {
	if f.Kind() != value.KString {
		return f, nil
	}
	b := Lookup(f.AsString())
	if b == nil {
		return value.Nil, value.Errorf(value.UndefinedSymbol, "Undefined symbol: %s", f.AsString())
	}
	return value.Func(b), nil
}

// sortBy orders the items by (keyfn item), stably, using the total order of
// sort.
func sortBy(rt value.Runtime, args []value.Value) (value.Value, error) {
	items, err := elementsOf("sort-by", args[1])
	if err != nil {
		return value.Nil, err
	}
	c := newCaller(rt, args[0])
	type keyed struct{ key, item value.Value }
	pairs := make([]keyed, items.Len())
	for i, x := range items.All() {
		k, err := c.call1(x)
		if err != nil {
			return value.Nil, err
		}
		pairs[i] = keyed{k, x}
	}
	slices.SortStableFunc(pairs, func(a, b keyed) int { return value.Compare(a.key, b.key) })
	out := make([]value.Value, len(pairs))
	for i, p := range pairs {
		out[i] = p.item
	}
	return value.NewVector(out), nil
}
