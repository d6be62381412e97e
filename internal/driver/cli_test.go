package driver

import (
	"slices"
	"testing"

	"github.com/urfave/cli/v2"
)

func TestFlagsFirst(t *testing.T) {
	app := &cli.App{Name: "x", Commands: []*cli.Command{
		{Name: "exec", Flags: []cli.Flag{&cli.StringFlag{Name: "timeout"}, &cli.BoolFlag{Name: "audit"}, &cli.StringFlag{Name: "eval", Aliases: []string{"e"}}}},
		{Name: "chain", Subcommands: []*cli.Command{{Name: "verify", Flags: []cli.Flag{&cli.StringFlag{Name: "key"}}}}},
	}}
	for _, c := range []struct{ in, want []string }{
		{[]string{"x", "exec", "plan.rtfs", "--timeout", "1s", "--audit"}, []string{"x", "exec", "--timeout", "1s", "--audit", "plan.rtfs"}},
		{[]string{"x", "exec", "--audit", "plan.rtfs", "--timeout=1s"}, []string{"x", "exec", "--audit", "--timeout=1s", "plan.rtfs"}},
		{[]string{"x", "exec", "-e", "(- 1 2)", "--audit"}, []string{"x", "exec", "-e", "(- 1 2)", "--audit"}},
		{[]string{"x", "exec", "-", "--timeout", "1s"}, []string{"x", "exec", "--timeout", "1s", "-"}},
		{[]string{"x", "exec", "plan.rtfs", "--", "--not-a-flag"}, []string{"x", "exec", "plan.rtfs", "--", "--not-a-flag"}},
		{[]string{"x", "chain", "verify", "run.jsonl", "--key", "k"}, []string{"x", "chain", "verify", "--key", "k", "run.jsonl"}},
		{[]string{"x", "unknown", "a", "--b"}, []string{"x", "unknown", "a", "--b"}},
		{[]string{"x", "--version"}, []string{"x", "--version"}},
	} {
		if got := flagsFirst(app, c.in); !slices.Equal(got, c.want) {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}
