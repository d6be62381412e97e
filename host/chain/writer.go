package chain

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Writer appends records to a chain. It is safe for concurrent use: records
// get their seq, timestamp and prev_hash under one lock, so concurrent
// appends are totally ordered. Each record is handed to the underlying
// writer in a single Write (then Flush, if it has one), so a crash leaves a
// chain whose every complete line verifies.
//
// After the first failed write the Writer refuses every later record and
// Err reports the failure: a chain with a hole in it would not verify.
type Writer struct {
	mu     sync.Mutex
	w      io.Writer
	closer io.Closer // the file OpenFile opened, nil otherwise
	seq    int64     // seq of the last record written
	prev   string    // prev_hash of the next record
	err    error
}

// NewWriter starts a new chain on w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w, prev: Genesis}
}

// OpenFile opens the chain file at path for appending, creating it if
// needed. An existing non-empty file must hold a chain whose every record
// verifies: new records continue its seq and hash links, so the file stays
// one verifiable chain across runs. A chain that ends without PlanCompleted
// or PlanAborted is one whose last run died (kill -9, out of memory): the
// next run appends to it all the same, and the dead run stays visible as a
// PlanStarted without an end.
func OpenFile(path string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	sum, err := Check(f)
	if err != nil && !errors.Is(err, ErrIncomplete) {
		f.Close()
		return nil, fmt.Errorf("cannot append to causal chain %s: %w", path, err)
	}
	return &Writer{w: f, closer: f, seq: sum.LastSeq, prev: sum.HeadHash}, nil
}

// Append completes rec with its seq, timestamp, prev_hash and hash and
// writes it as one line.
func (w *Writer) Append(rec Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	rec.Seq = w.seq + 1
	rec.Timestamp = time.Now().UTC().Format(time.RFC3339Nano)
	rec.PrevHash = w.prev
	rec.Hash = ""
	body, err := json.Marshal(rec)
	if err != nil {
		// Only a malformed Profile can fail to encode; the chain itself is
		// still intact, so this record alone is refused.
		return fmt.Errorf("causal chain: cannot encode %s record: %w", rec.Type, err)
	}
	line := sealLine(body)
	if err := w.write(append(line, '\n')); err != nil {
		w.err = fmt.Errorf("causal chain: write failed: %w", err)
		return w.err
	}
	w.seq = rec.Seq
	w.prev = lineHash(line)
	return nil
}

func (w *Writer) write(line []byte) error {
	if _, err := w.w.Write(line); err != nil {
		return err
	}
	if f, ok := w.w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

// Err returns the write failure that stopped the chain, or nil.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close closes the file OpenFile opened; for a Writer made by NewWriter it
// only stops further appends.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = errors.New("causal chain: writer closed")
	}
	if w.closer == nil {
		return nil
	}
	c := w.closer
	w.closer = nil
	return c.Close()
}
