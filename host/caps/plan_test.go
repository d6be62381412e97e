package caps_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/parse"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/caps"
	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/interp"
)

// TestPlanThroughInterpreter runs a real plan through the interpreter with
// a PlanHost: files are written and read inside the allowed directory, an
// escape through ".." is refused and caught, and the causal chain of the
// run verifies.
func TestPlanThroughInterpreter(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	src := strings.ReplaceAll(`
(step "write" (call :ccos.io.write-file {:path "WORK/out.txt" :content "plan output"}))
(step "escape"
  (try (call :ccos.io.read-file {:path "WORK/../secret.txt"})
       (catch SecurityViolation e (getMessage e))))
(step "read" (call :ccos.io.read-file {:path "WORK/out.txt"}))`, "WORK", work)
	prog, errs := parse.Source("plan.rtfs", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var log, chainLog bytes.Buffer
	h, err := caps.NewPlanHost(caps.Config{
		Policy: host.StepProfile{FSPolicy: host.FSPolicy{Mode: host.FSReadWrite, Write: []string{work}}},
		Chain:  chain.NewWriter(&chainLog),
		Log:    &log,
		// The file capabilities' own checks are under test, in this
		// process; the kernel's are package sandbox's.
		Unconfined: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	h.StartPlan(ctx, "plan.rtfs")
	result, err := interp.Run(ctx, prog, interp.Options{Host: h, Context: host.NewContext(host.Full)})
	if err != nil {
		t.Fatal(err)
	}
	h.CompletePlan(ctx, result)
	if result.String() != `"plan output"` {
		t.Errorf("plan result %s", result)
	}
	if err := chain.Verify(bytes.NewReader(chainLog.Bytes())); err != nil {
		t.Fatalf("chain: %v\n%s", err, chainLog.String())
	}
	var table bytes.Buffer
	if err := chain.Show(&table, bytes.NewReader(chainLog.Bytes())); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"write" => nil`, `ccos.io.read-file denied: Security violation in step "escape"`, `"read" => "plan output"`} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("chain table lacks %q:\n%s", want, table.String())
		}
	}
	var violation chain.Record
	for _, line := range strings.Split(chainLog.String(), "\n") {
		if strings.Contains(line, `"type":"SecurityViolation"`) {
			if err := json.Unmarshal([]byte(line), &violation); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := "ccos.io.read-file of " + work + "/../secret.txt (resolved to " + dir + "/secret.txt) is outside the readable directories [" + work + "]"
	if violation.Step != "escape" || !strings.HasSuffix(violation.Error, want) {
		t.Errorf("violation record %+v\nwant error ending %q", violation, want)
	}
}
