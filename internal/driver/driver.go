// Package driver holds what the two CLIs share: reading a program from a
// file or standard input, telling source from bytecode, compiling source
// through the front end and the code generator, and reporting errors the
// way users see them (syntax errors with the offending line and a caret,
// bad bytecode as "not a valid rtfs bytecode file").
package driver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/codegen"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/vm/value"
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

// IsBytecode reports whether the input is a .rtfsb container (by its magic,
// whatever the file is called).
func (in *Input) IsBytecode() bool { return bytes.HasPrefix(in.Data, []byte(isa.Magic)) }

// SourceErrors are the front end's errors on one input, rendered with the
// source line and a caret.
type SourceErrors struct {
	Src  []byte
	Errs []*value.Error
}

func (e *SourceErrors) Error() string {
	var b bytes.Buffer
	for _, err := range e.Errs {
		b.WriteString(syntax.Render(err, e.Src))
	}
	return string(bytes.TrimRight(b.Bytes(), "\n"))
}

// BadBytecode is a file that is not a valid module.
type BadBytecode struct {
	Name   string
	Reason error
}

func (e *BadBytecode) Error() string {
	return fmt.Sprintf("error: %s: not a valid rtfs bytecode file: %v", e.Name, e.Reason)
}

// Parse runs the front end on source input.
func (in *Input) Parse() (*ast.Program, error) {
	prog, errs := compiler.Parse(in.Name, in.Data)
	if len(errs) > 0 {
		return nil, &SourceErrors{Src: in.Data, Errs: errs}
	}
	return prog, nil
}

// Module returns the input as a verified module: decoded when it is
// bytecode, compiled when it is source. The program is returned too when
// the input was source (nil for bytecode).
func (in *Input) Module() (*isa.Module, *ast.Program, error) {
	if in.IsBytecode() {
		m, err := isa.Decode(in.Data)
		if err != nil {
			return nil, nil, &BadBytecode{Name: in.Name, Reason: err}
		}
		return m, nil, nil
	}
	prog, err := in.Parse()
	if err != nil {
		return nil, nil, err
	}
	m, err := Compile(in, prog)
	return m, prog, err
}

// Compile runs the code generator on a parsed program; its errors (a
// function too large for the instruction format, say) are positioned source
// errors too.
func Compile(in *Input, prog *ast.Program) (*isa.Module, error) {
	m, err := codegen.Compile(prog)
	if err != nil {
		var verr *value.Error
		if errors.As(err, &verr) {
			return nil, &SourceErrors{Src: in.Data, Errs: []*value.Error{verr}}
		}
		return nil, err
	}
	return m, nil
}
