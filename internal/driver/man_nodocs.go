//go:build urfave_cli_no_docs

package driver

import "github.com/urfave/cli/v2"

// Man is empty in builds without urfave/cli's documentation generators
// (see man.go).
func Man() []*cli.Command { return nil }
