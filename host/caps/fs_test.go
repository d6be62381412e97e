package caps

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/wanterr"
	"github.com/rtfs-go/rtfs/value"
)

// fsTree builds, under a temp dir:
//
//	file.txt                 "root file"
//	allowed/file.txt         "hello"
//	allowed/sub/x.txt        "x"
//	allowed/inner -> sub             (a link that stays inside)
//	allowed/link -> ../outside/secret.txt
//	allowed/dirlink -> ../outside
//	allowed/dangling -> ../outside/new.txt (target missing)
//	allowed/loop -> loop
//	allowed-evil/x.txt       (shares allowed's name as a prefix)
//	outside/secret.txt       "secret"
//	ro/r.txt                 "read only"
func fsTree(t *testing.T) string {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"allowed/sub", "allowed-evil", "outside", "ro"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"file.txt": "root file", "allowed/file.txt": "hello", "allowed/sub/x.txt": "x",
		"allowed-evil/x.txt": "evil", "outside/secret.txt": "secret", "ro/r.txt": "read only",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"allowed/inner": "sub", "allowed/link": "../outside/secret.txt", "allowed/dirlink": "../outside",
		"allowed/dangling": "../outside/new.txt", "allowed/loop": "loop",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func readOnlyProfile(dirs ...string) *host.StepProfile {
	return &host.StepProfile{StepName: "read", FSPolicy: host.FSPolicy{Mode: host.FSReadOnly, Read: dirs}}
}

func TestReadFileAllowedAndDenied(t *testing.T) {
	root := fsTree(t)
	allowed := filepath.Join(root, "allowed")
	th := newTestHost(t, host.StepProfile{})
	ctx := th.inStep("read", readOnlyProfile(allowed))
	read := func(path string) (value.Value, error) {
		return th.ExecuteCapability(ctx, "ccos.io.read-file", []value.Value{opts("path", path)})
	}
	for path, want := range map[string]string{
		allowed + "/file.txt":        "hello",
		allowed + "/inner/x.txt":     "x",
		allowed + "/sub/../file.txt": "hello",
		allowed + "//./sub/x.txt":    "x",
	} {
		v, err := read(path)
		if err != nil || v.AsString() != want {
			t.Errorf("read-file %s = %s, %v; want %q", path, v, err, want)
		}
	}
	secret := filepath.Join(root, "outside/secret.txt")
	denied := map[string]string{
		secret:                             secret,
		allowed + "/../outside/secret.txt": "(resolved to " + secret + ")",
		allowed + "/sub/../../file.txt":    "(resolved to " + root + "/file.txt)",
		allowed + "/link":                  "(resolved to " + secret + ")",
		allowed + "/dirlink/secret.txt":    "(resolved to " + secret + ")",
		allowed + "-evil/x.txt":            allowed + "-evil/x.txt",
		// The kernel resolves dirlink before applying "..", reaching
		// root/file.txt; a lexical clean would wrongly see allowed/file.txt.
		allowed + "/dirlink/../file.txt": "(resolved to " + root + "/file.txt)",
	}
	for path, fragment := range denied {
		_, err := read(path)
		wanterr.Check(t, err, value.SecurityViolation,
			`Security violation in step "read": ccos.io.read-file of `+path, fragment,
			"is outside the readable directories ["+allowed+"]")
	}
}

func TestFileErrors(t *testing.T) {
	root := fsTree(t)
	allowed := filepath.Join(root, "allowed")
	th := newTestHost(t, *readOnlyProfile(allowed))
	_, err := th.call("ccos.io.read-file", opts("path", allowed+"/missing.txt"))
	wanterr.Check(t, err, value.Generic, "ccos.io.read-file", "no such file or directory")
	_, err = th.call("ccos.io.read-file", opts("path", allowed+"/loop"))
	wanterr.Check(t, err, value.Generic, "too many levels of symbolic links")
	_, err = th.call("ccos.io.read-file", opts("path", allowed+"/file.txt", "max-bytes", 3))
	wanterr.Check(t, err, value.Generic, "larger than 3 bytes")
	_, err = th.call("ccos.io.read-file", opts("path", allowed+"/file.txt", "max-bytes", 0))
	wanterr.Check(t, err, value.InvalidArguments, ":max-bytes must be positive")
	_, err = th.call("ccos.io.read-file", opts("path", ""))
	wanterr.Check(t, err, value.InvalidArguments, "bad path")
	_, err = th.call("ccos.io.read-file", opts("path", "a\x00b"))
	wanterr.Check(t, err, value.InvalidArguments, "bad path")
	_, err = th.call("ccos.io.list-dir", opts("path", allowed+"/file.txt"))
	wanterr.Check(t, err, value.Generic, "ccos.io.list-dir", "not a directory")
	if v := th.mustCall(t, "ccos.io.read-file", opts("path", allowed+"/file.txt", "max-bytes", 5)); v.AsString() != "hello" {
		t.Errorf("read-file with max-bytes = its size: %s", v)
	}
}

func TestRelativePathsResolveFromWorkingDirectory(t *testing.T) {
	root := fsTree(t)
	t.Chdir(filepath.Join(root, "allowed"))
	th := newTestHost(t, *readOnlyProfile(filepath.Join(root, "allowed")))
	if v := th.mustCall(t, "ccos.io.read-file", opts("path", "sub/x.txt")); v.AsString() != "x" {
		t.Errorf("relative read = %s", v)
	}
	_, err := th.call("ccos.io.read-file", opts("path", "../outside/secret.txt"))
	wanterr.Check(t, err, value.SecurityViolation, "outside the readable directories")
}

func TestWriteFile(t *testing.T) {
	root := fsTree(t)
	allowed, ro := filepath.Join(root, "allowed"), filepath.Join(root, "ro")
	p := &host.StepProfile{StepName: "write", FSPolicy: host.FSPolicy{Mode: host.FSReadWrite, Read: []string{ro}, Write: []string{allowed}}}
	th := newTestHost(t, host.StepProfile{})
	ctx := th.inStep("write", p)
	call := func(id string, o value.Value) (value.Value, error) {
		return th.ExecuteCapability(ctx, id, []value.Value{o})
	}
	target := filepath.Join(allowed, "sub/new.txt")
	v, err := call("ccos.io.write-file", opts("path", target, "content", "written"))
	if err != nil || !v.IsNil() {
		t.Fatalf("write-file = %s, %v", v, err)
	}
	if data, _ := os.ReadFile(target); string(data) != "written" {
		t.Errorf("file holds %q", data)
	}
	if v, err := call("ccos.io.read-file", opts("path", ro+"/r.txt")); err != nil || v.AsString() != "read only" {
		t.Errorf("read in a read directory = %s, %v", v, err)
	}
	_, err = call("ccos.io.write-file", opts("path", ro+"/r.txt", "content", "x"))
	wanterr.Check(t, err, value.SecurityViolation, `in step "write"`, "is outside the writable directories ["+allowed+"]")
	// A dangling link inside the writable directory must not carry a write
	// outside it.
	_, err = call("ccos.io.write-file", opts("path", allowed+"/dangling", "content", "x"))
	wanterr.Check(t, err, value.SecurityViolation, "resolved to "+root+"/outside/new.txt", "outside the writable directories")
	if _, err := os.Lstat(filepath.Join(root, "outside/new.txt")); !os.IsNotExist(err) {
		t.Error("the write through the dangling link created its target")
	}
	_, err = call("ccos.io.write-file", opts("path", allowed+"/sub/../../outside/x.txt", "content", "x"))
	wanterr.Check(t, err, value.SecurityViolation, "outside the writable directories")
	_, err = call("ccos.io.write-file", opts("path", allowed+"/nodir/x.txt", "content", "x"))
	wanterr.Check(t, err, value.Generic, "no such file or directory")
	_, err = call("ccos.io.write-file", opts("path", target))
	wanterr.Check(t, err, value.InvalidArguments, "missing required option :content")
}

func TestWriteDeniedByReadOnlyModes(t *testing.T) {
	root := fsTree(t)
	allowed := filepath.Join(root, "allowed")
	target := filepath.Join(allowed, "new.txt")
	cases := map[string]struct {
		profile  host.StepProfile
		fragment string
	}{
		"read-only policy": {*readOnlyProfile(allowed), "the file system policy is read-only"},
		"read_only_fs flag": {host.StepProfile{FSPolicy: host.FSPolicy{Mode: host.FSFull}, SecurityFlags: host.SecurityFlags{ReadOnlyFS: true}},
			"the file system is read-only (read_only_fs)"},
		"read_only_fs over read-write": {host.StepProfile{FSPolicy: host.FSPolicy{Mode: host.FSReadWrite, Write: []string{allowed}},
			SecurityFlags: host.SecurityFlags{ReadOnlyFS: true}}, "read_only_fs"},
		"no file access":  {host.StepProfile{FSPolicy: host.FSPolicy{Mode: host.FSNone}}, "file system access is denied"},
		"zero profile":    {host.StepProfile{}, "file system access is denied"},
		"unknown fs mode": {host.StepProfile{FSPolicy: host.FSPolicy{Mode: "everything"}}, `unknown file system policy mode "everything"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			th := newTestHost(t, c.profile)
			_, err := th.call("ccos.io.write-file", opts("path", target, "content", "x"))
			wanterr.Check(t, err, value.SecurityViolation, "Security violation outside any step: ccos.io.write-file of "+target, c.fragment)
			if _, err := os.Stat(target); !os.IsNotExist(err) {
				t.Error("the denied write happened")
			}
		})
	}
}

func TestListDirAndFileExists(t *testing.T) {
	root := fsTree(t)
	allowed := filepath.Join(root, "allowed")
	th := newTestHost(t, *readOnlyProfile(allowed))
	v := th.mustCall(t, "ccos.io.list-dir", opts("path", allowed))
	var names []string
	for _, n := range v.AsVector().All() {
		names = append(names, n.AsString())
	}
	want := []string{"dangling", "dirlink", "file.txt", "inner", "link", "loop", "sub"}
	if v.Kind() != value.KVector || !slices.Equal(names, want) {
		t.Errorf("list-dir = %s, want %v", v, want)
	}
	for path, want := range map[string]bool{
		allowed + "/file.txt":       true,
		allowed + "/sub":            true,
		allowed + "/nope":           false,
		allowed + "/file.txt/below": false,
	} {
		if v := th.mustCall(t, "ccos.io.file-exists", opts("path", path)); v.Kind() != value.KBool || v.AsBool() != want {
			t.Errorf("file-exists %s = %s, want %v", path, v, want)
		}
	}
	_, err := th.call("ccos.io.list-dir", opts("path", root+"/outside"))
	wanterr.Check(t, err, value.SecurityViolation, "ccos.io.list-dir of "+root+"/outside is outside the readable directories")
	_, err = th.call("ccos.io.file-exists", opts("path", allowed+"/link"))
	wanterr.Check(t, err, value.SecurityViolation, "ccos.io.file-exists")
}

func TestOptionsAreClampedByTheRun(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 2<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	th := newTestHost(t, host.StepProfile{})
	// A profile with a 4 MiB memory limit lets a call read at most 1 MiB,
	// whatever the plan asks for.
	limited := &host.StepProfile{StepName: "read", FSPolicy: host.FSPolicy{Mode: host.FSReadOnly, Read: []string{dir}},
		ResourceLimits: host.ResourceLimits{MaxMemoryBytes: 4 << 20}}
	_, err := th.ExecuteCapability(th.inStep("read", limited), "ccos.io.read-file", []value.Value{opts("path", big, "max-bytes", 1<<40)})
	wanterr.Check(t, err, value.Generic, "is larger than 1048576 bytes")
	roomy := &host.StepProfile{StepName: "read", FSPolicy: limited.FSPolicy, ResourceLimits: host.ResourceLimits{MaxMemoryBytes: 64 << 20}}
	if _, err := th.ExecuteCapability(th.inStep("read", roomy), "ccos.io.read-file", []value.Value{opts("path", big)}); err != nil {
		t.Errorf("a 2 MiB file under a 64 MiB limit: %v", err)
	}
	// A timeout beyond the step's time limit is cut to it.
	timed := &host.StepProfile{StepName: "run", ResourceLimits: host.ResourceLimits{MaxExecutionTimeMS: 200}}
	start := time.Now()
	_, err = th.ExecuteCapability(th.inStep("run", timed), "ccos.system.execute", []value.Value{opts("cmd", "/bin/sleep", "args", value.NewVector([]value.Value{str("5")}), "timeout-ms", 60000)})
	wanterr.Check(t, err, value.Generic, "timed out after 200ms")
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("the clamped timeout took %s", elapsed)
	}
}
