package bash

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"mvdan.cc/sh/v3/interp"
)

// The session's side of subshells, marked by subshellEdits
// (subshell_source.go): the state each keeps, its start and end, its
// traps, errexit, exit and umask.

// shellState is what one shell, the main one or a subshell, keeps of its
// own: bash's state that the interpreter does not copy with its runner.
type shellState struct {
	// pid is the shell's BASHPID, level its BASH_SUBSHELL.
	pid, level int
	kind       string
	// traps are the shell's trap callbacks, by signal name. A subshell
	// lists its parent's (inherited) until it sets a trap of its own, as
	// bash does, but runs none of them.
	traps     map[string]string
	inherited map[string]string
	ownTraps  bool
	// options mirrors the set -o options the session handles.
	options map[string]bool
	// umask is the file mode creation mask.
	umask int
	// ignoring is set in a subshell whose status is tested: errexit is
	// ignored in it, as in the command that started it.
	ignoring bool
	// depth is the call stack's depth when the subshell started: the ERR
	// trap set in it runs in its functions only with errtrace.
	depth int
	// errTrap is set once the interpreter runs the session's ERR trap in
	// the subshell.
	errTrap bool
	// ended is set once the subshell's EXIT trap has run.
	ended bool
	// goroutine runs a pipeline's command but the last, with a call stack
	// of its own (Session.stack); 0 for the others.
	goroutine int64
	// funcs are the functions defined in a subshell, by name, with the
	// frame of the file that defined them (deffunc.go).
	funcs map[string]frame
}

// listing is the traps a shell lists: its own, or what it inherited.
func (st *shellState) listing() map[string]string {
	if st.pid != 0 && !st.ownTraps {
		return st.inherited
	}
	return st.traps
}

// subshellPids numbers the subshells: pid_max and above is no process's.
var subshellPids struct {
	once sync.Once
	mu   sync.Mutex
	next int
}

func newSubshellPid() int {
	subshellPids.once.Do(func() {
		subshellPids.next = 1 << 22 // the largest pid_max on 64-bit Linux
		if data, err := os.ReadFile("/proc/sys/kernel/pid_max"); err == nil {
			if n, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
				subshellPids.next = n
			}
		}
	})
	subshellPids.mu.Lock()
	defer subshellPids.mu.Unlock()
	subshellPids.next++
	return subshellPids.next
}

// shellOf is the shell a handler runs in: the main shell, a subshell, or
// nil for a subshell that has ended (its EXIT trap running, or errexit
// on its way out) or one not marked (a process substitution), whose
// changes are dropped. Call with s.mu held.
func (s *Session) shellOf(hc interp.HandlerContext) *shellState {
	pid, _ := strconv.Atoi(hc.Env.Get("BASHPID").String())
	if pid == os.Getpid() {
		return s.main
	}
	return s.shells[pid]
}

// inSubshell reports whether a handler runs in a subshell marked by
// subshellEdits.
func (s *Session) inSubshell(hc interp.HandlerContext) bool {
	return hc.Env.Get("BASHPID").String() != strconv.Itoa(os.Getpid())
}

// enterSubshell starts a subshell's state: KIND IGNORE, IGNORE "1" when
// its status is tested where it starts.
func (s *Session) enterSubshell(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	status := hc.LastExitStatus
	kind, ignore := args[0], len(args) > 1 && args[1] == "1"
	ignore = ignore || hc.Env.Get(ignoreVar).String() == "1"
	if kind == kindSubst {
		// Output of jobs an earlier substitution held for this writer
		// is not this one's (jobspawn.go).
		s.dropHeld(hc.Stdout)
	}
	s.mu.Lock()
	parent := s.shellOf(hc)
	if parent == nil {
		parent = s.main
	}
	level := parent.level + 1
	if strings.HasSuffix(kind, simpleKind) {
		level = parent.level
	}
	st := &shellState{
		pid:       newSubshellPid(),
		level:     level,
		kind:      kind,
		traps:     map[string]string{},
		inherited: maps.Clone(parent.listing()),
		options:   maps.Clone(parent.options),
		umask:     parent.umask,
		ignoring:  parent.ignoring || ignore,
		depth:     len(*s.stack()),
		funcs:     maps.Clone(parent.funcs),
	}
	errexit := st.options["errexit"]
	if kind == kindSubst {
		// bash, out of POSIX mode, runs a command substitution with
		// errexit off (unless inherit_errexit).
		st.options["errexit"] = false
	}
	if st.options["errtrace"] {
		if callback, ok := parent.traps["ERR"]; ok {
			// errtrace: subshells inherit the ERR trap.
			st.traps["ERR"] = callback
		}
	}
	if strings.HasPrefix(kind, kindPipe) {
		// The interpreter runs it in a goroutine of its own, alongside
		// the pipeline's last command: its calls get a call stack of
		// their own, from where the pipeline started, as a job's do.
		if s.jobStacks == nil {
			s.jobStacks = map[int64]*[]frame{}
		}
		frames := slices.Clone(*s.stack())
		st.goroutine = goroutineID()
		s.jobStacks[st.goroutine] = &frames
	}
	if s.shells == nil {
		s.shells = map[int]*shellState{}
	}
	s.shells[st.pid] = st
	s.mu.Unlock()
	vars := "BASHPID=" + strconv.Itoa(st.pid) + " BASH_SUBSHELL=" + strconv.Itoa(st.level)
	if kind == kindSubst {
		// xtrace marks the commands of a command substitution with one
		// more PS4 character per level (xtraceSource).
		vars += " " + levelVar + "+=+"
	}
	if err := hc.Builtin(ctx, []string{"eval", vars}); err != nil {
		return err
	}
	if errexit && (kind == kindSubst || st.ignoring) {
		// Straight to the builtin: the shell's own record keeps the
		// option, which `set -o` lists.
		if err := hc.Builtin(ctx, []string{"set", "+e"}); err != nil {
			return err
		}
	}
	if _, ok := st.traps["ERR"]; ok {
		if err := s.subshellErrTrap(ctx, st); err != nil {
			return err
		}
	}
	return exitStatus(status)
}

// subshellErrTrap has the interpreter run the session's ERR trap in a
// subshell, where it does not copy it: the session runs the subshell's ERR
// trap, and its EXIT trap when errexit ends it.
func (s *Session) subshellErrTrap(ctx context.Context, st *shellState) error {
	s.mu.Lock()
	done := st.errTrap
	st.errTrap = true
	s.mu.Unlock()
	if done {
		return nil
	}
	return interp.HandlerCtx(ctx).Builtin(ctx, []string{"trap", errTrap, "ERR"})
}

// leaveSubshell ends a subshell that ran to its end: its EXIT trap runs,
// and the subshell's status is its last command's, unless the trap exits.
func (s *Session) leaveSubshell(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	status := hc.LastExitStatus
	s.mu.Lock()
	st := s.shellOf(hc)
	s.mu.Unlock()
	if len(args) > 0 && args[0] == kindSubst {
		if err := s.drain(ctx); err != nil {
			return err
		}
	}
	if st != nil && st != s.main {
		if err := s.endSubshell(ctx, st, status); err != nil {
			return err
		}
	}
	return exitStatus(status)
}

// endSubshell runs a subshell's EXIT trap, once, with $? the status the
// subshell ends with, and forgets the subshell.
func (s *Session) endSubshell(ctx context.Context, st *shellState, status int) error {
	hc := interp.HandlerCtx(ctx)
	s.mu.Lock()
	if st.ended {
		s.mu.Unlock()
		return nil
	}
	st.ended = true
	callback := st.traps["EXIT"]
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.shells, st.pid)
		if st.goroutine != 0 {
			s.dropStack(st.goroutine, st.depth)
		}
		s.mu.Unlock()
	}()
	if callback == "" {
		return nil
	}
	if status != hc.LastExitStatus {
		// Through the left of ||, which errexit does not look at.
		callback = statusCommand + " " + strconv.Itoa(status) + " || " + callback
	}
	return hc.Builtin(ctx, []string{"eval", callback})
}

// subshellFailed is the session's ERR trap in a subshell: the subshell's
// own ERR trap runs, where bash would run it, and when errexit ends the
// subshell, its EXIT trap. skip is set for a level of a failure already
// seen.
func (s *Session) subshellFailed(ctx context.Context, st *shellState, skip bool, depth int) error {
	hc := interp.HandlerCtx(ctx)
	s.mu.Lock()
	callback := st.traps["ERR"]
	stack := *s.stack()
	inherits := st.options["errtrace"] || !hasFunctionFrame(stack[min(st.depth, len(stack)):])
	if strings.HasSuffix(st.kind, simpleKind) && len(stack) <= st.depth {
		// A pipeline's simple command: its status is the parent's to
		// trap.
		inherits = false
	}
	errexit := st.options["errexit"] && !st.ignoring
	var line uint
	if depth < len(s.errs.lineAt) {
		line = s.errs.lineAt[depth]
	}
	s.mu.Unlock()
	if skip || st.ignoring {
		return nil
	}
	if inherits && callback != "" {
		if line > 0 {
			callback = strings.Repeat("\n", int(line)-1) + callback
		}
		hc.Builtin(ctx, []string{"eval", callback})
	}
	if errexit {
		return s.endSubshell(ctx, st, hc.LastExitStatus)
	}
	return nil
}

func hasFunctionFrame(frames []frame) bool {
	for _, f := range frames {
		if f.isFunction() {
			return true
		}
	}
	return false
}

// exitSubshell runs a subshell's EXIT trap before the exit builtin ends
// the subshell with status.
func (s *Session) exitSubshell(ctx context.Context, status int) error {
	hc := interp.HandlerCtx(ctx)
	s.mu.Lock()
	st := s.shellOf(hc)
	s.mu.Unlock()
	if st == nil || st == s.main {
		return nil
	}
	return s.endSubshell(ctx, st, status)
}

// testedFunction calls a function whose status is tested: errexit is
// ignored in it and in every subshell it starts, which ignoreVar tells.
func (s *Session) testedFunction(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if hc.Env.Get(ignoreVar).String() == "1" {
		return s.callFunction(ctx, args)
	}
	if err := hc.Builtin(ctx, []string{"eval", ignoreVar + "=1"}); err != nil {
		return err
	}
	defer hc.Builtin(ctx, []string{"unset", ignoreVar})
	return s.callFunction(ctx, args)
}

// shellUmask is the umask of the shell a handler runs in.
func (s *Session) shellUmask(hc interp.HandlerContext) (mask int, sub bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.shellOf(hc)
	if st == nil {
		return s.main.umask, false
	}
	return st.umask, st != s.main && st.umask != s.main.umask
}

// withUmask runs a program under a subshell's umask, which differs from
// the process's (the main shell's): through sh, which sets it and
// replaces itself with the program.
func withUmask(mask int, args []string) []string {
	return append([]string{"sh", "-c", "umask " + strconv.FormatInt(int64(mask), 8) + ` && exec "$@"`, args[0]}, args...)
}

// processUmask is the process's umask, as the kernel reports it; setting
// it is the only other way to read it, which would change it for a moment
// under whatever else the process runs. The main shell's umask builtin
// keeps the session's copy current.
func processUmask() int {
	if data, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if value, ok := strings.CutPrefix(line, "Umask:"); ok {
				if mask, err := strconv.ParseInt(strings.TrimSpace(value), 8, 32); err == nil {
					return int(mask)
				}
			}
		}
	}
	mask := syscall.Umask(0o022)
	syscall.Umask(mask)
	return mask
}

// subshellTrap sets or resets traps in a subshell: its own, which replace
// what it listed of its parent's. The session runs the EXIT trap when the
// subshell ends (endSubshell) and the ERR trap through the interpreter's.
func (s *Session) subshellTrap(ctx context.Context, shell *shellState, callback string, specs []string, reset bool) error {
	hc := interp.HandlerCtx(ctx)
	if shell == nil {
		// The subshell is on its way out, in its EXIT trap.
		return nil
	}
	for _, spec := range specs {
		name, err := s.trapSpec(hc, spec)
		if err != nil {
			return err
		}
		s.mu.Lock()
		shell.ownTraps = true
		if reset {
			delete(shell.traps, name)
		} else {
			shell.traps[name] = callback
		}
		s.mu.Unlock()
		if !reset && (name == "EXIT" || name == "ERR") {
			if err := s.subshellErrTrap(ctx, shell); err != nil {
				return err
			}
		}
	}
	return nil
}

// createWithUmask opens a file as a redirection does, under a subshell's
// umask rather than the process's: a file it creates gets perm less mask.
func createWithUmask(path string, flag int, perm os.FileMode, mask int) (*os.File, error) {
	f, err := openFile(path, flag|os.O_EXCL, perm)
	if err == nil {
		if err := f.Chmod(perm &^ os.FileMode(mask)); err != nil {
			f.Close()
			return nil, err
		}
		return f, nil
	}
	if flag&os.O_EXCL != 0 || !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	// The file exists: it keeps its mode.
	return openFile(path, flag&^os.O_CREATE, perm)
}

// returnEndsSubshell reports whether a return ends the subshell it runs
// in, as in bash: the subshell was started in a function or sourced file
// and the return is not in one called inside the subshell. The
// interpreter would refuse it, knowing of no function in the copy.
func (s *Session) returnEndsSubshell(hc interp.HandlerContext) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	shell := s.shellOf(hc)
	if shell == nil || shell == s.main {
		return false
	}
	stack := *s.stack()
	if len(stack) != shell.depth {
		return false
	}
	for _, f := range stack[1:] {
		if f.function != "main" {
			return true
		}
	}
	return false
}

// dropStack forgets the call stack of a goroutine that ran a subshell,
// once the calls made in the subshell have returned: an exit leaves them
// on the stack, to be popped as the interpreter unwinds. Call with s.mu
// held.
func (s *Session) dropStack(goroutine int64, depth int) {
	if stack, ok := s.jobStacks[goroutine]; ok && len(*stack) > depth {
		if s.unwinding == nil {
			s.unwinding = map[int64]int{}
		}
		s.unwinding[goroutine] = depth
		return
	}
	delete(s.jobStacks, goroutine)
}
