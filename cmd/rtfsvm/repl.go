package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/internal/driver"
	"github.com/rtfs-go/rtfs/isa"
)

const replHelp = `Enter RTFS forms; an input that leaves a form open continues on the next line.
Definitions persist from one input to the next. Commands:
  :help            this text
  :load FILE       run FILE in the session
  :disasm FORM     the bytecode FORM compiles to
  :profile FORM    the step profiles FORM gets under the session's flags
  :engine [NAME]   which engine runs the session, or run the inputs that
                   follow on vm, wasm or interp (before any definition)
  :quit            leave (also Ctrl-D)
Ctrl-C stops the input being run.`

// replAction is rtfsvm repl: a session (rtfs.Session) fed from standard
// input, with line editing and a history kept in ~/.rtfs_history when it
// is a terminal, and no prompts when it is not, so that it can be piped.
func replAction(c *cli.Context) error {
	opts, err := runOptions(c)
	if err != nil {
		return err
	}
	in, out, errOut, restore, err := replStreams(c)
	if err != nil {
		return cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
	}
	defer restore()
	opts.Stdout, opts.Stderr = out, errOut
	opts.Engine = rtfs.Engine(c.String("engine"))
	s, err := rtfs.NewSession(opts)
	if err != nil {
		return cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
	}
	defer s.Close()
	r := &repl{c: c, s: s, opts: opts, out: out, errOut: errOut}
	return r.loop(in)
}

// lineSource reads the REPL's input a line at a time.
type lineSource interface {
	ReadLine(prompt string) (string, error)
}

type repl struct {
	c           *cli.Context
	s           *rtfs.Session
	opts        rtfs.Options
	out, errOut io.Writer
	inputs      int
}

func (r *repl) loop(in lineSource) error {
	var pending []string
	for {
		prompt := "rtfs> "
		if len(pending) > 0 {
			prompt = "  ... "
		}
		line, err := in.ReadLine(prompt)
		if err != nil {
			if len(pending) > 0 {
				r.run(strings.Join(pending, "\n"))
			}
			if errors.Is(err, io.EOF) {
				return nil
			}
			return cli.Exit(fmt.Sprintf("error: %v", err), exitUsage)
		}
		if len(pending) == 0 && strings.HasPrefix(strings.TrimSpace(line), ":") {
			if quit := r.command(strings.TrimSpace(line)); quit {
				return nil
			}
			continue
		}
		pending = append(pending, line)
		text := strings.Join(pending, "\n")
		if open(text) {
			continue
		}
		pending = nil
		if strings.TrimSpace(text) != "" {
			r.run(text)
		}
	}
}

// open reports whether text ends inside a form: its only errors are of the
// input ending too soon.
func open(text string) bool {
	_, errs := syntax.Read("<repl>", []byte(text))
	for _, e := range errs {
		if !strings.Contains(e.Message, "end of input") {
			return false
		}
	}
	return len(errs) > 0
}

// run evaluates one input, printing its value or its error; Ctrl-C stops
// it and the session goes on.
func (r *repl) run(text string) {
	r.inputs++
	name := fmt.Sprintf("<repl:%d>", r.inputs)
	r.eval(name, []byte(text))
}

func (r *repl) eval(name string, src []byte) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	v, err := r.s.Eval(ctx, name, src)
	if err != nil {
		fmt.Fprintln(r.errOut, driver.Report(r.c, err, &driver.Input{Name: name, Data: src}))
		return
	}
	fmt.Fprintln(r.out, v.String())
}

// command runs a :command and reports whether it ends the session.
func (r *repl) command(line string) (quit bool) {
	name, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case ":quit", ":q", ":exit":
		return true
	case ":help":
		fmt.Fprintln(r.out, replHelp)
	case ":load":
		src, err := os.ReadFile(arg)
		if err != nil {
			fmt.Fprintf(r.errOut, "error: %v\n", err)
			return false
		}
		r.eval(arg, src)
	case ":engine":
		if arg != "" {
			if err := r.s.SetEngine(rtfs.Engine(arg)); err != nil {
				fmt.Fprintf(r.errOut, "error: %v\n", err)
				return false
			}
		}
		fmt.Fprintf(r.out, "the session runs on %s\n", r.s.Engine())
	case ":disasm", ":profile":
		p, err := rtfs.Compile("<"+name[1:]+">", []byte(arg))
		if err != nil {
			fmt.Fprintln(r.errOut, driver.Report(r.c, err, &driver.Input{Name: "<" + name[1:] + ">", Data: []byte(arg)}))
			return false
		}
		if name == ":disasm" {
			isa.Disassemble(r.out, p.Module())
			return false
		}
		steps, plan, err := p.Profiles(r.opts)
		if err != nil {
			fmt.Fprintf(r.errOut, "error: %v\n", err)
			return false
		}
		data, _ := json.MarshalIndent(append(steps, plan), "", "  ")
		fmt.Fprintln(r.out, string(data))
	default:
		fmt.Fprintf(r.errOut, "error: unknown command %s (:help lists them)\n", name)
	}
	return false
}

// replStreams are the REPL's input and outputs: a line editor when
// standard input is a terminal (put in raw mode, restored by restore),
// else the plain streams.
func replStreams(c *cli.Context) (lineSource, io.Writer, io.Writer, func(), error) {
	if f, ok := c.App.Reader.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		state, err := term.MakeRaw(int(f.Fd()))
		if err != nil {
			return nil, nil, nil, nil, err
		}
		t := term.NewTerminal(struct {
			io.Reader
			io.Writer
		}{f, c.App.Writer}, "rtfs> ")
		t.History = openHistory()
		fmt.Fprintln(t, "RTFS "+driver.Version()+" — :help for help, Ctrl-D to leave")
		return &terminalLines{t: t}, t, t, func() { term.Restore(int(f.Fd()), state) }, nil
	}
	lines := bufio.NewScanner(c.App.Reader)
	lines.Buffer(nil, 16<<20)
	return &pipedLines{lines: lines}, c.App.Writer, c.App.ErrWriter, func() {}, nil
}

type terminalLines struct{ t *term.Terminal }

func (l *terminalLines) ReadLine(prompt string) (string, error) {
	l.t.SetPrompt(prompt)
	return l.t.ReadLine()
}

type pipedLines struct{ lines *bufio.Scanner }

func (l *pipedLines) ReadLine(string) (string, error) {
	if !l.lines.Scan() {
		if err := l.lines.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}
	return l.lines.Text(), nil
}

// history is the line editor's history, kept in a file (RTFS_HISTORY,
// else ~/.rtfs_history) so that it outlives the session.
type history struct {
	entries []string // oldest first
	file    *os.File // nil when the file cannot be written
}

const maxHistory = 1000

func openHistory() *history {
	path := os.Getenv("RTFS_HISTORY")
	if path == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return &history{}
		}
		path = filepath.Join(home, ".rtfs_history")
	}
	h := &history{}
	if data, err := os.ReadFile(path); err == nil {
		h.entries = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		h.entries = h.entries[max(0, len(h.entries)-maxHistory):]
	}
	h.file, _ = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	return h
}

func (h *history) Add(entry string) {
	if strings.TrimSpace(entry) == "" || strings.Contains(entry, "\n") {
		return
	}
	h.entries = append(h.entries, entry)
	if h.file != nil {
		fmt.Fprintln(h.file, entry)
	}
}

func (h *history) Len() int { return len(h.entries) }

func (h *history) At(i int) string { return h.entries[len(h.entries)-1-i] }
