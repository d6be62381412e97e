package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A keyed chain from the command line: keygen, exec printing the head,
// verify with the key and the head, and a rewrite (here: the last run cut
// off) caught against the head.
func TestKeyedChainCommands(t *testing.T) {
	dir := t.TempDir()
	key, chainFile := filepath.Join(dir, "chain.key"), filepath.Join(dir, "run.jsonl")
	if got := runCLI(t, "", "chain", "keygen", key); got.code != 0 {
		t.Fatalf("keygen: %+v", got)
	}
	if info, err := os.Stat(key); err != nil || info.Size() != 32 || info.Mode().Perm() != 0o600 {
		t.Fatalf("the key file: %v, %v", info, err)
	}
	plan := writeFile(t, "plan.rtfs", []byte(`(step "one" (+ 1 2))`))
	var heads []string
	for range 2 {
		got := runCLI(t, "", "exec", "--chain", chainFile, "--chain-key", key, plan)
		_, head, ok := strings.Cut(got.stderr, ": head ")
		if got.code != 0 || !ok {
			t.Fatalf("exec: %+v", got)
		}
		heads = append(heads, strings.Fields(head)[0])
	}
	got := runCLI(t, "", "chain", "verify", "--key", key, "--head", heads[0], chainFile)
	if got.code != 0 || !strings.Contains(got.stdout, "every MAC checked") || !strings.Contains(got.stdout, "head found") {
		t.Fatalf("verify with key and head: %+v", got)
	}
	if got := runCLI(t, "", "exec", "--chain", chainFile, plan); got.code == 0 || !strings.Contains(got.stderr, "is keyed") {
		t.Errorf("exec on a keyed chain without the key: %+v", got)
	}
	// The second run starts at the record whose prev_hash is the first
	// run's head.
	data, _ := os.ReadFile(chainFile)
	first, _, ok := strings.Cut(string(data), `"prev_hash":"`+heads[0]+`"`)
	if !ok {
		t.Fatalf("no record follows the first head:\n%s", data)
	}
	half := filepath.Join(dir, "cut.jsonl")
	os.WriteFile(half, []byte(first[:strings.LastIndex(first, "\n")+1]), 0o600)
	if got := runCLI(t, "", "chain", "verify", "--key", key, half); got.code != 0 {
		t.Fatalf("the first run alone verifies: %+v", got)
	}
	if got := runCLI(t, "", "chain", "verify", "--key", key, "--head", heads[1], half); got.code == 0 || !strings.Contains(got.stderr, "unanchored") {
		t.Errorf("the cut chain against the last head: %+v", got)
	}
}

// A plan granted the chain's directory could rewrite its own chain.
func TestChainInsideAGrantIsRefused(t *testing.T) {
	dir := t.TempDir()
	plan := writeFile(t, "plan.rtfs", []byte(`(+ 1 2)`))
	for _, grant := range []string{"--fs-write", "--fs-read"} {
		got := runCLI(t, "", "exec", grant, dir, "--chain", filepath.Join(dir, "sub", "..", "run.jsonl"), plan)
		if got.code == 0 || !strings.Contains(got.stderr, "inside the file-system grant") {
			t.Errorf("%s over the chain's directory: %+v", grant, got)
		}
	}
}
