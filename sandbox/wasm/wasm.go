// Package wasm runs modules of compiler/wasm under wazero.
//
// # The machine
//
// An Engine is one wazero Runtime with one instance of a program's module
// and the host functions it imports (compiler/wasm.Imports), bound to one
// Host: the engine that runs the instructions WASM leaves to the host. The
// runtime bounds the instance's linear memory (WithMemoryLimitPages) and
// offers the guest nothing else: no WASI, no file system, clock,
// random or sockets. The guest's code polls the host every 1024 calls and
// backward jumps, which looks at the context and the heap as the VM does;
// wazero's WithCloseOnContextDone would do the same at every function
// entry, through a call out of the compiled code that doubles the cost of
// a call. Compiled code is cached, in memory and, when asked,
// in a directory keyed by the module's hash, so that instantiating a
// program's module again costs a fraction of a millisecond.
//
// Heap is the per-instance table of the values WASM holds as handles.
package wasm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	cw "github.com/rtfs-go/rtfs/compiler/wasm"
)

// Host runs what the module imports (see compiler/wasm.Imports).
type Host interface {
	Op(fn, pc int, fp uint32, closure uint64) uint32
	Raise(fn, pc int, fp, mark uint32, site int) int32
	Enter(fn int, fp uint32, nargs, site int) uint32
	Remember(fn, pc int, mark uint32) uint32
	Ret(fn int, fp, mark uint32) uint32
	Poll(code uint32) uint32
	Upval(closure uint64, index, fn int, fp uint32, a int) uint32
}

// Config says how modules are compiled and run.
type Config struct {
	// CacheDir keeps compiled code between processes; "" keeps it in this
	// process only.
	CacheDir string
	// MemoryLimitPages bounds linear memory, in pages of 64 KiB (0: the
	// module's own maximum).
	MemoryLimitPages uint32
}

// DefaultCacheDir is os.UserCacheDir()/rtfs/wasm, "" when there is none.
func DefaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "rtfs", "wasm")
}

var (
	cachesMu sync.Mutex
	caches   = map[string]wazero.CompilationCache{}
)

// cache returns the compilation cache of dir, one per process.
func cache(dir string) (wazero.CompilationCache, error) {
	cachesMu.Lock()
	defer cachesMu.Unlock()
	if c, ok := caches[dir]; ok {
		return c, nil
	}
	var c wazero.CompilationCache
	if dir == "" {
		c = wazero.NewCompilationCache()
	} else {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("wasm cache: %w", err)
		}
		var err error
		if c, err = wazero.NewCompilationCacheWithDir(dir); err != nil {
			return nil, fmt.Errorf("wasm cache: %w", err)
		}
	}
	caches[dir] = c
	return c, nil
}

// Features are the WebAssembly features the modules use: 2.0 (bulk
// memory) and tail calls.
const Features = api.CoreFeaturesV2 | experimental.CoreFeaturesTailCall

// Engine is a running instance of a module.
type Engine struct {
	runtime wazero.Runtime
	module  api.Module
	memory  api.Memory
	depth   api.MutableGlobal
	levels  []level
	calls   int // calls in progress
}

// level is what a call of the export needs at one level of nesting.
type level struct {
	call  api.Function
	stack []uint64
}

// New compiles (or finds in the cache) binary and instantiates it with the
// imports of h. The instance lives until ctx ends or Close.
func New(ctx context.Context, binary []byte, cfg Config, h Host) (*Engine, error) {
	c, err := cache(cfg.CacheDir)
	if err != nil {
		return nil, err
	}
	rc := wazero.NewRuntimeConfigCompiler().
		WithCoreFeatures(Features).
		WithCompilationCache(c)
	if cfg.MemoryLimitPages > 0 {
		rc = rc.WithMemoryLimitPages(cfg.MemoryLimitPages)
	}
	r := wazero.NewRuntimeWithConfig(ctx, rc)
	e := &Engine{runtime: r}
	if err := e.instantiate(ctx, binary, h); err != nil {
		r.Close(ctx)
		return nil, err
	}
	return e, nil
}

func (e *Engine) instantiate(ctx context.Context, binary []byte, h Host) error {
	i32, i64 := api.ValueTypeI32, api.ValueTypeI64
	b := e.runtime.NewHostModuleBuilder(cw.ImportModule)
	export := func(name string, params []api.ValueType, fn api.GoModuleFunc) {
		b.NewFunctionBuilder().WithGoModuleFunction(fn, params, []api.ValueType{i32}).Export(name)
	}
	export("op", []api.ValueType{i32, i32, i32, i64}, func(_ context.Context, _ api.Module, s []uint64) {
		s[0] = uint64(h.Op(int(int32(s[0])), int(int32(s[1])), uint32(s[2]), s[3]))
	})
	export("raise", []api.ValueType{i32, i32, i32, i32, i32}, func(_ context.Context, _ api.Module, s []uint64) {
		s[0] = uint64(uint32(h.Raise(int(int32(s[0])), int(int32(s[1])), uint32(s[2]), uint32(s[3]), int(int32(s[4])))))
	})
	export("enter", []api.ValueType{i32, i32, i32, i32}, func(_ context.Context, _ api.Module, s []uint64) {
		s[0] = uint64(h.Enter(int(int32(s[0])), uint32(s[1]), int(int32(s[2])), int(int32(s[3]))))
	})
	export("remember", []api.ValueType{i32, i32, i32}, func(_ context.Context, _ api.Module, s []uint64) {
		s[0] = uint64(h.Remember(int(int32(s[0])), int(int32(s[1])), uint32(s[2])))
	})
	export("ret", []api.ValueType{i32, i32, i32}, func(_ context.Context, _ api.Module, s []uint64) {
		s[0] = uint64(h.Ret(int(int32(s[0])), uint32(s[1]), uint32(s[2])))
	})
	export("poll", []api.ValueType{i32}, func(_ context.Context, _ api.Module, s []uint64) {
		s[0] = uint64(h.Poll(uint32(s[0])))
	})
	export("upval", []api.ValueType{i64, i32, i32, i32, i32}, func(_ context.Context, _ api.Module, s []uint64) {
		s[0] = uint64(h.Upval(s[0], int(int32(s[1])), int(int32(s[2])), uint32(s[3]), int(int32(s[4]))))
	})
	if _, err := b.Instantiate(ctx); err != nil {
		return fmt.Errorf("wasm host module: %w", err)
	}
	compiled, err := e.runtime.CompileModule(ctx, binary)
	if err != nil {
		return fmt.Errorf("wasm compile: %w", err)
	}
	if err := CheckImports(compiled); err != nil {
		return err
	}
	mod, err := e.runtime.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		return fmt.Errorf("wasm instantiate: %w", err)
	}
	e.module, e.memory = mod, mod.Memory()
	depth, _ := mod.ExportedGlobal(cw.ExportDepth).(api.MutableGlobal)
	e.depth = depth
	if mod.ExportedFunction(cw.ExportCall) == nil || e.memory == nil || e.depth == nil {
		return errors.New("wasm module: missing exports")
	}
	return nil
}

// CheckImports refuses a module that imports anything but compiler/wasm's
// functions: the guest's only authority is what the host gives it.
func CheckImports(m wazero.CompiledModule) error {
	allowed := map[string]bool{}
	for _, name := range cw.Imports {
		allowed[name] = true
	}
	for _, f := range m.ImportedFunctions() {
		mod, name, _ := f.Import()
		if mod != cw.ImportModule || !allowed[name] {
			return fmt.Errorf("wasm module imports %s.%s", mod, name)
		}
	}
	if len(m.ImportedMemories()) > 0 {
		return errors.New("wasm module imports a memory")
	}
	return nil
}

// Call runs the module's call export (compiler/wasm.ExportCall) and
// returns its status and the slot of its result. The error is wazero's:
// the instance closed (the context ended) or trapped.
func (e *Engine) Call(ctx context.Context, fn int, fp uint32, closure uint64, nargs, pc int, mark uint32) (status uint32, tag, payload uint64, err error) {
	// Calls nest (a host function calling back): a wazero Function keeps
	// the state of its call, so each level has one of its own.
	if e.calls == len(e.levels) {
		e.levels = append(e.levels, level{call: e.module.ExportedFunction(cw.ExportCall), stack: make([]uint64, 6)})
	}
	l := e.levels[e.calls]
	e.calls++
	defer func() { e.calls-- }()
	s := l.stack
	s[0], s[1], s[2], s[3], s[4], s[5] = uint64(fn), uint64(fp), closure, uint64(nargs), uint64(pc), uint64(mark)
	if err := l.call.CallWithStack(ctx, s); err != nil {
		return 0, 0, 0, err
	}
	return uint32(s[0]), s[1], s[2], nil
}

// Memory is linear memory as it is now; it moves when memory grows, so a
// host function reads it again after anything that may have run WASM.
func (e *Engine) Memory() []byte {
	b, _ := e.memory.Read(0, e.memory.Size())
	return b
}

// Depth is the module's call depth counter.
func (e *Engine) Depth() int { return int(int32(e.depth.Get())) }

// SetDepth sets the call depth counter.
func (e *Engine) SetDepth(d int) { e.depth.Set(uint64(uint32(d))) }

// Close releases the runtime.
func (e *Engine) Close(ctx context.Context) error { return e.runtime.Close(ctx) }

// Reserve grows linear memory to at least size bytes; false when its limit
// does not allow that.
func (e *Engine) Reserve(size uint32) bool {
	have := e.memory.Size()
	if size <= have {
		return true
	}
	_, ok := e.memory.Grow((size-have+1<<16-1)>>16 + 16)
	return ok
}

// Probe compiles and instantiates an empty module in a runtime configured
// as New's, and says how long that took: what rtfsvm doctor shows.
func Probe(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCoreFeatures(Features))
	defer r.Close(ctx)
	_, err := r.Instantiate(ctx, []byte("\x00asm\x01\x00\x00\x00"))
	return time.Since(start), err
}
