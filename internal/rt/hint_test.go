package rt

import (
	"testing"
)

func TestDidYouMean(t *testing.T) {
	for name, want := range map[string]string{
		"mathc": "did you mean `match`?", "lett": "did you mean `let`?", "strr": "did you mean `str`?",
		"filtr": "did you mean `filter`?", "x": "", "frobnicate": "", "reduse": "did you mean `reduce`?",
	} {
		if got := didYouMean(name); got != want {
			t.Errorf("didYouMean(%q) = %q, want %q", name, got, want)
		}
	}
}
