package driver

import (
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// ExitUsage is the exit status of usage errors, unreadable or invalid
// input (syntax errors, bad bytecode).
const ExitUsage = 2

// RunApp runs a CLI and returns its exit status, printing its error once:
// an exit error's message as it is, anything else as "error: ..." with
// ExitUsage. The app must set ExitErrHandler to a no-op so urfave/cli does
// not print or exit itself.
func RunApp(app *cli.App, args []string) int {
	// urfave/cli ends a run with an unknown command without an error, and
	// its hook cannot return one.
	status := 0
	app.CommandNotFound = func(c *cli.Context, name string) {
		fmt.Fprintf(app.ErrWriter, "error: unknown command %q\nsee %s --help\n", name, app.Name)
		status = ExitUsage
	}
	app.OnUsageError = usageError
	setUsageErrors(app.Commands)
	err := app.Run(flagsFirst(app, args))
	if err == nil {
		return status
	}
	var exit cli.ExitCoder
	if errors.As(err, &exit) {
		if msg := exit.Error(); msg != "" {
			fmt.Fprintln(app.ErrWriter, msg)
		}
		return exit.ExitCode()
	}
	fmt.Fprintf(app.ErrWriter, "error: %v\nsee %s --help\n", err, app.Name)
	return ExitUsage
}

// flagsFirst moves the flags a command is given after its arguments in
// front of them, where urfave/cli reads flags: `rtfsvm exec plan.rtfs
// --timeout 1s` runs as `rtfsvm exec --timeout 1s plan.rtfs`. "--" ends
// the flags, as usual.
func flagsFirst(app *cli.App, args []string) []string {
	var cmd *cli.Command
	i, commands := 1, app.Commands
	for ; i < len(args); i++ {
		c := findCommand(commands, args[i])
		if c == nil {
			break
		}
		cmd, commands = c, c.Subcommands
	}
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, name := range f.Names() {
			takesValue[name] = !isBool
		}
	}
	var flags, operands []string
	for j := i; j < len(args); j++ {
		switch a := args[j]; {
		case a == "--":
			operands = append(operands, args[j:]...)
			j = len(args)
		case len(a) > 1 && a[0] == '-':
			flags = append(flags, a)
			if name := strings.TrimLeft(a, "-"); !strings.Contains(name, "=") && takesValue[name] && j+1 < len(args) {
				j++
				flags = append(flags, args[j])
			}
		default:
			operands = append(operands, a)
		}
	}
	return slices.Concat(args[:i], flags, operands)
}

func findCommand(commands []*cli.Command, name string) *cli.Command {
	for _, c := range commands {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// usageError reports a bad flag or argument in one line and where to look,
// instead of the whole help text.
func usageError(c *cli.Context, err error, _ bool) error {
	name := c.App.Name
	if c.Command != nil && c.Command.Name != "" {
		name = c.Command.HelpName
	}
	return cli.Exit(fmt.Sprintf("error: %v\nsee %s --help", err, name), ExitUsage)
}

func setUsageErrors(commands []*cli.Command) {
	for _, c := range commands {
		if c.OnUsageError == nil {
			c.OnUsageError = usageError
		}
		setUsageErrors(c.Subcommands)
	}
}

// Version is the CLIs' --version text: the module's version, the VCS
// revision the binary was built from (marked when the tree had changes)
// and the Go version, from the build information Go records.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (no build information)"
	}
	version, revision, modified := info.Main.Version, "", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value[:min(len(s.Value), 12)]
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+changes"
			}
		}
	}
	// A version stamped from VCS (v0.0.0-DATE-REVISION) names its
	// revision already.
	if revision != "" && !strings.Contains(version, revision) {
		version += " " + revision + modified
	}
	return version + " " + info.GoVersion
}
