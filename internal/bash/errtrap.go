package bash

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// The interpreter runs the ERR trap after every failing statement, at each
// level a failure travels through: the statement in a function body, the
// body, the eval the session calls the function through, the call itself.
// bash runs it once per failure, not in functions unless errtrace is on,
// and never while the shell is on its way out. errState is what the session
// keeps to tell these apart.
type errState struct {
	// seq counts the simple commands run; a failure is known by the last
	// command before it.
	seq uint64
	// lineAt is the line of the last command run at each depth of the
	// call stack, for LINENO in a trap run after a function returned.
	lineAt []uint
	// fired is the last failure the trap was considered for, by command
	// and depth: the levels a failure travels up through inside one frame
	// are the same failure.
	fired    errFiring
	hasFired bool
	// returnSeq and returnDepth are the last return builtin: its status is
	// the function's, not a failure inside it.
	returnSeq   uint64
	returnDepth int
	// exiting is set once the shell itself (not a subshell) has called exit
	// or errexit fired in it; status is the status it exits with.
	exiting bool
	status  uint8
	// force makes every later command exit with status: the ERR trap
	// called exit, which the interpreter forgets when the trap returns.
	force bool
	// runs counts the nested Runs, so that the state is cleared only when
	// the outermost one starts.
	runs int
	// probes are the buffers the trap listing of mainShell is written to.
	probes map[string]*probeBuffer
	probeN int
	// hooks counts the hook bodies running, which are functions.
	hooks int
}

type errFiring struct {
	seq   uint64
	depth int
	// shell is the BASHPID of the shell the failure was in: a subshell's
	// failure and its own status in the parent are two.
	shell int
}

// Commands the session runs its traps and exit through.
const (
	exitCommand   = "__devstack_exit"
	exitTrap      = "__devstack_exittrap"
	statusCommand = "__devstack_status"
	// probePrefix names the files mainShell has the trap listing written
	// to; no such path exists on disk.
	probePrefix = "/dev/null/devstack-probe/"
)

// noteCommand records a simple command about to run at depth, with s.mu
// held.
func (s *Session) noteCommand(depth int, line uint, name string) {
	e := &s.errs
	e.seq++
	if len(e.lineAt) > depth {
		e.lineAt = e.lineAt[:depth]
	}
	for len(e.lineAt) < depth {
		e.lineAt = append(e.lineAt, 0)
	}
	e.lineAt = append(e.lineAt, line)
	if name == "return" {
		e.returnSeq, e.returnDepth = e.seq, depth
	}
}

// errTrapDone makes the failure of the command running (hc's) one the
// ERR trap does not run for, as if it had run, with s.mu held.
func (s *Session) errTrapDone(hc interp.HandlerContext) {
	e := &s.errs
	e.fired, e.hasFired = errFiring{seq: e.seq, depth: len(*s.stack()) - 1}, true
	if shell := s.shellOf(hc); shell != nil {
		e.fired.shell = shell.pid
	}
}

// errCall rewrites the commands errState needs to see, with s.mu held;
// ok is false for the others.
func (s *Session) errCall(args []string) ([]string, bool) {
	switch {
	case args[0] == exitTrap || args[0] == statusCommand:
		return args, true
	case s.errs.force:
		// The ERR trap exited: the shell ends at its next command.
		return []string{exitCommand, strconv.Itoa(int(s.errs.status))}, true
	}
	return args, false
}

// runTop runs a node as the outermost Run or inside one, and gives the
// status the script exited with when it called exit or errexit fired: the
// interpreter keeps the status of the failure when the ERR trap exits.
func (s *Session) runTop(ctx context.Context, node syntax.Node) error {
	s.mu.Lock()
	outermost := s.errs.runs == 0
	if outermost {
		s.errs = errState{probes: s.errs.probes, probeN: s.errs.probeN, hooks: s.errs.hooks}
	}
	s.errs.runs++
	s.mu.Unlock()
	var err error
	if outermost {
		err = s.runGuarded(ctx, node)
	} else {
		err = s.runner.Run(ctx, node)
	}
	s.mu.Lock()
	s.errs.runs--
	// An exit paramError left pending at the end ends the shell too.
	force := (s.errs.force || s.pendingExit[s.main]) && s.errs.runs == 0
	s.mu.Unlock()
	if force {
		// The ERR trap exited after the last command: the shell exits
		// now, which runs the EXIT trap.
		err = s.runner.Run(ctx, &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{lit(exitCommand)}}})
	}
	s.mu.Lock()
	exiting, status := s.errs.exiting, s.errs.status
	s.mu.Unlock()
	var es interp.ExitStatus
	if !exiting || (err != nil && !errors.As(err, &es)) {
		return err
	}
	if status == 0 {
		return nil
	}
	return interp.ExitStatus(status)
}

// exitShell runs the exit builtin with a status; when it ends the shell
// itself, not a subshell, the session remembers it.
func (s *Session) exitShell(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	status, valid := hc.LastExitStatus, len(args) < 2
	if len(args) == 1 {
		n, err := strconv.Atoi(args[0])
		status, valid = n, err == nil
	}
	if valid && s.inSubshell(hc) {
		if err := s.exitSubshell(ctx, status); err != nil {
			return err
		}
	} else if valid && s.mainShell(ctx) {
		s.mu.Lock()
		s.errs.exiting, s.errs.status, s.errs.force = true, uint8(status), false
		s.mu.Unlock()
	}
	return hc.Builtin(ctx, append([]string{"exit"}, args...))
}

// mainShell reports whether a command runs in the shell itself rather than
// in a subshell. The interpreter gives subshells no traps, and the session
// always sets an EXIT trap in the shell: the interpreter's own trap
// listing tells them apart.
func (s *Session) mainShell(ctx context.Context) bool {
	return strings.Contains(s.probe(ctx, bypassCommand+" trap"), exitTrap)
}

// openProbe serves the files mainShell has the trap listing written to.
func (s *Session) openProbe(path string) (*probeBuffer, bool) {
	if !strings.HasPrefix(path, probePrefix) {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	buf, ok := s.errs.probes[path]
	return buf, ok
}

type probeBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *probeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *probeBuffer) Read([]byte) (int, error) { return 0, errors.New("write-only") }
func (b *probeBuffer) Close() error             { return nil }

func (b *probeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runErrTrap is the interpreter's ERR trap: it runs the script's once per
// failure, where bash would, with LINENO at the line of the command that
// failed and $? its status. An exit in the trap ends the shell with its
// status; errexit after it ends the shell with the failure's.
func (s *Session) runErrTrap(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if s.discarding() {
		// A discarded command is no failure for the trap.
		return nil
	}
	s.mu.Lock()
	e := &s.errs
	depth := len((*s.stack())) - 1
	shell := s.shellOf(hc)
	firing := errFiring{seq: e.seq, depth: depth}
	if shell != nil {
		firing.shell = shell.pid
	}
	repeated := (e.hasFired && e.fired == firing) ||
		// A return's status is the function's; the call fails, not the
		// return.
		(e.seq == e.returnSeq && depth >= e.returnDepth)
	e.fired, e.hasFired = firing, true
	if shell != s.main {
		s.mu.Unlock()
		if shell == nil {
			return nil
		}
		return s.subshellFailed(ctx, shell, repeated, depth)
	}
	if e.exiting || repeated {
		s.mu.Unlock()
		return nil
	}
	// Functions do not inherit the ERR trap without errtrace; a hook's
	// body runs as a function, as run_phase sources extras.d scripts.
	inherits := s.options["errtrace"] || !slices.ContainsFunc((*s.stack()), frame.isFunction) && e.hooks == 0
	errexit := s.options["errexit"]
	callback := s.traps["ERR"]
	var line uint
	if depth < len(e.lineAt) {
		line = e.lineAt[depth]
	}
	seq, lineAt := e.seq, slices.Clone(e.lineAt)
	s.mu.Unlock()
	if inherits && callback != "" {
		if line > 0 {
			callback = strings.Repeat("\n", int(line)-1) + callback
		}
		hc.Builtin(ctx, []string{"eval", callback})
		s.mu.Lock()
		// The trap's own commands are not the failure: outer levels of
		// the same failure are still recognised.
		e.seq, e.lineAt = seq, lineAt
		e.fired = firing
		if e.exiting && !errexit {
			// The interpreter goes on after the trap unless errexit
			// ends it: the next command exits instead.
			e.force = true
		}
		s.mu.Unlock()
	}
	if errexit {
		s.mu.Lock()
		if !e.exiting {
			e.exiting, e.status = true, uint8(hc.LastExitStatus)
		}
		s.mu.Unlock()
	}
	return nil
}

// runExitTrap is the interpreter's EXIT trap, always set in the shell so
// that mainShell can tell it from a subshell: it runs the script's EXIT
// trap, if any, with $? the status the shell exits with.
func (s *Session) runExitTrap(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if s.discarding() {
		// The shell goes on after a discarded command.
		return nil
	}
	s.mu.Lock()
	if s.pendingExit[s.main] {
		// The script ended right after paramError: it exits with 1.
		delete(s.pendingExit, s.main)
		s.errs.exiting, s.errs.status = true, 1
	}
	callback, set := s.traps["EXIT"]
	status, exiting := s.errs.status, s.errs.exiting
	s.errs.force = false
	if s.reading != nil {
		// A script read a command at a time (RunStdin) ends only when
		// its input does, or it exits.
		if s.reading.hold {
			s.mu.Unlock()
			return nil
		}
		status, exiting = s.reading.status, true
	}
	s.mu.Unlock()
	if !set || callback == "" {
		return nil
	}
	if exiting && int(status) != hc.LastExitStatus {
		callback = statusCommand + " " + strconv.Itoa(int(status)) + "\n" + callback
	}
	return hc.Builtin(ctx, []string{"eval", callback})
}

// setStatus sets $? for the command after it.
func setStatus(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return nil
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n == 0 {
		return nil
	}
	return interp.ExitStatus(uint8(n))
}
