package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/stdlib"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append([]string{"rtfsc"}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeSource(t *testing.T, dir, name, src string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBuildWritesAVerifiedModule(t *testing.T) {
	dir := t.TempDir()
	src := writeSource(t, dir, "plan.rtfs", "(defn sq [x] (* x x))\n(step \"square\" (sq 7))\n")
	if code, _, stderr := runCLI(t, "build", src); code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "plan.rtfsb"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := isa.Decode(data, stdlib.Has)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Steps) != 1 || m.Steps[0].Name != "square" {
		t.Errorf("step table %+v, want the step \"square\"", m.Steps)
	}
	out := filepath.Join(dir, "other.rtfsb")
	if code, _, stderr := runCLI(t, "build", "-o", out, src); code != 0 {
		t.Fatalf("build -o: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("-o did not write %s: %v", out, err)
	}
}

func TestCheckReportsEveryError(t *testing.T) {
	dir := t.TempDir()
	good := writeSource(t, dir, "good.rtfs", "(+ 1 2)")
	bad := writeSource(t, dir, "bad.rtfs", "(let x 5)\n(if)\n(+ 1 2))\n")
	if code, stdout, _ := runCLI(t, "check", good); code != 0 || stdout != good+": ok\n" {
		t.Errorf("check good: exit %d, stdout %q", code, stdout)
	}
	code, _, stderr := runCLI(t, "check", bad)
	if code != 2 {
		t.Errorf("check bad: exit %d, want 2", code)
	}
	for _, want := range []string{"bad.rtfs:1:1: error[InvalidInput]", "bad.rtfs:2:1: error[InvalidInput]", "bad.rtfs:3:8: error[ParseError]: unexpected ')'"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("check bad: stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestDisasm(t *testing.T) {
	dir := t.TempDir()
	src := writeSource(t, dir, "f.rtfs", "(defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))\n(fib 10)\n")
	code, stdout, stderr := runCLI(t, "disasm", src)
	if code != 0 {
		t.Fatalf("disasm: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"fib", "IFLT", "CALL", "RETURN"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("disasm output lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, stderr := runCLI(t, "build", src); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	code, fromBytecode, _ := runCLI(t, "disasm", filepath.Join(dir, "f.rtfsb"))
	if code != 0 || fromBytecode != stdout {
		t.Errorf("disasm of the .rtfsb differs from disasm of the source")
	}
}

// TestDisasmWASM prints the WebAssembly a .rtfsb carries: the same module
// the source compiles to.
func TestDisasmWASM(t *testing.T) {
	dir := t.TempDir()
	src := writeSource(t, dir, "f.rtfs", "(defn sq [x] (* x x))\n(sq 7)\n")
	code, fromSource, stderr := runCLI(t, "disasm", "--wasm", src)
	if code != 0 {
		t.Fatalf("disasm --wasm: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"(module", `(import "rtfs" "op"`, "call_indirect", "i64.mul", `(export "call"`} {
		if !strings.Contains(fromSource, want) {
			t.Errorf("disasm --wasm output lacks %q:\n%s", want, fromSource)
		}
	}
	if code, _, stderr := runCLI(t, "build", src); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	code, fromBytecode, _ := runCLI(t, "disasm", "--wasm", filepath.Join(dir, "f.rtfsb"))
	if code != 0 || fromBytecode != fromSource {
		t.Errorf("disasm --wasm of the .rtfsb differs from that of the source")
	}
}

func TestBadBytecode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.rtfsb")
	if err := os.WriteFile(path, []byte(isa.Magic+"\x01\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "disasm", path)
	if code != 2 || !strings.HasPrefix(stderr, "error: "+path+": not a valid rtfs bytecode file: ") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestParseJSON(t *testing.T) {
	dir := t.TempDir()
	plan := writeSource(t, dir, "plan.rtfs", `(defn sq [x] (* x x)) (step "s" (sq 7))`)
	code, stdout, stderr := runCLI(t, "parse", "--json", plan)
	if code != 0 || !strings.Contains(stdout, `"format": "rtfs-forms/1"`) {
		t.Fatalf("parse --json: %d %s %s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "parse", plan); code == 0 || !strings.Contains(stderr, "--json") {
		t.Errorf("parse without --json: %d %s", code, stderr)
	}
	bad := writeSource(t, dir, "bad.rtfs", "(+ 1")
	if code, _, stderr := runCLI(t, "parse", "--json", bad); code == 0 || !strings.Contains(stderr, "bad.rtfs:1:") {
		t.Errorf("parse of a syntax error: %d %s", code, stderr)
	}
	// The JSON is a program rtfsc compiles like the source.
	doc := writeSource(t, dir, "plan.json", stdout)
	if code, stdout, stderr := runCLI(t, "check", doc); code != 0 || !strings.Contains(stdout, "ok") {
		t.Errorf("check of the JSON forms: %d %s %s", code, stdout, stderr)
	}
}

func TestBuildFromStandardInput(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"rtfsc", "build", "-"}, strings.NewReader("(+ 40 2)"), &out, &errOut); code != 0 || !rtfs.IsBytecode(out.Bytes()) {
		t.Fatalf("build - : exit %d, %d bytes, %s", code, out.Len(), errOut.String())
	}
	if _, err := os.Stat("<stdin>.rtfsb"); err == nil {
		t.Error("build - wrote <stdin>.rtfsb")
	}
}

func TestCheckWarns(t *testing.T) {
	dir := t.TempDir()
	plan := writeSource(t, dir, "plan.rtfs", "(defn f [x]\n  (inc x 2))")
	code, stdout, stderr := runCLI(t, "check", plan)
	if code != 0 || !strings.Contains(stdout, "ok") ||
		!strings.Contains(stderr, "plan.rtfs:2:3: warning[ArityMismatch]: Arity mismatch in inc: expected 1, got 2\n  2 |   (inc x 2))\n    |   ^") {
		t.Errorf("check: %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "check", "--Werror", plan); code != 2 || !strings.Contains(stderr, "1 warnings") {
		t.Errorf("check --Werror: %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "check", "--error-format", "json", plan); code != 0 || !strings.Contains(stderr, `"severity":"warning","kind":"ArityMismatch"`) {
		t.Errorf("check --error-format json: %d %q", code, stderr)
	}
}

func TestCheckWarnsOfUndeclaredCapabilities(t *testing.T) {
	dir := t.TempDir()
	plan := writeSource(t, dir, "plan.rtfs", "(step \"fetch\" (call :ccos.nowhere.thing 1))\n(call :ccos.echo 1)\n")
	code, _, stderr := runCLI(t, "check", plan)
	if code != 0 || stderr != plan+": warning[UnknownCapability]: step \"fetch\" calls ccos.nowhere.thing, which no capability declares\n" {
		t.Errorf("check: %d %q", code, stderr)
	}
}

func TestFmt(t *testing.T) {
	dir := t.TempDir()
	messy := writeSource(t, dir, "messy.rtfs", "(defn f [x]\n(if x   \n      1\n  2))\n")
	tidy := writeSource(t, dir, "tidy.rtfs", "(defn f [x]\n  (if x\n    1\n    2))\n")
	if code, stdout, _ := runCLI(t, "fmt", messy); code != 0 || stdout != "(defn f [x]\n  (if x\n    1\n    2))\n" {
		t.Errorf("fmt: %d %q", code, stdout)
	}
	if code, stdout, stderr := runCLI(t, "fmt", "--check", messy, tidy); code != 2 || stdout != messy+"\n" || !strings.Contains(stderr, "1 files are not formatted") {
		t.Errorf("fmt --check: %d %q %q", code, stdout, stderr)
	}
	if code, _, _ := runCLI(t, "fmt", "-w", messy); code != 0 {
		t.Fatalf("fmt -w: %d", code)
	}
	if code, _, _ := runCLI(t, "fmt", "--check", messy, tidy); code != 0 {
		t.Errorf("fmt --check after -w: %d", code)
	}
	bad := writeSource(t, dir, "bad.rtfs", "(+ 1\n")
	if code, _, stderr := runCLI(t, "fmt", bad); code != 2 || !strings.Contains(stderr, "does not read") {
		t.Errorf("fmt of a syntax error: %d %q", code, stderr)
	}
}
