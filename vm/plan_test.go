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
	t.Helper()
	m, err := enginetest.Build(prog, codegen.Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	return vm.Run(ctx, m, vm.Options{Host: opts.Host, Context: opts.Context, Stdout: opts.Stdout, Profiles: opts.Profiles})
}

func TestPlan(t *testing.T)         { enginetest.Plan(t, rtfs.VM) }
func TestStepProfiles(t *testing.T) { enginetest.StepProfiles(t, engine) }
func TestViolations(t *testing.T)   { enginetest.Violations(t, engine) }
func TestParallel(t *testing.T)     { enginetest.Parallel(t, engine) }
func TestDelegation(t *testing.T)   { enginetest.Delegation(t, engine) }
