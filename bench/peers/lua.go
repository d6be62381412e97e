package main

import (
	"bytes"
	"fmt"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// gopher-lua's value stack has a fixed size by default, and table.concat
// pushes every piece and separator on it before joining them: 200,000
// values for the strings workload. These options let it grow that far, in
// large steps because it grows by a constant step (32 by default, which
// makes the strings workload take half a minute) rather than by doubling.
var luaOptions = lua.Options{RegistryMaxSize: 1 << 18, RegistryGrowStep: 1 << 14}

// luaPeer is gopher-lua, a Lua 5.1 VM. Its scripts return their value.
var luaPeer = peer{
	name: "gopher-lua",
	ext:  ".lua",
	prepare: func(file string, src []byte, n int) (func() (string, error), error) {
		chunk, err := parse.Parse(bytes.NewReader(src), file)
		if err != nil {
			return nil, err
		}
		proto, err := lua.Compile(chunk, file)
		if err != nil {
			return nil, err
		}
		return func() (string, error) {
			state := lua.NewState(luaOptions)
			defer state.Close()
			state.SetGlobal("N", lua.LNumber(n))
			state.Push(state.NewFunctionFromProto(proto))
			if err := state.PCall(0, 1, nil); err != nil {
				return "", err
			}
			result, ok := state.Get(-1).(lua.LNumber)
			if !ok {
				return "", fmt.Errorf("value %s is not a number", state.Get(-1))
			}
			return formatFloat(float64(result)), nil
		}, nil
	},
}
