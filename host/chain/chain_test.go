package chain

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// sampleRun writes a small complete run and returns its lines (without
// newlines).
func sampleRun(t *testing.T) []string {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, rec := range []Record{
		{Type: PlanStarted, ActionID: "r-1", Plan: "plan.rtfs"},
		{Type: PlanStepStarted, ActionID: "r-2", ParentActionID: "r-1", Step: "fetch"},
		{Type: CapabilityCall, ActionID: "r-3", ParentActionID: "r-2", Capability: "ccos.echo", Arguments: []string{"1"}, Result: "1", DurationNS: 1200},
		{Type: SecurityViolation, ActionID: "r-4", ParentActionID: "r-2", Capability: "ccos.io.read-file", Error: "denied"},
		{Type: PlanStepCompleted, ActionID: "r-2", ParentActionID: "r-1", Step: "fetch", Result: "1"},
		{Type: PlanCompleted, ActionID: "r-1", Result: "1"},
	} {
		if err := w.Append(rec); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
}

func join(lines []string) string { return strings.Join(lines, "\n") + "\n" }

// reseal recomputes the hash of an edited line, as a forger would.
func reseal(t *testing.T, line string) string {
	t.Helper()
	body := line[:len(line)-hashSuffixLen] + "}"
	return string(sealLine([]byte(body)))
}

func TestRecordedChainVerifies(t *testing.T) {
	lines := sampleRun(t)
	sum, err := Check(strings.NewReader(join(lines)))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records != 6 || sum.LastSeq != 6 || sum.LastType != PlanCompleted || sum.HeadHash != lineHash([]byte(lines[5])) {
		t.Errorf("summary %+v", sum)
	}
	if !strings.Contains(lines[0], `"seq":1,`) || !strings.Contains(lines[0], `"prev_hash":"`+Genesis+`"`) {
		t.Errorf("first record %s", lines[0])
	}
	if !strings.HasSuffix(lines[0], `"}`) || !strings.Contains(lines[0][len(lines[0])-hashSuffixLen:], `,"hash":"`) {
		t.Errorf("the hash is not the last member: %s", lines[0])
	}
}

func TestTamperingIsDetected(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func([]string) []string
		line    int
		problem Problem
	}{
		{"edit a field", func(l []string) []string {
			l[2] = strings.Replace(l[2], `"result":"1"`, `"result":"2"`, 1)
			return l
		}, 3, Altered},
		{"edit a field and its hash", func(l []string) []string {
			l[2] = reseal(t, strings.Replace(l[2], `"result":"1"`, `"result":"2"`, 1))
			return l
		}, 4, BrokenLink},
		{"edit the hash", func(l []string) []string {
			last := l[1][len(l[1])-3]
			flipped := "0"
			if last == '0' {
				flipped = "1"
			}
			l[1] = l[1][:len(l[1])-3] + flipped + `"}`
			return l
		}, 2, Altered},
		{"delete a record", func(l []string) []string {
			return append(l[:2], l[3:]...)
		}, 3, OutOfSequence},
		{"delete a record and renumber the rest", func(l []string) []string {
			l = append(l[:2], l[3:]...)
			for i := 2; i < len(l); i++ {
				l[i] = reseal(t, strings.Replace(l[i], fmt.Sprintf(`"seq":%d,`, i+2), fmt.Sprintf(`"seq":%d,`, i+1), 1))
			}
			return l
		}, 3, BrokenLink},
		{"insert a copy", func(l []string) []string {
			return append(l[:3], append([]string{l[2]}, l[3:]...)...)
		}, 4, OutOfSequence},
		{"reorder two records", func(l []string) []string {
			l[2], l[3] = l[3], l[2]
			return l
		}, 3, OutOfSequence},
		{"not a record", func(l []string) []string {
			l[4] = "hello"
			return l
		}, 5, Malformed},
		{"unknown field", func(l []string) []string {
			l[0] = reseal(t, strings.Replace(l[0], `{"seq":1,`, `{"seq":1,"extra":1,`, 1))
			return l
		}, 1, Malformed},
		{"hash moved", func(l []string) []string {
			h := l[0][len(l[0])-hashSuffixLen+1 : len(l[0])-1]
			l[0] = "{" + h + "," + l[0][1:len(l[0])-hashSuffixLen] + "}"
			return l
		}, 1, Malformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Verify(strings.NewReader(join(c.tamper(sampleRun(t)))))
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("Verify = %v, want a VerifyError", err)
			}
			if ve.Line != c.line || ve.Problem != c.problem {
				t.Errorf("Verify = %v; want line %d %s", err, c.line, c.problem)
			}
			if errors.Is(err, ErrIncomplete) {
				t.Error("tampering reported as merely incomplete")
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("(line %d)", c.line)) {
				t.Errorf("message %q does not name line %d", err, c.line)
			}
		})
	}
}

func TestTruncationIsDetected(t *testing.T) {
	lines := sampleRun(t)
	whole := join(lines)

	midLine := whole[:len(whole)-20]
	err := Verify(strings.NewReader(midLine))
	var ve *VerifyError
	if !errors.As(err, &ve) || ve.Problem != Truncated || ve.Line != 6 {
		t.Errorf("cut mid-line: %v", err)
	}
	noNewline := strings.TrimSuffix(whole, "\n")
	if err := Verify(strings.NewReader(noNewline)); !errors.As(err, &ve) || ve.Problem != Truncated {
		t.Errorf("last newline removed: %v", err)
	}

	wholeRecords := join(lines[:4])
	err = Verify(strings.NewReader(wholeRecords))
	if !errors.Is(err, ErrIncomplete) || !errors.As(err, &ve) || ve.Line != 4 ||
		!strings.Contains(err.Error(), "ends with SecurityViolation, not PlanCompleted or PlanAborted") {
		t.Errorf("whole records cut: %v", err)
	}
	if err := Verify(strings.NewReader("")); !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty chain: %v", err)
	}
}

func TestConcurrentAppends(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				if err := w.Append(Record{Type: CapabilityCall, ActionID: fmt.Sprintf("a-%d-%d", g, i), Capability: "ccos.echo"}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := w.Append(Record{Type: PlanCompleted, ActionID: "p"}); err != nil {
		t.Fatal(err)
	}
	sum, err := Check(&buf)
	if err != nil || sum.Records != 401 {
		t.Errorf("Check = %+v, %v", sum, err)
	}
}

func TestOpenFileContinuesTheChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chain.jsonl")
	for run := range 2 {
		w, err := OpenFile(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, typ := range []Type{PlanStarted, PlanCompleted} {
			if err := w.Append(Record{Type: typ, ActionID: fmt.Sprintf("run%d", run)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.Append(Record{Type: PlanStarted}); err == nil {
			t.Error("append after Close succeeded")
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sum, err := Check(f); err != nil || sum.Records != 4 {
		t.Errorf("two appended runs: %+v, %v", sum, err)
	}

	incomplete := filepath.Join(t.TempDir(), "incomplete.jsonl")
	if err := os.WriteFile(incomplete, []byte(join(sampleRun(t)[:3])), 0o644); err != nil {
		t.Fatal(err)
	}
	// The run that wrote it died: the next run appends, and the file
	// verifies again once that run ends.
	w, err := OpenFile(incomplete, nil)
	if err != nil {
		t.Fatalf("OpenFile of a chain whose run died: %v", err)
	}
	for _, typ := range []Type{PlanStarted, PlanCompleted} {
		if err := w.Append(Record{Type: typ, ActionID: "next-1"}); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	data, _ := os.ReadFile(incomplete)
	if sum, err := Check(strings.NewReader(string(data))); err != nil || sum.Records != 5 {
		t.Errorf("a run appended after a dead one: %+v, %v", sum, err)
	}
	tampered := filepath.Join(t.TempDir(), "tampered.jsonl")
	lines := sampleRun(t)
	lines[1], lines[2] = lines[2], lines[1]
	if err := os.WriteFile(tampered, []byte(join(lines)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFile(tampered, nil); err == nil {
		t.Error("OpenFile accepted a tampered chain")
	}
}

// failAfter accepts n writes and fails every later one.
type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

func TestWriteFailureStopsTheWriter(t *testing.T) {
	w := NewWriter(&failAfter{n: 1})
	if err := w.Append(Record{Type: PlanStarted}); err != nil {
		t.Fatal(err)
	}
	if err := w.Append(Record{Type: PlanCompleted}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("second append: %v", err)
	}
	if err := w.Append(Record{Type: PlanCompleted}); err == nil || w.Err() == nil {
		t.Error("the writer went on after a failed write")
	}
}

func TestPrintedValue(t *testing.T) {
	short := `{:a 1}`
	if PrintedValue(short) != short {
		t.Error("a short value was changed")
	}
	long := strings.Repeat("é", MaxValueBytes) // two bytes each
	cut := PrintedValue(long)
	if !utf8.ValidString(cut) || !strings.HasSuffix(cut, fmt.Sprintf("…[%d bytes]", len(long))) || len(cut) > MaxValueBytes+32 {
		t.Errorf("cut value: %d bytes, valid %v, ends %q", len(cut), utf8.ValidString(cut), cut[len(cut)-20:])
	}
}

func TestShow(t *testing.T) {
	var out bytes.Buffer
	if err := Show(&out, strings.NewReader(join(sampleRun(t)))); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		"SEQ", "TYPE", "PARENT", "SUMMARY",
		"PlanStarted", "plan.rtfs",
		`"fetch" => 1`,
		"ccos.echo (1.2µs) 1 => 1",
		"ccos.io.read-file denied: denied",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Show output lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "\n"); n != 7 {
		t.Errorf("Show printed %d lines, want header + 6", n)
	}
	err := Show(&out, strings.NewReader(join(sampleRun(t))+"garbage\n"))
	if err == nil || !strings.Contains(err.Error(), "line 7") {
		t.Errorf("Show of a bad line: %v", err)
	}
}
