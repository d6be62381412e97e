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
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/host/chain"
	"github.com/rtfs-go/rtfs/internal/driver"
	"github.com/rtfs-go/rtfs/sandbox"
	"github.com/rtfs-go/rtfs/value"
	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// Exit statuses.
const (
	exitRuntime = 1                // the program raised an error
	exitUsage   = driver.ExitUsage // bad command line, unreadable file, syntax error, bad bytecode
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return driver.RunApp(newApp(stdin, stdout, stderr), args)
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:                 "rtfsvm",
		Usage:                "run RTFS programs and plans",
		Version:              driver.Version(),
		EnableBashCompletion: true,
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		// Errors are printed by run, once, with the right exit status.
		ExitErrHandler: func(*cli.Context, error) {},
		// With no command: the REPL on a terminal, the help otherwise.
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return cli.Exit(fmt.Sprintf("error: unknown command %q\nsee rtfsvm --help", c.Args().First()), exitUsage)
			}
			if f, ok := c.App.Reader.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				return c.App.Command("repl").Run(c, "repl")
			}
			return cli.ShowAppHelp(c)
		},
		Commands: append(driver.Man(), []*cli.Command{
			driver.Completion(), {
				Name:  "repl",
				Usage: "read, run and print RTFS forms interactively (also rtfsvm with no arguments on a terminal)",
				Description: `Runs each input in one session on the VM (or --engine wasm, interp):
definitions persist, an error ends its input and not the session, and
Ctrl-C stops the input being run. On a terminal it edits lines and keeps a
history (~/.rtfs_history, or RTFS_HISTORY); piped, it prints no prompts.
:help lists its commands.`,
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "engine", Value: "vm", Usage: "execution engine: vm, wasm or interp"},
				}, runFlags()...),
				Action: replAction,
			}, {
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
   rtfsvm exec -e '(map inc [1 2 3])'
   rtfsvm exec --timeout 2s --max-depth 5000 plan.rtfs`,
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "eval", Aliases: []string{"e"}, Usage: "run the program EXPR given here instead of a file"},
					&cli.StringFlag{Name: "engine", Value: "vm", Usage: "execution engine: vm (bytecode; sandboxed steps in WASM), wasm (all of the program in WASM) or interp (reference interpreter, source only)"},
					&cli.StringFlag{Name: "chain", Usage: "append the causal chain of the run to this JSON Lines file (and print its head on standard error)"},
					chainKeyFlag,
					&cli.StringFlag{Name: "resume", Usage: "resume the last run of this chain: replay its completed capability calls, run on from the first it lacks, and append to it"},
					&cli.StringFlag{Name: "chain-redact", Value: "digest", Usage: "digest: the chain keeps only the SHA-256 and length of sensitive arguments and results (headers, env, ...); none: keeps them as they are, and says so"},
					&cli.BoolFlag{Name: "retry-interrupted", Usage: "with --resume, run again a call the chain shows started but not completed (its effect may have happened)"},
					&cli.BoolFlag{Name: "no-preflight", Usage: "do not refuse, before it starts, a plan that reaches capabilities its grants do not allow; refuse each call instead"},
					&cli.BoolFlag{Name: "seccomp-strict", Usage: "kill a worker that makes a system call outside its allow-list, instead of failing the call with EPERM"},
					&cli.BoolFlag{Name: "audit", Usage: "record in the chain what every step's workers do to the kernel (eBPF syscall audit), not only sandboxed steps'"},
					&cli.BoolFlag{Name: "no-audit", Usage: "run audited steps without the syscall audit (recorded in the chain)"},
					&cli.StringFlag{Name: "wasm-cache", Usage: "directory keeping compiled WASM code between runs, or off (default: the user cache directory's rtfs/wasm)"},
					&cli.StringFlag{Name: "syscall-profile", Usage: "a syscall profile written by rtfsvm advise --json: the steps it names may make only those system calls"},
				}, runFlags()...),
				Action: execAction,
			}, {
				Name:  "doctor",
				Usage: "report which sandboxing mechanisms this kernel offers",
				Description: `Checks each mechanism the confined workers use (seccomp, Landlock, namespaces,
cgroups) and starts one confined worker. A plan whose steps need a missing
mechanism is refused with an error naming it, unless --unconfined.`,
				Flags:  []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print a JSON array"}},
				Action: doctorAction,
			}, {
				Name:      "advise",
				Usage:     "write a syscall profile from what the steps of an audited run really did",
				ArgsUsage: "CHAIN.jsonl",
				Description: `Reads the SyscallAudit records of a chain (rtfsvm exec --audit --chain) and
prints, per step, the system calls its workers made, their syscall groups and
the paths, hosts and programs they touched. With --json it writes a profile
that rtfsvm exec --syscall-profile FILE applies: those steps may then make
only those calls.

Examples:
   rtfsvm exec --audit --chain run.jsonl plan.rtfs
   rtfsvm advise --json run.jsonl > plan.syscalls.json
   rtfsvm exec --syscall-profile plan.syscalls.json plan.rtfs`,
				Flags:  []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "write the profile as JSON"}},
				Action: adviseAction,
			}, {
				Name:  "chain",
				Usage: "inspect a causal chain written by exec --chain",
				Subcommands: []*cli.Command{{
					Name:      "verify",
					Usage:     "check that a chain is intact; name the first record altered, removed, inserted or reordered",
					ArgsUsage: "FILE.jsonl",
					Description: `With --key, every record's MAC must have been made with the chain's key, so
no rewrite verifies without it; with --head, a head printed by an earlier
exec --chain must still be in the chain, so cutting runs off the end fails.`,
					Flags: []cli.Flag{
						chainKeyFlag,
						&cli.StringFlag{Name: "head", Usage: "a head hash kept from an earlier run, which some record must have"},
					},
					Action: chainVerifyAction,
				}, {
					Name:      "keygen",
					Usage:     "write a new random chain key (32 bytes) to FILE, readable by its owner only",
					ArgsUsage: "FILE",
					Action:    chainKeygenAction,
				}, {
					Name:      "show",
					Usage:     "print a chain as a table (--json: a JSON array)",
					ArgsUsage: "FILE.jsonl",
					Flags:     []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print the records as a JSON array"}},
					Action:    chainShowAction,
				}},
			}}...),
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

// chainKeyFlag names the file holding a chain's key.
var chainKeyFlag = &cli.StringFlag{Name: "chain-key", Aliases: []string{"key"}, EnvVars: []string{"RTFS_CHAIN_KEY"},
	Usage: "the file holding the chain's key (rtfsvm chain keygen): records carry an HMAC under it"}

// chainKey reads the key --chain-key names; nil when none is named.
func chainKey(c *cli.Context) ([]byte, error) {
	path := c.String("chain-key")
	if path == "" {
		return nil, nil
	}
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("chain key: %w", err)
	}
	if len(key) < chainKeySize {
		return nil, fmt.Errorf("chain key %s: %d bytes, fewer than %d (rtfsvm chain keygen makes one)", path, len(key), chainKeySize)
	}
	return key, nil
}

const chainKeySize = 32

func chainVerifyAction(c *cli.Context) error {
	key, err := chainKey(c)
	if err != nil {
		return cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
	}
	f, err := openChain(c)
	if err != nil {
		return err
	}
	defer f.Close()
	summary, err := chain.CheckWith(f, chain.CheckOptions{Key: key, Head: c.String("head")})
	if err != nil {
		return cli.Exit(fmt.Sprintf("%s: %v", f.Name(), err), exitRuntime)
	}
	how := "unkeyed"
	switch {
	case key != nil:
		how = "keyed, every MAC checked"
	case summary.Keyed:
		how = "keyed, MACs not checked (no --key)"
	}
	fmt.Fprintf(c.App.Writer, "%s: intact (%s): %d records, ends with %s, head %s\n", f.Name(), how, summary.Records, summary.LastType, summary.HeadHash)
	if summary.AnchorSeq > 0 {
		fmt.Fprintf(c.App.Writer, "%s: head found at record %d\n", f.Name(), summary.AnchorSeq)
	}
	return nil
}

func chainKeygenAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return cli.Exit("error: chain keygen takes exactly one file", exitUsage)
	}
	key := make([]byte, chainKeySize)
	if _, err := rand.Read(key); err != nil {
		return cli.Exit(fmt.Sprintf("error: %v", err), exitRuntime)
	}
	f, err := os.OpenFile(c.Args().First(), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		_, err = f.Write(key)
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		return cli.Exit(fmt.Sprintf("error: %v", err), exitRuntime)
	}
	return nil
}

func chainShowAction(c *cli.Context) error {
	f, err := openChain(c)
	if err != nil {
		return err
	}
	defer f.Close()
	show := chain.Show
	if c.Bool("json") {
		show = chain.ShowJSON
	}
	if err := show(c.App.Writer, f); err != nil {
		return cli.Exit(fmt.Sprintf("%s: %v", f.Name(), err), exitRuntime)
	}
	return nil
}

func execAction(c *cli.Context) error {
	var in *driver.Input
	switch expr := c.String("eval"); {
	case expr != "" && c.NArg() == 0:
		in = &driver.Input{Name: "<-e>", Data: []byte(expr), Limit: c.Int64("max-source-bytes")}
	case expr != "":
		return cli.Exit("error: exec runs either -e EXPR or a file, not both", exitUsage)
	case c.NArg() != 1:
		return cli.Exit("error: exec takes exactly one file (or - for standard input, or -e EXPR)", exitUsage)
	default:
		var err error
		if in, err = driver.Read(c.Args().First(), c.App.Reader, c.Int64("max-source-bytes")); err != nil {
			return cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
		}
	}
	opts, err := runOptions(c)
	if err != nil {
		return err
	}
	opts.Engine = rtfs.Engine(c.String("engine"))
	opts.NoPreflight = c.Bool("no-preflight")
	opts.SeccompStrict = c.Bool("seccomp-strict")
	opts.Audit, opts.NoAudit = c.Bool("audit"), c.Bool("no-audit")
	opts.WASMCache = c.String("wasm-cache")
	if path := c.String("syscall-profile"); path != "" {
		if opts.SyscallProfile, err = sandbox.LoadSyscallProfile(path); err != nil {
			return cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
		}
	}
	prog, err := in.Program()
	if err != nil {
		return cli.Exit(driver.Report(c, err, in), exitUsage)
	}
	if opts.Engine == rtfs.Interp && !prog.HasSource() {
		return cli.Exit(fmt.Sprintf("error: %s: the interpreter runs source files; use --engine vm for bytecode", in.Name), exitUsage)
	}
	if opts.Engine != rtfs.VM && opts.Engine != rtfs.WASM && opts.Engine != rtfs.Interp {
		return cli.Exit(fmt.Sprintf("error: unknown engine %q (available: vm, wasm, interp)", opts.Engine), exitUsage)
	}
	closeChain, err := openRunChain(c, &opts)
	if err != nil {
		return cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
	}
	defer closeChain()
	out := &lineWriter{w: bufio.NewWriter(c.App.Writer)}
	defer out.Flush()
	opts.Stdout, opts.Stderr = out, c.App.ErrWriter
	ctx, interrupted := onSignals(c.App.ErrWriter)
	defer interrupted.stop()
	result, err := prog.Run(ctx, opts)
	if err != nil {
		out.Flush()
		if sig := interrupted.signal(); sig != 0 {
			return cli.Exit(driver.Report(c, err, in), 128+int(sig))
		}
		return cli.Exit(driver.Report(c, err, in), exitRuntime)
	}
	fmt.Fprintln(out, result.String())
	return nil
}

// lineWriter buffers the program's output a line at a time, so that
// println output appears as it is printed, in order with the log lines
// and errors on standard error, without a system call per write.
type lineWriter struct{ w *bufio.Writer }

func (l *lineWriter) Write(p []byte) (int, error) {
	n, err := l.w.Write(p)
	if err == nil && bytes.IndexByte(p, '\n') >= 0 {
		err = l.w.Flush()
	}
	return n, err
}

// Flush writes what is buffered.
func (l *lineWriter) Flush() error { return l.w.Flush() }

// interruption is the run's handling of SIGINT and SIGTERM: the first
// cancels the run as a timeout does (its workers and their children are
// killed, the chain records PlanAborted, output is flushed) and the
// process then exits with 128 + the signal's number; a second one exits
// at once.
type interruption struct {
	signals chan os.Signal
	got     atomic.Int32
}

// errInterrupted is the cause of a run cancelled by a signal.
type errInterrupted struct{ sig os.Signal }

func (e errInterrupted) Error() string {
	return "interrupted by " + unix.SignalName(e.sig.(syscall.Signal))
}

func onSignals(stderr io.Writer) (context.Context, *interruption) {
	ctx, cancel := context.WithCancelCause(context.Background())
	i := &interruption{signals: make(chan os.Signal, 2)}
	signal.Notify(i.signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig, ok := <-i.signals
		if !ok {
			return
		}
		i.got.Store(int32(sig.(syscall.Signal)))
		fmt.Fprintf(stderr, "\n%s: stopping the run (again to exit at once)\n", errInterrupted{sig})
		cancel(errInterrupted{sig})
		if sig, ok := <-i.signals; ok {
			os.Exit(128 + int(sig.(syscall.Signal)))
		}
	}()
	return ctx, i
}

// signal is the signal that interrupted the run, 0 if none did.
func (i *interruption) signal() syscall.Signal { return syscall.Signal(i.got.Load()) }

func (i *interruption) stop() {
	signal.Stop(i.signals)
	close(i.signals)
}

// openRunChain sets up the chain of a run from its flags: the file
// (--chain, or the one --resume continues), its key, redaction, and the
// run to replay. The returned function prints the chain's head and closes
// it.
func openRunChain(c *cli.Context, opts *rtfs.Options) (func(), error) {
	path, resume := c.String("chain"), c.String("resume")
	if resume != "" {
		if path != "" && path != resume {
			return nil, errors.New("--resume appends to the chain it resumes: --chain, if given, must name the same file")
		}
		path = resume
	}
	opts.RetryInterrupted = c.Bool("retry-interrupted")
	switch c.String("chain-redact") {
	case "digest":
	case "none":
		opts.NoRedact = true
	default:
		return nil, fmt.Errorf("--chain-redact %q: want digest or none", c.String("chain-redact"))
	}
	if path == "" {
		return func() {}, nil
	}
	key, err := chainKey(c)
	if err == nil {
		err = outsideGrants(path, opts.Grants)
	}
	if err == nil {
		opts.Chain, err = chain.OpenFile(path, key)
	}
	if err == nil && resume != "" {
		if opts.Resume, err = lastRun(path, key); err != nil {
			opts.Chain.Close()
		}
	}
	if err != nil {
		return nil, err
	}
	return func() {
		seq, head := opts.Chain.Head()
		fmt.Fprintf(c.App.ErrWriter, "chain %s: head %s (record %d)\n", path, head, seq)
		opts.Chain.Close()
	}, nil
}

// lastRun reads the records of the last run of the chain at path.
func lastRun(path string, key []byte) ([]chain.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	run, err := chain.LastRun(f, chain.CheckOptions{Key: key})
	if err == nil && len(run) == 0 {
		err = fmt.Errorf("resume: the chain %s holds no run", path)
	}
	return run, err
}

// outsideGrants refuses a chain file that a plan could read or write
// through its file-system grants: it could rewrite its own record.
func outsideGrants(chainPath string, g rtfs.Grants) error {
	file, err := filepath.Abs(chainPath)
	if err != nil {
		return err
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(file)); err == nil {
		file = filepath.Join(dir, filepath.Base(file))
	}
	for _, grant := range slices.Concat(g.FSRead, g.FSWrite) {
		dir, err := filepath.Abs(grant)
		if err != nil {
			return err
		}
		if resolved, err := filepath.EvalSymlinks(dir); err == nil {
			dir = resolved
		}
		if rel, err := filepath.Rel(dir, file); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
			return fmt.Errorf("the chain %s is inside the file-system grant %s: the plan could rewrite its own chain; keep it elsewhere", chainPath, grant)
		}
	}
	return nil
}

// runFlags are the flags of what runs a program, exec and repl: the policy
// and source flags, and the depth, confinement and parameters.
func runFlags() []cli.Flag {
	own := []cli.Flag{
		&cli.IntFlag{Name: "max-depth", Value: 10000, Usage: "maximum depth of non-tail closure calls"},
		&cli.BoolFlag{Name: "unconfined", Usage: "run the capabilities that touch the OS in this process, without a sandbox (announced and recorded in the chain)"},
		&cli.StringSliceFlag{Name: "param", Usage: "NAME=VALUE: a cross-plan parameter, read by the plan as the symbol NAME (a string; repeatable)"},
	}
	return append(own, append(driver.PolicyFlags(), driver.SourceFlags()...)...)
}

// runOptions reads the flags of runFlags into the options of a run.
func runOptions(c *cli.Context) (rtfs.Options, error) {
	opts, err := driver.OptionsFromFlags(c)
	if err == nil {
		opts.Context.Params, err = params(c.StringSlice("param"))
	}
	if err != nil {
		return opts, cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
	}
	opts.Limits.MaxDepth = c.Int("max-depth")
	opts.Unconfined = c.Bool("unconfined")
	return opts, nil
}

// params reads the NAME=VALUE pairs of --param.
func params(pairs []string) (map[string]value.Value, error) {
	out := map[string]value.Value{}
	for _, pair := range pairs {
		name, val, ok := strings.Cut(pair, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("--param %q: want NAME=VALUE", pair)
		}
		out[name] = value.String(val)
	}
	return out, nil
}

func doctorAction(c *cli.Context) error {
	ms := sandbox.Probe(context.Background())
	if c.Bool("json") {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		return enc.Encode(ms)
	}
	tw := tabwriter.NewWriter(c.App.Writer, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tMECHANISM\tDETAIL")
	missing := 0
	for _, m := range ms {
		mark := "✓"
		if !m.OK {
			mark = "✗"
			if m.Needed {
				missing++
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", mark, m.Name, m.Detail)
	}
	tw.Flush()
	if missing > 0 {
		fmt.Fprintf(c.App.Writer, "%d mechanism(s) a confined worker needs are missing: plans that touch the OS are refused unless --unconfined\n", missing)
	}
	return nil
}

func adviseAction(c *cli.Context) error {
	f, err := openChain(c)
	if err != nil {
		return err
	}
	defer f.Close()
	advice, err := sandbox.Advise(f)
	if err != nil {
		return cli.Exit(fmt.Sprintf("%s: %v", f.Name(), err), exitRuntime)
	}
	if len(advice.Steps) == 0 {
		return cli.Exit(fmt.Sprintf("%s: no SyscallAudit records (run with --audit)", f.Name()), exitRuntime)
	}
	if c.Bool("json") {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		return enc.Encode(advice)
	}
	return advice.WriteText(c.App.Writer)
}
