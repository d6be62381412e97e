package rt

import (
	"slices"
	"testing"
)

func TestDidYouMean(t *testing.T) {
	for name, want := range map[string]string{
		"mathc": "did you mean `match`?", "lett": "did you mean `let`?", "strr": "did you mean `str`?",
		"filtr": "did you mean `filter`?", "x": "", "frobnicate": "", "reduse": "did you mean `reduce`?",
	} {
		if got := didYouMean(name, nil); got != want {
			t.Errorf("didYouMean(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestDidYouMeanKnownNames(t *testing.T) {
	known := slices.Values([]string{"word-count", "total"})
	if got := didYouMean("word-cout", known); got != "did you mean `word-count`?" {
		t.Errorf("a program's own name: %q", got)
	}
}
