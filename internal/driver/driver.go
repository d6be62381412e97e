// Package driver holds what the two CLIs share over the rtfs API: reading a
// program from a file or standard input, telling source from bytecode,
// turning the policy flags into run options, and reporting errors the way
// users see them (syntax errors with the offending line and a caret, bad
// bytecode as "not a valid rtfs bytecode file").
package driver

import (
	"fmt"
	"io"
	"os"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/compiler"
	"github.com/urfave/cli/v2"
)

// Input is a program as read from a file or standard input.
type Input struct {
	Name  string // the path, or "<stdin>"
	Data  []byte
	Limit int64 // the most bytes it may have
}

// SourceFlags are the flags that bound what the front end takes on.
func SourceFlags() []cli.Flag {
	return []cli.Flag{&cli.Int64Flag{Name: "max-source-bytes", Value: compiler.DefaultMaxSourceBytes,
		Usage: "refuse a program (source or bytecode) larger than this many bytes"}}
}

// Read reads path, or stdin when path is "-", refusing more than limit
// bytes (0: compiler.DefaultMaxSourceBytes) without reading the rest.
func Read(path string, stdin io.Reader, limit int64) (*Input, error) {
	if limit <= 0 {
		limit = compiler.DefaultMaxSourceBytes
	}
	in := &Input{Name: path}
	r := stdin
	if path == "-" {
		in.Name = "<stdin>"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes (--max-source-bytes)", in.Name, limit)
	}
	in.Data, in.Limit = data, limit
	return in, nil
}

// IsBytecode reports whether the input is a .rtfsb container.
func (in *Input) IsBytecode() bool { return rtfs.IsBytecode(in.Data) }

// Program compiles the input when it is source and loads it when it is
// bytecode. Its errors are ready to print: every syntax error with its
// line and caret, or "error: FILE: not a valid rtfs bytecode file: ...".
func (in *Input) Program() (*rtfs.Program, error) {
	if in.IsBytecode() {
		p, err := rtfs.Load(in.Data)
		if err != nil {
			return nil, fmt.Errorf("error: %s: %w", in.Name, err)
		}
		return p, nil
	}
	if rtfs.IsFormsJSON(in.Data) {
		p, err := rtfs.CompileJSON(in.Data)
		if err != nil {
			return nil, fmt.Errorf("error: %s: %w", in.Name, err)
		}
		return p, nil
	}
	return rtfs.CompileWith(in.Name, in.Data, rtfs.CompileOptions{MaxSourceBytes: in.Limit})
}
