package main

import (
	"fmt"

	"github.com/d5/tengo/v2"
	"github.com/d5/tengo/v2/stdlib"
)

// tengoPeer is Tengo, a bytecode-compiled Go scripting language. Its
// scripts leave their value in the global result. It has no sort, so it
// sits out that row.
var tengoPeer = peer{
	name:   "tengo",
	pureGo: true,
	ext:    ".tengo",
	prepare: func(file string, src []byte, n int) (func() (string, error), error) {
		script := tengo.NewScript(src)
		script.SetImports(stdlib.GetModuleMap("text"))
		if err := script.Add("N", n); err != nil {
			return nil, err
		}
		compiled, err := script.Compile()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		return func() (string, error) {
			run := compiled.Clone()
			if err := run.Run(); err != nil {
				return "", err
			}
			return fmt.Sprint(run.Get("result").Value()), nil
		}, nil
	},
}
