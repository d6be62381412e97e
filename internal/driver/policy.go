package driver

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/host"
	"github.com/urfave/cli/v2"
)

// PolicyFlags are the flags that say what a run may do, shared by `rtfsc
// profile` and `rtfsvm exec` so that a plan's profiles are shown as the
// run will judge them.
func PolicyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "context", Value: "pure", Usage: "runtime context: pure (no capability), controlled (only --allow ids) or full"},
		&cli.StringSliceFlag{Name: "allow", Usage: "capability ids a controlled context allows (comma-separated or repeated)"},
		&cli.StringSliceFlag{Name: "isolation", Usage: "isolation levels steps may run at (default: inherit,isolated,sandboxed)"},
		&cli.StringSliceFlag{Name: "net-allow", Usage: "hosts steps may reach: exact names or *.suffix (comma-separated or repeated)"},
		&cli.StringSliceFlag{Name: "fs-read", Usage: "directory steps may read (repeatable)"},
		&cli.StringSliceFlag{Name: "fs-write", Usage: "directory steps may read and write (repeatable)"},
		&cli.StringFlag{Name: "capabilities", Usage: "JSON manifest of external capabilities"},
		&cli.DurationFlag{Name: "timeout", Usage: "stop the run after this long; also caps every step's time limit (0: none)"},
		&cli.Uint64Flag{Name: "max-memory", Usage: "stop the run when the heap passes this many bytes; also caps every step's memory limit (0: none)"},
	}
}

// OptionsFromFlags reads the flags of PolicyFlags into run options.
func OptionsFromFlags(c *cli.Context) (rtfs.Options, error) {
	var o rtfs.Options
	level, err := host.ParseLevel(c.String("context"))
	if err != nil {
		return o, err
	}
	o.Context.Level = level
	o.Context.Allow = splitList(c.StringSlice("allow"))
	if len(o.Context.Allow) > 0 && level != host.Controlled {
		return o, fmt.Errorf("--allow needs --context controlled (the context is %s)", level)
	}
	for _, l := range splitList(c.StringSlice("isolation")) {
		iso := host.Isolation(l)
		if iso != host.Inherit && iso != host.Isolated && iso != host.Sandboxed {
			return o, fmt.Errorf("unknown isolation level %q (want inherit, isolated or sandboxed)", l)
		}
		o.Context.Isolation = append(o.Context.Isolation, iso)
	}
	o.Grants.NetAllow = splitList(c.StringSlice("net-allow"))
	if o.Grants.FSRead, err = absolute(c.StringSlice("fs-read")); err != nil {
		return o, err
	}
	if o.Grants.FSWrite, err = absolute(c.StringSlice("fs-write")); err != nil {
		return o, err
	}
	o.Manifest = c.String("capabilities")
	o.Limits.Timeout = c.Duration("timeout")
	o.Limits.MaxMemory = int64(c.Uint64("max-memory"))
	// A manifest that does not load is a usage error, reported before
	// anything runs.
	return o, o.Validate()
}

// splitList flattens repeated and comma-separated flag values.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

func absolute(dirs []string) ([]string, error) {
	var out []string
	for _, d := range splitList(dirs) {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		out = append(out, abs)
	}
	return out, nil
}
