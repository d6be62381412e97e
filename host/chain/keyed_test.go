package chain

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

// keyedRun writes the records of sampleRun to a keyed chain.
func keyedRun(t *testing.T, key []byte) []string {
	t.Helper()
	var buf bytes.Buffer
	w := NewKeyedWriter(&buf, key)
	for _, line := range sampleRun(t) {
		var rec Record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if err := w.Append(rec); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
}

// rewrite is what a forger without the key does: it applies edit to the
// records and writes them again as a fresh chain, every hash and link
// recomputed, MACs made with a key of its own.
func rewrite(t *testing.T, lines []string, edit func([]Record) []Record) string {
	t.Helper()
	var recs []Record
	for _, line := range lines {
		var rec Record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	var buf bytes.Buffer
	w := NewKeyedWriter(&buf, []byte("the forger's own key, not the chain's"))
	for _, rec := range edit(recs) {
		if err := w.Append(rec); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

func TestKeyedChainVerifies(t *testing.T) {
	lines := keyedRun(t, testKey)
	sum, err := CheckWith(strings.NewReader(join(lines)), CheckOptions{Key: testKey})
	if err != nil || !sum.Keyed || sum.Records != 6 {
		t.Fatalf("summary %+v, %v", sum, err)
	}
	for _, line := range lines {
		if !strings.Contains(line, `,"mac":"`) {
			t.Fatalf("a keyed record without a mac: %s", line)
		}
	}
	// Without the key only the hashes are checked.
	if sum, err := Check(strings.NewReader(join(lines))); err != nil || !sum.Keyed {
		t.Errorf("unkeyed check of a keyed chain: %+v, %v", sum, err)
	}
}

func TestRewritesFailWithTheKey(t *testing.T) {
	lines := keyedRun(t, testKey)
	rewrites := map[string]func([]Record) []Record{
		"edit":    func(r []Record) []Record { r[2].Result = "2"; return r },
		"delete":  func(r []Record) []Record { return append(r[:3:3], r[4:]...) },
		"reorder": func(r []Record) []Record { r[2], r[3] = r[3], r[2]; return r },
		"first":   func(r []Record) []Record { r[0].Plan = "other.rtfs"; return r },
		"forged run appended": func(r []Record) []Record {
			return append(r, Record{Type: PlanStarted, ActionID: "x-1"}, Record{Type: PlanCompleted, ActionID: "x-1"})
		},
	}
	for name, edit := range rewrites {
		forged := rewrite(t, lines, edit)
		if err := Verify(strings.NewReader(forged)); err != nil {
			t.Errorf("%s: without the key the rewrite should look intact: %v", name, err)
		}
		var verr *VerifyError
		if _, err := CheckWith(strings.NewReader(forged), CheckOptions{Key: testKey}); !errors.As(err, &verr) || verr.Problem != Forged {
			t.Errorf("%s: with the key: %v, want forged", name, err)
		}
	}
}

func TestHeadCatchesCutRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.jsonl")
	var heads []string
	for range 3 {
		w, err := OpenFile(path, testKey)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range []Record{{Type: PlanStarted, ActionID: "p"}, {Type: PlanCompleted, ActionID: "p"}} {
			if err := w.Append(rec); err != nil {
				t.Fatal(err)
			}
		}
		_, head := w.Head()
		heads = append(heads, head)
		w.Close()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	sum, err := CheckWith(bytes.NewReader(data), CheckOptions{Key: testKey, Head: heads[1]})
	if err != nil || sum.AnchorSeq != 4 {
		t.Fatalf("the second run's head: %+v, %v", sum, err)
	}
	var runs []string
	for _, line := range lines {
		var rec Record
		json.Unmarshal([]byte(line), &rec)
		if len(runs) == 0 || runs[len(runs)-1] != rec.Run {
			runs = append(runs, rec.Run)
		}
	}
	if len(runs) != 3 || runs[0] == runs[1] || runs[1] == runs[2] {
		t.Errorf("run ids %v, want three different", runs)
	}
	// Cutting the last run off leaves a chain that verifies, key and all,
	// but no longer holds the last head.
	cut := join(lines[:4])
	if err := verifyKeyed(cut); err != nil {
		t.Fatalf("the cut chain: %v", err)
	}
	var verr *VerifyError
	if _, err := CheckWith(strings.NewReader(cut), CheckOptions{Key: testKey, Head: heads[2]}); !errors.As(err, &verr) || verr.Problem != Unanchored {
		t.Errorf("the cut chain against the last head: %v, want unanchored", err)
	}
}

// verifyKeyed checks a chain text under testKey.
func verifyKeyed(text string) error {
	_, err := CheckWith(strings.NewReader(text), CheckOptions{Key: testKey})
	return err
}

func TestKeysAreNotMixed(t *testing.T) {
	dir := t.TempDir()
	keyed, unkeyed := filepath.Join(dir, "keyed.jsonl"), filepath.Join(dir, "unkeyed.jsonl")
	os.WriteFile(keyed, []byte(join(keyedRun(t, testKey))), 0o600)
	os.WriteFile(unkeyed, []byte(join(sampleRun(t))), 0o600)
	if _, err := OpenFile(keyed, nil); err == nil || !strings.Contains(err.Error(), "is keyed") {
		t.Errorf("continuing a keyed chain without its key: %v", err)
	}
	if _, err := OpenFile(unkeyed, testKey); err == nil || !strings.Contains(err.Error(), "not keyed") {
		t.Errorf("continuing an unkeyed chain with a key: %v", err)
	}
	if _, err := OpenFile(keyed, []byte("another key of thirty-two bytes!")); err == nil || !strings.Contains(err.Error(), "forged") {
		t.Errorf("continuing a keyed chain with another key: %v", err)
	}
}

func TestInterruptedCallIsReportedAndAppendable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.jsonl")
	w, err := OpenFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range []Record{
		{Type: PlanStarted, ActionID: "p"},
		{Type: CapabilityCallStarted, ActionID: "c", Capability: "ccos.system.execute", Call: 1, ArgumentsDigest: ArgumentsDigest([]string{`"ls"`})},
	} {
		if err := w.Append(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Close() // the run dies here
	data, _ := os.ReadFile(path)
	var verr *VerifyError
	if err := Verify(bytes.NewReader(data)); !errors.As(err, &verr) || verr.Problem != Interrupted || !errors.Is(err, ErrIncomplete) {
		t.Fatalf("a chain ending in a started call: %v", err)
	}
	w, err = OpenFile(path, nil)
	if err != nil {
		t.Fatalf("appending after an interrupted call: %v", err)
	}
	w.Append(Record{Type: PlanStarted, ActionID: "q"})
	w.Append(Record{Type: PlanCompleted, ActionID: "q"})
	w.Close()
	data, _ = os.ReadFile(path)
	if err := Verify(bytes.NewReader(data)); err != nil {
		t.Errorf("after the next run: %v", err)
	}
}

// Runs opening one chain file at once take turns on its lock: every run
// is there, whole, and the chain verifies.
func TestConcurrentRunsTakeTurns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.jsonl")
	const runs = 8
	var wg sync.WaitGroup
	errs := make(chan error, runs)
	for range runs {
		wg.Go(func() {
			w, err := OpenFile(path, testKey)
			if err != nil {
				errs <- err
				return
			}
			defer w.Close()
			for _, rec := range []Record{{Type: PlanStarted, ActionID: "p"}, {Type: PlanStepStarted, ActionID: "s"},
				{Type: PlanStepCompleted, ActionID: "s"}, {Type: PlanCompleted, ActionID: "p"}} {
				if err := w.Append(rec); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	data, _ := os.ReadFile(path)
	sum, err := CheckWith(bytes.NewReader(data), CheckOptions{Key: testKey})
	if err != nil || sum.Records != 4*runs {
		t.Errorf("after %d concurrent runs: %+v, %v", runs, sum, err)
	}
}

func TestErrorTextIsCapped(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Append(Record{Type: PlanAborted, ActionID: "p", Error: strings.Repeat("x", 3*MaxValueBytes)})
	var rec Record
	json.Unmarshal(buf.Bytes(), &rec)
	if len(rec.Error) > MaxValueBytes+32 || !strings.HasSuffix(rec.Error, "bytes]") {
		t.Errorf("an error of %d bytes is recorded as %d bytes", 3*MaxValueBytes, len(rec.Error))
	}
}
