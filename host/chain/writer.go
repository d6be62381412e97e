package chain

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Writer appends records to a chain. It is safe for concurrent use: records
// get their seq, timestamp and prev_hash under one lock, so concurrent
// appends are totally ordered. Each record is handed to the underlying
// writer in a single Write (then Flush, if it has one), so a crash leaves a
// chain whose every complete line verifies.
//
// After the first failed write the Writer refuses every later record and
// Err reports the failure: a chain with a hole in it would not verify.
//
// A Writer on a file (OpenFile) makes every record that opens or closes a
// step or the plan, and every CapabilityCallStarted, durable (fsync) before
// Append returns: a crash loses nothing the run went on from.
type Writer struct {
	mu      sync.Mutex
	w       io.Writer
	file    *os.File // the file OpenFile opened, nil otherwise
	key     []byte   // nil for an unkeyed chain
	run     string
	seq     int64  // seq of the last record written
	prev    string // prev_hash of the next record
	prevMAC string // the mac of the last record (Genesis before the first)
	err     error
}

// NewWriter starts a new unkeyed chain on w.
func NewWriter(w io.Writer) *Writer { return NewKeyedWriter(w, nil) }

// NewKeyedWriter starts a new chain on w whose records carry a MAC under
// key (none when key is nil).
func NewKeyedWriter(w io.Writer, key []byte) *Writer {
	return &Writer{w: w, key: key, run: newRunID(), prev: Genesis, prevMAC: Genesis}
}

func newRunID() string {
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(id[:])
}

// OpenFile opens the chain file at path for appending, creating it if
// needed, and locks it (flock) until Close, waiting for another run that
// holds it. An existing non-empty file must hold a chain whose every
// record verifies, under key if the chain is keyed: new records continue
// its seq, hash and MAC links, so the file stays one verifiable chain
// across runs. A keyed chain cannot be continued without its key, nor an
// unkeyed one with a key. A chain that ends without PlanCompleted or
// PlanAborted is one whose last run died (kill -9, out of memory): the next
// run appends to it all the same, and the dead run stays visible as a
// PlanStarted without an end.
func OpenFile(path string, key []byte) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking causal chain %s: %w", path, err)
	}
	sum, err := CheckWith(f, CheckOptions{Key: key})
	switch {
	case err != nil && !errors.Is(err, ErrIncomplete):
	case sum.Records > 0 && sum.Keyed && key == nil:
		err = errors.New("the chain is keyed: its records can only be continued with its key (--chain-key)")
	case sum.Records > 0 && !sum.Keyed && key != nil:
		err = errors.New("the chain is not keyed: a key cannot be given to a chain begun without one")
	default:
		err = nil
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot append to causal chain %s: %w", path, err)
	}
	w := NewKeyedWriter(f, key)
	w.file, w.seq, w.prev, w.prevMAC = f, sum.LastSeq, sum.HeadHash, sum.HeadMAC
	return w, nil
}

// durable are the record types a file Writer syncs to disk.
var durable = map[Type]bool{
	PlanStarted: true, PlanCompleted: true, PlanAborted: true,
	PlanStepStarted: true, PlanStepCompleted: true, PlanStepFailed: true,
	CapabilityCallStarted: true,
}

// Run is the id the Writer stamps on its records.
func (w *Writer) Run() string { return w.run }

// Head is the seq and hash of the last record written (or, before any,
// of the chain the Writer continues): what to keep elsewhere to check the
// chain against later.
func (w *Writer) Head() (seq int64, hash string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seq, w.prev
}

// Append completes rec with its seq, timestamp, run, prev_hash, mac and
// hash, cuts its error text to MaxValueBytes, and writes it as one line.
func (w *Writer) Append(rec Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	rec.Seq = w.seq + 1
	rec.Timestamp = time.Now().UTC().Format(time.RFC3339Nano)
	rec.Run = w.run
	rec.Error = PrintedValue(rec.Error)
	rec.PrevHash = w.prev
	rec.MAC, rec.Hash = "", ""
	body, err := json.Marshal(rec)
	if err != nil {
		// Only a malformed Profile can fail to encode; the chain itself is
		// still intact, so this record alone is refused.
		return fmt.Errorf("causal chain: cannot encode %s record: %w", rec.Type, err)
	}
	mac := ""
	if w.key != nil {
		mac = chainMAC(w.key, w.prevMAC, body)
		body = withMAC(body, mac)
	}
	line := sealLine(body)
	if err := w.write(append(line, '\n'), durable[rec.Type]); err != nil {
		w.err = fmt.Errorf("causal chain: write failed: %w", err)
		return w.err
	}
	w.seq = rec.Seq
	w.prev = lineHash(line)
	w.prevMAC = mac
	return nil
}

func (w *Writer) write(line []byte, sync bool) error {
	if _, err := w.w.Write(line); err != nil {
		return err
	}
	if f, ok := w.w.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil {
			return err
		}
	}
	if sync && w.file != nil {
		return w.file.Sync()
	}
	return nil
}

// Err returns the write failure that stopped the chain, or nil.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close closes (and so unlocks) the file OpenFile opened; for a Writer
// made by NewWriter it only stops further appends.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = errors.New("causal chain: writer closed")
	}
	if w.file == nil {
		return nil
	}
	f := w.file
	w.file = nil
	return f.Close()
}
