package caps

import (
	"context"
	"strings"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

// executeCapability runs a program without a shell. Its environment is
// exactly :env (empty when absent): no variable of the host leaks into a
// program the plan chose, so a program that needs PATH must be given it.
// :cmd without a slash is looked up in the host's PATH. The program's own
// file and network accesses are not checked against the step profile
// here; confining them is the OS sandbox's job.
var executeCapability = host.Capability{
	ID: "ccos.system.execute",
	Description: "runs :cmd with :args (no shell) in :dir with exactly the environment :env, " +
		"feeding it :stdin; returns {:exit :stdout :stderr}; :timeout-ms (default 30 s) kills its process group",
	Effects:   []host.Effect{host.EffectExec},
	Sensitive: []string{"env"}, // environments carry tokens
	Signature: host.OptionsOf(
		host.Option{Name: "cmd", Kind: value.KString, Required: true},
		host.Option{Name: "args", Kind: value.KVector},
		host.Option{Name: "env", Kind: value.KMap},
		host.Option{Name: "dir", Kind: value.KString},
		host.Option{Name: "stdin", Kind: value.KString},
		host.Option{Name: "timeout-ms", Kind: value.KInt},
		host.Option{Name: "max-output-bytes", Kind: value.KInt},
	),
	Run: execute,
}

func execute(ctx context.Context, call *host.CallContext, args []value.Value) (value.Value, error) {
	id := call.Capability
	opts := host.OptionsMap{M: args[0].AsMap()}
	cmd := opts.Str("cmd", "")
	if cmd == "" {
		return value.Nil, value.Errorf(value.InvalidArguments, "Invalid arguments to %s: :cmd is empty", id)
	}
	argv := []string{cmd}
	if v, ok := opts.Get("args"); ok {
		for _, a := range v.AsVector().All() {
			if a.Kind() != value.KString {
				return value.Nil, value.TypeErr(id+" option :args", "a vector of strings", a)
			}
			argv = append(argv, a.AsString())
		}
	}
	env := []string{} // not nil: nil would inherit the host's environment
	if v, ok := opts.Get("env"); ok {
		for e := range v.AsMap().Entries() {
			name := e.Key.KeyName()
			if name == "" || e.Val.Kind() != value.KString {
				return value.Nil, value.Errorf(value.TypeError, "Type error in %s option :env: expected a map of names to strings, got %s %s", id, e.Key, e.Val)
			}
			if strings.ContainsAny(name, "=\x00") {
				return value.Nil, value.Errorf(value.InvalidArguments, "Invalid arguments to %s: bad environment variable name %q", id, name)
			}
			env = append(env, name+"="+e.Val.AsString())
		}
	}
	timeout, err := timeoutOption(call, opts)
	if err != nil {
		return value.Nil, err
	}
	maxOutput, err := bytesOption(call, opts, "max-output-bytes")
	if err != nil {
		return value.Nil, err
	}
	p := process{
		argv:      argv,
		env:       env,
		dir:       opts.Str("dir", ""),
		stdin:     []byte(opts.Str("stdin", "")),
		timeout:   timeout,
		maxOutput: maxOutput,
	}
	res, err := p.run(ctx)
	if err != nil {
		return value.Nil, value.Errorf(value.Generic, "%s: %v", id, err)
	}
	return value.MapFromEntries([]value.MapEntry{
		{Key: value.Kw("exit"), Val: value.Int(int64(res.exitCode))},
		{Key: value.Kw("stdout"), Val: value.String(string(res.stdout))},
		{Key: value.Kw("stderr"), Val: value.String(string(res.stderr))},
	}), nil
}
