package driver

import (
	"errors"
	"fmt"

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
	err := app.Run(args)
	if err == nil {
		return 0
	}
	var exit cli.ExitCoder
	if errors.As(err, &exit) {
		if msg := exit.Error(); msg != "" {
			fmt.Fprintln(app.ErrWriter, msg)
		}
		return exit.ExitCode()
	}
	fmt.Fprintf(app.ErrWriter, "error: %v\n", err)
	return ExitUsage
}
