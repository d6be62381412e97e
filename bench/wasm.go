package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/rtfs-go/rtfs"
	cw "github.com/rtfs-go/rtfs/compiler/wasm"
	sw "github.com/rtfs-go/rtfs/sandbox/wasm"
)

// WASMCosts are what running steps in WebAssembly costs, each a median.
type WASMCosts struct {
	// CodegenTime is compiler/wasm on the gather plan's module; ColdCompile
	// wazero compiling the result with an empty cache; Start compiling it
	// from the cache and instantiating it, which is what a run's first
	// sandboxed step pays.
	CodegenTime, ColdCompile, Start time.Duration
	ModuleBytes                     int
	// CallFromVM and CallFromWASM are one call of an in-process capability
	// (ccos.echo) from a loop on each engine, and the same loop without
	// the call subtracted.
	CallFromVM, CallFromWASM time.Duration
}

// MeasureWASM measures the costs of WASM on the gather plan (planPath).
func MeasureWASM(planPath string, rounds int) (WASMCosts, error) {
	var c WASMCosts
	src, err := os.ReadFile(planPath)
	if err != nil {
		return c, err
	}
	prog, err := rtfs.Compile(planPath, src)
	if err != nil {
		return c, err
	}
	var codegen, cold, start []time.Duration
	for range rounds {
		t := time.Now()
		mod, err := cw.Compile(prog.Module(), 0)
		if err != nil {
			return c, err
		}
		codegen = append(codegen, time.Since(t))
		c.ModuleBytes = len(mod.Binary)
		d, err := coldCompile(mod.Binary)
		if err != nil {
			return c, err
		}
		cold = append(cold, d)
		t = time.Now()
		// No host: nothing is called, the module is only instantiated.
		e, err := sw.New(context.Background(), mod.Binary, sw.Config{}, nil)
		if err != nil {
			return c, err
		}
		start = append(start, time.Since(t))
		e.Close(context.Background())
	}
	c.CodegenTime, c.ColdCompile, c.Start = medianDuration(codegen), medianDuration(cold), medianDuration(start)
	c.CallFromVM, err = capabilityCall(rtfs.VM, rounds)
	if err != nil {
		return c, err
	}
	c.CallFromWASM, err = capabilityCall(rtfs.WASM, rounds)
	return c, err
}

// coldCompile is wazero compiling binary in a runtime with a cache of its
// own, empty.
func coldCompile(binary []byte) (time.Duration, error) {
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCoreFeatures(sw.Features))
	defer r.Close(ctx)
	t := time.Now()
	_, err := r.CompileModule(ctx, binary)
	return time.Since(t), err
}

// capabilityCall is the cost of one call of ccos.echo on engine: a loop
// of n calls, less the same loop without them, over n.
func capabilityCall(engine rtfs.Engine, rounds int) (time.Duration, error) {
	const n = 20_000
	loop := func(body string) (time.Duration, error) {
		prog, err := rtfs.Compile("calls.rtfs", []byte(fmt.Sprintf(
			`(defn spin [i] (if (= i 0) 0 (do %s (spin (dec i))))) (spin %d)`, body, n)))
		if err != nil {
			return 0, err
		}
		opts := rtfs.Options{Engine: engine, Context: rtfs.Context{Level: rtfs.Full}, Stdout: io.Discard, Stderr: io.Discard,
			WASMCache: "off"}
		var times []time.Duration
		for range rounds {
			t := time.Now()
			if _, err := prog.Run(context.Background(), opts); err != nil {
				return 0, err
			}
			times = append(times, time.Since(t))
		}
		return medianDuration(times), nil
	}
	with, err := loop(`(call :ccos.echo i)`)
	if err != nil {
		return 0, err
	}
	without, err := loop(`i`)
	if err != nil {
		return 0, err
	}
	return (with - without) / n, nil
}
