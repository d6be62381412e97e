package vm

import (
	"context"
	"testing"
)

func BenchmarkFib30(b *testing.B) {
	m := fibModule(30)
	for b.Loop() {
		if _, err := Run(context.Background(), m, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTailSum10M(b *testing.B) {
	m := sumModule(10_000_000)
	for b.Loop() {
		if _, err := Run(context.Background(), m, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
