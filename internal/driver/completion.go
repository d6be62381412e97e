package driver

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// Completion is the `completion bash|zsh|fish` command: it prints the
// script that makes the shell complete the app's commands and flags. The
// bash and zsh scripts ask the app itself, with urfave/cli's
// --generate-bash-completion (so the app must set EnableBashCompletion);
// the fish one lists everything up front.
func Completion() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: `Examples:
   source <(rtfsvm completion bash)
   rtfsvm completion zsh > "${fpath[1]}/_rtfsvm"
   rtfsvm completion fish > ~/.config/fish/completions/rtfsvm.fish`,
		Action: func(c *cli.Context) error {
			var script string
			switch c.Args().First() {
			case "bash":
				script = bashCompletion
			case "zsh":
				script = zshCompletion
			case "fish":
				fish, err := c.App.ToFishCompletion()
				if err != nil {
					return cli.Exit(fmt.Sprintf("error: %v", err), ExitUsage)
				}
				script = fish
			default:
				return cli.Exit(fmt.Sprintf("error: completion takes bash, zsh or fish, not %q\nsee %s completion --help", c.Args().First(), c.App.Name), ExitUsage)
			}
			_, err := fmt.Fprint(c.App.Writer, strings.ReplaceAll(script, "PROG", c.App.Name))
			return err
		},
	}
}

const bashCompletion = `# bash completion for PROG: source <(PROG completion bash)
_PROG_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local -a ask=("${COMP_WORDS[@]:0:COMP_CWORD}")
  [[ "$cur" == -* ]] && ask+=("$cur")
  COMPREPLY=($(compgen -W "$("${ask[@]}" --generate-bash-completion 2>/dev/null)" -- "$cur"))
}
complete -o bashdefault -o default -F _PROG_complete PROG
`

const zshCompletion = `#compdef PROG
# zsh completion for PROG: PROG completion zsh > "${fpath[1]}/_PROG"
_PROG() {
  local -a ask choices
  ask=("${(@)words[1,CURRENT-1]}")
  [[ "${words[CURRENT]}" == -* ]] && ask+=("${words[CURRENT]}")
  choices=("${(@f)$("${ask[@]}" --generate-bash-completion 2>/dev/null)}")
  if [[ -n "${choices[1]}" ]]; then
    compadd -a choices
  else
    _files
  fi
}
compdef _PROG PROG
`
