// Command rtfsc compiles RTFS plans to bytecode and inspects them.
//
//	rtfsc build [-o plan.rtfsb] plan.rtfs   compile to a .rtfsb file
//	rtfsc check plan.rtfs                   compile only, report every error
//	rtfsc disasm plan.rtfs|plan.rtfsb       print the bytecode
//	rtfsc profile [--json] plan.rtfs        print each step's security profile
//
// Errors go to standard error; the exit status is 0 on success and 2 on any
// error (unreadable file, syntax error, invalid bytecode).
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rtfs-go/rtfs/compiler/format"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/compiler"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/compiler/wasm"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/driver"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
	"github.com/urfave/cli/v2"
)

const exitError = driver.ExitUsage

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return driver.RunApp(newApp(stdin, stdout, stderr), args)
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:                 "rtfsc",
		Usage:                "compile RTFS plans to bytecode",
		Version:              driver.Version(),
		EnableBashCompletion: true,
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		ExitErrHandler:       func(*cli.Context, error) {},
		Commands: append(driver.Man(), []*cli.Command{
			driver.Completion(),
			{
				Name:      "build",
				Usage:     "compile a plan to a .rtfsb bytecode file",
				ArgsUsage: "FILE.rtfs",
				Description: `Compiles FILE.rtfs and writes the module to FILE.rtfsb (or -o), with what
each step reaches (the capabilities it may call) in its step table; the run
derives each step's profile from it under its own flags.

Examples:
   rtfsc build plan.rtfs
   rtfsc build -o /tmp/plan.rtfsb plan.rtfs`,
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output file, - for standard output (default: FILE with the extension .rtfsb; standard output when FILE is -)"},
				}, driver.SourceFlags()...),
				Action: buildAction,
			},
			{
				Name:      "fmt",
				Usage:     "lay out RTFS source: indentation by nesting, no trailing blanks; comments and line breaks kept",
				ArgsUsage: "FILE.rtfs ...",
				Description: `Prints the formatted file, or with -w rewrites the files; with --check lists the
files that are not formatted and fails (exit 2) if there are any, for CI.`,
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "write", Aliases: []string{"w"}, Usage: "rewrite the files in place"},
					&cli.BoolFlag{Name: "check", Usage: "list the files that are not formatted; exit 2 if any"},
				},
				Action: fmtAction,
			},
			{
				Name:      "parse",
				Usage:     "write the forms of a plan as JSON (--json), which rtfsvm exec runs like the source",
				ArgsUsage: "FILE.rtfs",
				Description: `Writes the program as data: {"format": "rtfs-forms/1", "file": ..., "forms": [...]},
each form with its kind, line and column, literals as RTFS reads them. Tools
that generate plans can write this instead of source.

Example:
   rtfsc parse --json plan.rtfs > plan.json && rtfsvm exec plan.json`,
				Flags:  append([]cli.Flag{&cli.BoolFlag{Name: "json", Usage: "write JSON (the only output format)"}}, driver.SourceFlags()...),
				Action: parseAction,
			},
			{
				Name:      "check",
				Usage:     "compile only and report every error, and warn of calls that fail whenever they run",
				ArgsUsage: "FILE.rtfs",
				Flags: append(driver.SourceFlags(), &cli.BoolFlag{Name: "Werror", Usage: "fail (exit 2) when there are warnings"},
					&cli.StringFlag{Name: "capabilities", Usage: "JSON manifest of external capabilities the plan may call (calls of others are warned of)"}),
				Action: checkAction,
			},
			{
				Name:      "profile",
				Usage:     "print the security profile derived for each step",
				ArgsUsage: "FILE.rtfs | FILE.rtfsb",
				Description: `Derives each step's profile from the declared effects of the capabilities
it can reach (following calls through the plan's own functions) and the
policy flags, and prints them as a table, or with --json as a JSON array.

Examples:
   rtfsc profile plan.rtfs
   rtfsc profile --json --net-allow api.example.com --fs-read ./data plan.rtfs`,
				Flags:  append(append(driver.PolicyFlags(), driver.SourceFlags()...), &cli.BoolFlag{Name: "json", Usage: "print a JSON array of profiles"}),
				Action: profileAction,
			},
			{
				Name:      "disasm",
				Usage:     "print the bytecode of a plan (source or .rtfsb), or with --wasm its WebAssembly module",
				ArgsUsage: "FILE",
				Flags: append(driver.SourceFlags(),
					&cli.BoolFlag{Name: "wasm", Usage: "print the plan's WebAssembly module in the text format"}),
				Action: disasmAction,
			},
		}...),
	}
}

// source reads the single file argument of a command.
func source(c *cli.Context) (*driver.Input, error) {
	if c.NArg() != 1 {
		return nil, cli.Exit(fmt.Sprintf("error: %s takes exactly one file", c.Command.Name), exitError)
	}
	in, err := driver.Read(c.Args().First(), c.App.Reader, c.Int64("max-source-bytes"))
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("error: %v", err), exitError)
	}
	return in, nil
}

// program compiles or loads the single file argument of a command.
func program(c *cli.Context) (*rtfs.Program, error) {
	in, err := source(c)
	if err != nil {
		return nil, err
	}
	p, err := in.Program()
	if err != nil {
		return nil, failure(c, err)
	}
	return p, nil
}

// failure turns a driver error into the CLI's exit error, as
// --error-format asks.
func failure(c *cli.Context, err error) error { return cli.Exit(driver.Report(c, err, nil), exitError) }

func buildAction(c *cli.Context) error {
	in, err := source(c)
	if err != nil {
		return err
	}
	if in.IsBytecode() {
		return cli.Exit(fmt.Sprintf("error: %s is already bytecode", in.Name), exitError)
	}
	p, err := in.Program()
	if err != nil {
		return failure(c, err)
	}
	data, err := p.Bytecode()
	if err != nil {
		return failure(c, err)
	}
	out := c.String("output")
	switch {
	case out == "-" || (out == "" && c.Args().First() == "-"):
		// Standard input has no name to derive a file's from.
		_, err = c.App.Writer.Write(data)
	case out == "":
		out = strings.TrimSuffix(in.Name, filepath.Ext(in.Name)) + ".rtfsb"
		fallthrough
	default:
		err = os.WriteFile(out, data, 0o644)
	}
	if err != nil {
		return cli.Exit(fmt.Sprintf("error: %v", err), exitError)
	}
	return nil
}

func fmtAction(c *cli.Context) error {
	if c.NArg() == 0 {
		return cli.Exit("error: fmt takes one file or more", exitError)
	}
	if c.NArg() > 1 && !c.Bool("write") && !c.Bool("check") {
		return cli.Exit("error: fmt prints one file; use -w or --check for more", exitError)
	}
	unformatted := 0
	for _, path := range c.Args().Slice() {
		src, err := os.ReadFile(path)
		if err != nil {
			return cli.Exit(fmt.Sprintf("error: %v", err), exitError)
		}
		formatted, err := format.Source(path, src)
		if err != nil {
			return cli.Exit(fmt.Sprintf("error: %v", err), exitError)
		}
		switch {
		case c.Bool("check"):
			if !bytes.Equal(src, formatted) {
				fmt.Fprintln(c.App.Writer, path)
				unformatted++
			}
		case c.Bool("write"):
			if !bytes.Equal(src, formatted) {
				if err := os.WriteFile(path, formatted, 0o644); err != nil {
					return cli.Exit(fmt.Sprintf("error: %v", err), exitError)
				}
			}
		default:
			c.App.Writer.Write(formatted)
		}
	}
	if unformatted > 0 {
		return cli.Exit(fmt.Sprintf("error: %d files are not formatted (rtfsc fmt -w)", unformatted), exitError)
	}
	return nil
}

func parseAction(c *cli.Context) error {
	if !c.Bool("json") {
		return cli.Exit("error: parse writes JSON only: use --json", exitError)
	}
	in, err := source(c)
	if err != nil {
		return err
	}
	if in.IsBytecode() {
		return cli.Exit(fmt.Sprintf("error: %s: bytecode has no forms to write", in.Name), exitError)
	}
	forms, errs := syntax.Read(in.Name, in.Data)
	if len(errs) > 0 {
		return failure(c, &compiler.Errors{Src: in.Data, List: errs})
	}
	data, err := syntax.EncodeJSON(in.Name, forms)
	if err != nil {
		return failure(c, err)
	}
	_, err = fmt.Fprintf(c.App.Writer, "%s\n", data)
	return err
}

func checkAction(c *cli.Context) error {
	in, err := source(c)
	if err != nil {
		return err
	}
	p, err := in.Program()
	if err != nil {
		return failure(c, err)
	}
	warnings := p.Warnings()
	undeclared, err := p.Undeclared(rtfs.Options{Manifest: c.String("capabilities")})
	if err != nil {
		return failure(c, err)
	}
	for _, u := range undeclared {
		w := value.Errorf(value.UnknownCapability, "%s", u)
		w.Pos.File = p.Name() // the whole file: a step's reach has no position
		warnings = append(warnings, w)
	}
	if len(warnings) > 0 {
		fmt.Fprintln(c.App.ErrWriter, driver.ReportWarnings(c, warnings, in))
	}
	if len(warnings) > 0 && c.Bool("Werror") {
		return cli.Exit(fmt.Sprintf("%s: %d warnings, which --Werror makes errors", p.Name(), len(warnings)), exitError)
	}
	fmt.Fprintf(c.App.Writer, "%s: ok\n", p.Name())
	return nil
}

func disasmAction(c *cli.Context) error {
	p, err := program(c)
	if err != nil {
		return err
	}
	if c.Bool("wasm") {
		mod, err := p.WASM()
		if err != nil {
			return failure(c, err)
		}
		return wasm.WriteText(c.App.Writer, mod.Binary)
	}
	return isa.Disassemble(c.App.Writer, p.Module())
}

func profileAction(c *cli.Context) error {
	opts, err := driver.OptionsFromFlags(c)
	if err != nil {
		return cli.Exit(fmt.Sprintf("error: %v", err), exitError)
	}
	p, err := program(c)
	if err != nil {
		return err
	}
	profiles, plan, err := p.Profiles(opts)
	if err != nil {
		return failure(c, err)
	}
	profiles = append(profiles, plan)
	if c.Bool("json") {
		return host.WriteJSON(c.App.Writer, profiles)
	}
	return host.WriteTable(c.App.Writer, profiles)
}
