package caps

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

// resolvePath checks path against the file system policy in force, for
// writing when write is set, and returns the path the capability must then
// use: absolute, cleaned, with every symbolic link resolved. Checking and
// using the same resolved path is what keeps `..` and links from leading
// outside the allowed directories. Under FSFull the path is returned as
// given.
//
// Resolution follows links the way the kernel does (a link's target is
// resolved before a later `..` applies), including links whose target does
// not exist yet, so a dangling link cannot point a write outside; missing
// components (a file about to be created) are kept as written. A link
// swapped in between this check and the operation is not caught here: that
// race is the OS sandbox's to close.
func resolvePath(c *host.CallContext, path string, write bool) (string, error) {
	if path == "" || strings.ContainsRune(path, 0) {
		return "", value.Errorf(value.InvalidArguments, "Invalid arguments to %s: bad path %q", c.Capability, path)
	}
	fsp := c.Policy.FSPolicy
	if write && c.Policy.SecurityFlags.ReadOnlyFS {
		return "", c.Violation("%s of %s is not allowed: the file system is read-only (read_only_fs)", c.Capability, path)
	}
	var dirs []string
	switch fsp.Mode {
	case host.FSFull:
		return path, nil
	case host.FSReadOnly:
		if write {
			return "", pathHint(c.Violation("%s of %s is not allowed: the file system policy is read-only", c.Capability, path), path, write)
		}
		dirs = slices.Concat(fsp.Read, fsp.Write)
	case host.FSReadWrite:
		dirs = fsp.Write
		if !write {
			dirs = slices.Concat(fsp.Read, fsp.Write)
		}
	case host.FSNone, "":
		return "", pathHint(c.Violation("%s of %s is not allowed: file system access is denied", c.Capability, path), path, write)
	default:
		return "", c.Violation("%s of %s is not allowed: unknown file system policy mode %q", c.Capability, path, fsp.Mode)
	}
	real, err := resolveLinks(path)
	if err != nil {
		return "", value.Errorf(value.Generic, "%s: cannot resolve %s: %v", c.Capability, path, err)
	}
	for _, dir := range dirs {
		if dir == "" {
			continue // not the working directory by accident
		}
		if realDir, err := resolveLinks(dir); err == nil && within(real, realDir) {
			return real, nil
		}
	}
	shown := path
	if real != path {
		shown = fmt.Sprintf("%s (resolved to %s)", path, real)
	}
	which := "readable"
	if write {
		which = "writable"
	}
	return "", pathHint(c.Violation("%s of %s is outside the %s directories [%s]", c.Capability, shown, which, strings.Join(dirs, " ")), path, write)
}

// pathHint says which flag would allow the access to path refused by err.
func pathHint(err *value.Error, path string, write bool) *value.Error {
	flag := "--fs-read"
	if write {
		flag = "--fs-write"
	}
	err.Hint = "allowed with " + flag + " " + filepath.Dir(path)
	return err
}

// within reports whether path is dir or below it; both are clean and
// absolute.
func within(path, dir string) bool {
	return dir == "/" || path == dir || strings.HasPrefix(path, dir+"/")
}

// maxLinks bounds the symbolic links one resolution follows, like the
// kernel's ELOOP limit.
const maxLinks = 40

// maxPath is the kernel's PATH_MAX: no longer path opens anyway, and the
// bound keeps resolution to a few thousand steps.
const maxPath = 4096

// resolveLinks makes path absolute and resolves it one component at a time:
// `..` goes up from the real directory reached so far, a symbolic link is
// replaced by its target (resolved in turn), and a component that does not
// exist is kept as written, with everything after it: nothing below a
// missing directory exists either, so it is not looked up, and a `..`
// after it fails as the kernel would fail it.
func resolveLinks(path string) (string, error) {
	if len(path) > maxPath {
		return "", fmt.Errorf("the path is %d bytes long, more than %d", len(path), maxPath)
	}
	if !filepath.IsAbs(path) {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		path = wd + "/" + path
	}
	pending := strings.Split(path, "/")
	cur := "/"
	missing := false
	for links := 0; len(pending) > 0; {
		name := pending[0]
		pending = pending[1:]
		switch {
		case name == "" || name == ".":
			continue
		case name == ".." && missing:
			return "", fmt.Errorf("%s: no such file or directory", cur)
		case name == "..":
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, name)
		if missing {
			cur = next
			continue
		}
		info, err := os.Lstat(next)
		if err != nil || info.Mode()&os.ModeSymlink == 0 {
			missing = err != nil
			cur = next
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("too many levels of symbolic links at %s", next)
		}
		target, err := os.Readlink(next)
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(target) {
			cur = "/"
		}
		pending = append(strings.Split(target, "/"), pending...)
	}
	return cur, nil
}
