package chain

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Problem says what is wrong with a record.
type Problem string

// The problems Verify reports.
const (
	// Malformed: the line is not a record (bad JSON, unknown field or type,
	// bad timestamp, hash member missing or not last).
	Malformed Problem = "malformed"
	// Altered: the line's content does not match its own hash.
	Altered Problem = "altered"
	// OutOfSequence: seq is not the one expected at this position, so records
	// were removed, inserted or reordered before this line.
	OutOfSequence Problem = "out of sequence"
	// BrokenLink: prev_hash is not the hash of the line before, so the line
	// before was changed, removed, inserted or moved.
	BrokenLink Problem = "broken link"
	// Truncated: the last line is cut off (it has no newline).
	Truncated Problem = "truncated"
	// Incomplete: every record verifies but the chain does not end with
	// PlanCompleted or PlanAborted: whole records are missing at the end, or
	// the run that wrote it never finished.
	Incomplete Problem = "incomplete"
	// Interrupted: every record verifies and the last is a
	// CapabilityCallStarted: the run died during an effect, which may or
	// may not have happened.
	Interrupted Problem = "interrupted"
	// Forged: checked with a key, the record's mac is missing or was not
	// made with the key.
	Forged Problem = "forged"
	// Unanchored: checked against a head, no record has the head's hash:
	// records were cut off the end or rewritten from some point on.
	Unanchored Problem = "unanchored"
)

// ErrIncomplete matches (errors.Is) the error Verify returns for a chain
// that is intact but does not end with PlanCompleted or PlanAborted
// (Incomplete or Interrupted): one a later run may append to.
var ErrIncomplete = errors.New("causal chain incomplete")

// VerifyError names the first record that failed verification.
type VerifyError struct {
	Line    int   // 1-based line number of the bad record (for Incomplete: the last line, 0 if none)
	Seq     int64 // the seq expected at that line
	Problem Problem
	Detail  string
}

func (e *VerifyError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("causal chain %s: %s", e.Problem, e.Detail)
	}
	return fmt.Sprintf("causal chain record %d (line %d) %s: %s", e.Seq, e.Line, e.Problem, e.Detail)
}

// Is makes errors.Is(err, ErrIncomplete) hold for an Incomplete or
// Interrupted error.
func (e *VerifyError) Is(target error) bool {
	return target == ErrIncomplete && (e.Problem == Incomplete || e.Problem == Interrupted)
}

// Summary describes a chain that verified.
type Summary struct {
	Records  int
	LastSeq  int64
	LastType Type
	// HeadHash is the SHA-256 of the last line: the prev_hash the next
	// record must carry. Keeping it apart from the chain lets a later
	// Verify detect a chain rewritten from some record onwards.
	HeadHash string
	// Keyed says whether the records carry MACs (checked only when
	// CheckWith was given the key); HeadMAC is the last record's mac.
	Keyed   bool
	HeadMAC string
	// AnchorSeq is the seq of the record whose hash is CheckOptions.Head.
	AnchorSeq int64
}

// CheckOptions are what CheckWith checks a chain against besides itself.
type CheckOptions struct {
	// Key, when set, is the chain's key: every record must carry a mac
	// made with it.
	Key []byte
	// Head, when set, is a head hash kept from an earlier run: some record
	// must have it.
	Head string
}

// Verify reads a chain from r and checks every record: each line is a
// well-formed record, its hash matches its content, seq counts up from 1,
// prev_hash links each line to the one before (Genesis for the first), the
// last line is whole, and the last record is PlanCompleted or PlanAborted.
// It returns nil or a *VerifyError for the first problem found; an intact
// chain that does not end a plan gives an error matching ErrIncomplete.
func Verify(r io.Reader) error {
	_, err := Check(r)
	return err
}

// Check is Verify that also describes what it verified. The Summary covers
// the records read before the first problem.
func Check(r io.Reader) (Summary, error) { return CheckWith(r, CheckOptions{}) }

// CheckWith is Check that also checks every record's mac under opts.Key
// and that the chain holds the head opts.Head.
func CheckWith(r io.Reader, opts CheckOptions) (Summary, error) {
	br := bufio.NewReader(r)
	sum := Summary{HeadHash: Genesis, HeadMAC: Genesis}
	for line := 1; ; line++ {
		text, readErr := br.ReadBytes('\n')
		if len(text) == 0 && readErr == io.EOF {
			break
		}
		if readErr != nil && readErr != io.EOF {
			return sum, fmt.Errorf("reading causal chain: %w", readErr)
		}
		want := sum.LastSeq + 1
		fail := func(p Problem, format string, args ...any) (Summary, error) {
			return sum, &VerifyError{Line: line, Seq: want, Problem: p, Detail: fmt.Sprintf(format, args...)}
		}
		if readErr == io.EOF {
			return fail(Truncated, "the last line is cut off (%d bytes, no newline)", len(text))
		}
		text = text[:len(text)-1]
		rec, problem, detail := parseLine(text)
		if problem != "" {
			return fail(problem, "%s", detail)
		}
		if rec.Seq != want {
			return fail(OutOfSequence, "seq is %d where %d was expected: records were removed, inserted or reordered", rec.Seq, want)
		}
		if rec.PrevHash != sum.HeadHash {
			return fail(BrokenLink, "prev_hash does not match the line before: a record before it was changed, removed, inserted or moved")
		}
		if sum.Records > 0 && (rec.MAC != "") != sum.Keyed {
			return fail(Malformed, "keyed and unkeyed records are mixed")
		}
		if opts.Key != nil {
			if rec.MAC == "" {
				return fail(Forged, "the record has no mac: the chain is not keyed")
			}
			if !hmac.Equal([]byte(chainMAC(opts.Key, sum.HeadMAC, macBody(text))), []byte(rec.MAC)) {
				return fail(Forged, "the record's mac was not made with this key: it was written or rewritten without it")
			}
		}
		sum.Records++
		sum.LastSeq = rec.Seq
		sum.LastType = rec.Type
		sum.HeadHash = lineHash(text)
		sum.Keyed, sum.HeadMAC = rec.MAC != "", rec.MAC
		if opts.Head != "" && sum.HeadHash == opts.Head {
			sum.AnchorSeq = rec.Seq
		}
	}
	switch {
	case sum.Records == 0:
		return sum, &VerifyError{Problem: Incomplete, Detail: "the chain is empty"}
	case opts.Head != "" && sum.AnchorSeq == 0:
		return sum, &VerifyError{Problem: Unanchored,
			Detail: fmt.Sprintf("no record has the head hash %s: records were cut off the end or rewritten", opts.Head)}
	case sum.LastType == CapabilityCallStarted:
		return sum, &VerifyError{Line: sum.Records, Seq: sum.LastSeq, Problem: Interrupted,
			Detail: "the chain ends with CapabilityCallStarted: the run died during a capability call, whose effect may or may not have happened"}
	case !sum.LastType.ends():
		return sum, &VerifyError{Line: sum.Records, Seq: sum.LastSeq, Problem: Incomplete,
			Detail: fmt.Sprintf("the chain ends with %s, not PlanCompleted or PlanAborted: records are missing at the end or the run never finished", sum.LastType)}
	}
	return sum, nil
}

// macBody is what a record's mac covers: its line without the mac and
// hash members (the line must be a sound, keyed record).
func macBody(line []byte) []byte {
	cut := len(line) - hashSuffixLen - macSuffixLen
	body := make([]byte, 0, cut+1)
	body = append(body, line[:cut]...)
	return append(body, '}')
}

// parseLine decodes one line (without its newline) and checks it against
// its own hash; problem is empty when it is a sound record.
func parseLine(line []byte) (rec Record, problem Problem, detail string) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return rec, Malformed, fmt.Sprintf("not a record: %v", err)
	}
	if dec.More() {
		return rec, Malformed, "data after the record"
	}
	if !knownTypes[rec.Type] {
		return rec, Malformed, fmt.Sprintf("unknown type %q", rec.Type)
	}
	if _, err := time.Parse(time.RFC3339Nano, rec.Timestamp); err != nil {
		return rec, Malformed, fmt.Sprintf("bad timestamp %q", rec.Timestamp)
	}
	if len(line) < hashSuffixLen || !bytes.HasSuffix(line, []byte(`,"hash":"`+rec.Hash+`"}`)) ||
		len(rec.Hash) != sha256.Size*2 {
		return rec, Malformed, `the hash member is missing or not the last member`
	}
	if rec.MAC != "" && (len(rec.MAC) != sha256.Size*2 ||
		!bytes.HasSuffix(line[:len(line)-hashSuffixLen], []byte(`,"mac":"`+rec.MAC+`"`))) {
		return rec, Malformed, `the mac member is malformed or not just before the hash`
	}
	body := make([]byte, 0, len(line)-hashSuffixLen+1)
	body = append(body, line[:len(line)-hashSuffixLen]...)
	body = append(body, '}')
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != rec.Hash {
		return rec, Altered, "the record's content does not match its hash"
	}
	return rec, "", ""
}

// LastRun reads a chain, checks it as CheckWith does (a chain that did not
// finish, Incomplete or Interrupted, is accepted: that is the run to
// resume), and returns the records of its last run.
func LastRun(r io.Reader, opts CheckOptions) ([]Record, error) {
	var data bytes.Buffer
	if _, err := data.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("reading causal chain: %w", err)
	}
	if _, err := CheckWith(bytes.NewReader(data.Bytes()), opts); err != nil && !errors.Is(err, ErrIncomplete) {
		return nil, err
	}
	var run []Record
	lines := bufio.NewScanner(&data)
	lines.Buffer(nil, 1<<30)
	for lines.Scan() {
		var rec Record
		if err := json.Unmarshal(lines.Bytes(), &rec); err != nil {
			return nil, err
		}
		if len(run) > 0 && run[0].Run != rec.Run {
			run = run[:0]
		}
		run = append(run, rec)
	}
	return run, lines.Err()
}
