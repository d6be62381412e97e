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
)

// Input is a program as read from a file or standard input.
type Input struct {
	Name string // the path, or "<stdin>"
	Data []byte
}

// Read reads path, or stdin when path is "-".
func Read(path string, stdin io.Reader) (*Input, error) {
	if path == "-" {
		data, err := io.ReadAll(stdin)
		return &Input{Name: "<stdin>", Data: data}, err
	}
	data, err := os.ReadFile(path)
	return &Input{Name: path, Data: data}, err
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
	return rtfs.Compile(in.Name, in.Data)
}
