// Package caps holds the capabilities that touch the world (files, HTTP,
// processes, the environment, the clock, randomness, manifest commands) and
// PlanHost, the host that runs plans for real.
//
// PlanHost's Registry holds the built-in manifest (Builtins) plus external
// programs declared in a JSON manifest (LoadManifest). For every call it
// looks the capability up, checks the arguments against its signature,
// counts it against the I/O limit of the profile in force and runs it
// under that profile: the capability itself asks the CallContext whether
// a URL's host is allowed (host.CallContext.CheckHost) and resolves every
// path it touches against the file system policy, symbolic links
// included. Every step event, call and refusal is appended to the causal
// chain (package chain), a hash-linked JSON Lines log whose tampering
// Verify detects.
package caps

import (
	"context"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
)

// DefaultMaxBytes bounds what a capability reads into memory when the call
// sets no limit of its own: a file, a response body, each output stream of
// a process.
const DefaultMaxBytes = 10 << 20

// DefaultTimeout bounds network requests and processes whose call sets no
// timeout.
const DefaultTimeout = 30 * time.Second

// Builtins returns the built-in capability manifest, a fresh copy each
// time:
//
//	ccos.echo                (call :ccos.echo v) => v
//	ccos.math.add            (call :ccos.math.add 2 3) => 5; the `+` builtin
//	ccos.io.log              (call :ccos.io.log "msg" ...) => nil; see below
//	ccos.io.read-file        {:path :max-bytes} => string            fs-read
//	ccos.io.write-file       {:path :content} => nil                 fs-write
//	ccos.io.list-dir         {:path} => sorted vector of names       fs-read
//	ccos.io.file-exists      {:path} => boolean                      fs-read
//	ccos.network.http-fetch  {:url ...} => {:status :headers :body}  network
//	ccos.system.execute      {:cmd ...} => {:exit :stdout :stderr}   exec
//	ccos.system.get-env      (call :ccos.system.get-env "HOME") => string or nil   env
//	ccos.time.now            => integer milliseconds since the Unix epoch          clock
//	ccos.random.int          (call :ccos.random.int lo hi) => integer in [lo, hi]  random
//	ccos.data.parse-json     the parse-json builtin
//	ccos.data.serialize-json the serialize-json builtin
//	ccos.ai.llm-execute      (llm-execute model prompt [system]) => string; echo-model returns the prompt
//
// ccos.io.log writes one line (its arguments as `str` renders them, joined
// by spaces) to the host's log writer. It is observable, but it touches no
// resource a step profile restricts (the log stream is the host's own, like
// the causal chain), so it declares no effect and a step that only logs
// stays pure.
func Builtins() []host.Capability {
	return []host.Capability{
		{ID: "ccos.echo", Description: "returns its argument unchanged", Signature: host.Positional(1, 1), Run: echo},
		stdlibCapability("ccos.math.add", "+", "adds numbers like the + builtin"),
		{ID: "ccos.io.log", Description: "writes its arguments as one line to the host log", Signature: host.Positional(1, -1), Run: logLine},
		readFileCapability,
		writeFileCapability,
		listDirCapability,
		fileExistsCapability,
		httpFetchCapability,
		executeCapability,
		{ID: "ccos.system.get-env", Description: "returns an environment variable of the host, or nil",
			Effects: []host.Effect{host.EffectEnv}, Signature: host.Positional(1, 1), Run: getEnv, Sensitive: []string{"result"}},
		{ID: "ccos.time.now", Description: "returns the time as integer milliseconds since the Unix epoch",
			Effects: []host.Effect{host.EffectClock}, Signature: host.Positional(0, 0), Run: timeNow},
		{ID: "ccos.random.int", Description: "returns a uniformly random integer between lo and hi, both included",
			Effects: []host.Effect{host.EffectRandom}, Signature: host.Positional(2, 2), Run: randomInt},
		{ID: llmCapability, Description: "answers a prompt with a model: echo-model, the built-in model, returns the prompt",
			Signature: host.Positional(2, 3), Run: llmExecute},
		stdlibCapability("ccos.data.parse-json", "parse-json", "parses a JSON document like the parse-json builtin"),
		stdlibCapability("ccos.data.serialize-json", "serialize-json", "serializes a value as JSON like the serialize-json builtin"),
	}
}

func echo(_ context.Context, _ *host.CallContext, args []value.Value) (value.Value, error) {
	return args[0], nil
}

// llmExecute is what (llm-execute model prompt [system]) calls. The one
// model built in is the reference's echo-model, which answers with the
// prompt; it makes plans that use llm-execute runnable and testable
// without a model service.
func llmExecute(_ context.Context, _ *host.CallContext, args []value.Value) (value.Value, error) {
	model, prompt := args[0], args[1]
	if model.Kind() != value.KString {
		return value.Nil, value.TypeErr("ccos.ai.llm-execute", "a model name (string)", model)
	}
	if prompt.Kind() != value.KString {
		return value.Nil, value.TypeErr("ccos.ai.llm-execute", "a prompt (string)", prompt)
	}
	if model.AsString() != "echo-model" {
		return value.Nil, value.Errorf(value.Generic, "llm-execute: unknown model %q (built in: echo-model)", model.AsString())
	}
	return prompt, nil
}

// stdlibCapability exposes a pure standard-library builtin as a capability
// with no effect, so the capability and the builtin cannot drift apart.
func stdlibCapability(id, builtin, description string) host.Capability {
	sig := host.Positional(0, -1)
	if b := stdlib.Lookup(builtin); b != nil {
		sig = host.Positional(b.MinArgs, b.MaxArgs)
	}
	return host.Capability{ID: id, Description: description, Signature: sig,
		Run: func(_ context.Context, _ *host.CallContext, args []value.Value) (value.Value, error) {
			return applyPure(builtin, args...)
		}}
}

// applyPure applies the standard-library builtin name to args. It runs
// without an engine, which only a pure builtin allows; should the library
// ever lose the builtin or make it impure, calls fail instead of crashing.
func applyPure(name string, args ...value.Value) (value.Value, error) {
	b := stdlib.Lookup(name)
	if b == nil || !b.Pure {
		return value.Nil, value.Errorf(value.InternalError, "no pure standard library builtin %s", name)
	}
	return b.Fn(nil, args)
}

func logLine(_ context.Context, call *host.CallContext, args []value.Value) (value.Value, error) {
	if _, err := io.WriteString(call.Log, value.StrLine(args)); err != nil {
		return value.Nil, value.Errorf(value.Generic, "ccos.io.log: %v", err)
	}
	return value.Nil, nil
}

func getEnv(_ context.Context, _ *host.CallContext, args []value.Value) (value.Value, error) {
	if args[0].Kind() != value.KString {
		return value.Nil, value.TypeErr("ccos.system.get-env", "string", args[0])
	}
	if v, ok := os.LookupEnv(args[0].AsString()); ok {
		return value.String(v), nil
	}
	return value.Nil, nil
}

func timeNow(context.Context, *host.CallContext, []value.Value) (value.Value, error) {
	return value.Int(time.Now().UnixMilli()), nil
}

func randomInt(_ context.Context, _ *host.CallContext, args []value.Value) (value.Value, error) {
	for _, a := range args {
		if a.Kind() != value.KInt {
			return value.Nil, value.TypeErr("ccos.random.int", "integer", a)
		}
	}
	lo, hi := args[0].AsInt(), args[1].AsInt()
	if lo > hi {
		return value.Nil, value.Errorf(value.InvalidArguments, "Invalid arguments to ccos.random.int: lo %d is greater than hi %d", lo, hi)
	}
	// The span is computed in uint64 so that [MinInt64, MaxInt64] does not
	// overflow; it wraps to 0 exactly for that full range.
	span := uint64(hi-lo) + 1
	if span == 0 {
		return value.Int(int64(rand.Uint64())), nil
	}
	return value.Int(lo + int64(rand.Uint64N(span))), nil
}

// BuiltinRegistry is the registry of the built-in capabilities and those
// loaded from manifests (see LoadManifest).
//
// One built-in may be replaced: a user capability with the id
// ccos.ai.llm-execute is the model provider in place of the echo-model
// (it gets the model, the prompt and the system prompt, and may serve any
// model); any other id defined twice is an error.
func BuiltinRegistry(user ...host.Capability) (*host.Registry, error) {
	builtins := Builtins()
	if slices.ContainsFunc(user, func(c host.Capability) bool { return c.ID == llmCapability }) {
		builtins = slices.DeleteFunc(builtins, func(c host.Capability) bool { return c.ID == llmCapability })
	}
	return host.NewRegistry(append(builtins, user...)...)
}

// llmCapability is the capability llm-execute calls.
const llmCapability = "ccos.ai.llm-execute"
