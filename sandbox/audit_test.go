package sandbox_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/sandbox"
	"github.com/rtfs-go/rtfs/sandbox/audit"
)

// audited runs src like fixture.run, audited, and returns its chain.
func (f *fixture) audited(t *testing.T, src string, extra func(*rtfs.Options)) ([]chain.Record, []byte) {
	t.Helper()
	var log bytes.Buffer
	_, err := f.run(t, src, func(o *rtfs.Options) {
		o.Audit, o.Chain = true, chain.NewWriter(&log)
		if extra != nil {
			extra(o)
		}
	})
	if err != nil {
		t.Fatalf("audited run: %v", err)
	}
	var recs []chain.Record
	for _, line := range bytes.Split(bytes.TrimSpace(log.Bytes()), []byte("\n")) {
		var r chain.Record
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	return recs, log.Bytes()
}

func skipWithoutAudit(t *testing.T) {
	t.Helper()
	if err := sandbox.Ready(); err != nil {
		t.Skip(err)
	}
	if err := audit.Supported(); err != nil {
		t.Skip(err)
	}
}

func TestAuditInTheChain(t *testing.T) {
	skipWithoutAudit(t)
	f := newFixture(t)
	granted := filepath.Join(f.in, "public.txt")
	// A process outside the worker opens a file of its own while the plan
	// runs; it must never show up.
	marker := filepath.Join(f.out, "not-the-plan.txt")
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				os.WriteFile(marker, nil, 0o644)
			}
		}
	}()
	recs, log := f.audited(t, `(step "cat" (call :ccos.io.file-exists {:path "IN"})
  (call :ccos.system.execute {:cmd "/bin/cat" :args ["IN/public.txt" "SECRET"]}))`, nil)
	var report *chain.Audit
	for i, r := range recs {
		if r.Type == chain.SyscallAudit && r.Capability == "ccos.system.execute" {
			if recs[i-1].Type != chain.CapabilityCall || r.ParentActionID != recs[i-1].ActionID {
				t.Errorf("the audit does not follow its call: %+v after %+v", r, recs[i-1])
			}
			report = r.Audit
		}
	}
	if report == nil {
		t.Fatalf("no SyscallAudit record of the execute call:\n%s", log)
	}
	var exec, open, refused bool
	for _, e := range report.Events {
		switch {
		case e.Syscall == "execve" && e.Path == "/bin/cat" && e.Ret == 0:
			exec = true
		case e.Syscall == "openat" && e.Path == granted && e.Ret >= 0:
			open = true
		case e.Syscall == "openat" && e.Path == f.secret && e.Errno == "EACCES":
			refused = true
		}
	}
	if !exec || !open || !refused {
		t.Errorf("execve of cat %v, open of the granted file %v, refused read %v:\n%+v", exec, open, refused, report.Events)
	}
	if bytes.Contains(log, []byte("not-the-plan")) {
		t.Error("an event of another process is in the chain")
	}
	if a, err := audit.Open(); err == nil && a.Attached() {
		t.Error("the audit is still attached after the run")
	}
	if links := bpfLinks(t); links > 0 {
		t.Errorf("%d bpf links left open after the run", links)
	}
}

// bpfLinks counts this process's open file descriptors that are BPF links.
func bpfLinks(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		target, _ := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if strings.Contains(target, "bpf_link") {
			n++
		}
	}
	return n
}

// TestAdviseRoundTrip records a step, advises a profile from the record,
// runs the same plan under it, and a plan whose step does more.
func TestAdviseRoundTrip(t *testing.T) {
	skipWithoutAudit(t)
	f := newFixture(t)
	src := `(step "s" (call :ccos.io.read-file {:path "IN/public.txt"}))`
	_, log := f.audited(t, src, nil)
	advice, err := sandbox.Advise(bytes.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	s := advice.Steps["s"]
	if s == nil || len(s.Syscalls) == 0 || !containsString(s.Paths, filepath.Join(f.in, "public.txt")) {
		t.Fatalf("advice: %+v", s)
	}
	profileFile := filepath.Join(t.TempDir(), "profile.json")
	data, _ := json.Marshal(advice)
	if err := os.WriteFile(profileFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	syscalls, err := sandbox.LoadSyscallProfile(profileFile)
	if err != nil {
		t.Fatal(err)
	}
	withProfile := func(o *rtfs.Options) { o.SyscallProfile = syscalls }
	if v, err := f.run(t, src, withProfile); err != nil || v.AsString() != "public" {
		t.Fatalf("the same plan under its advised profile: %v, %v", v, err)
	}
	more := `(step "s" (call :ccos.io.read-file {:path "IN/public.txt"}) (call :ccos.system.execute {:cmd "/bin/true"}))`
	v, err := f.run(t, more, withProfile)
	if err == nil || !strings.Contains(err.Error(), "operation not permitted") {
		t.Errorf("a step doing more than its advised profile: %v, %v", v, err)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
