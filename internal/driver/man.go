//go:build !urfave_cli_no_docs

package driver

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// Man is the hidden `man` command, which writes the app's man page
// (make man). It exists only in builds with urfave/cli's documentation
// generators: the CLIs are built without them, for their start-up time.
func Man() []*cli.Command {
	return []*cli.Command{{
		Name:   "man",
		Hidden: true,
		Usage:  "write the man page (troff) on standard output",
		Action: func(c *cli.Context) error {
			page, err := c.App.ToManWithSection(1)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(c.App.Writer, page)
			return err
		},
	}}
}
