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
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
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

// Module returns the input as a verified module with the step profiles
// the policy gives it: decoded when it is bytecode (its stored profiles
// derived again under the policy's flags), compiled when it is source. The
// program is returned too when the input was source (nil for bytecode).
func (in *Input) Module(policy *Policy) (*isa.Module, *ast.Program, error) {
	if in.IsBytecode() {
		m, err := isa.Decode(in.Data)
		if err != nil {
			return nil, nil, &BadBytecode{Name: in.Name, Reason: err}
		}
		stored := make([]*host.StepProfile, len(m.Steps))
		for i, s := range m.Steps {
			stored[i] = s.Profile
		}
		for i, p := range policy.Reapply(stored) {
			m.Steps[i].Profile = p
		}
		return m, nil, nil
	}
	prog, err := in.Parse()
	if err != nil {
		return nil, nil, err
	}
	m, err := in.compile(prog, policy.Profiles(prog))
	return m, prog, err
}

// compile runs the code generator on a parsed program; its errors (a
// function too large for the instruction format, say) are positioned source
// errors too.
func (in *Input) compile(prog *ast.Program, profiles []*host.StepProfile) (*isa.Module, error) {
	m, err := codegen.CompileWith(prog, codegen.Options{Profiles: profiles})
	if err != nil {
		var verr *value.Error
		if errors.As(err, &verr) {
			return nil, &SourceErrors{Src: in.Data, Errs: []*value.Error{verr}}
		}
		return nil, err
	}
	return m, nil
}
