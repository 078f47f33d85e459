package bash

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Where bash forks a copy of itself for `STMT &`, the session starts the
// program again (/proc/self/exe) with jobStateVar naming the descriptor
// its state is on. RunJobProcess, called first thing by the program, sees
// it, builds a session from the state and runs the statement, as the
// forked bash would, and the process exits with its status.
const jobStateVar = "DEVSTACK_JOB_STATE"

// jobsServed is set once the program has called RunJobProcess: only then
// can a session start the program again as a job.
var jobsServed atomic.Bool

// RunJobProcess runs a background job if this process is one, and returns
// its exit status and true; otherwise it returns false at once. A program
// whose sessions run scripts with background jobs calls it first thing,
// after registering its extensions.
func RunJobProcess() (int, bool) {
	jobsServed.Store(true)
	fdText, ok := os.LookupEnv(jobStateVar)
	if !ok {
		return 0, false
	}
	os.Unsetenv(jobStateVar)
	status, err := runJobProcess(fdText)
	if err != nil {
		fmt.Fprintf(os.Stderr, "devstack: background job: %v\n", err)
		return 1, true
	}
	return status, true
}

func runJobProcess(fdText string) (int, error) {
	// Without job control, bash's background jobs ignore SIGINT and
	// SIGQUIT: a Ctrl-C meant for the script leaves them running.
	signal.Ignore(syscall.SIGINT, syscall.SIGQUIT)
	fd, err := strconv.Atoi(fdText)
	if err != nil {
		return 0, fmt.Errorf("bad state descriptor %q", fdText)
	}
	stateFile := os.NewFile(uintptr(fd), "job state")
	data, err := io.ReadAll(io.NewSectionReader(stateFile, 0, 1<<40))
	stateFile.Close()
	if err != nil {
		return 0, fmt.Errorf("reading the state: %v", err)
	}
	st, err := decodeJobState(data)
	if err != nil {
		return 0, fmt.Errorf("reading the state: %v", err)
	}
	syscall.Umask(st.Umask)
	s, err := newJobSession(st)
	if err != nil {
		return 0, err
	}
	s.catchSignals()
	if st.ReadyFD > 0 {
		syscall.Close(st.ReadyFD)
	}
	return s.runJob(st), nil
}

// newJobSession builds the session a job's statement runs in from the
// state of the shell that started it.
func newJobSession(st *jobState) (*Session, error) {
	opts := Options{Dir: st.Dir, Stdout: os.Stdout, Stderr: os.Stderr, Params: st.Params, Extensions: st.Extensions}
	if len(st.Frames) > 0 {
		opts.Name = st.Frames[0].Source
	}
	if st.TraceFD > 0 {
		trace := os.NewFile(uintptr(st.TraceFD), "trace")
		syscall.CloseOnExec(st.TraceFD)
		opts.Trace = trace
	}
	var afterStart []func(*Session)
	for _, ext := range st.Extensions {
		add, err := lookupExtension(ext.Name)
		if err != nil {
			return nil, err
		}
		after, err := add(&opts, ext.Arg)
		if err != nil {
			return nil, fmt.Errorf("extension %s: %v", ext.Name, err)
		}
		if after != nil {
			afterStart = append(afterStart, after)
		}
	}
	s, err := newSession(opts, varEnviron(st.Vars), st.Flags)
	if err != nil {
		return nil, err
	}
	for _, after := range afterStart {
		after(s)
	}
	if err := s.restoreResetVars(st.Vars); err != nil {
		return nil, err
	}
	s.pids = &shellPids{shell: st.ShellPid, parent: st.ParentPid}
	s.lastPid = st.LastPid
	s.secondsBase.Store(st.SecondsBase)
	s.errs.hooks = st.Hooks
	if len(st.Frames) > 0 {
		s.frames = s.frames[:0]
		for _, f := range st.Frames {
			s.frames = append(s.frames, frame{function: f.Function, source: f.Source, display: f.Display, callLine: f.CallLine})
		}
	}
	for name, on := range st.Options {
		s.options[name] = on
	}
	for _, n := range st.FDs {
		syscall.CloseOnExec(n)
		s.fds[n] = os.NewFile(uintptr(n), "/dev/fd/"+strconv.Itoa(n))
	}
	funcs, err := parseFuncList(st.Funcs)
	if err != nil {
		return nil, err
	}
	s.installFunctions(funcs)
	return s, s.inheritTraps(st)
}

// restoreResetVars gives the variables the interpreter sets afresh when
// it starts the shell's values again.
func (s *Session) restoreResetVars(vars map[string]expand.Variable) error {
	var b strings.Builder
	for _, name := range []string{"IFS", "OPTIND", "PWD"} {
		vr, ok := vars[name]
		if !ok || !vr.IsSet() {
			fmt.Fprintf(&b, "%s unset %s\n", bypassCommand, name)
			continue
		}
		fmt.Fprintf(&b, "%s=%s\n", name, quoteWord(vr.String()))
		if vr.Exported {
			fmt.Fprintf(&b, "%s export %s\n", bypassCommand, name)
		}
	}
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(b.String()), "")
	if err != nil {
		return err
	}
	return s.runner.Run(context.Background(), &syntax.Stmt{Cmd: &syntax.Block{Stmts: file.Stmts}})
}

// inheritTraps sets the traps a forked bash keeps: the signals the shell
// ignores stay ignored, and SIGINT is ignored as in every background job;
// the ERR trap is kept with errtrace. Until the job sets a trap of its
// own, `trap` lists the shell's, as bash's subshells do.
func (s *Session) inheritTraps(st *jobState) error {
	s.shownTraps = map[string]string{"INT": ""}
	for name, callback := range st.Traps {
		if name != "INT" {
			s.shownTraps[name] = callback
		}
		if callback != "" {
			continue
		}
		s.traps[name] = ""
		if sig, ok := signalNumbers[name]; ok {
			signal.Ignore(sig)
		}
	}
	s.traps["INT"] = ""
	if callback := st.Traps["ERR"]; callback != "" && st.Options["errtrace"] {
		s.traps["ERR"] = callback
		s.bypass = "trap"
		return s.runner.Run(context.Background(), &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{lit("trap"), lit(errTrap), lit("ERR")}}})
	}
	return nil
}

// catchSignals sets the job's signals up as a forked bash has them.
// Without a trap, a signal ends the job with its default action: Go's
// own does for SIGHUP and SIGTERM, but Go would ignore SIGUSR1, SIGUSR2
// and SIGALRM, which get the system's. The job's traps are caught as it
// sets them (watchSignal).
func (s *Session) catchSignals() {
	s.signals = make(chan os.Signal, 4)
	for _, sig := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM} {
		if _, ignored := s.traps[signalNameOf(sig)]; !ignored {
			defaultAction(sig)
		}
	}
	go func() {
		for sig := range s.signals {
			if !s.Signal(sig) {
				dieBySignal(sig.(syscall.Signal))
			}
		}
	}()
}

// watchSignal follows, in a job's process, a trap set (callback) or reset
// for a signal, so that the process catches, ignores or takes the signal
// as the trap says.
func (s *Session) watchSignal(name, callback string, reset bool) {
	sig, ok := signalNumbers[name]
	if s.signals == nil || !ok || sig == syscall.SIGKILL || sig == syscall.SIGSTOP {
		return
	}
	switch {
	case reset:
		signal.Reset(sig)
		if sig != syscall.SIGHUP && sig != syscall.SIGTERM && sig != syscall.SIGINT {
			defaultAction(sig)
		}
	case callback == "":
		signal.Ignore(sig)
	default:
		// Ignore first: Go installs its handler again only for a
		// signal it no longer handles.
		signal.Ignore(sig)
		signal.Notify(s.signals, sig)
	}
}

// defaultAction gives a signal the system's default action. A zero
// sigaction is SIG_DFL with no flags, whatever the architecture's layout
// of the rest.
func defaultAction(sig syscall.Signal) {
	var action [4]uint64
	syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&action)), 0, 8, 0, 0)
}

func signalNameOf(sig syscall.Signal) string {
	for name, n := range signalNumbers {
		if n == sig {
			return name
		}
	}
	return ""
}

// dieBySignal ends the process by sig with its default action, so that
// the shell waiting for it sees what killed it.
func dieBySignal(sig syscall.Signal) {
	signal.Reset(sig)
	defaultAction(sig)
	syscall.Kill(syscall.Getpid(), sig)
	time.Sleep(time.Second)
	os.Exit(128 + int(sig))
}

// shellPids are $$ and $PPID in a job's process: the shell's that started
// it, as a forked bash keeps them.
type shellPids struct{ shell, parent int }

// runJob runs the job's statement and returns its exit status. Inside a
// function, the statement runs as the body of one (jobBody), so that
// local and return work as in the function; the frames say where it is.
func (s *Session) runJob(st *jobState) int {
	src := strings.Repeat("\n", int(max(st.Line, 1)-1))
	status := ""
	if st.Status != 0 {
		status = statusCommand + " " + strconv.Itoa(st.Status) + " || "
	}
	if st.InFunction {
		src += jobBody + " () { " + st.Text + "\n}\n" + status + bypassCommand + " " + jobBody + ` "$@"` + "\n"
	} else {
		src += status + st.Text + "\n"
	}
	s.execTarget = execCandidate(st)
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(string(s.prepare(st.Name, []byte(src)))), st.Name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", st.Name, err)
		return 2
	}
	err = s.runTop(context.Background(), file)
	if _, discarded := s.takeDiscard(); discarded {
		// The job is a subshell: it exits with 1 (readonly.go).
		return 1
	}
	var exit interp.ExitStatus
	switch {
	case errors.As(err, &exit):
		return int(exit)
	case err != nil:
		fmt.Fprintf(os.Stderr, "%s: %v\n", st.Name, err)
		return 1
	}
	return 0
}

// jobBody is the function a job started inside a function runs as.
const jobBody = "__devstack_jobbody"

// execTarget is the one simple command a job's statement consists of:
// bash runs it in the job's process itself (exec), and so does the job,
// so that $! is the program's process, as kill and ps expect.
type execTarget struct {
	line  uint
	depth int
	level string
	used  atomic.Bool
}

// execCandidate is the job's simple command, nil if its statement is
// anything else.
func execCandidate(st *jobState) *execTarget {
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(st.Text), "")
	if err != nil || len(file.Stmts) != 1 {
		return nil
	}
	stmt := file.Stmts[0]
	call, ok := stmt.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) == 0 || stmt.Negated || stmt.Background || stmt.Coprocess || call.Pos().Line() != 1 {
		return nil
	}
	return &execTarget{line: st.Line, depth: len(st.Frames), level: st.Vars[levelVar].String()}
}

// execJob replaces the process with the program args name, when args is
// the job's simple command and nothing is left to run after it. It
// returns only when it did not.
func (s *Session) execJob(ctx context.Context, args []string) {
	t := s.execTarget
	hc := interp.HandlerCtx(ctx)
	if t == nil || hc.Pos.Line() != t.line || inPS4(hc) || hc.Env.Get(levelVar).String() != t.level {
		return
	}
	s.mu.Lock()
	depth := len(*s.stack())
	_, errTrapped := s.traps["ERR"]
	exitCallback := s.traps["EXIT"]
	s.mu.Unlock()
	if depth != t.depth || errTrapped || exitCallback != "" || !t.used.CompareAndSwap(false, true) {
		return
	}
	path, err := interp.LookPathDir(hc.Dir, hc.Env, args[0])
	if err != nil {
		return
	}
	streams := []any{hc.Stdin, hc.Stdout, hc.Stderr}
	for _, stream := range streams {
		if _, ok := stream.(*os.File); !ok {
			return
		}
	}
	if os.Chdir(hc.Dir) != nil {
		return
	}
	for fd, stream := range streams {
		if f := stream.(*os.File); int(f.Fd()) != fd {
			if unix.Dup3(int(f.Fd()), fd, 0) != nil {
				return
			}
		}
	}
	syscall.Exec(path, args, programEnviron(hc.Env))
}

// programEnviron is the environment a program gets, as the interpreter
// gives it: the exported variables that are strings.
func programEnviron(env expand.Environ) []string {
	var list []string
	env.Each(func(name string, vr expand.Variable) bool {
		if vr.Exported && vr.IsSet() && vr.Kind == expand.String {
			list = append(list, name+"="+vr.Str)
		}
		return true
	})
	return list
}

// lazyCommand is the body of a function a job inherited, until it is
// first called: a job's process defines the shell's functions only as it
// needs them, as parsing them all would cost more than starting it.
const lazyCommand = "__devstack_lazy"

// lazyFunc is an inherited function, and the frame of its file.
type lazyFunc struct {
	jobFunc
	origin frame
	// defined is set once its definition has run somewhere.
	defined bool
}

// installFunctions defines the inherited functions, each as a call of
// lazyCommand, which defines it for real the first time it runs.
func (s *Session) installFunctions(funcs []jobFunc) {
	if s.runner.Funcs == nil {
		s.runner.Funcs = make(map[string]*syntax.Stmt, len(funcs))
	}
	s.lazy = make(map[string]*lazyFunc, len(funcs))
	allParams := &syntax.Word{Parts: []syntax.WordPart{&syntax.DblQuoted{Parts: []syntax.WordPart{&syntax.ParamExp{Param: &syntax.Lit{Value: "@"}}}}}}
	for _, f := range funcs {
		stub := &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{lit(lazyCommand), lit(f.Name), allParams}}}
		origin := frame{function: "source", source: f.Source, display: f.Display}
		s.runner.Funcs[f.Name] = stub
		s.funcFiles[stub] = origin
		s.lazy[f.Name] = &lazyFunc{jobFunc: f, origin: origin}
	}
}

// lazyFunction defines an inherited function in the shell running it,
// then calls it with the arguments.
func (s *Session) lazyFunction(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) == 0 {
		return interp.ExitStatus(2)
	}
	s.mu.Lock()
	f := s.lazy[args[0]]
	s.mu.Unlock()
	if f == nil {
		return interp.ExitStatus(127)
	}
	if err := hc.Builtin(ctx, []string{"eval", string(s.rewritePids([]byte(f.definition())))}); err != nil {
		fmt.Fprintf(hc.Stderr, "%s:%d: function %s cannot be defined again in a background job: %v\n", f.Display, f.Line, f.Name, err)
		return interp.ExitStatus(2)
	}
	s.mu.Lock()
	f.defined = true
	s.mu.Unlock()
	return hc.Builtin(ctx, []string{"eval", linePadding(hc) + quoteArgs(append([]string{bypassCommand}, args...), 0)})
}

// rewritePids makes $$ and $PPID in a job's process the shell's, which
// the interpreter would take from the process: it writes the numbers in
// their place, keeping every line where it is.
func (s *Session) rewritePids(src []byte) []byte {
	if s.pids == nil || !bytes.Contains(src, []byte("$$")) && !bytes.Contains(src, []byte("${$}")) && !bytes.Contains(src, []byte("PPID")) {
		return src
	}
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), "")
	if err != nil {
		return src
	}
	var edits []Edit
	walk(file, func(node syntax.Node) bool {
		pe, ok := node.(*syntax.ParamExp)
		if !ok || pe.Param == nil || pe.Excl || pe.Length || pe.Width || pe.Index != nil || pe.Slice != nil || pe.Repl != nil || pe.Exp != nil || pe.Names != 0 {
			return true
		}
		value := 0
		switch pe.Param.Value {
		case "$":
			value = s.pids.shell
		case "PPID":
			value = s.pids.parent
		default:
			return true
		}
		edits = append(edits, Edit{Offset: pe.Pos().Offset(), Remove: pe.End().Offset() - pe.Pos().Offset(), Text: strconv.Itoa(value)})
		return true
	})
	return ApplyEdits(src, edits)
}

// varEnviron is the variables a job's process starts with: every one of
// the shell's, with its attributes, not only the exported strings an
// environment can carry.
type varEnviron map[string]expand.Variable

func (e varEnviron) Get(name string) expand.Variable { return e[name] }

func (e varEnviron) Each(f func(name string, vr expand.Variable) bool) {
	for name, vr := range e {
		if !f(name, vr) {
			return
		}
	}
}
