package progen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
)

func TestScratchSweep(t *testing.T) {
	from, _ := strconv.Atoi(os.Getenv("FROM"))
	secs, _ := strconv.Atoi(os.Getenv("SECS"))
	end := time.Now().Add(time.Duration(secs) * time.Second)
	n := 0
	for seed := uint64(from); time.Now().Before(end); seed++ {
		cfg := DefaultConfig()
		cfg.MaxDepth = 2 + int(seed%4)
		src := Generate(rand.New(rand.NewPCG(seed, 0)), cfg)
		checkProgram(t, fmt.Sprintf("seed %d nesting %d", seed, cfg.MaxDepth), src, int(seed/4%40))
		n++
	}
	t.Logf("%d programs", n)
}
