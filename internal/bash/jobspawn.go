package bash

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/interp"
)

// A job's process is the program started again (/proc/self/exe) with the
// state of the shell on a descriptor (jobState), the job's standard
// streams, and the shell's descriptors above 2 at their numbers.

// drainWait bounds how long waiting for a job waits, once it has exited,
// for output still on its way through a pipe that a process it started
// keeps open.
const drainWait = 20 * time.Millisecond

// startJob starts a background statement: args are its line, its text,
// $0 and the positional parameters.
func (s *Session) startJob(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 3 {
		return fmt.Errorf("%s: want LINE TEXT NAME [PARAMS]", jobCommand)
	}
	if s.opts.Dry {
		// Settings evaluated without running anything start nothing.
		return nil
	}
	line, _ := strconv.Atoi(args[0])
	if err := s.spawnJob(ctx, uint(line), args[1], args[2], args[3:]); err != nil {
		s.shellError(hc, "cannot start a background job: %v", err)
		return interp.ExitStatus(1)
	}
	return nil
}

// spawnJob starts the program again on the state of the running shell,
// and enters the process in the job table.
func (s *Session) spawnJob(ctx context.Context, line uint, text, name string, params []string) error {
	hc := interp.HandlerCtx(ctx)
	if !jobsServed.Load() {
		return errors.New("this program does not run background jobs (it does not call shell.RunJobProcess)")
	}
	st, err := s.captureJob(ctx, line, text, name, params)
	if err != nil {
		return err
	}
	j := &job{text: jobText(text), ready: make(chan struct{}), exited: make(chan struct{})}
	// The parent's ends of what the process gets are closed once it has
	// them; if it does not start, the ends the parent keeps too.
	var closeAfter, closeOnFailure []*os.File
	started := false
	defer func() {
		for _, f := range closeAfter {
			f.Close()
		}
		for _, f := range closeOnFailure {
			if !started {
				f.Close()
			}
		}
	}()
	var failed error
	byWriter := map[io.Writer]*os.File{}
	output := func(w io.Writer) *os.File {
		if f, ok := byWriter[w]; ok {
			return f
		}
		f, c, err := outputFile(w, s.sessionWriter(w))
		if err != nil {
			failed = err
			return nil
		}
		if c != nil {
			j.copies = append(j.copies, c)
			closeOnFailure = append(closeOnFailure, c.r)
		}
		if f != w {
			closeAfter = append(closeAfter, f)
		}
		byWriter[w] = f
		return f
	}
	cmd := &exec.Cmd{Path: "/proc/self/exe", Args: []string{os.Args[0]}}
	cmd.Stdout, cmd.Stderr = output(hc.Stdout), output(hc.Stderr)
	stdin, opened, err := s.jobStdin(hc.Stdin)
	if err != nil {
		failed = err
	}
	cmd.Stdin = stdin
	if opened {
		closeAfter = append(closeAfter, stdin)
	}
	// The descriptors above 2 keep their numbers; the state, and the
	// session's trace, come after them.
	s.mu.Lock()
	for _, n := range st.FDs {
		for len(cmd.ExtraFiles) < n-3 {
			cmd.ExtraFiles = append(cmd.ExtraFiles, nil)
		}
		f, _ := s.fds[n].(*os.File)
		cmd.ExtraFiles = append(cmd.ExtraFiles, f)
	}
	s.mu.Unlock()
	if s.opts.Trace != nil {
		st.TraceFD = 3 + len(cmd.ExtraFiles)
		cmd.ExtraFiles = append(cmd.ExtraFiles, output(s.opts.Trace))
	}
	readyR, readyW, err := os.Pipe()
	if err != nil {
		failed = err
	} else {
		closeAfter = append(closeAfter, readyW)
		closeOnFailure = append(closeOnFailure, readyR)
		st.ReadyFD = 3 + len(cmd.ExtraFiles)
		cmd.ExtraFiles = append(cmd.ExtraFiles, readyW)
	}
	if failed != nil {
		return failed
	}
	data, err := encodeJobState(st)
	if err != nil {
		return fmt.Errorf("the shell's state cannot be passed on: %v", err)
	}
	state, err := stateFile(data)
	if err != nil {
		return err
	}
	closeAfter = append(closeAfter, state)
	cmd.Env = append(programEnviron(hc.Env), jobStateVar+"="+strconv.Itoa(3+len(cmd.ExtraFiles)))
	cmd.ExtraFiles = append(cmd.ExtraFiles, state)
	if err := cmd.Start(); err != nil {
		return err
	}
	started = true
	go func() {
		// The process closes its end once ready, or as it ends.
		readyR.Read(make([]byte, 1))
		readyR.Close()
		close(j.ready)
	}()
	j.pid = cmd.Process.Pid
	s.mu.Lock()
	for _, c := range j.copies {
		go c.run()
		if !c.live {
			s.heldOutput = append(s.heldOutput, c)
		}
	}
	j.num = 1
	for _, other := range s.jobs {
		j.num = max(j.num, other.num+1)
	}
	s.jobs = append(s.jobs, j)
	s.currentJob, s.previousJob = j, s.currentJob
	s.lastPid = j.pid
	s.mu.Unlock()
	go s.reap(j, cmd)
	return nil
}

// jobStdin is a job's standard input: /dev/null instead of the shell's
// own, as bash gives a background job without job control; a
// redirection's or a pipe's as it is.
func (s *Session) jobStdin(stdin io.Reader) (f *os.File, opened bool, err error) {
	if f, ok := stdin.(*os.File); ok && stdin != s.stdin {
		return f, false, nil
	}
	if stdin == s.stdin || stdin == nil {
		f, err := os.Open(os.DevNull)
		return f, err == nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, false, err
	}
	go func() {
		io.Copy(w, stdin)
		w.Close()
	}()
	return r, true, nil
}

// stateFile holds a job's state for its process to read.
func stateFile(data []byte) (*os.File, error) {
	fd, err := unix.MemfdCreate("devstack-job", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "job state")
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// sessionWriter reports whether w is one of the writers the session was
// given, which take output from any goroutine at any time.
func (s *Session) sessionWriter(w io.Writer) bool {
	return w == s.opts.Stdout || w == s.opts.Stderr || s.opts.Trace != nil && w == s.opts.Trace
}

// outputFile is the file a job writes w through: w itself when it is a
// file, /dev/null for io.Discard, otherwise a pipe whose reading end an
// outputCopy (c, not yet running) copies to w as output comes if live,
// or keeps for the shell to collect.
func outputFile(w io.Writer, live bool) (*os.File, *outputCopy, error) {
	if f, ok := w.(*os.File); ok {
		return f, nil, nil
	}
	if w == io.Discard {
		f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		return f, nil, err
	}
	r, pw, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	return pw, &outputCopy{r: r, w: w, live: live, drained: make(chan struct{}), ended: make(chan struct{})}, nil
}

// outputCopy copies what a job writes into a pipe to a writer that is not
// a file. The session's own writers take it as it comes (live); any other
// is the interpreter's, a command substitution's, which only its shell
// may write to: what comes is kept until that shell collects it, when it
// waits for the job or the command substitution ends (drain), as
// bash's reads the pipe to its end.
type outputCopy struct {
	r    *os.File
	w    io.Writer
	live bool
	mu   sync.Mutex
	kept bytes.Buffer
	// orphaned is set once the command substitution is over: what comes
	// after has no one to go to.
	orphaned bool
	// drained is closed at the end of the pipe, or once nothing more
	// came within drainWait after the job exited; ended at the end.
	drained, ended chan struct{}
}

func (c *outputCopy) run() {
	defer c.r.Close()
	defer close(c.ended)
	buf := make([]byte, 32*1024)
	drained := false
	for {
		n, err := c.r.Read(buf)
		if n > 0 {
			if c.live {
				c.w.Write(buf[:n])
			} else {
				c.mu.Lock()
				if !c.orphaned {
					c.kept.Write(buf[:n])
				}
				c.mu.Unlock()
			}
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			// The job has exited; a process it started keeps the
			// pipe, and whatever it writes later still comes through.
			if !drained {
				close(c.drained)
				drained = true
			}
			c.r.SetReadDeadline(time.Time{})
			continue
		}
		if err != nil {
			break
		}
	}
	if !drained {
		close(c.drained)
	}
}

// collect writes what the copy kept for w to w, from the goroutine of the
// shell writing to w.
func (c *outputCopy) collect(w io.Writer) {
	if c.live || c.w != w {
		return
	}
	c.mu.Lock()
	data := bytes.Clone(c.kept.Bytes())
	c.kept.Reset()
	c.mu.Unlock()
	if len(data) > 0 {
		w.Write(data)
	}
}

// drain ends every command substitution, as its subshell ends
// (leaveSubshell): it waits for the output of the jobs started in it, by
// its own statements or a function it calls, to end, and writes it there,
// as bash reads the pipe to its end.
func (s *Session) drain(ctx context.Context) error {
	hc := interp.HandlerCtx(ctx)
	mine := s.takeHeld(hc.Stdout, hc.Stderr)
	for _, c := range mine {
		select {
		case <-c.ended:
		case <-ctx.Done():
			return ctx.Err()
		}
		c.collect(hc.Stdout)
		c.collect(hc.Stderr)
	}
	return nil
}

// collectHeld writes what the running shell's jobs kept for its output.
func (s *Session) collectHeld(hc interp.HandlerContext) {
	s.mu.Lock()
	held := slices.Clone(s.heldOutput)
	s.mu.Unlock()
	for _, c := range held {
		c.collect(hc.Stdout)
		c.collect(hc.Stderr)
	}
}

// takeHeld takes the copies kept for the writers out of the session's.
func (s *Session) takeHeld(writers ...io.Writer) []*outputCopy {
	s.mu.Lock()
	defer s.mu.Unlock()
	var taken []*outputCopy
	s.heldOutput = slices.DeleteFunc(s.heldOutput, func(c *outputCopy) bool {
		if slices.Contains(writers, c.w) {
			taken = append(taken, c)
			return true
		}
		return false
	})
	return taken
}

// dropHeld forgets, as a command substitution starts, the output kept for
// an earlier one that wrote to the same writer (the interpreter reuses
// it) and has ended without collecting it: a job a function started in
// it, where no drain waited.
func (s *Session) dropHeld(w io.Writer) {
	s.mu.Lock()
	held := len(s.heldOutput) > 0
	s.mu.Unlock()
	if !held {
		return
	}
	for _, c := range s.takeHeld(w) {
		c.mu.Lock()
		c.orphaned = true
		c.kept.Reset()
		c.mu.Unlock()
	}
}

// reap waits for a job's process and records how it ended.
func (s *Session) reap(j *job, cmd *exec.Cmd) {
	cmd.Wait()
	status, sig := 0, syscall.Signal(0)
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		sig = ws.Signal()
		status = 128 + int(sig)
	} else {
		status = cmd.ProcessState.ExitCode()
	}
	for _, c := range j.copies {
		c.r.SetReadDeadline(time.Now().Add(drainWait))
	}
	s.mu.Lock()
	j.done, j.status, j.signal = true, status, sig
	close(j.exited)
	s.jobsChanged()
	s.mu.Unlock()
}
