package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/sandbox"
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

// Secrets in arguments and results (request and response headers, an
// exec environment, an environment variable read) reach the chain only as
// digests, unless --chain-redact none, which the chain then says. (What a
// plan derives from a secret and returns is its own: the steps here return
// lengths.)
func TestChainRedactsSecrets(t *testing.T) {
	if err := sandbox.Ready(); err != nil {
		t.Skip(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "session=cookie-secret-42")
		w.Write([]byte("authorized: " + strconv.FormatBool(r.Header.Get("Authorization") == "Bearer token-secret-99")))
	}))
	defer srv.Close()
	t.Setenv("RTFS_TEST_SECRET", "env-secret-17")
	plan := writeFile(t, "secrets.rtfs", []byte(`
(str (step "fetch" (:body (call :ccos.network.http-fetch {:url url :headers {"Authorization" "Bearer token-secret-99"}})))
     (step "run" (:stdout (call :ccos.system.execute {:cmd "/bin/sh" :args ["-c" "echo -n \" ${#T}\""] :env {"T" "exec-secret-23"}})))
     (step "env" (str " " (string-length (call :ccos.system.get-env "RTFS_TEST_SECRET")))))`))
	secrets := []string{"token-secret-99", "cookie-secret-42", "exec-secret-23", "env-secret-17"}
	for _, redact := range []string{"digest", "none"} {
		chainFile := filepath.Join(t.TempDir(), "run.jsonl")
		got := runCLI(t, "", "exec", "--context", "full", "--net-allow", "127.0.0.1", "--param", "url="+srv.URL,
			"--chain-redact", redact, "--chain", chainFile, plan)
		if got.code != 0 || got.stdout != "\"authorized: true 14 13\"\n" {
			t.Fatalf("--chain-redact %s: %+v", redact, got)
		}
		data, _ := os.ReadFile(chainFile)
		for _, secret := range secrets {
			if leaked := strings.Contains(string(data), secret); leaked != (redact == "none") {
				t.Errorf("--chain-redact %s: %q in the chain: %v", redact, secret, leaked)
			}
		}
		if says := strings.Contains(string(data), `"redaction":"none"`); says != (redact == "none") {
			t.Errorf("--chain-redact %s: the chain says redaction none: %v", redact, says)
		}
		if redact == "digest" && strings.Count(string(data), "redacted sha256:") != 4 {
			t.Errorf("want four redacted parts:\n%s", data)
		}
	}
}
