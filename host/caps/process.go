package caps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// process is one external program run: ccos.system.execute and the
// capabilities of a manifest both run programs this way. There is no shell:
// argv[0] is the program and the rest its arguments, verbatim.
type process struct {
	argv      []string
	env       []string // the complete environment; nil inherits the host's
	dir       string   // "" is the host's working directory
	stdin     []byte
	timeout   time.Duration
	maxOutput int64 // per stream
}

type processResult struct {
	exitCode       int // 128+n when killed by signal n
	stdout, stderr []byte
}

// waitDelay bounds how long a run waits for its output pipes to close once
// the program is gone: a grandchild that left the process group could hold
// them open forever.
const waitDelay = time.Second

// run starts the program in a process group of its own and waits for it.
// On timeout, cancellation of ctx or output beyond maxOutput the whole group
// is killed, grandchildren included. A program that ran and exited,
// whatever its status, is a result; failing to start it, a timeout, a
// cancellation and too much output are errors. Background children a
// program leaves behind when it exits are not killed (they are no longer
// part of the call); output they write is collected for waitDelay more.
func (p process) run(ctx context.Context) (processResult, error) {
	runCtx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, p.argv[0], p.argv[1:]...)
	cmd.Env = p.env
	cmd.Dir = p.dir
	cmd.Stdin = bytes.NewReader(p.stdin)
	var overflow atomic.Bool
	tooMuch := func() { overflow.Store(true); cancel() }
	stdout := &cappedBuffer{limit: p.maxOutput, overflow: tooMuch}
	stderr := &cappedBuffer{limit: p.maxOutput, overflow: tooMuch}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	killProcessGroupOnCancel(cmd)
	cmd.WaitDelay = waitDelay
	err := cmd.Run()
	switch {
	case overflow.Load():
		return processResult{}, fmt.Errorf("%s wrote more than %d bytes of output; its process group was killed", p.argv[0], p.maxOutput)
	case ctx.Err() != nil:
		return processResult{}, fmt.Errorf("%s was interrupted (%v); its process group was killed", p.argv[0], ctx.Err())
	case runCtx.Err() != nil:
		return processResult{}, fmt.Errorf("%s timed out after %s; its process group was killed", p.argv[0], p.timeout)
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) && !errors.Is(err, exec.ErrWaitDelay) {
		return processResult{}, err
	}
	return processResult{exitCode: exitStatus(cmd.ProcessState), stdout: stdout.bytes(), stderr: stderr.bytes()}, nil
}

// cappedBuffer keeps up to limit bytes and reports the first byte beyond.
// It goes on accepting (and dropping) output so the program never blocks on
// a full pipe before it is killed.
type cappedBuffer struct {
	mu       sync.Mutex
	buf      bytes.Buffer
	limit    int64
	overflow func()
	over     bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	room := c.limit - int64(c.buf.Len())
	if int64(len(p)) > room {
		c.buf.Write(p[:max(room, 0)])
		if !c.over {
			c.over = true
			c.overflow()
		}
		return len(p), nil
	}
	c.buf.Write(p)
	return len(p), nil
}

func (c *cappedBuffer) bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Bytes()
}
