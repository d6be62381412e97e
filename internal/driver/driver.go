// Package driver holds what the two CLIs share over the rtfs API: reading a
// program from a file or standard input, telling source from bytecode,
// turning the policy flags into run options, and reporting errors the way
// users see them (syntax errors with the offending line and a caret, bad
// bytecode as "not a valid rtfs bytecode file").
package driver

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

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
		Usage: "refuse a program (source or bytecode) larger than this many bytes"}, errorFormatFlag}
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

// binary reports whether data is no text: a NUL byte or bytes that are
// not UTF-8 in its first 8 KiB. Reading an executable as source would
// report an error for every line of it.
func binary(data []byte) bool {
	head := data[:min(len(data), 8<<10)]
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	if len(head) < len(data) {
		// The window may end inside a character: cut before its start.
		for i := len(head) - 1; i > 0 && i >= len(head)-utf8.UTFMax; i-- {
			if utf8.RuneStart(head[i]) {
				head = head[:i]
				break
			}
		}
	}
	return !utf8.Valid(head)
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
	if binary(in.Data) {
		return nil, fmt.Errorf("error: %s: not RTFS source: binary data (and not a valid rtfs bytecode file)", in.Name)
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
