package worker

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/rtfs-go/rtfs/value"
	"golang.org/x/sys/unix"
)

// Limits are the kernel's limits on one worker and what it starts.
type Limits struct {
	MemoryBytes int64   // v1 memory cgroup; 0: none
	Pids        int     // v1 pids cgroup; 0: none
	CPU         float64 // v1 cpu cgroup, in cores (CFS quota); 0: none
}

// Options say how to start a worker.
type Options struct {
	// NewNetwork starts the worker in a network namespace of its own, with
	// no interface but a loopback that is down: no network at all.
	NewNetwork bool
	// Env is the worker's environment beside the marker (what a profile
	// with the env effect reads); nil for none.
	Env    []string
	Limits Limits
	// StartTimeout bounds how long the worker may take to be ready.
	StartTimeout time.Duration
}

// Worker is a running confined worker. Its methods are safe for concurrent
// use; calls are answered one at a time.
type Worker struct {
	Pid     int
	Cgroups *Cgroups

	mu     sync.Mutex
	cmd    *exec.Cmd
	conn   *os.File
	rd     *bufio.Reader
	stderr *lockedBuffer
	dead   error // why the worker is gone; nil while it serves
	once   sync.Once
	killed chan struct{}
}

// Start starts a worker confined by setup and returns it once it is ready.
func Start(ctx context.Context, setup Setup, opts Options) (*Worker, error) {
	w, err := spawn(opts)
	if err == nil {
		err = w.confine(ctx, setup, opts)
	}
	if err != nil {
		return nil, err
	}
	return w, nil
}

// spawn starts the worker process in its cgroup and namespaces, with its
// environment: what opts decides at the clone. The worker then waits for
// its setup (confine).
func spawn(opts Options) (*Worker, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the executable to start as a worker: %w", err)
	}
	h, err := FindHierarchies()
	if err != nil {
		return nil, err
	}
	cg, err := newCgroups(h)
	if err != nil {
		return nil, err
	}
	cgfd, err := unix.Open(cg.V2, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		cg.kill()
		return nil, fmt.Errorf("opening %s: %w", cg.V2, err)
	}
	defer unix.Close(cgfd)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		cg.kill()
		return nil, err
	}
	// The parent's end is non-blocking, so that the runtime's poller waits
	// on it and deadlines apply; the worker's end stays blocking.
	if err := unix.SetNonblock(fds[0], true); err != nil {
		cg.kill()
		return nil, err
	}
	parent, child := os.NewFile(uintptr(fds[0]), "worker"), os.NewFile(uintptr(fds[1]), "worker-child")
	defer child.Close()
	flags := uintptr(unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWIPC | unix.CLONE_NEWUTS)
	if opts.NewNetwork {
		flags |= unix.CLONE_NEWNET
	}
	w := &Worker{Cgroups: cg, conn: parent, rd: bufio.NewReader(parent), stderr: &lockedBuffer{}, killed: make(chan struct{})}
	w.cmd = exec.Command(self)
	w.cmd.Args = []string{"rtfs-worker"}
	w.cmd.Env = append([]string{envMarker + "=1"}, opts.Env...)
	w.cmd.Dir = "/"
	w.cmd.ExtraFiles = []*os.File{child}
	w.cmd.Stderr = w.stderr
	w.cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  flags,
		UseCgroupFD: true,
		CgroupFD:    cgfd,
		Pdeathsig:   syscall.SIGKILL,
	}
	if err := w.cmd.Start(); err != nil {
		parent.Close()
		cg.kill()
		return nil, fmt.Errorf("starting the worker: %w", err)
	}
	w.Pid = w.cmd.Process.Pid
	go func() {
		err := w.cmd.Wait()
		w.mu.Lock()
		if w.dead == nil {
			w.dead = fmt.Errorf("the worker exited: %v", err)
		}
		w.mu.Unlock()
	}()
	return w, nil
}

// confine puts the worker in the v1 cgroups its limits need (if it is not
// in them yet), sets the limits and sends it its setup, which it applies
// to itself (Landlock, seccomp) before it answers that it is ready. A
// worker that fails to is killed.
func (w *Worker) confine(ctx context.Context, setup Setup, opts Options) error {
	h, err := FindHierarchies()
	if err == nil {
		err = w.Cgroups.prepare(h, w.Pid, opts.Limits, false)
	}
	if err == nil {
		err = w.Cgroups.limit(opts.Limits)
	}
	if err != nil {
		w.Kill()
		return err
	}
	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	var r ready
	err = w.exchange(ctx, timeout, setup, &r)
	switch {
	case err != nil:
		w.Kill()
		return fmt.Errorf("the worker did not start: %w%s", err, w.stderrText())
	case r.Error != "":
		w.Kill()
		return fmt.Errorf("the worker could not confine itself: %s", r.Error)
	}
	return nil
}

// exchange sends one frame and reads the answer into reply, giving up when
// ctx ends or timeout passes; then the worker is killed, since a
// half-finished exchange leaves the stream unusable.
func (w *Worker) exchange(ctx context.Context, timeout time.Duration, send, reply any) error {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := w.conn.SetDeadline(deadline); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, w.Kill)
	defer stop()
	err := writeFrame(w.conn, send)
	if err == nil {
		err = readFrame(w.rd, reply)
	}
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		w.Kill()
		return ctx.Err()
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.Kill()
		return fmt.Errorf("no answer within %s", timeout)
	}
	return err
}

// Call runs capability id with args in the worker. Ending ctx kills the
// worker and everything it started; the call then fails with ctx's error.
func (w *Worker) Call(ctx context.Context, id string, args []value.Value, resolved map[string][]string) (value.Value, error) {
	req := Request{Capability: id, Args: make([]Wire, len(args)), Resolved: resolved}
	for i, a := range args {
		wa, err := ToWire(a)
		if err != nil {
			return value.Nil, value.Errorf(value.TypeError, "Type error in %s: %v", id, err)
		}
		req.Args[i] = wa
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dead != nil {
		return value.Nil, w.failure(id)
	}
	var resp Response
	// The deadline is ctx's; a call with none may take as long as the
	// capability's own timeouts let it.
	if err := w.exchange(ctx, 24*time.Hour, req, &resp); err != nil {
		if ctx.Err() != nil {
			return value.Nil, ctx.Err()
		}
		return value.Nil, w.failure(id)
	}
	if resp.Kind != "" {
		return value.Nil, &value.Error{Kind: value.ErrorKind(resp.Kind), Message: resp.Message, Hint: resp.Hint}
	}
	if resp.Value == nil {
		return value.Nil, value.Errorf(value.InternalError, "%s: the worker answered neither a value nor an error", id)
	}
	return FromWire(*resp.Value)
}

// failure is the error of a call the worker could not answer: killed by
// its memory cgroup, or gone for another reason.
func (w *Worker) failure(id string) error {
	if w.Cgroups.OOMKilled() {
		return value.Errorf(value.MemoryExceeded, "Memory limit exceeded: %s in its worker passed the step's limit of the memory cgroup", id)
	}
	return value.Errorf(value.Generic, "%s: the capability worker died%s", id, w.stderrText())
}

// Kill kills the worker and everything it started, and removes its
// cgroups. It may be called any number of times.
func (w *Worker) Kill() {
	w.once.Do(func() {
		w.conn.Close()
		w.Cgroups.kill()
		close(w.killed)
	})
}

// Done is closed once the worker has been killed.
func (w *Worker) Done() <-chan struct{} { return w.killed }

// stderrText is what the worker wrote on standard error, for an error
// message: "" when nothing.
func (w *Worker) stderrText() string {
	w.stderr.mu.Lock()
	defer w.stderr.mu.Unlock()
	if w.stderr.buf.Len() == 0 {
		return ""
	}
	return ": " + string(bytes.TrimSpace(w.stderr.buf.Bytes()))
}

// lockedBuffer keeps the first 4 KiB the worker writes on standard error
// (a Go runtime crash report, say) for the error that reports its death.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := 4096 - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
