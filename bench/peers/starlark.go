package main

import (
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// starlarkPeer is starlark-go. Its scripts leave their value in the global
// result. Recursion, which Starlark forbids by default, is allowed, for
// fib.
var starlarkPeer = peer{
	name:   "starlark-go",
	pureGo: true,
	ext:    ".star",
	prepare: func(file string, src []byte, n int) (func() (string, error), error) {
		predeclared := starlark.StringDict{"N": starlark.MakeInt(n)}
		options := &syntax.FileOptions{Recursion: true}
		_, program, err := starlark.SourceProgramOptions(options, file, src, predeclared.Has)
		if err != nil {
			return nil, err
		}
		return func() (string, error) {
			globals, err := program.Init(&starlark.Thread{Name: file}, predeclared)
			if err != nil {
				return "", err
			}
			return globals["result"].String(), nil
		}, nil
	},
}
