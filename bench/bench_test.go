package bench

import (
	"slices"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/parse"
	"github.com/rtfs-go/rtfs/value"
)

// quickPrograms are the programs cheap enough on the interpreter to check on
// both engines in every test run; make bench checks the others.
var quickPrograms = []string{"fib25", "strings"}

func loadPrograms(tb testing.TB) []Program {
	tb.Helper()
	programs, err := Programs()
	if err != nil {
		tb.Fatal(err)
	}
	return programs
}

func TestQuickPrograms(t *testing.T) {
	programs := loadPrograms(t)
	for _, name := range quickPrograms {
		i := slices.IndexFunc(programs, func(p Program) bool { return p.Name == name })
		if i < 0 {
			t.Fatalf("no program %s in bench/programs", name)
		}
		for _, e := range []Engine{Interp, VM} {
			t.Run(name+"/"+e.Name, func(t *testing.T) {
				run, err := programs[i].Prepare(e)
				if err != nil {
					t.Fatal(err)
				}
				if err := run(); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// TestProgramsParse checks that every program, the slow ones too, parses
// and names its expected value.
func TestProgramsParse(t *testing.T) {
	for _, p := range loadPrograms(t) {
		if _, err := p.Parse(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
}

// TestGenerate checks that a generated program is as long as asked and
// runs to the same integer on both engines, so that the compile-time
// measurements are of a program that means something.
func TestGenerate(t *testing.T) {
	const lines = 300
	src := Generate(lines)
	if n := strings.Count(string(src), "\n"); n < lines {
		t.Fatalf("generated %d lines, want at least %d", n, lines)
	}
	prog, errs := parse.Source(generatedFile, src)
	if err := firstError(errs); err != nil {
		t.Fatal(err)
	}
	var results []value.Value
	for _, e := range []Engine{Interp, VM} {
		run, err := e.Prepare(prog)
		if err != nil {
			t.Fatal(err)
		}
		v, err := run()
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		results = append(results, v)
	}
	if results[0].TypeName() != "integer" || results[0].String() != results[1].String() {
		t.Errorf("interp gives %s, vm %s; want the same integer", results[0], results[1])
	}
}

func BenchmarkInterp(b *testing.B) { benchmarkEngine(b, Interp) }

func BenchmarkVM(b *testing.B) { benchmarkEngine(b, VM) }

func benchmarkEngine(b *testing.B, e Engine) {
	for _, p := range loadPrograms(b) {
		b.Run(p.Name, func(b *testing.B) {
			run, err := p.Prepare(e)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParse(b *testing.B) { benchmarkPhase(b, ParseOnly) }

func BenchmarkCompile(b *testing.B) { benchmarkPhase(b, ParseCompile) }

// benchmarkPhase measures phase on a generated program of CompileLines
// lines and reports its speed in lines per second.
func benchmarkPhase(b *testing.B, phase Phase) {
	src := Generate(CompileLines)
	lines := strings.Count(string(src), "\n")
	b.ReportAllocs()
	for b.Loop() {
		if err := phase.Run(src); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
