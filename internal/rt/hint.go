package rt

import (
	"iter"

	"github.com/rtfs-go/rtfs/stdlib"
)

// SpecialForms are the heads the compiler treats as special forms (the
// parse package's test keeps this list and its own equal), offered with
// the builtins when a symbol is misspelled.
var SpecialForms = []string{
	"and", "call", "def", "defmacro", "defn", "defstruct", "do", "dotimes", "fn", "for", "get", "if", "let",
	"llm-execute", "match", "or", "parallel", "quote", "resource:ref", "step", "step-if", "step-loop",
	"step-parallel", "try",
}

// didYouMean is the hint of an undefined symbol: the special form,
// builtin or known name closest to name, when one is close enough to be a typo (an edit
// distance of at most a third of the name, rounded up, and at most 2; none
// for names shorter than 3, which are near everything).
func didYouMean(name string, known iter.Seq[string]) string {
	n := len([]rune(name))
	if n < 3 {
		return ""
	}
	best, bestDistance := "", min(2, (n+2)/3)+1
	consider := func(candidate string) {
		if d := editDistance(name, candidate); d < bestDistance {
			best, bestDistance = candidate, d
		}
	}
	for _, f := range SpecialForms {
		consider(f)
	}
	for _, b := range stdlib.All() {
		consider(b.Name)
	}
	if known != nil {
		for k := range known {
			consider(k)
		}
	}
	if best == "" {
		return ""
	}
	return "did you mean `" + best + "`?"
}

// editDistance is the Levenshtein distance of a and b, in runes.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur := make([]int, len(y)+1)
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(y)]
}
