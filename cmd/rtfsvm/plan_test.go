package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/stdlib"
)

const gatherReport = "../../testdata/plans/gather-report.rtfs"

// gatherFixture is what gather-report.rtfs needs: a directory with its
// input file and an HTTP server on loopback serving the document.
type gatherFixture struct {
	dir, input, url string
}

func newGatherFixture(t *testing.T) gatherFixture {
	t.Helper()
	dir := t.TempDir()
	input := filepath.Join(dir, "input.txt")
	if err := os.WriteFile(input, []byte("five words in this file"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/doc" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "the fetched document")
	}))
	t.Cleanup(srv.Close)
	return gatherFixture{dir: dir, input: input, url: srv.URL + "/doc"}
}

func (f gatherFixture) params() []string {
	return []string{"--param", "input-path=" + f.input, "--param", "doc-url=" + f.url}
}

func (f gatherFixture) grants() []string {
	return []string{
		"--context", "controlled",
		"--allow", "ccos.io.read-file,ccos.network.http-fetch,ccos.system.execute",
		"--fs-read", f.dir, "--net-allow", "127.0.0.1",
	}
}

func TestGatherReportPlan(t *testing.T) {
	f := newGatherFixture(t)
	want := `{:announcement "gathered 5 words" :confinement "NoNewPrivs:1 Seccomp:2" :doc "the fetched document" :input-words 5}` + "\n"
	// Which engine runs each step, as the chain records it: on the VM,
	// the sandboxed step runs in WASM, its exec call in a confined worker.
	stepEngines := map[string][]string{
		"vm":     {`"read-input" on vm`, `"fetch-doc" on vm`, `"announce" on wasm`},
		"wasm":   {`"read-input" on wasm`, `"fetch-doc" on wasm`, `"announce" on wasm`},
		"interp": {`"read-input" on interp`, `"fetch-doc" on interp`, `"announce" on interp`},
	}
	for _, engine := range []string{"vm", "wasm", "interp"} {
		t.Run(engine, func(t *testing.T) {
			chainFile := filepath.Join(t.TempDir(), "run.jsonl")
			args := append([]string{"exec", "--engine", engine, "--chain", chainFile}, f.grants()...)
			got := runCLI(t, "", append(append(args, f.params()...), gatherReport)...)
			if got.code != 0 || got.stdout != want || !strings.HasPrefix(got.stderr, "chain "+chainFile+": head ") {
				t.Fatalf("with the grants: exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
			}
			verify := runCLI(t, "", "chain", "verify", chainFile)
			if verify.code != 0 || !strings.Contains(verify.stdout, "intact") {
				t.Fatalf("chain verify: %+v", verify)
			}
			show := runCLI(t, "", "chain", "show", chainFile)
			for _, record := range append([]string{"PlanStarted", "StepProfileDerived", "PlanStepStarted", "CapabilityCall", "PlanStepCompleted", "PlanCompleted"}, stepEngines[engine]...) {
				if !strings.Contains(show.stdout, record) {
					t.Errorf("chain show lacks %s:\n%s", record, show.stdout)
				}
			}
			edited := editChain(t, chainFile, "the fetched document", "a forged document!!")
			tampered := runCLI(t, "", "chain", "verify", edited)
			if tampered.code == 0 || !strings.Contains(tampered.stderr, "line") {
				t.Errorf("an edited chain verified: %+v", tampered)
			}
		})
	}
}

// TestGatherReportFromBytecode runs the plan compiled to a .rtfsb file: the
// step table stores what each step reaches, and the profiles are derived
// under the flags of the run, so the grants given to exec decide.
func TestGatherReportFromBytecode(t *testing.T) {
	f := newGatherFixture(t)
	src, err := os.ReadFile(gatherReport)
	if err != nil {
		t.Fatal(err)
	}
	plan := compileTo(t, string(src))
	m, err := isa.Decode(mustRead(t, plan), stdlib.Has)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Steps) != 3 || !slices.Equal(m.Steps[1].Reach.Capabilities, []string{"ccos.network.http-fetch"}) {
		t.Fatalf("step table without what the steps reach: %+v", m.Steps)
	}
	granted := runCLI(t, "", append(append(append([]string{"exec"}, f.grants()...), f.params()...), plan)...)
	if granted.code != 0 || !strings.Contains(granted.stdout, ":input-words 5") {
		t.Errorf("with the grants: %+v", granted)
	}
	controlled := []string{"exec", "--context", "controlled", "--allow", "ccos.io.read-file,ccos.network.http-fetch,ccos.system.execute"}
	refused := runCLI(t, "", append(append(controlled, f.params()...), plan)...)
	if refused.code != 1 || !strings.Contains(refused.stderr, "error[SecurityViolation]") {
		t.Errorf("without the grants: %+v", refused)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestGatherReportRefusedWithoutGrants(t *testing.T) {
	f := newGatherFixture(t)
	tests := []struct {
		name string
		args []string
		rule string
	}{
		{"pure context", nil, "it would need: --context controlled --allow ccos.io.read-file"},
		{"pure context at the call", []string{"--no-preflight"}, "runtime context is pure"},
		{"capability not allowed", []string{"--context", "controlled", "--allow", "ccos.io.read-file", "--fs-read", f.dir}, "--allow ccos.network.http-fetch"},
		{"directory not granted", []string{"--context", "controlled", "--allow", "ccos.io.read-file,ccos.network.http-fetch,ccos.system.execute", "--net-allow", "127.0.0.1"}, "--fs-read DIR"},
		{"directory not granted at the call", []string{"--no-preflight", "--context", "controlled", "--allow", "ccos.io.read-file,ccos.network.http-fetch,ccos.system.execute", "--net-allow", "127.0.0.1"},
			`in step "read-input": ccos.io.read-file of`},
		{"host not granted", []string{"--context", "controlled", "--allow", "ccos.io.read-file,ccos.network.http-fetch,ccos.system.execute", "--fs-read", f.dir}, "--net-allow HOST"},
	}
	for _, tc := range tests {
		for _, engine := range []string{"vm", "interp"} {
			t.Run(tc.name+"/"+engine, func(t *testing.T) {
				chainFile := filepath.Join(t.TempDir(), "run.jsonl")
				args := append([]string{"exec", "--engine", engine, "--chain", chainFile}, tc.args...)
				got := runCLI(t, "", append(append(args, f.params()...), gatherReport)...)
				if got.code != 1 || !strings.Contains(got.stderr, "error[SecurityViolation]") || !strings.Contains(got.stderr, tc.rule) {
					t.Fatalf("exit %d, stderr %q; want a SecurityViolation naming %q", got.code, got.stderr, tc.rule)
				}
				show := runCLI(t, "", "chain", "show", chainFile)
				if !strings.Contains(show.stdout, "SecurityViolation") || !strings.Contains(show.stdout, "PlanAborted") {
					t.Errorf("the chain does not record the refusal:\n%s", show.stdout)
				}
				if verify := runCLI(t, "", "chain", "verify", chainFile); verify.code != 0 {
					t.Errorf("the chain of a refused run does not verify: %+v", verify)
				}
			})
		}
	}
}

// editChain writes a copy of the chain with old replaced by new (same
// length, so only the content changes) and returns its path.
func editChain(t *testing.T, path, old, new string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("the chain does not contain %q", old)
	}
	edited := filepath.Join(t.TempDir(), "edited.jsonl")
	if err := os.WriteFile(edited, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return edited
}

// TestPurePlans runs the plans of testdata/plans that need no grants
// on both engines.
func TestPurePlans(t *testing.T) {
	for _, engine := range []string{"vm", "interp"} {
		got := runCLI(t, "", "exec", "--engine", engine, "../../testdata/plans/pipeline.rtfs")
		want := "{:countdown [3 2 1] :level :high :max 31 :n 6 :sum 102}\n"
		if got.code != 0 || got.stdout != want {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", engine, got.code, got.stdout, got.stderr)
		}
	}
}

// TestWASMCache keeps compiled code in the directory --wasm-cache names,
// and none with off.
func TestWASMCache(t *testing.T) {
	for _, dir := range []string{t.TempDir(), "off"} {
		got := runCLI(t, "", "exec", "--engine", "wasm", "--wasm-cache", dir, "-e", "(defn sq [x] (* x x)) (sq 12)")
		if got.code != 0 || got.stdout != "144\n" {
			t.Fatalf("--wasm-cache %s: %+v", dir, got)
		}
		if dir == "off" {
			if _, err := os.Stat("off"); err == nil {
				t.Error("--wasm-cache off made a directory called off")
			}
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) == 0 {
			t.Errorf("--wasm-cache %s holds nothing: %v", dir, err)
		}
	}
}

// TestRefusalsHintTheFlags: a refused call says which flags would allow
// it, whether the runtime context, the file system or the network policy
// refused it (the last two in the confined worker).
func TestRefusalsHintTheFlags(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "in.txt")
	read := `(step "read" (call :ccos.io.read-file {:path "` + input + `"}))`
	for _, c := range []struct {
		args []string
		hint string
	}{
		{[]string{"--no-preflight", "-e", read}, "hint: allowed with --context controlled --allow ccos.io.read-file"},
		{[]string{"--no-preflight", "--context", "controlled", "--allow", "ccos.io.read-file", "-e", read}, "hint: allowed with --fs-read " + dir},
		{[]string{"--no-preflight", "--context", "full", "-e", `(call :ccos.network.http-fetch {:url "http://127.0.0.1:9/x"})`},
			"hint: allowed with --net-allow 127.0.0.1:9"},
	} {
		got := runCLI(t, "", append([]string{"exec"}, c.args...)...)
		if got.code != 1 || !strings.Contains(got.stderr, c.hint) {
			t.Errorf("%q: exit %d, stderr %q lacks %q", c.args, got.code, got.stderr, c.hint)
		}
	}
}
