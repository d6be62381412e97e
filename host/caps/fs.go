package caps

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

// The file capabilities take an options map whose :path is checked against
// the file system policy (CallContext.ResolvePath) and then used in its
// resolved form. OS failures are Generic errors carrying the OS message.

var pathOption = host.Option{Name: "path", Kind: value.KString, Required: true}

var readFileCapability = host.Capability{
	ID:          "ccos.io.read-file",
	Description: "returns the content of the file at :path (at most :max-bytes, default 10 MiB)",
	Effects:     []host.Effect{host.EffectFSRead},
	Signature:   host.OptionsOf(pathOption, host.Option{Name: "max-bytes", Kind: value.KInt}),
	Run:         readFile,
}

var writeFileCapability = host.Capability{
	ID:          "ccos.io.write-file",
	Description: "writes the string :content to the file at :path, replacing it; returns nil",
	Effects:     []host.Effect{host.EffectFSWrite},
	Signature:   host.OptionsOf(pathOption, host.Option{Name: "content", Kind: value.KString, Required: true}),
	Run:         writeFile,
}

var listDirCapability = host.Capability{
	ID:          "ccos.io.list-dir",
	Description: "returns the sorted names of the entries of the directory at :path",
	Effects:     []host.Effect{host.EffectFSRead},
	Signature:   host.OptionsOf(pathOption),
	Run:         listDir,
}

var fileExistsCapability = host.Capability{
	ID:          "ccos.io.file-exists",
	Description: "returns whether something exists at :path",
	Effects:     []host.Effect{host.EffectFSRead},
	Signature:   host.OptionsOf(pathOption),
	Run:         fileExists,
}

func readFile(_ context.Context, call *host.CallContext, args []value.Value) (value.Value, error) {
	opts := host.OptionsMap{M: args[0].AsMap()}
	limit, err := bytesOption(call, opts, "max-bytes")
	if err != nil {
		return value.Nil, err
	}
	path, err := resolvePath(call, opts.Str("path", ""), false)
	if err != nil {
		return value.Nil, err
	}
	// Opened without blocking, and only a regular file is read: a FIFO or
	// a device inside the grant could otherwise hold the call forever.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return value.Nil, osError(call, err)
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return value.Nil, value.Errorf(value.Generic, "%s: %s is not a regular file", call.Capability, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return value.Nil, osError(call, err)
	}
	if int64(len(data)) > limit {
		return value.Nil, value.Errorf(value.Generic, "%s: %s is larger than %d bytes (:max-bytes)", call.Capability, path, limit)
	}
	return value.String(string(data)), nil
}

func writeFile(_ context.Context, call *host.CallContext, args []value.Value) (value.Value, error) {
	opts := host.OptionsMap{M: args[0].AsMap()}
	path, err := resolvePath(call, opts.Str("path", ""), true)
	if err != nil {
		return value.Nil, err
	}
	if err := os.WriteFile(path, []byte(opts.Str("content", "")), 0o644); err != nil {
		return value.Nil, osError(call, err)
	}
	return value.Nil, nil
}

func listDir(_ context.Context, call *host.CallContext, args []value.Value) (value.Value, error) {
	path, err := resolvePath(call, host.OptionsMap{M: args[0].AsMap()}.Str("path", ""), false)
	if err != nil {
		return value.Nil, err
	}
	entries, err := os.ReadDir(path) // sorted by name
	if err != nil {
		return value.Nil, osError(call, err)
	}
	names := make([]value.Value, len(entries))
	for i, e := range entries {
		names[i] = value.String(e.Name())
	}
	return value.NewVector(names), nil
}

func fileExists(_ context.Context, call *host.CallContext, args []value.Value) (value.Value, error) {
	path, err := resolvePath(call, host.OptionsMap{M: args[0].AsMap()}.Str("path", ""), false)
	if err != nil {
		return value.Nil, err
	}
	_, err = os.Stat(path)
	switch {
	case err == nil:
		return value.True, nil
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		// A path through a regular file cannot exist either.
		return value.False, nil
	}
	return value.Nil, osError(call, err)
}

// osError is the catchable error of a failed OS operation, with the OS's
// own message (which names the operation and the path).
func osError(call *host.CallContext, err error) error {
	return value.Errorf(value.Generic, "%s: %v", call.Capability, err)
}

// The ceilings of the options by which a call asks for more than the
// defaults: bytes read into memory, and time.
const (
	// maxBytesCeiling bounds what one call reads into memory when the
	// profile sets no memory limit.
	maxBytesCeiling = 64 << 20
	// maxTimeoutCeiling bounds a call's timeout when the profile sets no
	// time limit.
	maxTimeoutCeiling = 10 * time.Minute
)

// bytesOption reads an optional positive byte count, clamped by the run:
// a quarter of the profile's memory limit (the value is copied a few times
// on its way to the plan), or maxBytesCeiling without one. A plan can ask
// for less than the default, never for more than the run allows.
func bytesOption(call *host.CallContext, opts host.OptionsMap, name string) (int64, error) {
	ceiling := int64(maxBytesCeiling)
	if m := call.Policy.ResourceLimits.MaxMemoryBytes; m > 0 {
		ceiling = max(m/4, 1)
	}
	return positiveOption(call.Capability, opts, name, min(DefaultMaxBytes, ceiling), ceiling)
}

// timeoutOption reads an optional positive timeout in milliseconds,
// clamped by the profile's time limit (or maxTimeoutCeiling).
func timeoutOption(call *host.CallContext, opts host.OptionsMap) (time.Duration, error) {
	ceiling := maxTimeoutCeiling.Milliseconds()
	if ms := call.Policy.ResourceLimits.MaxExecutionTimeMS; ms > 0 {
		ceiling = ms
	}
	ms, err := positiveOption(call.Capability, opts, "timeout-ms", min(DefaultTimeout.Milliseconds(), ceiling), ceiling)
	return time.Duration(ms) * time.Millisecond, err
}

// positiveOption reads an optional integer option that must be positive,
// at most ceiling.
func positiveOption(id string, opts host.OptionsMap, name string, def, ceiling int64) (int64, error) {
	n := opts.Int(name, def)
	if n <= 0 {
		return 0, value.Errorf(value.InvalidArguments, "Invalid arguments to %s: :%s must be positive, got %d", id, name, n)
	}
	return min(n, ceiling), nil
}
