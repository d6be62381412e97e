package driver

import "testing"

func TestColour(t *testing.T) {
	report := "f.rtfs:1:2: error[UndefinedSymbol]: Undefined symbol: lett\n  1 | (lett [x 1] x)\n    |  ^\n    = hint: did you mean `let`?\n    = in f, called at f.rtfs:3:1"
	want := "f.rtfs:1:2: \x1b[1m\x1b[31merror[UndefinedSymbol]\x1b[0m: Undefined symbol: lett\n  1 | (lett [x 1] x)\n    |  \x1b[1m\x1b[31m^\x1b[0m\n" +
		"\x1b[36m    = hint: did you mean `let`?\x1b[0m\n    = in f, called at f.rtfs:3:1"
	if got := colour(report); got != want {
		t.Errorf("colour:\n%q\nwant\n%q", got, want)
	}
	if got := colour("f.rtfs:1:1: warning[ArityMismatch]: x"); got != "f.rtfs:1:1: \x1b[1m\x1b[33mwarning[ArityMismatch]\x1b[0m: x" {
		t.Errorf("a warning: %q", got)
	}
}
