package interp_test

import (
	"context"
	"testing"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/internal/enginetest"
	"github.com/rtfs-go/rtfs/interp"
	"github.com/rtfs-go/rtfs/value"
)

func engine(ctx context.Context, _ *testing.T, prog *ast.Program, opts enginetest.Options) (value.Value, error) {
	return interp.Run(ctx, prog, interp.Options{Host: opts.Host, Context: opts.Context, Stdout: opts.Stdout, Profiles: opts.Profiles})
}

func TestPlan(t *testing.T)         { enginetest.Plan(t, rtfs.Interp) }
func TestStepProfiles(t *testing.T) { enginetest.StepProfiles(t, engine) }
func TestViolations(t *testing.T)   { enginetest.Violations(t, engine) }
func TestParallel(t *testing.T)     { enginetest.Parallel(t, engine) }
func TestDelegation(t *testing.T)   { enginetest.Delegation(t, engine) }
