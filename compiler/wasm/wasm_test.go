package wasm_test

import (
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/compiler/wasm"
	"github.com/rtfs-go/rtfs/internal/conformance"
)

// TestEveryConformanceProgramCompiles compiles each program of the corpus
// and prints its module, which decodes every function body again.
func TestEveryConformanceProgramCompiles(t *testing.T) {
	conformance.Each(t, "../../testdata/conformance", func(t *testing.T, c conformance.Case) {
		out, err := compiler.Compile(c.File, []byte(c.Source))
		if err != nil {
			return // the corpus's compile errors are the front end's tests
		}
		mod, err := wasm.Compile(out.Module, 0)
		if err != nil {
			t.Fatalf("compile: %v\n%s", err, c.Source)
		}
		var text strings.Builder
		if err := wasm.WriteText(&text, mod.Binary); err != nil {
			t.Fatalf("text: %v", err)
		}
		if functions := strings.Count(text.String(), "\n  (func "); functions != 2*(len(out.Module.Protos)+1) {
			t.Errorf("the text shows %d function lines, want a declaration and a body for each of %d functions",
				functions, len(out.Module.Protos)+1)
		}
	})
}

func TestTheSectionMustBeWhatTheBytecodeCompilesTo(t *testing.T) {
	out, err := compiler.Compile("plan.rtfs", []byte(`(defn f [x] (* x 2)) (step "s" (f 21))`))
	if err != nil {
		t.Fatal(err)
	}
	m := out.Module
	if mod, err := wasm.FromSection(m); mod != nil || err != nil {
		t.Fatalf("a module without the section: %v, %v", mod, err)
	}
	mod, err := wasm.Compile(m, 0)
	if err != nil {
		t.Fatal(err)
	}
	m.Sections = map[string][]byte{wasm.SectionName: mod.Marshal()}
	if got, err := wasm.FromSection(m); err != nil || string(got.Binary) != string(mod.Binary) {
		t.Fatalf("the module's own section: %v", err)
	}
	tampered := mod.Marshal()
	tampered[len(tampered)-3] ^= 0x40
	m.Sections[wasm.SectionName] = tampered
	if _, err := wasm.FromSection(m); err == nil || !strings.Contains(err.Error(), "not the module this bytecode compiles to") {
		t.Fatalf("a tampered section: %v", err)
	}
}
