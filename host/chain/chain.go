// Package chain is the causal chain: the append-only, tamper-evident log of
// everything a plan run did.
//
// # Format
//
// A chain is a file of JSON Lines. Each line is one Record: one action (a
// plan starting or ending, a step starting, completing or failing, a step
// profile being derived, a capability call, a security violation). Every
// record has
//
//	seq               1, 2, 3, ... : the record's position, equal to its
//	                  line number in a chain written by one Writer
//	timestamp         RFC 3339 with nanoseconds, UTC
//	action_id         the action this record is about
//	parent_action_id  the enclosing action: the innermost running step, or
//	                  the plan outside any step ("" for the plan itself)
//	type              one of the Type constants
//	...               the fields of that type (see Record)
//	run               the id of the run that wrote it (random, one per
//	                  Writer): a file holds the runs appended to it, each
//	                  run's first record linked to the last of the run
//	                  before
//	prev_hash         hex SHA-256 of the previous line's exact bytes (without
//	                  its newline); 64 zeros (Genesis) for the first record
//	mac               in a keyed chain: hex HMAC-SHA256, under the chain's
//	                  key, of the previous record's mac (Genesis for the
//	                  first) followed by this line's bytes without its mac
//	                  and hash members
//	hash              hex SHA-256 of this line's bytes with the hash member
//	                  removed (see below)
//
// The hash member is always the last member of the line, written exactly as
// `,"hash":"<64 lowercase hex>"}`, and a mac member comes just before it,
// `,"mac":"<64 lowercase hex>"`. The bytes the hash covers are the line with
// the hash suffix replaced by `}`: the compact JSON object of every other
// field, in the order the Writer wrote them; the MAC covers the same with
// the mac member removed too. Because both are over the stored bytes rather
// than over a re-encoding, no canonical JSON form is needed: Verify
// recomputes them from the line as read.
//
// Values in records (capability arguments and results, step results) are
// RTFS printed forms (§2 of the language reference), e.g. `{:status 200}` or
// `"text"`, one string per value; a printed form longer than MaxValueBytes is
// cut and marked with its full length.
//
// # What verification detects
//
// Editing any byte of a record breaks its own hash (and, if the editor
// recomputes it, the next record's prev_hash). Removing, inserting or
// swapping records breaks the seq sequence or a prev_hash link at the first
// record that moved. A line cut off mid-way lacks its newline. Cutting whole
// records off the end leaves a chain that no longer ends with PlanCompleted
// or PlanAborted, which Verify reports as incomplete (ErrIncomplete), so the
// Writer's user must record the end of every plan; a chain whose last record
// is a CapabilityCallStarted is one whose run died during an effect, which
// may or may not have happened (Interrupted).
//
// Hashes alone do not stop someone who rewrites every record from the
// tampered one onwards, or who cuts whole runs off the end. Two things do:
// a key (only its holder can compute the MACs of a rewrite), and a head
// kept elsewhere (the hash of the last record when the run ended, which
// rtfsvm exec prints): CheckWith names the record that carries it, or fails
// when none does.
//
// Effects are recorded before they happen: a CapabilityCallStarted record
// (capability, call number, digest of the arguments), written to stable
// storage, precedes every call; the CapabilityCall record with the same
// call number follows it with the result. OpenFile holds an exclusive lock
// on the file for as long as the Writer is open, so runs appending to one
// chain take turns.
package chain

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Type is the kind of action a record describes.
type Type string

// The record types.
const (
	PlanStarted           Type = "PlanStarted"           // Plan, Program, Resumes, Redaction
	PlanCompleted         Type = "PlanCompleted"         // Result
	PlanAborted           Type = "PlanAborted"           // Error, ErrorKind
	PlanStepStarted       Type = "PlanStepStarted"       // Step
	PlanStepCompleted     Type = "PlanStepCompleted"     // Step, Result
	PlanStepFailed        Type = "PlanStepFailed"        // Step, Error, ErrorKind
	StepProfileDerived    Type = "StepProfileDerived"    // Step, Profile
	CapabilityCallStarted Type = "CapabilityCallStarted" // Capability, Call, ArgumentsDigest: written before the call
	CapabilityCall        Type = "CapabilityCall"        // Capability, Call, ArgumentsDigest, Arguments, Result or Error and ErrorKind, DurationNS
	SecurityViolation     Type = "SecurityViolation"     // Capability, Arguments, Error
	Unconfined            Type = "Unconfined"            // Error: what the run gave up (--unconfined)
	SyscallAudit          Type = "SyscallAudit"          // Step, Capability, Audit: what the call's worker did to the kernel
	NoAudit               Type = "NoAudit"               // Error: audited steps run without their syscall audit (--no-audit)
)

var knownTypes = map[Type]bool{
	PlanStarted: true, PlanCompleted: true, PlanAborted: true,
	PlanStepStarted: true, PlanStepCompleted: true, PlanStepFailed: true,
	StepProfileDerived: true, CapabilityCallStarted: true, CapabilityCall: true, SecurityViolation: true, Unconfined: true,
	SyscallAudit: true, NoAudit: true,
}

// ends reports whether a chain may end with a record of type t.
func (t Type) ends() bool { return t == PlanCompleted || t == PlanAborted }

// Record is one line of the chain. The Writer sets Seq, Timestamp, Run,
// PrevHash, MAC and Hash; the caller sets the rest. Fields a type does not use stay empty
// and are left out of the line.
type Record struct {
	Seq            int64  `json:"seq"`
	Timestamp      string `json:"timestamp"`
	ActionID       string `json:"action_id"`
	ParentActionID string `json:"parent_action_id"`
	Type           Type   `json:"type"`
	Run            string `json:"run,omitempty"`

	Plan string `json:"plan,omitempty"` // the plan's name (usually its file)
	// Program is the hex SHA-256 of the program's bytecode; Resumes, in a
	// resumed run, the run whose calls it replays.
	Program    string `json:"program,omitempty"`
	Resumes    string `json:"resumes,omitempty"`
	Redaction  string `json:"redaction,omitempty"`  // "none": sensitive values recorded as they are (--chain-redact none)
	Step       string `json:"step,omitempty"`       // the step's name
	Engine     string `json:"engine,omitempty"`     // PlanStepStarted: what ran the step ("interp", "vm", "wasm")
	Capability string `json:"capability,omitempty"` // the capability id
	// Call numbers the capability calls of a run from 1;
	// ArgumentsDigest is the hex SHA-256 of the arguments' printed forms
	// (before any cut), each followed by a newline.
	Call            int64    `json:"call,omitempty"`
	ArgumentsDigest string   `json:"arguments_digest,omitempty"`
	Arguments       []string `json:"arguments,omitempty"`  // printed form of each argument
	Result          string   `json:"result,omitempty"`     // printed form of the value produced
	Error           string   `json:"error,omitempty"`      // the error message
	ErrorKind       string   `json:"error_kind,omitempty"` // the error kind (§6), e.g. "Generic"
	DurationNS      int64    `json:"duration_ns,omitempty"`
	// Profile is the step profile as JSON (the host's StepProfile encoding).
	Profile json.RawMessage `json:"profile,omitempty"`
	// Provider says where a capability call ran: "inprocess", "worker" or
	// "unconfined"; Worker, for a worker, which one and how confined.
	Provider string     `json:"provider,omitempty"`
	Worker   *Placement `json:"worker,omitempty"`
	// Audit is what a worker did to the kernel during a call.
	Audit *Audit `json:"audit,omitempty"`

	PrevHash string `json:"prev_hash"`
	MAC      string `json:"mac,omitempty"`
	Hash     string `json:"hash,omitempty"`
}

// Placement is the worker a capability call ran in.
type Placement struct {
	Pid    int    `json:"pid"`
	Cgroup string `json:"cgroup"`
	// Digest identifies the confinement (Landlock, seccomp, namespaces);
	// Rules spell it out.
	Digest string `json:"digest"`
	Rules  string `json:"rules"`
	// Audit, when the call was audited, is recorded apart, in the
	// SyscallAudit record that follows the call's.
	Audit *Audit `json:"-"`
}

// Audit is what the processes of a worker did to the kernel during one
// capability call: how often they made each system call, and the calls
// that say what they touched, with their outcome.
type Audit struct {
	Syscalls map[string]uint64 `json:"syscalls"`
	Events   []AuditEvent      `json:"events,omitempty"`
	// Dropped counts the events that were lost (a full buffer, or more
	// than one record keeps).
	Dropped uint64 `json:"dropped,omitempty"`
}

// AuditEvent is one system call of an audit.
type AuditEvent struct {
	Syscall string `json:"syscall"`
	Pid     uint32 `json:"pid"` // as the host sees it
	// Path is the path a file call named, Addr the address a socket call
	// named; Args are the first three argument registers.
	Path  string    `json:"path,omitempty"`
	Addr  string    `json:"addr,omitempty"`
	Args  [3]uint64 `json:"args"`
	Ret   int64     `json:"ret"`
	Errno string    `json:"errno,omitempty"` // when Ret is an error: its name (EACCES, EPERM...)
}

// Refused reports whether the kernel refused the call of e for want of
// permission (Landlock, seccomp, capabilities), as opposed to failing it
// (a missing file, a connection in progress).
func Refused(e AuditEvent) bool {
	return e.Errno == "EACCES" || e.Errno == "EPERM" || e.Errno == "EPROTONOSUPPORT"
}

// Genesis is the prev_hash of the first record.
var Genesis = strings.Repeat("0", sha256.Size*2)

// MaxValueBytes bounds the printed form of one value in a record, so a
// 10 MiB response body does not become a 10 MiB line.
const MaxValueBytes = 16 << 10

// PrintedValue returns printed (an RTFS printed form, or an error message)
// cut to MaxValueBytes; a cut form ends with "…" and the full length in
// bytes.
func PrintedValue(printed string) string {
	if len(printed) <= MaxValueBytes {
		return printed
	}
	// Cut before a rune, never inside one.
	i := MaxValueBytes
	for i > 0 && !utf8.RuneStart(printed[i]) {
		i--
	}
	return printed[:i] + "…[" + strconv.Itoa(len(printed)) + " bytes]"
}

// ArgumentsDigest is the Call digest of arguments' printed forms.
func ArgumentsDigest(printed []string) string {
	h := sha256.New()
	for _, p := range printed {
		h.Write([]byte(p))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// macSuffixLen is the length of `,"mac":"<64 hex>"`.
const macSuffixLen = len(`,"mac":""`) + sha256.Size*2

// chainMAC is the mac of a record whose line, without mac and hash, is
// body, after a record whose mac was prev.
func chainMAC(key []byte, prev string, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(prev))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// withMAC appends the mac member to body, the JSON of a record without its
// mac and hash.
func withMAC(body []byte, mac string) []byte {
	out := make([]byte, 0, len(body)+macSuffixLen)
	out = append(out, body[:len(body)-1]...)
	out = append(out, `,"mac":"`...)
	out = append(out, mac...)
	return append(out, `"}`...)
}

// hashSuffixLen is the length of `,"hash":"<64 hex>"}`.
const hashSuffixLen = len(`,"hash":""}`) + sha256.Size*2

// sealLine turns the JSON of a record without its hash member into the
// stored line: body with the hash member appended as the last member.
func sealLine(body []byte) []byte {
	sum := sha256.Sum256(body)
	line := make([]byte, 0, len(body)+hashSuffixLen-1)
	line = append(line, body[:len(body)-1]...)
	line = append(line, `,"hash":"`...)
	line = hex.AppendEncode(line, sum[:])
	return append(line, `"}`...)
}

// lineHash is the prev_hash the record after line must carry.
func lineHash(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}
