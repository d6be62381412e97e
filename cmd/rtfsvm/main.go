// Command rtfsvm runs RTFS programs and plans.
//
//	rtfsvm exec plan.rtfs        run a source file (compiled in memory)
//	rtfsvm exec plan.rtfsb       run bytecode built by rtfsc
//	rtfsvm exec - < plan.rtfs    run standard input
//
// It prints the printed form of the program's last top-level value on
// standard output. Runtime errors go to standard error as
// FILE:LINE:COL: error[Kind]: message with exit status 1; usage and syntax
// errors exit with status 2.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/internal/driver"
	"github.com/rtfs-go/rtfs/interp"
	"github.com/rtfs-go/rtfs/vm"
	"github.com/rtfs-go/rtfs/vm/value"
	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit statuses.
const (
	exitRuntime = 1 // the program raised an error
	exitUsage   = 2 // bad command line, unreadable file, syntax error
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	err := app.Run(args)
	if err == nil {
		return 0
	}
	var exit cli.ExitCoder
	if errors.As(err, &exit) {
		if msg := exit.Error(); msg != "" {
			fmt.Fprintln(stderr, msg)
		}
		return exit.ExitCode()
	}
	fmt.Fprintf(stderr, "error: %v\n", err)
	return exitUsage
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "rtfsvm",
		Usage:     "run RTFS programs and plans",
		Version:   version,
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		// Errors are printed by run, once, with the right exit status.
		ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{{
			Name:      "exec",
			Usage:     "run an RTFS program and print its last value",
			ArgsUsage: "FILE.rtfs | FILE.rtfsb | -",
			Description: `Runs FILE (or standard input for "-") and prints the printed form of the
value of its last top-level form. FILE may be source, compiled in memory, or
bytecode built by rtfsc.

Examples:
   rtfsvm exec testdata/examples/hello.rtfs
   rtfsc build plan.rtfs && rtfsvm exec plan.rtfsb
   rtfsvm exec --engine interp plan.rtfs
   echo '(+ 1 2)' | rtfsvm exec -
   rtfsvm exec --timeout 2s --max-depth 5000 plan.rtfs`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "engine", Value: "vm", Usage: "execution engine: vm (bytecode) or interp (reference interpreter, source only)"},
				&cli.DurationFlag{Name: "timeout", Value: 0, Usage: "stop the run after this long (0: no limit)"},
				&cli.IntFlag{Name: "max-depth", Value: 10000, Usage: "maximum depth of non-tail calls"},
				&cli.Uint64Flag{Name: "max-memory", Value: 0, Usage: "stop the run when the heap grows past this many bytes (0: no limit)"},
				&cli.StringFlag{Name: "context", Value: "pure", Usage: "runtime context: pure, controlled or full"},
			},
			Action: execAction,
		}, {
			Name:  "chain",
			Usage: "inspect a causal chain written by exec --chain",
			Subcommands: []*cli.Command{{
				Name:      "verify",
				Usage:     "check that a chain is intact; name the first record altered, removed, inserted or reordered",
				ArgsUsage: "FILE.jsonl",
				Action:    chainVerifyAction,
			}, {
				Name:      "show",
				Usage:     "print a chain as a table",
				ArgsUsage: "FILE.jsonl",
				Action:    chainShowAction,
			}},
		}},
	}
}

// openChain opens the single chain-file argument of a chain subcommand.
func openChain(c *cli.Context) (*os.File, error) {
	if c.NArg() != 1 {
		return nil, cli.Exit(fmt.Sprintf("error: chain %s takes exactly one file", c.Command.Name), exitUsage)
	}
	f, err := os.Open(c.Args().First())
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
	}
	return f, nil
}

func chainVerifyAction(c *cli.Context) error {
	f, err := openChain(c)
	if err != nil {
		return err
	}
	defer f.Close()
	summary, err := chain.Check(f)
	if err != nil {
		return cli.Exit(fmt.Sprintf("%s: %v", f.Name(), err), exitRuntime)
	}
	fmt.Fprintf(c.App.Writer, "%s: intact: %d records, ends with %s, head %s\n", f.Name(), summary.Records, summary.LastType, summary.HeadHash)
	return nil
}

func chainShowAction(c *cli.Context) error {
	f, err := openChain(c)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := chain.Show(c.App.Writer, f); err != nil {
		return cli.Exit(fmt.Sprintf("%s: %v", f.Name(), err), exitRuntime)
	}
	return nil
}

func execAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return cli.Exit("error: exec takes exactly one file (or - for standard input)", exitUsage)
	}
	in, err := driver.Read(c.Args().First(), c.App.Reader)
	if err != nil {
		return cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
	}
	level, err := host.ParseLevel(c.String("context"))
	if err != nil {
		return cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
	}
	run, err := prepare(in, c.String("engine"))
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	ctx := context.Background()
	if d := c.Duration("timeout"); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	out := bufio.NewWriter(c.App.Writer)
	defer out.Flush()
	result, err := run(ctx, runOptions{
		context:   host.NewContext(level),
		maxDepth:  c.Int("max-depth"),
		maxMemory: int64(c.Uint64("max-memory")),
		stdout:    out,
	})
	if err != nil {
		out.Flush()
		return cli.Exit(runtimeMessage(err), exitRuntime)
	}
	fmt.Fprintln(out, result.String())
	return nil
}

type runOptions struct {
	context   *host.RuntimeContext
	maxDepth  int
	maxMemory int64
	stdout    io.Writer
}

type runner func(context.Context, runOptions) (value.Value, error)

// prepare loads the input for the chosen engine: the VM runs source
// (compiled in memory) and bytecode; the interpreter needs source.
func prepare(in *driver.Input, engine string) (runner, error) {
	switch engine {
	case "vm":
		m, _, err := in.Module()
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, o runOptions) (value.Value, error) {
			return vm.Run(ctx, m, vm.Options{Context: o.context, MaxDepth: o.maxDepth, MaxMemory: o.maxMemory, Stdout: o.stdout})
		}, nil
	case "interp":
		if in.IsBytecode() {
			return nil, fmt.Errorf("error: %s: the interpreter runs source files; use --engine vm for bytecode", in.Name)
		}
		prog, err := in.Parse()
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, o runOptions) (value.Value, error) {
			return interp.Run(ctx, prog, interp.Options{Context: o.context, MaxDepth: o.maxDepth, Stdout: o.stdout})
		}, nil
	}
	return nil, fmt.Errorf("error: unknown engine %q (available: vm, interp)", engine)
}

func runtimeMessage(err error) string {
	var rerr *value.Error
	if errors.As(err, &rerr) {
		return rerr.Error()
	}
	return "error: " + err.Error()
}
