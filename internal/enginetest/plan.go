package enginetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/internal/wanterr"
	"github.com/rtfs-go/rtfs/value"
)

// planSource reads a file, fetches a URL and runs /bin/echo, one step
// each; DIR and URL are filled in.
const planSource = `(def input (step "read" (call :ccos.io.read-file {:path "DIR/input.txt"})))
(def fetched (step "fetch" (:body (call :ccos.network.http-fetch {:url "URL"}))))
(def echoed (step "echo" (:stdout (call :ccos.system.execute {:cmd "/bin/echo" :args ["echo:" input]}))))
{:input input :fetched fetched :echoed echoed}`

// planCapabilities are the capabilities the plan calls.
var planCapabilities = []string{"ccos.io.read-file", "ccos.network.http-fetch", "ccos.system.execute"}

// grant is what a run of the plan is allowed: the equivalent of the
// --net-allow, --fs-read and --context flags.
type grant struct {
	netAllow  []string
	fsRead    []string
	allowed   []string // the capability ids of a controlled context
	preflight bool     // refuse up front (the default of a run); false: at the call
}

// Plan runs a real plan end to end through the rtfs API: a file in a
// temporary directory, an HTTP server on 127.0.0.1 and /bin/echo, with the
// built-in capabilities, step profiles derived from what the steps reach
// and a causal chain, the calls that touch the OS in confined workers.
// With the right grant it succeeds; without network access, file access or
// the capabilities in the runtime context it is refused, by the pre-flight
// or at the call, with a SecurityViolation; every chain it writes
// verifies, and tampering with one is detected.
func Plan(t *testing.T, engine rtfs.Engine) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "input.txt"), []byte("from the file"), 0o644); err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "from the server")
	}))
	defer server.Close()
	src := strings.NewReplacer("DIR", dir, "URL", server.URL+"/data").Replace(planSource)
	granted := grant{netAllow: []string{"127.0.0.1"}, fsRead: []string{dir}, allowed: planCapabilities, preflight: true}

	t.Run("granted", func(t *testing.T) {
		v, log, err := runPlan(t, engine, src, granted)
		wantValue(t, v, err, `{:echoed "echo: from the file\n" :fetched "from the server" :input "from the file"}`)
		wantChain(t, log, chain.PlanCompleted, "")
		for _, step := range []string{"read", "fetch", "echo"} {
			if !hasRecord(t, log, chain.CapabilityCall, step) {
				t.Errorf("the chain has no capability call in step %q", step)
			}
		}
		tampered := bytes.Replace(log, []byte("from the server"), []byte("from elsewhere!"), 1)
		var verr *chain.VerifyError
		if err := chain.Verify(bytes.NewReader(tampered)); !errors.As(err, &verr) || verr.Problem != chain.Altered {
			t.Errorf("an edited record verifies: %v", err)
		}
		lines := bytes.SplitAfter(log, []byte("\n"))
		removed := bytes.Join(append(lines[:2:2], lines[3:]...), nil)
		if err := chain.Verify(bytes.NewReader(removed)); !errors.As(err, &verr) || verr.Problem != chain.OutOfSequence {
			t.Errorf("a chain without its third record verifies: %v", err)
		}
	})

	refusals := []struct {
		name, step, message string
		grant               grant
	}{
		{"without network access", "fetch", "ccos.network.http-fetch to " + strings.TrimPrefix(server.URL, "http://") + " is not allowed: network access is denied",
			grant{fsRead: granted.fsRead, allowed: planCapabilities}},
		{"without file access", "read", "ccos.io.read-file of " + dir + "/input.txt is not allowed: file system access is denied",
			grant{netAllow: granted.netAllow, allowed: planCapabilities}},
		{"without the capability in the runtime context", "echo", "operation call of capability ccos.system.execute is not allowed",
			grant{netAllow: granted.netAllow, fsRead: granted.fsRead, allowed: planCapabilities[:2]}},
		{"by the pre-flight", "", "reaches the network and no host is allowed",
			grant{fsRead: granted.fsRead, allowed: planCapabilities, preflight: true}},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			_, log, err := runPlan(t, engine, src, r.grant)
			where := `in step "` + r.step + `"`
			if r.grant.preflight {
				where = "Security violation: "
			}
			wanterr.Check(t, err, value.SecurityViolation, where, r.message)
			wantChain(t, log, chain.PlanAborted, r.message)
			if r.grant.preflight {
				if hasRecord(t, log, chain.PlanStepStarted, "read") {
					t.Errorf("a step ran although the pre-flight refused the plan:\n%s", log)
				}
				return
			}
			if !hasRecord(t, log, chain.SecurityViolation, r.step) {
				t.Errorf("the chain records no violation in step %q:\n%s", r.step, log)
			}
		})
	}
}

// runPlan runs src under g through the rtfs API, writing the causal chain,
// and returns the plan's value, the chain and the plan's error. On the VM
// the plan goes through a .rtfsb container first, as `rtfsc build` and
// `rtfsvm exec` take it.
func runPlan(t *testing.T, engine rtfs.Engine, src string, g grant) (value.Value, []byte, error) {
	t.Helper()
	p, err := rtfs.Compile("plan.rtfs", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if engine == rtfs.VM {
		data, err := p.Bytecode()
		if err != nil {
			t.Fatal(err)
		}
		if p, err = rtfs.Load(data); err != nil {
			t.Fatal(err)
		}
	}
	var log bytes.Buffer
	v, runErr := p.Run(context.Background(), rtfs.Options{
		Engine:      engine,
		Context:     rtfs.Context{Level: rtfs.Controlled, Allow: g.allowed},
		Grants:      rtfs.Grants{NetAllow: g.netAllow, FSRead: g.fsRead},
		Chain:       chain.NewWriter(&log),
		Stdout:      io.Discard,
		Stderr:      io.Discard,
		NoPreflight: !g.preflight,
	})
	var verr *value.Error
	if runErr != nil && !errors.As(runErr, &verr) {
		t.Fatalf("the run failed outside the plan: %v", runErr)
	}
	return v, log.Bytes(), runErr
}

// wantChain fails t unless log verifies and ends with a record of type
// last whose error holds message.
func wantChain(t *testing.T, log []byte, last chain.Type, message string) {
	t.Helper()
	summary, err := chain.Check(bytes.NewReader(log))
	if err != nil {
		t.Fatalf("the chain does not verify: %v\n%s", err, log)
	}
	if summary.LastType != last {
		t.Errorf("the chain ends with %s, want %s", summary.LastType, last)
	}
	if !bytes.Contains(log[bytes.LastIndexByte(log[:len(log)-1], '\n')+1:], []byte(message)) {
		t.Errorf("the last record lacks %q:\n%s", message, log)
	}
}

// hasRecord reports whether the chain log holds a record of type typ made
// in the step called step.
func hasRecord(t *testing.T, log []byte, typ chain.Type, step string) bool {
	t.Helper()
	for _, line := range bytes.Split(bytes.TrimSuffix(log, []byte("\n")), []byte("\n")) {
		var r chain.Record
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("a chain record does not decode: %v\n%s", err, line)
		}
		if r.Type == typ && r.Step == step {
			return true
		}
	}
	return false
}
