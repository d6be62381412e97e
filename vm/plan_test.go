package vm_test

import (
	"context"
	"testing"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/codegen"
	"github.com/rtfs-go/rtfs/internal/enginetest"
	"github.com/rtfs-go/rtfs/value"
	"github.com/rtfs-go/rtfs/vm"
)

// engine runs a program through a .rtfsb container on the VM, with the
// scenario's step profiles.
func engine(ctx context.Context, t *testing.T, prog *ast.Program, opts enginetest.Options) (value.Value, error) {
	return runEngine(ctx, t, prog, opts, false)
}

// wasmEngine runs it all in WASM.
func wasmEngine(ctx context.Context, t *testing.T, prog *ast.Program, opts enginetest.Options) (value.Value, error) {
	return runEngine(ctx, t, prog, opts, true)
}

func runEngine(ctx context.Context, t *testing.T, prog *ast.Program, opts enginetest.Options, all bool) (value.Value, error) {
	t.Helper()
	m, err := enginetest.Build(prog, codegen.Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	return vm.Run(ctx, m, vm.Options{Host: opts.Host, Context: opts.Context, Stdout: opts.Stdout, Profiles: opts.Profiles,
		WASM: vm.WASMOptions{All: all}})
}

func TestPlan(t *testing.T) {
	t.Run("vm", func(t *testing.T) { enginetest.Plan(t, rtfs.VM) })
	t.Run("wasm", func(t *testing.T) { enginetest.Plan(t, rtfs.WASM) })
}

func TestStepProfiles(t *testing.T) { onBoth(t, enginetest.StepProfiles) }
func TestViolations(t *testing.T)   { onBoth(t, enginetest.Violations) }
func TestParallel(t *testing.T)     { onBoth(t, enginetest.Parallel) }
func TestDelegation(t *testing.T)   { onBoth(t, enginetest.Delegation) }

// onBoth holds the VM and the WASM engine to a scenario.
func onBoth(t *testing.T, scenario func(*testing.T, enginetest.Engine)) {
	t.Run("vm", func(t *testing.T) { scenario(t, engine) })
	t.Run("wasm", func(t *testing.T) { scenario(t, wasmEngine) })
}
