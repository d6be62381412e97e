package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/internal/driver"
	"github.com/rtfs-go/rtfs/isa"
)

type cliResult struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"rtfsvm"}, args...), strings.NewReader(stdin), &out, &errOut)
	return cliResult{code, out.String(), errOut.String()}
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// compileTo compiles src as rtfsc build does and writes the module to a
// .rtfsb file.
func compileTo(t *testing.T, src string) string {
	t.Helper()
	p, err := rtfs.Compile("p.rtfs", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	data, err := p.Bytecode()
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "p.rtfsb", data)
}

func TestExec(t *testing.T) {
	src := writeFile(t, "plan.rtfs", []byte("(println \"hi\" 1)\n(defn f [x] (* x 2))\n(map f [1 2 3])\n"))
	bad := writeFile(t, "bad.rtfs", []byte("(defn f [x]\n  (+ x 2)))\n"))
	boom := writeFile(t, "boom.rtfs", []byte("(def x 1)\n  (/ x 0)\n"))
	loop := writeFile(t, "loop.rtfs", []byte("(defn spin [n] (spin (+ n 1)))\n(spin 0)\n"))
	bomb := writeFile(t, "bomb.rtfs", []byte("(defn grow [v] (grow (concat v v)))\n(grow [1 2 3 4 5 6 7 8])\n"))
	deep := writeFile(t, "deep.rtfs", []byte("(defn down [n] (+ 1 (down n)))\n(down 0)\n"))
	bytecode := compileTo(t, "(defn sq [x] (* x x)) (sq 12)")
	corrupt := writeFile(t, "c.rtfsb", []byte(isa.Magic+"\x01\x00garbage"))
	tests := []struct {
		name       string
		stdin      string
		args       []string
		code       int
		stdout     string
		stderrPart string
	}{
		{"source on the vm", "", []string{"exec", src}, 0, "hi 1\n[2 4 6]\n", ""},
		{"source on the interpreter", "", []string{"exec", "--engine", "interp", src}, 0, "hi 1\n[2 4 6]\n", ""},
		{"bytecode", "", []string{"exec", bytecode}, 0, "144\n", ""},
		{"stdin", "(+ 1 2)", []string{"exec", "-"}, 0, "3\n", ""},
		{"syntax error with caret", "", []string{"exec", bad}, 2, "", "bad.rtfs:2:11: error[ParseError]: unexpected ')'\n  2 |   (+ x 2)))\n    |           ^\n"},
		{"runtime error", "", []string{"exec", boom}, 1, "", "boom.rtfs:2:3: error[DivisionByZero]: Division by zero\n"},
		{"runtime error in the interpreter", "", []string{"exec", "--engine", "interp", boom}, 1, "", "boom.rtfs:2:3: error[DivisionByZero]"},
		{"timeout stops a runaway loop", "", []string{"exec", "--timeout", "100ms", loop}, 1, "", "error[Timeout]"},
		{"memory limit on the vm", "", []string{"exec", "--max-memory", "100000000", bomb}, 1, "", "error[MemoryExceeded]"},
		{"memory limit on the interpreter", "", []string{"exec", "--engine", "interp", "--max-memory", "100000000", bomb}, 1, "", "error[MemoryExceeded]"},
		{"depth limit", "", []string{"exec", "--max-depth", "500", deep}, 1, "", "error[StackOverflow]"},
		{"corrupt bytecode", "", []string{"exec", corrupt}, 2, "", "error: " + corrupt + ": not a valid rtfs bytecode file: "},
		{"interpreter refuses bytecode", "", []string{"exec", "--engine", "interp", bytecode}, 2, "", "runs source files"},
		{"unknown engine", "", []string{"exec", "--engine", "jit", src}, 2, "", "unknown engine"},
		{"missing file", "", []string{"exec", "/nonexistent.rtfs"}, 2, "", "no such file"},
		{"no file", "", []string{"exec"}, 2, "", "exactly one file"},
		{"bad context", "", []string{"exec", "--context", "root", src}, 2, "", "unknown runtime context"},
		{"security violation", "(call :ccos.io.log \"x\")", []string{"exec", "-"}, 1, "", "error[SecurityViolation]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := runCLI(t, tc.stdin, tc.args...)
			if got.code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", got.code, tc.code, got.stderr)
			}
			if got.stdout != tc.stdout {
				t.Errorf("stdout %q, want %q", got.stdout, tc.stdout)
			}
			if !strings.Contains(got.stderr, tc.stderrPart) || (tc.stderrPart == "" && got.stderr != "") {
				t.Errorf("stderr %q, want it to contain %q", got.stderr, tc.stderrPart)
			}
		})
	}
}

func TestVersionAndHelp(t *testing.T) {
	if got := runCLI(t, "", "--version"); got.code != 0 || !strings.Contains(got.stdout, "rtfsvm version") {
		t.Errorf("--version: %+v", got)
	}
	if got := runCLI(t, "", "exec", "--help"); got.code != 0 || !strings.Contains(got.stdout, "Examples:") {
		t.Errorf("exec --help: %+v", got)
	}
}

func TestDoctor(t *testing.T) {
	got := runCLI(t, "", "doctor")
	if got.code != 0 || !strings.Contains(got.stdout, "Landlock") || !strings.Contains(got.stdout, "confined worker") {
		t.Fatalf("doctor: %+v", got)
	}
	asJSON := runCLI(t, "", "doctor", "--json")
	var ms []struct {
		Name string `json:"name"`
		OK   bool   `json:"ok"`
	}
	if err := json.Unmarshal([]byte(asJSON.stdout), &ms); err != nil || len(ms) < 8 {
		t.Fatalf("doctor --json: %v\n%s", err, asJSON.stdout)
	}
}

// The conventions of a well-behaved CLI: one-line errors with where to
// look, exit 2 for what the user typed wrong, input that is not a program
// refused at once.
func TestCLIConventions(t *testing.T) {
	cases := []struct {
		args        []string
		code        int
		stdout      string
		stderrLines []string
	}{
		{[]string{"exec", "-e", "(map inc [1 2 3])"}, 0, "[2 3 4]\n", nil},
		{[]string{"exec", "-e", "(+ 1 2)", "x.rtfs"}, 2, "", []string{"not both"}},
		{[]string{"exec", "-e", "(let [x 1]\n  (+ x \"a\"))"}, 1, "", []string{
			`<-e>:2:3: error[TypeError]: Type error in +: expected number, got string`, `  2 |   (+ x "a"))`, `    |   ^`}},
		{[]string{"exec", "/bin/true"}, 2, "", []string{"/bin/true: not RTFS source: binary data"}},
		{[]string{"exec", "-e", "(mathc 1 [1] 2)"}, 1, "", []string{"Undefined symbol: mathc", "(mathc", "^", "= hint: did you mean `match`?"}},
		{[]string{"exec", "-e", "(frobnicate 1)"}, 1, "", []string{"Undefined symbol: frobnicate", "(frobnicate", "^"}},
		{[]string{"nosuch"}, 2, "", []string{`error: unknown command "nosuch"`, "see rtfsvm --help"}},
		{[]string{"exec", "--bogus", "x"}, 2, "", []string{"error: flag provided but not defined: -bogus", "see rtfsvm exec --help"}},
	}
	for _, c := range cases {
		got := runCLI(t, "", c.args...)
		lines := strings.Split(strings.TrimSuffix(got.stderr, "\n"), "\n")
		same := got.stderr == "" || len(lines) == len(c.stderrLines)
		for i, want := range c.stderrLines {
			same = same && i < len(lines) && strings.Contains(lines[i], want)
		}
		if got.code != c.code || got.stdout != c.stdout || !same {
			t.Errorf("rtfsvm %q: exit %d, stdout %q, stderr %q", c.args, got.code, got.stdout, got.stderr)
		}
	}
	if got := runCLI(t, "", "--version"); got.code != 0 || !strings.Contains(got.stdout, runtime.Version()) {
		t.Errorf("--version: %+v", got)
	}
}

// println output is written line by line, so that it stays in order with
// the log lines written on standard error.
func TestOutputInOrder(t *testing.T) {
	var both bytes.Buffer
	code := run([]string{"rtfsvm", "exec", "--context", "full", "-e",
		`(do (println "a") (call :ccos.io.log "b") (println "c") (call :ccos.io.log "d") :end)`}, strings.NewReader(""), &both, &both)
	if code != 0 || both.String() != "a\nb\nc\nd\n:end\n" {
		t.Errorf("exit %d, output %q", code, both.String())
	}
}

// --error-format json writes one JSON object per diagnostic, syntax and
// runtime errors alike.
func TestErrorFormatJSON(t *testing.T) {
	for src, want := range map[string][]driver.Diagnostic{
		"(lett [x 1] x)": {{Severity: "error", Kind: "UndefinedSymbol", Message: "Undefined symbol: lett", File: "<-e>", Line: 1, Col: 2, Hint: "did you mean `let`?"}},
		"(+ 1\n(let [x] x)": {
			{Severity: "error", Kind: "InvalidInput", Message: "let: binding symbol x has no value", File: "<-e>", Line: 2, Col: 7},
			{Severity: "error", Kind: "ParseError", Message: "unexpected end of input: '(' opened at 1:1 is never closed", File: "<-e>", Line: 2, Col: 12}},
	} {
		got := runCLI(t, "", "exec", "--error-format", "json", "-e", src)
		var diags []driver.Diagnostic
		for _, line := range strings.Split(strings.TrimSpace(got.stderr), "\n") {
			var d driver.Diagnostic
			if err := json.Unmarshal([]byte(line), &d); err != nil {
				t.Fatalf("%q: %v in %q", src, err, got.stderr)
			}
			diags = append(diags, d)
		}
		if got.code == 0 || !reflect.DeepEqual(diags, want) {
			t.Errorf("%q: exit %d, %+v", src, got.code, diags)
		}
	}
}

func TestCompletion(t *testing.T) {
	// urfave/cli reads the words to complete from os.Args: ask a process.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	complete := func(args ...string) string {
		cmd := exec.Command(self)
		cmd.Args = append(append([]string{"rtfsvm"}, args...), "--generate-bash-completion")
		cmd.Env = append(os.Environ(), asMain+"=1")
		out, _ := cmd.Output()
		return string(out)
	}
	if got := complete(); !strings.Contains(got, "exec\n") || !strings.Contains(got, "chain\n") {
		t.Errorf("the commands to complete: %q", got)
	}
	if got := complete("chain"); !strings.Contains(got, "verify\n") {
		t.Errorf("the chain subcommands to complete: %q", got)
	}
	if got := complete("exec", "--cha"); !strings.Contains(got, "--chain-key\n") {
		t.Errorf("the exec flags to complete: %q", got)
	}
	for shell, want := range map[string]string{"bash": "complete -o bashdefault -o default -F _rtfsvm_complete rtfsvm",
		"zsh": "compdef _rtfsvm rtfsvm", "fish": "complete -c rtfsvm"} {
		if got := runCLI(t, "", "completion", shell); got.code != 0 || !strings.Contains(got.stdout, want) {
			t.Errorf("completion %s: %+v", shell, got)
		}
	}
	if got := runCLI(t, "", "completion", "tcsh"); got.code != 2 {
		t.Errorf("completion tcsh: %+v", got)
	}
}

// A runtime error names the steps and the calls it was raised in,
// innermost first, the same on both engines; at most ten calls, then how
// many more.
func TestRuntimeErrorsShowTheCallChain(t *testing.T) {
	plan := writeFile(t, "chain.rtfs", []byte("(defn inner [x] (* x \"a\"))\n(defn outer [x] (+ 1 (inner x)))\n(outer 2)\n"))
	deep := writeFile(t, "deep.rtfs", []byte("(defn f [n] (if (= n 0) (/ 1 0) (+ 1 (f (- n 1)))))\n(f 20)\n"))
	for _, engine := range []string{"vm", "interp"} {
		got := runCLI(t, "", "exec", "--engine", engine, plan)
		want := "    = in inner, called at " + plan + ":2:22\n    = in outer, called at " + plan + ":3:1\n"
		if got.code != 1 || !strings.HasSuffix(got.stderr, want) {
			t.Errorf("%s: %q, want it to end with %q", engine, got.stderr, want)
		}
		got = runCLI(t, "", "exec", "--engine", engine, "-e", `(step "outer" (do 1 (step "inner" (/ 1 0))))`)
		if !strings.HasSuffix(got.stderr, "    = in step \"inner\" of step \"outer\"\n") {
			t.Errorf("%s: the step path in %q", engine, got.stderr)
		}
		got = runCLI(t, "", "exec", "--engine", engine, deep)
		if strings.Count(got.stderr, "= in f, called at") != 10 || !strings.HasSuffix(got.stderr, "= … and 11 more calls\n") {
			t.Errorf("%s, 21 calls deep: %q", engine, got.stderr)
		}
	}
}
