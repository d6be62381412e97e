package bench

import (
	"testing"
	"time"
)

func TestFibWASM(t *testing.T) {
	ps, _ := Programs()
	for _, p := range ps {
		if p.Name != "fib30" {
			continue
		}
		run, err := p.Prepare(WASM)
		if err != nil {
			t.Fatal(err)
		}
		best := time.Hour
		for range 7 {
			s := time.Now()
			if err := run(); err != nil {
				t.Fatal(err)
			}
			best = min(best, time.Since(s))
		}
		t.Logf("%s %v", p.Name, best)
	}
}
