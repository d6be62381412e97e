package main

import "github.com/dop251/goja"

// gojaPeer is goja, an ECMAScript 5.1+ engine. The value of a script is
// that of its last expression statement.
var gojaPeer = peer{
	name:   "goja",
	pureGo: true,
	ext:    ".js",
	prepare: func(file string, src []byte, n int) (func() (string, error), error) {
		program, err := goja.Compile(file, string(src), true)
		if err != nil {
			return nil, err
		}
		return func() (string, error) {
			runtime := goja.New()
			if err := runtime.Set("N", n); err != nil {
				return "", err
			}
			result, err := runtime.RunProgram(program)
			if err != nil {
				return "", err
			}
			return result.String(), nil
		}, nil
	},
}
