package caps

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/wanterr"
	"github.com/rtfs-go/rtfs/value"
)

func TestLoadExampleManifest(t *testing.T) {
	caps, err := LoadManifest("../../testdata/capabilities/example.json")
	if err != nil {
		t.Fatal(err)
	}
	th := newTestHost(t, host.StepProfile{}, caps...)
	if v := th.mustCall(t, "example.text.shout", str("hello, world")); v.String() != `"HELLO, WORLD"` {
		t.Errorf("shout = %s", v)
	}
	_, err = th.call("example.text.shout")
	wanterr.Check(t, err, value.ArityMismatch, "example.text.shout", "expected 1, got 0")
	hostname, _ := os.Hostname()
	if v := th.mustCall(t, "example.sys.hostname"); v.AsString() != hostname {
		t.Errorf("hostname = %s, want %q", v, hostname)
	}
	if effects, _ := th.Registry().Effects("example.sys.hostname"); len(effects) != 1 || effects[0] != host.EffectEnv {
		t.Errorf("declared effects = %v", effects)
	}
}

// writeManifest writes a manifest and a script beside it; the script is
// /bin/sh code.
func writeManifest(t *testing.T, manifest string, scripts map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "caps.json")
	if err := os.WriteFile(path, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUserCapabilityProtocol(t *testing.T) {
	path := writeManifest(t, `{"capabilities": [
		{"id": "t.args", "command": ["./args.sh"]},
		{"id": "t.fail", "command": ["./fail.sh"]},
		{"id": "t.silent", "command": ["./silent.sh"]},
		{"id": "t.garbage", "command": ["./garbage.sh"]},
		{"id": "t.slow", "command": ["./slow.sh"], "timeout_ms": 200},
		{"id": "t.io", "command": ["./silent.sh"], "effects": ["network"]}
	]}`, map[string]string{
		// Returns its stdin (the arguments array) unchanged.
		"args.sh":    "cat\n",
		"fail.sh":    "echo 'quota exhausted' >&2; exit 4\n",
		"silent.sh":  "cat >/dev/null\n",
		"garbage.sh": "echo '{not json'\n",
		"slow.sh":    "sleep 5\n",
	})
	caps, err := LoadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	th := newTestHost(t, host.StepProfile{ResourceLimits: host.ResourceLimits{MaxIOOperations: 1}}, caps...)
	v := th.mustCall(t, "t.args", value.Int(1), str("two"), value.Kw("three"), opts("k", []string{"v"}), value.Nil)
	if v.String() != `[1 "two" "three" {"k" ["v"]} nil]` {
		t.Errorf("arguments round trip = %s", v)
	}
	_, err = th.call("t.fail", value.Int(1))
	wanterr.Check(t, err, value.Generic, "t.fail failed with exit status 4: quota exhausted")
	if v := th.mustCall(t, "t.silent"); !v.IsNil() {
		t.Errorf("empty output = %s, want nil", v)
	}
	_, err = th.call("t.garbage")
	wanterr.Check(t, err, value.Generic, "t.garbage returned a result that is not JSON")
	_, err = th.call("t.slow")
	wanterr.Check(t, err, value.Generic, "t.slow", "timed out after 200ms")
	_, err = th.call("t.args", value.Float(math.Inf(1)))
	wanterr.Check(t, err, value.Generic, "cannot pass the arguments as JSON")
	// Declared I/O effects count against max_io_operations like a
	// built-in's.
	th.mustCall(t, "t.io")
	_, err = th.call("t.io")
	wanterr.Check(t, err, value.SecurityViolation, "t.io would exceed the limit of 1 I/O operations")
}

func TestLoadManifestErrors(t *testing.T) {
	cases := map[string]struct {
		manifest string
		want     []string
	}{
		"not JSON":       {`{"capabilities": [`, []string{"unexpected EOF"}},
		"unknown field":  {`{"capabilities": [{"id": "a.b", "command": ["./ok.sh"], "effect": []}]}`, []string{`unknown field "effect"`}},
		"trailing data":  {`{"capabilities": []} {}`, []string{"data after the manifest object"}},
		"unknown effect": {`{"capabilities": [{"id": "a.b", "command": ["./ok.sh"], "effects": ["netwrk"]}]}`, []string{`capability 1 (a.b): unknown effect "netwrk" (known: clock, env, exec, fs-read, fs-write, network, random)`}},
		"effect twice":   {`{"capabilities": [{"id": "a.b", "command": ["./ok.sh"], "effects": ["env", "env"]}]}`, []string{"effect env is listed twice"}},
		"duplicate id": {`{"capabilities": [{"id": "a.b", "command": ["./ok.sh"]}, {"id": "a.b", "command": ["./ok.sh"]}]}`,
			[]string{"capability 2 (a.b): id a.b is declared twice"}},
		"built-in id":        {`{"capabilities": [{"id": "ccos.echo", "command": ["./ok.sh"]}]}`, []string{"capability 1 (ccos.echo): id ccos.echo is a built-in capability"}},
		"missing id":         {`{"capabilities": [{"command": ["./ok.sh"]}]}`, []string{`capability 1: "id" is missing`}},
		"id with space":      {`{"capabilities": [{"id": "a b", "command": ["./ok.sh"]}]}`, []string{`id "a b" contains spaces`}},
		"missing command":    {`{"capabilities": [{"id": "a.b"}]}`, []string{`"command" is missing`}},
		"missing program":    {`{"capabilities": [{"id": "a.b", "command": ["./nope.sh"]}]}`, []string{"nope.sh: no such file or directory"}},
		"not executable":     {`{"capabilities": [{"id": "a.b", "command": ["./caps.json"]}]}`, []string{"caps.json is not an executable file"}},
		"not in PATH":        {`{"capabilities": [{"id": "a.b", "command": ["rtfs-no-such-program"]}]}`, []string{"command rtfs-no-such-program is not in PATH"}},
		"bad arity":          {`{"capabilities": [{"id": "a.b", "command": ["./ok.sh"], "min_args": 2, "max_args": 1}]}`, []string{"bad arity: min_args 2, max_args 1"}},
		"bad sensitive path": {`{"capabilities": [{"id": "a.b", "command": ["./ok.sh"], "sensitive": ["headers..x"]}]}`, []string{`sensitive path "headers..x"`}},
		"negative timeout": {`{"capabilities": [{"id": "a.b", "command": ["./ok.sh"], "timeout_ms": -1}]}`,
			[]string{"timeout_ms -1 is negative"}},
		"every problem is reported": {`{"capabilities": [{"id": "a.b", "command": ["./ok.sh"], "effects": ["x"]}, {"id": "c.d"}]}`,
			[]string{`capability 1 (a.b): unknown effect "x"`, `capability 2 (c.d): "command" is missing`}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := writeManifest(t, c.manifest, map[string]string{"ok.sh": "echo 1\n"})
			caps, err := LoadManifest(path)
			if err == nil {
				t.Fatalf("loaded %d capabilities, want an error", len(caps))
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the manifest", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	if _, err := LoadManifest(filepath.Join(t.TempDir(), "none.json")); err == nil || !strings.Contains(err.Error(), "none.json") {
		t.Errorf("missing manifest: %v", err)
	}
}
