package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

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
	name:   "gopher-lua",
	pureGo: true,
	ext:    ".lua",
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

// luaProcess is a Lua installed as the program binary (lua5.4, luajit),
// if it is: each run starts it on the script, with N set, and reads the
// value it prints. The script goes to a temporary file the process
// outlives only by the time the table takes.
func luaProcess(binary string) (peer, bool) {
	path, err := exec.LookPath(binary)
	if err != nil {
		return peer{}, false
	}
	return peer{
		name: binary,
		ext:  ".lua",
		prepare: func(file string, src []byte, n int) (func() (string, error), error) {
			script := filepath.Join(os.TempDir(), fmt.Sprintf("rtfs-peers-%d-%s", os.Getpid(), filepath.Base(file)))
			if err := os.WriteFile(script, src, 0o600); err != nil {
				return nil, err
			}
			args := []string{"-e", fmt.Sprintf("N=%d", n), "-e", fmt.Sprintf("print((dofile(%q)))", script)}
			return func() (string, error) {
				out, err := exec.Command(path, args...).Output()
				return strings.TrimSpace(string(out)), err
			}, nil
		},
	}, true
}
