package caps

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

// LoadManifest reads a capability manifest: a JSON file declaring external
// capabilities, each implemented by a program.
//
//	{
//	  "capabilities": [
//	    {
//	      "id": "example.text.shout",
//	      "description": "upper-cases its string argument",
//	      "effects": [],
//	      "command": ["./shout.sh", "--loud"],
//	      "min_args": 1,
//	      "max_args": 1,
//	      "timeout_ms": 5000
//	    }
//	  ]
//	}
//
// Fields: "id" (required; no spaces; must not be a built-in id or repeat
// another entry's), "description", "effects" (effect names as in
// AllEffects; default none), "command" (required argv: a program with a
// slash is taken relative to the manifest's directory, one without is
// looked up in PATH when the manifest is loaded), "min_args" (default 0),
// "max_args" (default -1: no upper bound), "timeout_ms" (default 30000).
// Unknown fields are errors, so a misspelt field is never silently ignored.
//
// A call runs the command, without a shell, with an empty environment (no
// variable of the host leaks into it) in the host's working directory. Its arguments arrive on standard input as one JSON
// array, encoded like serialize-json (keywords become strings, maps
// objects). The program writes its result on standard output as one JSON
// document, decoded like parse-json (object keys become strings); empty
// output is nil. A non-zero exit status is a Generic error carrying the
// program's standard error; so are a timeout (which kills the program's
// process group) and invalid JSON output.
//
// The declared effects feed the step profiles and the I/O count like those
// of a built-in capability, but what the program really touches is beyond
// the host's checks: confining it is the OS sandbox's job, so declare every
// effect the program has.
//
// Every problem of the manifest is reported, each naming its entry.
func LoadManifest(path string) ([]host.Capability, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading capability manifest: %w", err)
	}
	var file struct {
		Capabilities []manifestEntry `json:"capabilities"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("capability manifest %s: %v", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("capability manifest %s: data after the manifest object", path)
	}
	builtin := map[string]bool{}
	for _, c := range Builtins() {
		builtin[c.ID] = true
	}
	seen := map[string]bool{}
	var caps []host.Capability
	var problems []error
	for i, entry := range file.Capabilities {
		name := fmt.Sprintf("capability %d", i+1)
		if entry.ID != "" {
			name += fmt.Sprintf(" (%s)", entry.ID)
		}
		c, err := entry.capability(filepath.Dir(path))
		switch {
		case err != nil:
		case builtin[entry.ID]:
			err = fmt.Errorf("id %s is a built-in capability", entry.ID)
		case seen[entry.ID]:
			err = fmt.Errorf("id %s is declared twice", entry.ID)
		}
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
			continue
		}
		seen[entry.ID] = true
		caps = append(caps, c)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("capability manifest %s:\n%w", path, errors.Join(problems...))
	}
	return caps, nil
}

// manifestEntry is one capability as the manifest spells it.
type manifestEntry struct {
	ID          string   `json:"id"`
	Description string   `json:"description"`
	Effects     []string `json:"effects"`
	Command     []string `json:"command"`
	MinArgs     *int     `json:"min_args"`
	MaxArgs     *int     `json:"max_args"`
	TimeoutMS   int64    `json:"timeout_ms"`
	// Sensitive are the parts of the arguments and results the chain
	// keeps only a digest of (see redact.go).
	Sensitive []string `json:"sensitive"`
}

// capability validates the entry and builds its capability; dir is the
// manifest's directory.
func (e manifestEntry) capability(dir string) (host.Capability, error) {
	if e.ID == "" {
		return host.Capability{}, errors.New(`"id" is missing`)
	}
	if strings.IndexFunc(e.ID, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return host.Capability{}, fmt.Errorf("id %q contains spaces or control characters", e.ID)
	}
	var effects []host.Effect
	for _, name := range e.Effects {
		eff, err := host.ParseEffect(name)
		if err != nil {
			return host.Capability{}, err
		}
		for _, prev := range effects {
			if prev == eff {
				return host.Capability{}, fmt.Errorf("effect %s is listed twice", eff)
			}
		}
		effects = append(effects, eff)
	}
	sig := host.Positional(0, -1)
	if e.MinArgs != nil {
		sig.MinArgs = *e.MinArgs
	}
	if e.MaxArgs != nil {
		sig.MaxArgs = *e.MaxArgs
	}
	if sig.MinArgs < 0 || sig.MaxArgs < -1 || (sig.MaxArgs >= 0 && sig.MaxArgs < sig.MinArgs) {
		return host.Capability{}, fmt.Errorf("bad arity: min_args %d, max_args %d (want 0 <= min_args <= max_args, or max_args -1 for no bound)", sig.MinArgs, sig.MaxArgs)
	}
	if e.TimeoutMS < 0 {
		return host.Capability{}, fmt.Errorf("timeout_ms %d is negative", e.TimeoutMS)
	}
	timeout := DefaultTimeout
	if e.TimeoutMS > 0 {
		timeout = time.Duration(e.TimeoutMS) * time.Millisecond
	}
	if len(e.Command) == 0 || e.Command[0] == "" {
		return host.Capability{}, errors.New(`"command" is missing`)
	}
	program, err := findProgram(dir, e.Command[0])
	if err != nil {
		return host.Capability{}, err
	}
	argv := append([]string{program}, e.Command[1:]...)
	for _, path := range e.Sensitive {
		if path == "" || strings.Contains(path, "..") || strings.HasPrefix(path, ".") || strings.HasSuffix(path, ".") {
			return host.Capability{}, fmt.Errorf("sensitive path %q: want parts joined by dots, such as headers.Authorization or result", path)
		}
	}
	return host.Capability{
		ID:          e.ID,
		Description: e.Description,
		Effects:     effects,
		Signature:   sig,
		Program:     program,
		Sensitive:   e.Sensitive,
		Run: func(ctx context.Context, call *host.CallContext, args []value.Value) (value.Value, error) {
			return runExternal(ctx, call.Capability, process{argv: argv, env: []string{}, timeout: timeout, maxOutput: DefaultMaxBytes}, args)
		},
	}, nil
}

// findProgram resolves a manifest command's program to an absolute path of
// an executable file.
func findProgram(dir, program string) (string, error) {
	if !strings.Contains(program, "/") {
		found, err := exec.LookPath(program)
		if err != nil {
			return "", fmt.Errorf("command %s is not in PATH", program)
		}
		program = found
	} else if !filepath.IsAbs(program) {
		program = filepath.Join(dir, program)
	}
	abs, err := filepath.Abs(program)
	if err != nil {
		return "", err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("command: %v", err)
	}
	if info.IsDir() || info.Mode().Perm()&0o111 == 0 {
		return "", fmt.Errorf("command %s is not an executable file", abs)
	}
	return abs, nil
}

// maxStderrInError bounds how much of a failed program's standard error an
// error message quotes.
const maxStderrInError = 2 << 10

// runExternal runs a manifest capability's program p on args.
func runExternal(ctx context.Context, id string, p process, args []value.Value) (value.Value, error) {
	input, err := applyPure("serialize-json", value.NewVector(args))
	if err != nil {
		return value.Nil, value.Errorf(value.Generic, "%s: cannot pass the arguments as JSON: %s", id, errorMessage(err))
	}
	p.stdin = []byte(input.AsString())
	res, err := p.run(ctx)
	if err != nil {
		return value.Nil, value.Errorf(value.Generic, "%s: %v", id, err)
	}
	if res.exitCode != 0 {
		stderr := strings.TrimSpace(string(res.stderr))
		if len(stderr) > maxStderrInError {
			stderr = stderr[:maxStderrInError] + "…"
		}
		return value.Nil, value.Errorf(value.Generic, "%s failed with exit status %d: %s", id, res.exitCode, stderr)
	}
	out := strings.TrimSpace(string(res.stdout))
	if out == "" {
		return value.Nil, nil
	}
	v, err := applyPure("parse-json", value.String(out))
	if err != nil {
		return value.Nil, value.Errorf(value.Generic, "%s returned a result that is not JSON: %s", id, errorMessage(err))
	}
	return v, nil
}

// errorMessage is the message of an RTFS error without its kind prefix.
func errorMessage(err error) string {
	var e *value.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
