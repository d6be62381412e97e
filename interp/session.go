package interp

import (
	"context"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/rt"
	"github.com/rtfs-go/rtfs/value"
)

// Session evaluates programs one after another in one global frame, on
// one host: what an input defines, the next one sees. It is what the REPL
// runs on; Run is a session of one program.
type Session struct {
	m         *machine
	globals   *env
	maxMemory int64
}

// NewSession starts a session with opts (its Profiles are ignored: each
// program brings its own).
func NewSession(opts Options) *Session {
	return &Session{m: newMachine(context.Background(), opts), globals: newEnv(builtinFrame()), maxMemory: opts.MaxMemory}
}

// Defined reports whether the programs evaluated so far have defined
// anything.
func (s *Session) Defined() bool { return len(s.globals.vars) > 0 }

// Eval evaluates the top-level forms of prog in order, under ctx, and
// returns the value of the last one; profiles are its steps' (see
// Options.Profiles). After an error the session goes on, with what the
// forms before it defined.
func (s *Session) Eval(ctx context.Context, prog *ast.Program, profiles []*host.StepProfile) (value.Value, error) {
	defer rt.LimitGC(s.maxMemory)()
	m := s.m
	m.ctx, m.profiles = ctx, profiles
	m.depth, m.nesting, m.callbacks, m.hasPending = 0, 0, 0, false
	result := value.Nil
	for _, form := range prog.Forms {
		v, err := m.eval(form, s.globals)
		if err != nil {
			return value.Nil, err
		}
		result = v
	}
	return result, nil
}
