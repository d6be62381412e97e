package caps

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"

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
	limit, err := positiveOption(call.Capability, opts, "max-bytes", DefaultMaxBytes)
	if err != nil {
		return value.Nil, err
	}
	path, err := resolvePath(call, opts.Str("path", ""), false)
	if err != nil {
		return value.Nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return value.Nil, osError(call, err)
	}
	defer f.Close()
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

// positiveOption reads an optional integer option that must be positive.
func positiveOption(id string, opts host.OptionsMap, name string, def int64) (int64, error) {
	n := opts.Int(name, def)
	if n <= 0 {
		return 0, value.Errorf(value.InvalidArguments, "Invalid arguments to %s: :%s must be positive, got %d", id, name, n)
	}
	return n, nil
}
