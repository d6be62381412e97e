package parse

import (
	"slices"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/value"
)

// The reader leaves metadata as a prefix form FMeta{meta} standing before
// what it annotates. attachSeq joins each prefix to the forms it applies to,
// giving one FMeta element in its place:
//
//	^{...} x                   -> FMeta{map, x}
//	^:delegation :local        -> FMeta{:delegation, :local}
//	^:delegation :remote "id"  -> FMeta{:delegation, :remote, "id"}
//
// Attaching runs once over the whole file before anything is built, so an
// FMeta the builder meets, macro expansions included, always has its
// operands.

// attachSeq attaches metadata in a sequence of forms and, recursively, in
// every form of it. It works backwards, so that what a prefix annotates is
// already attached when the prefix is reached, chains of prefixes included.
func (b *builder) attachSeq(forms []*syntax.Form) []*syntax.Form {
	var rev []*syntax.Form // the attached forms after position i, nearest last
	for i := len(forms) - 1; i >= 0; i-- {
		f := forms[i]
		if f.Kind != syntax.FMeta || len(f.Elems) != 1 {
			rev = append(rev, b.attach(f))
			continue
		}
		var following []*syntax.Form
		for k := 1; k <= 2 && k <= len(rev); k++ {
			following = append(following, rev[len(rev)-k])
		}
		used := b.metaOperands(f, following)
		if used == 0 {
			continue // reported; the prefix is dropped
		}
		attached := &syntax.Form{Kind: syntax.FMeta, Pos: f.Pos,
			Elems: append([]*syntax.Form{b.attach(f.Elems[0])}, following[:used]...)}
		rev = append(rev[:len(rev)-used], attached)
	}
	slices.Reverse(rev)
	return rev
}

// metaOperands returns how many of the forms following the metadata prefix
// f belong to it: the annotated form for a map, the target (and id) for
// :delegation; 0 when the metadata is malformed, which it reports.
func (b *builder) metaOperands(f *syntax.Form, following []*syntax.Form) int {
	if f.Elems[0].Kind == syntax.FMap {
		if len(following) == 0 {
			b.report(f, value.ParseError, "metadata ^{...} must be followed by a form")
			return 0
		}
		return 1
	}
	if !isKeyword(f.Elems[0], "delegation") {
		// Reported at the reader's position, so the two reports merge.
		b.report(f, value.ParseError, "metadata must be a map ^{...} or ^:delegation")
		return 0
	}
	if len(following) == 0 {
		b.report(f, value.ParseError, "^:delegation must be followed by :local, :local-model or :remote")
		return 0
	}
	target, _ := keywordName(following[0])
	switch target {
	case "local":
		return 1
	case "local-model", "remote":
		// The model id is optional, as in the reference grammar.
		if len(following) > 1 && following[1].Kind == syntax.FString {
			return 2
		}
		return 1
	}
	b.report(following[0], value.ParseError, "^:delegation: expected :local, :local-model or :remote, got %s", describe(following[0]))
	return 0
}

// attach attaches metadata inside f.
func (b *builder) attach(f *syntax.Form) *syntax.Form {
	if len(f.Elems) == 0 {
		return f
	}
	c := *f
	c.Elems = b.attachSeq(f.Elems)
	return &c
}

// fnMetadata consumes the metadata standing after fn/defn: delegation hints
// go to fn, `^{...}` maps are returned to be wrapped around the result. The
// map metadata was attached to the form after it (the name or the
// parameters), which takes its place in the returned arguments.
func (b *builder) fnMetadata(fn *ast.Fn, args []*syntax.Form) (rest []*syntax.Form, maps []*syntax.Form) {
	for len(args) > 0 && args[0].Kind == syntax.FMeta {
		m := args[0]
		if m.Elems[0].Kind == syntax.FMap {
			maps = append(maps, m)
			args = append([]*syntax.Form{m.Elems[1]}, args[1:]...)
			continue
		}
		target, _ := keywordName(m.Elems[1])
		fn.Delegation = &ast.Delegation{Target: target}
		if len(m.Elems) > 2 {
			fn.Delegation.ID = m.Elems[2].Val.AsString()
		}
		args = args[1:]
	}
	return args, maps
}

// wrapMeta wraps node in the `^{...}` metadata maps, innermost last.
func (b *builder) wrapMeta(node ast.Node, maps []*syntax.Form) ast.Node {
	for i := len(maps) - 1; i >= 0; i-- {
		keys, vals := b.mapEntries(maps[i].Elems[0])
		node = &ast.Meta{At: at(maps[i]), Keys: keys, Vals: vals, Expr: node}
	}
	return node
}
