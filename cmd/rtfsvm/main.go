// Command rtfsvm runs RTFS programs and plans.
//
//	rtfsvm exec plan.rtfs        run a source file
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

	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/interp"
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
			ArgsUsage: "FILE.rtfs | -",
			Description: `Runs FILE (or standard input for "-") and prints the printed form of the
value of its last top-level form.

Examples:
   rtfsvm exec testdata/examples/hello.rtfs
   echo '(+ 1 2)' | rtfsvm exec -
   rtfsvm exec --timeout 2s --max-depth 5000 plan.rtfs`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "engine", Value: "interp", Usage: "execution engine: interp"},
				&cli.DurationFlag{Name: "timeout", Value: 0, Usage: "stop the run after this long (0: no limit)"},
				&cli.IntFlag{Name: "max-depth", Value: 10000, Usage: "maximum depth of non-tail calls"},
				&cli.StringFlag{Name: "context", Value: "pure", Usage: "runtime context: pure, controlled or full"},
			},
			Action: execAction,
		}},
	}
}

func execAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return cli.Exit("error: exec takes exactly one file (or - for standard input)", exitUsage)
	}
	name, src, err := readSource(c.Args().First(), c.App.Reader)
	if err != nil {
		return cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
	}
	if engine := c.String("engine"); engine != "interp" {
		return cli.Exit(fmt.Sprintf("error: unknown engine %q (available: interp)", engine), exitUsage)
	}
	level, err := host.ParseLevel(c.String("context"))
	if err != nil {
		return cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
	}
	prog, errs := compiler.Parse(name, src)
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprint(c.App.ErrWriter, syntax.Render(e, src))
		}
		return cli.Exit("", exitUsage)
	}
	ctx := context.Background()
	if d := c.Duration("timeout"); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	out := bufio.NewWriter(c.App.Writer)
	defer out.Flush()
	result, err := interp.Run(ctx, prog, interp.Options{
		Context:  host.NewContext(level),
		MaxDepth: c.Int("max-depth"),
		Stdout:   out,
	})
	if err != nil {
		out.Flush()
		return cli.Exit(runtimeMessage(err), exitRuntime)
	}
	fmt.Fprintln(out, result.String())
	return nil
}

func runtimeMessage(err error) string {
	var rerr *value.Error
	if errors.As(err, &rerr) {
		return rerr.Error()
	}
	return "error: " + err.Error()
}

// readSource reads path, or stdin for "-" (named <stdin> in positions).
func readSource(path string, stdin io.Reader) (string, []byte, error) {
	if path == "-" {
		src, err := io.ReadAll(stdin)
		return "<stdin>", src, err
	}
	src, err := os.ReadFile(path)
	return path, src, err
}
