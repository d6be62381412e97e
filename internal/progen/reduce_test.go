package progen

import (
	"strings"
	"testing"
)

// sexp is a form of a generated program: an atom, or a list, vector, map
// or #( ) with its elements. The generator writes no comments, metadata or
// quasiquotes, so this little reader is enough for its output.
type sexp struct {
	atom  string
	open  string // "(", "[", "{" or "#("; empty for an atom
	elems []*sexp
}

var closer = map[string]string{"(": ")", "[": "]", "{": "}", "#(": ")"}

func (s *sexp) String() string {
	if s.open == "" {
		return s.atom
	}
	parts := make([]string, len(s.elems))
	for i, e := range s.elems {
		parts[i] = e.String()
	}
	return s.open + strings.Join(parts, " ") + closer[s.open]
}

// readForms reads the top-level forms of src.
func readForms(src string) []*sexp {
	root := &sexp{}
	stack := []*sexp{root}
	for i := 0; i < len(src); {
		top := stack[len(stack)-1]
		c := src[i]
		switch {
		case c == ' ' || c == '\n' || c == '\t':
			i++
		case c == '(' || c == '[' || c == '{' || strings.HasPrefix(src[i:], "#("):
			n := 1
			if c == '#' {
				n = 2
			}
			s := &sexp{open: src[i : i+n]}
			top.elems = append(top.elems, s)
			stack = append(stack, s)
			i += n
		case c == ')' || c == ']' || c == '}':
			stack = stack[:len(stack)-1]
			i++
		case c == '"':
			j := i + 1
			for src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			top.elems = append(top.elems, &sexp{atom: src[i : j+1]})
			i = j + 1
		default:
			j := i
			for j < len(src) && !strings.ContainsRune(" \n\t()[]{}\"", rune(src[j])) {
				j++
			}
			top.elems = append(top.elems, &sexp{atom: src[i:j]})
			i = j
		}
	}
	return root.elems
}

// reduce shrinks src while interesting holds: it deletes elements and
// replaces forms by their elements or by nil, until no single change
// keeps the program interesting.
func reduce(src string, interesting func(string) bool) string {
	root := &sexp{open: "(", elems: readForms(src)}
	text := func() string {
		var b strings.Builder
		for _, f := range root.elems {
			b.WriteString(f.String() + "\n")
		}
		return b.String()
	}
	for progress := true; progress; {
		progress = false
		for _, parent := range lists(root) {
			for i := 0; i < len(parent.elems); i++ {
				if tryChanges(parent, i, text, interesting) {
					progress = true
				}
			}
		}
	}
	return text()
}

// tryChanges tries to delete parent.elems[i], then to replace it by one
// of its elements or nil; it keeps the first change that shortens the
// program and keeps it interesting. (Changes to a form an earlier change
// removed do not shorten it.)
func tryChanges(parent *sexp, i int, text func() string, interesting func(string) bool) bool {
	before := len(text())
	saved := parent.elems
	without := append(append([]*sexp{}, saved[:i]...), saved[i+1:]...)
	candidates := [][]*sexp{without}
	replace := func(r *sexp) {
		c := append([]*sexp{}, saved...)
		c[i] = r
		candidates = append(candidates, c)
	}
	for _, e := range saved[i].elems {
		replace(e)
	}
	if saved[i].open != "" || saved[i].atom != "nil" {
		replace(&sexp{atom: "nil"})
	}
	for _, c := range candidates {
		parent.elems = c
		if s := text(); len(s) < before && interesting(s) {
			return true
		}
	}
	parent.elems = saved
	return false
}

// lists returns the forms with elements under s, s first.
func lists(s *sexp) []*sexp {
	if s.open == "" {
		return nil
	}
	out := []*sexp{s}
	for _, e := range s.elems {
		out = append(out, lists(e)...)
	}
	return out
}

func TestReduce(t *testing.T) {
	src := "(def a 1)\n(let [x [1 (/ 2 0) 3]] (println x) (+ x 1))\n"
	got := reduce(src, func(s string) bool { return strings.Contains(s, "(/ 2 0)") })
	if got != "(/ 2 0)\n" {
		t.Errorf("reduce kept %q", got)
	}
	if s := readForms(`(f "a \"b\" (" #(g %) [1 {:k "v"}])`)[0].String(); s != `(f "a \"b\" (" #(g %) [1 {:k "v"}])` {
		t.Errorf("read and printed back as %s", s)
	}
}
