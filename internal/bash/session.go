// Package bash runs bash scripts in-process with the mvdan.cc/sh
// interpreter, as bash runs them: one Session is one shared variable space,
// the "stack.sh variable space" every hook of a run sees. It knows nothing
// of DevStack: a function library is registered on a session (Define), and
// background jobs, real processes, get it back through an Extension.
package bash

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Overlay serves files that scripts read from a tree but that live only in
// the binary's embedded default tree.
type Overlay interface {
	// Embedded reports whether an absolute path is served from the embedded
	// tree, and its path there.
	Embedded(abs string) (rel string, ok bool)
	// Base is the embedded tree.
	Base() fs.FS
	// Rel gives a path inside the tree relative to its top, for messages.
	Rel(abs string) (string, bool)
	// ReadDir lists a tree-relative directory of the merged tree.
	ReadDir(rel string) ([]fs.DirEntry, error)
}

// Options configure a Session.
type Options struct {
	// Dir is the working directory; the process's if empty.
	Dir string
	// Env is the initial environment, as KEY=VALUE; every entry is exported.
	Env []string
	// Stdin is the scripts' standard input; the process's if nil.
	Stdin io.Reader
	// Stdout and Stderr receive the scripts' output. An *os.File is handed
	// to child processes as it is.
	Stdout, Stderr io.Writer
	// Trace, if set, receives one line for every simple command run.
	Trace io.Writer
	// Overlay, if set, lets scripts source and read embedded files.
	Overlay Overlay
	// Params are the initial positional parameters.
	Params []string
	// Name is the script at the bottom of the call stack, as
	// BASH_SOURCE names it; "" when the tool itself drives the session.
	Name string
	// Rewrite, if set, rewrites every script the session runs or sources,
	// after the session's own rewrites. It must keep every line where it
	// was, so that LINENO and messages still point at the file on disk.
	Rewrite func(path string, src []byte) []byte
	// Intercept, if set, may run a command itself, before the session's
	// functions and programs are looked up; it reports whether it did.
	Intercept func(ctx context.Context, args []string) (bool, error)
	// Observe, if set, is told of every call of a shell function before
	// the function runs.
	Observe func(args []string)
	// Source, if set, runs every `source` of a file: it is given the file's
	// absolute path, the arguments, and the function that sources it, and
	// returns the source command's outcome.
	Source func(ctx context.Context, path string, args []string, source func() error) error
	// Dry refuses to open files for writing (but /dev/null); with an
	// Intercept that takes every program, a session evaluates settings
	// without changing anything.
	Dry bool
	// Virtual are files, by absolute path, that scripts read in place of
	// what is on disk.
	Virtual map[string]string
	// Extensions name what the caller adds to the session in Go (Define,
	// Overlay) that a background job's process must add again: a job runs
	// in a process of its own, the program re-executed, which registers
	// each by name (RegisterExtension). Intercept, Observe, Source and
	// Rewrite do not reach a job's process, as nothing of the caller
	// reaches a process bash forks.
	Extensions []Extension
}

// Session is one interpreter state.
type Session struct {
	runner *interp.Runner
	opts   Options
	// functions are the commands written in Go: the builtins the
	// interpreter lacks, and what Define added.
	functions map[string]Func

	// mu guards the call stack bookkeeping below, which a pipeline's
	// commands may touch from their own goroutines.
	mu sync.Mutex
	// frames is the call stack: files being sourced and functions being
	// called, innermost last.
	frames []frame
	// pipeWriters tell, by pipe, that its writer has been traced.
	pipeWriters map[uint64]chan struct{}
	// jobStacks are the call stacks of the background jobs running, by
	// the goroutine that runs each (stack).
	jobStacks map[int64]*[]frame
	// unwinding are the goroutines whose subshell has exited, by the
	// depth their call stack is dropped at (dropStack).
	unwinding map[int64]int
	// funcFiles maps a function body to the frame of the file that
	// defined it. funcsDirty is set when functions may have been defined
	// that a claim must look for among all (hookbatch.go); bodyDefines
	// caches which bodies define functions.
	funcFiles   map[*syntax.Stmt]frame
	funcsDirty  bool
	bodyDefines map[*syntax.Stmt]bool
	// hooks is the SourceEach under way.
	hooks *hookBatch
	// bypass is the function call the session's own eval is about to make,
	// which must reach the interpreter unchanged.
	bypass string
	// last is where the most recent simple command ran, and lastArgs its
	// words, rendered only when a failure is reported.
	last     Position
	lastArgs []string
	// exitAt is where the script was when its EXIT trap began.
	exitAt       Position
	exitTrapSeen bool
	// sourcing is the file the source builtin is about to open, which the
	// open handler serves from scripts.
	sourcing string
	// scriptsMu guards scripts, the files sourced, kept rewritten.
	scriptsMu sync.Mutex
	scripts   scriptCache
	// scriptsNounset holds the scripts sourced while set -u is on, with
	// its checks (prepareFor).
	scriptsNounset scriptCache
	// preparsed are the scripts parsed before the run, by path
	// (preparsed.go).
	preparsedMu sync.Mutex
	preparsed   map[string]*Script
	// fds are the descriptors above 2 scripts opened; fdSaved what
	// commands' own redirections of them replaced.
	fds     fdTable
	fdSaved []fdSaved
	// sources are the scripts as written, for printing their functions,
	// under srcMu.
	srcMu   sync.Mutex
	sources map[string]*scriptSource
	// timing are the timed pipelines running.
	timing []timeStart
	// getopts is where getopts' scan is, and what function calls saved.
	getopts getoptsScans
	// traps are the trap callbacks, by signal name.
	traps map[string]string
	// options mirrors the set -o options, for the ones the session handles.
	options map[string]bool
	// main is the shell's own state (its traps and options are the two
	// maps above); shells are the subshells running, by BASHPID
	// (subshell.go).
	main   *shellState
	shells map[int]*shellState
	// stderrAt is standard error before the redirections of the command
	// about to be traced at a line (traceStderr).
	stderrAt map[stderrKey]io.Writer
	// untraced counts the commands xtrace is about to run after tracing
	// them, by name and line.
	untraced map[string]int
	// pendingSignals are trapped signals whose traps are still to run.
	pendingSignals []string
	// exportedFuncs are the functions export -f put in the environment;
	// exportedText their definitions as exported, by body.
	exportedFuncs map[string]bool
	exportedText  map[*syntax.Stmt]string
	// errs is what the ERR trap and exit need to behave as in bash.
	errs errState
	// jobs is the job table, in the order the jobs started; lastPid is
	// $!, the last started. jobChange is closed, and replaced, whenever a
	// job ends. statuses are the statuses of jobs no longer in the table,
	// and disowned the ids of those disowned, both by process id.
	jobs    []*job
	lastPid int
	// currentJob and previousJob are %+ and %-.
	currentJob, previousJob *job
	jobChange               chan struct{}
	statuses                map[int]int
	disowned                map[int]bool
	// heldOutput is jobs' output kept for command substitutions.
	heldOutput []*outputCopy
	// bodies are the functions' source, as jobs get them, by body, and
	// funcCache the list of them the last job got (funcList).
	bodies    map[*syntax.Stmt]string
	funcCache struct {
		sync.Mutex
		bodies map[string]*syntax.Stmt
		list   string
	}
	// stdin is the shell's own standard input, which jobs do not get.
	stdin io.Reader
	// In a background job's process: the shell's $$ and $PPID, its
	// functions not yet defined, the command that may replace the
	// process, and the traps `trap` lists until the job sets one.
	pids       *shellPids
	lazy       map[string]*lazyFunc
	execTarget *execTarget
	shownTraps map[string]string
	signals    chan os.Signal
	// secondsBase is the Unix time $SECONDS counts from.
	secondsBase atomic.Int64
	// reading is set while RunStdin runs a script read from its input.
	reading *readState
	// broken is the panic that stopped the session (panics.go).
	broken atomic.Pointer[InternalError]
	// arrays records the order keys went into associative arrays.
	arrays arrayOrder
	// discarded is a command bash discards, on its way up (readonly.go).
	discarded discardState
	// pendingExit are the shells that exit at their next command
	// (paramError).
	pendingExit map[*shellState]bool
	// restText is what restPath serves (sourceLines); sourceDepths are
	// the depths of the call stack where files are being sourced.
	restText     string
	sourceDepths []int
}

// Position is a place in a script.
type Position struct {
	File string
	Line uint
	// Function is the function running there, "" at a file's top level.
	Function string
	Command  string
}

func (p Position) String() string {
	switch {
	case p.File == "" && p.Line == 0:
		// A command the tool itself runs in the session.
		return "devstack:"
	case p.File == "":
		return fmt.Sprintf("line %d", p.Line)
	case p.Line == 0:
		return p.File
	case p.Function != "":
		return fmt.Sprintf("%s:%d:%s", p.File, p.Line, p.Function)
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// sourceCommand and functionCommand are what `source` and function calls
// are rewritten to, so that the session sees every frame entered and left.
const (
	sourceCommand = "__devstack_source"
	// bypassCommand marks the session's own call of a function or of
	// source: the call handler passes the rest on unchanged. In the
	// command, not in a field, as a pipeline's commands call
	// concurrently.
	bypassCommand   = "__devstack_bypass"
	functionCommand = "__devstack_function"
	callerCommand   = "__devstack_caller"
)

// New starts a session.
func New(opts Options) (*Session, error) {
	return newSession(opts, expand.ListEnviron(opts.Env...), nil)
}

// newSession starts a session on the variables of base, with the
// interpreter's options flags (as set takes them) on.
func newSession(opts Options, base expand.Environ, flags []string) (*Session, error) {
	if opts.Dir == "" {
		dir, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		opts.Dir = dir
	}
	if opts.Stdin == nil {
		opts.Stdin = os.Stdin
	}
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	s := &Session{opts: opts, funcFiles: map[*syntax.Stmt]frame{}, fds: fdTable{}, traps: map[string]string{}, options: map[string]bool{}, stdin: opts.Stdin}
	for _, name := range defaultOn {
		s.options[name] = true
	}
	s.frames = []frame{{function: "main", source: opts.Name, display: opts.Name}}
	s.main = &shellState{traps: s.traps, options: s.options, umask: processUmask()}
	s.secondsBase.Store(time.Now().Unix())
	s.functions = s.builtins()
	maps.Copy(s.functions, s.getoptsBuiltins())
	runner, err := interp.New(
		interp.Env(stackEnviron{s: s, base: base}),
		interp.Dir(opts.Dir),
		interp.StdIO(s.stdin, opts.Stdout, opts.Stderr),
		interp.CallHandler(s.call),
		interp.ExecHandlers(s.execMiddleware),
		interp.OpenHandler(s.open),
		interp.StatHandler(s.stat),
		interp.ReadDirHandler2(s.readDir),
		interp.AccessHandler(s.access),
		interp.Params(append(append(flags, "--"), opts.Params...)...),
	)
	if err != nil {
		return nil, err
	}
	s.runner = runner
	s.runner.Reset()
	// The shell's EXIT trap is always the session's: it tells the shell
	// from its subshells, which have none.
	s.bypass = "trap"
	if err := runner.Run(context.Background(), &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{lit("trap"), lit(exitTrap), lit("EXIT")}}}); err != nil {
		return nil, err
	}
	// Scripts test the version for the features they use: the session
	// answers as the bash it follows.
	version := &syntax.Stmt{Cmd: &syntax.CallExpr{Assigns: []*syntax.Assign{
		{Name: &syntax.Lit{Value: "BASH_VERSION"}, Value: lit(bashVersion)},
		{Name: &syntax.Lit{Value: "BASH_VERSINFO"}, Array: &syntax.ArrayExpr{Elems: bashVersinfo()}},
	}}}
	if !base.Get(nounsetVar).IsSet() {
		// Off, and found at once (unbound.go); a job's process has the
		// shell's.
		call := version.Cmd.(*syntax.CallExpr)
		call.Assigns = append(call.Assigns, &syntax.Assign{Name: &syntax.Lit{Value: nounsetVar}})
	}
	if err := runner.Run(context.Background(), version); err != nil {
		return nil, err
	}
	return s, nil
}

// bashVersion is the bash whose behaviour the session follows.
const bashVersion = "5.2.15(1)-release"

func bashVersinfo() []*syntax.ArrayElem {
	var elems []*syntax.ArrayElem
	for _, v := range []string{"5", "2", "15", "1", "release", "x86_64-pc-linux-gnu"} {
		elems = append(elems, &syntax.ArrayElem{Value: lit(v)})
	}
	return elems
}

// Script is a parsed bash file.
type Script struct {
	file *syntax.File
	// path is the file's path, as BASH_SOURCE names it.
	path string
	// written is the text as written, for printing its functions; text
	// is what was parsed.
	written []byte
	text    string
	// compat is the text after compatSource, the first of the rewrites
	// (preparsed.go).
	compat string
	// funcs are the names of the functions the script defines; body is
	// the script as the body of the function it is sourced in, the same
	// at every phase.
	funcs []string
	body  *syntax.Stmt
}

// Parse parses the script at path as bash, for checking before anything
// runs; name is how errors and traces refer to it.
func Parse(path, name string, src []byte) (*Script, error) {
	written := src
	// The session running it may have xtrace on: the trace commands go
	// in whatever the script says.
	compat, marks := compatSourceMarks(name, src)
	src = arraySource(name, xtraceMarked(name, written, compat, marks))
	// The last rewrite parsed the text it returned, when it left it as
	// it was.
	file, err := takeParsed(name, src)
	if err != nil {
		return nil, err
	}
	literalTests(file)
	return &Script{file: file, path: path, written: written, text: string(src), compat: string(compat), funcs: definedFunctions(file),
		body: &syntax.Stmt{Cmd: &syntax.Block{Stmts: file.Stmts}}}, nil
}

// ScriptError is a script or command that ended with a non-zero status.
type ScriptError struct {
	// Script is what was run: a sourced file or a function name.
	Script string
	// At is the last command that ran before the failure.
	At Position
	// Status is the exit status.
	Status uint8
	// Exited is true when the script called exit or errexit fired, which
	// ends the whole session in bash.
	Exited bool
}

func (e *ScriptError) Error() string {
	msg := fmt.Sprintf("%s failed with status %d", e.Script, e.Status)
	if e.At.Line > 0 {
		msg += fmt.Sprintf(" at %s", e.At)
		if e.At.Command != "" {
			msg += fmt.Sprintf(" (%s)", e.At.Command)
		}
	}
	return msg
}

// Source sources a file with positional parameters, as `source FILE ARGS...`
// would in the session; the caller's parameters are restored afterwards.
func (s *Session) Source(ctx context.Context, path string, args ...string) error {
	return s.run(ctx, s.display(path), append([]string{"source", path}, args...))
}

// RunScript runs a file as a script of its own, as `bash FILE` would but in
// this session, and returns its exit status.
func (s *Session) RunScript(ctx context.Context, path string) (uint8, error) {
	abs := Absolute(s.opts.Dir, path)
	data, err := os.ReadFile(abs)
	if err != nil {
		return 127, err
	}
	data = s.prepare(abs, data)
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(string(data)), path)
	if err != nil {
		return 2, err
	}
	s.frames[0] = frame{function: "main", source: path, display: s.display(abs), text: string(data)}
	return s.runLines(ctx, file, data)
}

// Exited reports whether the script ended the shell: exit, or errexit.
func (s *Session) Exited() bool {
	return s.runner.Exited()
}

// Call runs a shell function (or any command) in the session.
func (s *Session) Call(ctx context.Context, name string, args ...string) error {
	return s.run(ctx, name, append([]string{name}, args...))
}

// Eval runs shell text in the session, as `eval` would; name is used in
// messages.
func (s *Session) Eval(ctx context.Context, name, script string) error {
	s.noteSource(name, []byte(script))
	script = string(arraySource(name, compatSource(name, []byte(script))))
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(script), name)
	if err != nil {
		return err
	}
	f := frame{function: "source", source: name, display: name, text: script}
	s.push(f)
	defer s.pop()
	for _, stmt := range file.Stmts {
		if err := s.result(name, s.runTop(ctx, stmt)); err != nil {
			s.claimFunctions(f)
			return err
		}
	}
	s.claimFunctions(f)
	return nil
}

// run runs one simple command built from words.
func (s *Session) run(ctx context.Context, script string, words []string) error {
	call := &syntax.CallExpr{}
	for _, w := range words {
		call.Args = append(call.Args, &syntax.Word{Parts: []syntax.WordPart{&syntax.SglQuoted{Value: w}}})
	}
	return s.result(script, s.runTop(ctx, &syntax.Stmt{Cmd: call}))
}

// result turns what the interpreter returned into a ScriptError or a
// plain error.
func (s *Session) result(script string, err error) error {
	if err == nil {
		return nil
	}
	var status interp.ExitStatus
	if errors.As(err, &status) {
		return &ScriptError{Script: script, At: s.Last(), Status: uint8(status), Exited: s.runner.Exited()}
	}
	if _, discarded := s.takeDiscard(); discarded {
		// bash goes on with its next command, with $? at 1.
		return &ScriptError{Script: script, At: s.Last(), Status: 1}
	}
	return err
}

// Last is where the most recent simple command ran.
func (s *Session) Last() Position {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.last
	at.Command = quoteArgs(s.lastArgs, 0)
	return at
}

// EndedAt is where a script that has ended was when it did: the last
// command before its EXIT trap ran, or the last command.
func (s *Session) EndedAt() Position {
	s.mu.Lock()
	seen, at := s.exitTrapSeen, s.exitAt
	s.mu.Unlock()
	if seen {
		return at
	}
	return s.Last()
}

// SetErrexit turns errexit on or off, as `set -e` / `set +e`.
func (s *Session) SetErrexit(on bool) error {
	flag := "+e"
	if on {
		flag = "-e"
	}
	return s.runner.Run(context.Background(), &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{lit("set"), lit(flag)}}})
}

func lit(s string) *syntax.Word {
	return &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: s}}}
}

// Var returns a shell variable's value, "" if unset.
func (s *Session) Var(name string) string {
	// Vars holds what the last Run left behind; Env only the initial
	// environment.
	if v, ok := s.runner.Vars[name]; ok {
		return v.String()
	}
	return s.runner.Env.Get(name).String()
}

// Environ returns the session's exported variables as KEY=VALUE, the
// environment a program started now would get.
func (s *Session) Environ() []string {
	return Environ(sessionEnv{s})
}

// HasFunc reports whether a shell function is defined.
func (s *Session) HasFunc(name string) bool {
	_, ok := s.runner.Funcs[name]
	return ok
}

// display shortens a path inside the tree to its tree-relative form.
func (s *Session) display(path string) string {
	if s.opts.Overlay != nil {
		abs := path
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(s.opts.Dir, abs)
		}
		if rel, ok := s.opts.Overlay.Rel(abs); ok {
			return rel
		}
	}
	return path
}

// call runs before every simple command: it records where the command is,
// writes the trace line and routes function calls and source through the
// session, so that it sees every frame entered and left.
func (s *Session) call(ctx context.Context, args []string) ([]string, error) {
	hc := interp.HandlerCtx(ctx)
	// Prefix assignments' names, for xtrace; the command is the rest.
	prefix, args := prefixNames(args)
	if args[0] == splitCommand {
		// Words the session splits itself (split.go).
		if args = s.resplit(ctx, args[1:]); len(args) == 0 {
			return []string{statusCommand, "0"}, nil
		}
	}
	tested := false
	if args[0] == testedCommand {
		// A command whose status is tested (subshell.go).
		tested, args = true, args[1:]
		if len(args) == 0 {
			// An empty command, as bash runs it.
			return []string{traceOK}, nil
		}
	}
	s.mu.Lock()
	if args[0] == bypassCommand {
		// The session's own call of a function or of source, which must
		// reach the interpreter unchanged.
		s.mu.Unlock()
		return args[1:], nil
	}
	if s.bypass != "" && args[0] == s.bypass {
		s.bypass = ""
		s.mu.Unlock()
		return args, nil
	}
	if strings.HasPrefix(args[0], traceHook) || args[0] == readonlyCheckCommand || args[0] == unboundCommand || args[0] == deffuncCommand {
		// Trace commands are not commands of the script: where it is,
		// and its failures, stay the command's before them.
		s.mu.Unlock()
		return args, nil
	}
	if unwind, ok := s.discardUnwind(args[0]); ok {
		s.mu.Unlock()
		return unwind, nil
	}
	if args[0] != exitTrap && args[0] != statusCommand && s.takePendingExit(hc) {
		// The shell exits before anything else runs (errors.go).
		s.mu.Unlock()
		return []string{exitCommand, "1"}, nil
	}
	if args[0] == errTrap || args[0] == assignCheckCommand || args[0] == paramErrorCommand {
		// The ERR trap reports where the failure was: keep s.last. An
		// assignment's check is part of it.
		s.mu.Unlock()
		return args, nil
	}
	if rewritten, ok := s.errCall(args); ok {
		s.mu.Unlock()
		return rewritten, nil
	}
	if args[0] == subshellCommand || args[0] == subshellEndCommand {
		// Part of the subshell, not a command of the script.
		s.mu.Unlock()
		return args, nil
	}
	if args[0] == viewsCommand || args[0] == subscriptCommand || args[0] == arrayAssignCommand {
		// Part of the statement after it, not a command of the script.
		s.mu.Unlock()
		return args, nil
	}
	if args[0] == optindSetCommand || args[0] == lazyCommand || args[0] == optionSaveCommand {
		// Part of an assignment, or of a function's call, not a command
		// of the script.
		s.mu.Unlock()
		return args, nil
	}
	if args[0] == fdPopCommand || args[0] == timeEndCommand {
		// Passes on the status of the command it follows, whose
		// failure, if any, it is.
		s.mu.Unlock()
		return args, nil
	}
	if len(s.pendingSignals) > 0 && !strings.HasPrefix(args[0], "__devstack_") {
		s.mu.Unlock()
		return append([]string{pendingTrapCommand}, args...), nil
	}
	// Commands run while PS4 is expanded, and the command xtrace runs
	// after tracing it, are not traced again.
	quiet := inPS4(hc) || s.untrace(args[0], hc.Pos.Line())
	traceNow := !quiet && (!strings.HasPrefix(args[0], "__devstack_") || args[0] == letCommand || args[0] == declCommand) && xtraceOn(hc)
	if !s.exitTrapSeen && s.lastArgs != nil {
		if callback := strings.Fields(s.traps["EXIT"]); len(callback) > 0 && args[0] == callback[0] {
			// The EXIT trap starts: what ran before it is where the
			// script ended, whatever the trap runs after.
			s.exitTrapSeen, s.exitAt = true, s.last
			s.exitAt.Command = quoteArgs(s.lastArgs, 0)
		}
	}
	top := (*s.stack())[len((*s.stack()))-1]
	s.last = Position{File: top.display, Line: hc.Pos.Line()}
	if top.isFunction() {
		s.last.Function = top.function
	}
	s.lastArgs = args
	s.noteCommand(len((*s.stack()))-1, s.last.Line, args[0])
	at, traced := s.last, args
	if args[0] == hookFunction {
		// The hook's own frame is already pushed: trace the call as the
		// source it stands for.
		at, traced = Position{}, append([]string{"source", at.File}, args[1:]...)
	}
	held := len(s.heldOutput) > 0
	s.mu.Unlock()
	if held {
		// What jobs wrote to a command substitution comes in between
		// its commands, as it would through the pipe.
		s.collectHeld(hc)
	}
	// The log gets a line for every command; one traced with set -x gets
	// its PS4 line from xtrace instead.
	if s.opts.Trace != nil && !traceNow && !quiet {
		io.WriteString(s.opts.Trace, "+ "+at.String()+" "+quoteArgs(traced, 0)+"\n")
	}
	if args[0] == hookFunction {
		return args, nil
	}
	if traceNow {
		mark := []string{xtraceCommand}
		if len(prefix) > 0 {
			mark = append(append(append(mark, prefixCommand), prefix...), "--")
		}
		if tested {
			// Traced without the mark, run with it.
			return append(append(mark, testedCommand), args...), nil
		}
		return append(mark, args...), nil
	}
	_, isFunc := s.runner.Funcs[args[0]]
	if !isFunc && subshellFuncs.Load() && !strings.HasPrefix(args[0], "__devstack_") {
		s.mu.Lock()
		_, isFunc = s.subshellFunction(hc, args[0])
		s.mu.Unlock()
	}
	if isFunc {
		if s.opts.Observe != nil {
			s.opts.Observe(args)
		}
		if tested {
			return append([]string{testedFunctionCommand}, args...), nil
		}
		return append([]string{functionCommand}, args...), nil
	}
	if args[0] == "source" || args[0] == "." {
		return append([]string{sourceCommand}, args[1:]...), nil
	}
	if args[0] == "set" {
		s.mu.Lock()
		shell := s.shellOf(hc)
		s.mu.Unlock()
		return s.setCommand(shell, args), nil
	}
	if args[0] == "exit" || args[0] == "return" && s.returnEndsSubshell(hc) {
		return append([]string{exitCommand}, args[1:]...), nil
	}
	if args[0] == "getopts" {
		return append([]string{getoptsCommand}, args[1:]...), nil
	}
	if args[0] == "eval" || args[0] == "builtin" || args[0] == "command" {
		// It may define functions that no script's text does.
		s.mu.Lock()
		s.funcsDirty = true
		s.mu.Unlock()
	}
	if args[0] == "eval" && len(args) > 1 {
		// Functions it defines are printed from its text.
		s.noteSource("eval", []byte(strings.Join(args[1:], " ")))
	}
	args = compatCall(hc, args)
	if args[0] == "eval" && s.pids != nil {
		for i := 1; i < len(args); i++ {
			args[i] = string(s.rewritePids([]byte(args[i])))
		}
	}
	return args, nil
}

// quoteArgs renders a command line, shell-quoted where needed; max > 0
// shortens it for messages.
func quoteArgs(args []string, max int) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if isPlainWord(a) {
			b.WriteString(a)
			continue
		}
		q, err := syntax.Quote(a, syntax.LangBash)
		if err != nil {
			q = fmt.Sprintf("%q", a)
		}
		b.WriteString(q)
		if max > 0 && b.Len() > max {
			return b.String()[:max] + "..."
		}
	}
	return b.String()
}

// isPlainWord reports whether a word needs no quoting, the common case,
// which syntax.Quote would otherwise work out the slow way.
func isPlainWord(word string) bool {
	if word == "" {
		return false
	}
	for i := 0; i < len(word); i++ {
		c := word[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_./,:+=@%", c) >= 0) {
			return false
		}
	}
	// A word that would read as an assignment or keyword is quoted as
	// syntax.Quote decides.
	return !strings.Contains(word, "=") && !syntax.IsKeyword(word)
}

// execMiddleware handles the commands the session provides itself before
// falling back to running programs.
func (s *Session) execMiddleware(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(ctx context.Context, args []string) error {
		switch args[0] {
		case sourceCommand:
			return s.source(ctx, args[1:])
		case hooksCommand:
			return s.sourceHooks(ctx)
		case functionCommand:
			return s.callFunction(ctx, args[1:])
		case testedFunctionCommand:
			return s.testedFunction(ctx, args[1:])
		case fdCommand:
			return s.setFD(ctx, args[1:])
		case fdPushCommand:
			return s.pushFD(ctx, args[1:])
		case fdPopCommand:
			return s.popFD(ctx, args[1:])
		case exitCommand:
			return s.exitShell(ctx, args[1:])
		case exitTrap:
			return s.runExitTrap(ctx, args[1:])
		case statusCommand:
			return setStatus(ctx, args[1:])
		case traceHook, traceAssign, traceDecl, traceArray, traceFail, traceStderr, traceOK, traceMatch:
			return s.traceCommand(ctx, args)
		case setXtraceCommand:
			return s.setXtrace(ctx, args[1:])
		case lazyCommand:
			return s.lazyFunction(ctx, args[1:])
		case assignCheckCommand:
			return s.checkAssign(ctx, args[1:])
		case readonlyFailCommand:
			return s.readonlyFail(ctx, args[1:])
		case readonlyCheckCommand:
			return s.readonlyCheck(ctx, args[1:])
		case readonlyTraceHook:
			return s.readonlyTrace(ctx, args[1:])
		case paramErrorCommand:
			return s.paramError(ctx, args[1:])
		case evalCommand:
			return s.evalLines(ctx, args[1:])
		case unboundCommand:
			return s.unbound(ctx, args[1:])
		case fifoDoneCommand:
			return fifoDone(ctx)
		case fifoOpenCommand:
			return fifoOpen(ctx)
		case deffuncCommand:
			return s.deffunc(ctx, args[1:])
		}
		if s.opts.Intercept != nil {
			if done, err := s.opts.Intercept(ctx, args); done {
				return err
			}
		}
		if fn, ok := s.lookupFunc(args[0]); ok {
			return fn(ctx, args[1:])
		}
		path := ""
		if !strings.Contains(args[0], "/") {
			hc := interp.HandlerCtx(ctx)
			var err error
			if path, err = interp.LookPathDir(hc.Dir, hc.Env, args[0]); err != nil {
				// As bash words it, where the command was.
				s.shellError(hc, "%s: command not found", args[0])
				return interp.ExitStatus(127)
			}
		}
		s.execJob(ctx, args)
		if done, err := s.runCoreutil(ctx, path, args); done {
			s.notifyJobs(interp.HandlerCtx(ctx))
			return err
		}
		err := timeProgram(args[0], func() error {
			if mask, differs := s.shellUmask(interp.HandlerCtx(ctx)); differs {
				return next(ctx, withUmask(mask, args))
			}
			return next(ctx, args)
		})
		// Having waited for a program, bash reports the jobs that ended.
		s.notifyJobs(interp.HandlerCtx(ctx))
		return err
	}
}

// source runs the source builtin with the file recorded on the stack.
func (s *Session) source(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) == 0 {
		fmt.Fprintln(hc.Stderr, "source: filename argument required")
		return interp.ExitStatus(2)
	}
	// Functions defined so far belong to the file doing the sourcing, not
	// to the one sourced.
	s.mu.Lock()
	sourcer := (*s.stack())[len(*s.stack())-1]
	s.mu.Unlock()
	if !sourcer.isFunction() {
		s.claimFunctions(sourcer)
	}
	f := s.sourceFrame(args[0], hc.Pos.Line())
	s.push(f)
	defer s.pop()
	if strings.Contains(args[0], "/") {
		s.mu.Lock()
		s.sourcing = Absolute(hc.Dir, args[0])
		s.mu.Unlock()
	}
	// Through eval, not the source builtin directly: the interpreter keeps
	// the state of a `return` in the sourced file when a handler runs a
	// builtin that succeeds, and would end the caller too. eval's own call
	// of source clears it.
	s.mu.Lock()
	depth := len(*s.stack()) - 1
	s.mu.Unlock()
	run := func() error {
		restore := enterSourceLevel(ctx)
		defer restore()
		return s.sourceLines(ctx, depth, args, func(args []string) error {
			return hc.Builtin(ctx, []string{"eval", quoteArgs(append([]string{bypassCommand, "source"}, args...), 0)})
		})
	}
	// The frame on the stack has the file's text once it is open.
	claim := func() {
		s.mu.Lock()
		top := (*s.stack())[len(*s.stack())-1]
		s.mu.Unlock()
		s.claimFunctions(top)
	}
	var err error
	if s.opts.Source != nil {
		err = s.opts.Source(ctx, Absolute(hc.Dir, args[0]), args[1:], func() error {
			defer claim()
			return run()
		})
	} else {
		err = run()
	}
	claim()
	return err
}

// SourceHere sources a file with positional parameters from inside a
// command the session's Intercept runs, in the shell that ran it: the
// file's definitions and variables land in the caller's scope, as a
// `source` typed there would leave them.
func (s *Session) SourceHere(ctx context.Context, path string, args ...string) error {
	return s.source(ctx, append([]string{path}, args...))
}

// prepare is what a script's text goes through before the interpreter
// parses it: the session's own rewrites, then the caller's.
func (s *Session) prepare(path string, src []byte) []byte {
	return s.prepareFor(path, src, false)
}

// prepareFor is prepare for a file sourced while set -u is on (nounset)
// or off: one sourced while it is on gets the checks of unset variables
// whatever its text (mayEnableNounset).
func (s *Session) prepareFor(path string, src []byte, nounset bool) []byte {
	s.noteSource(path, src)
	// The texts parsed before the run were rewritten for set -u off.
	if !nounset || mayEnableNounset(src) {
		if text, ok := s.rewritten(path, src); ok {
			return s.rewritePids(text)
		}
	}
	src = compatSource(path, src)
	if s.opts.Rewrite != nil {
		src = s.opts.Rewrite(path, src)
	}
	// Every script, last, on the text as it will run: xtrace may be
	// turned on after its functions are defined, as stack.sh does after
	// sourcing functions-common.
	return s.rewritePids(traceArraySourceFor(path, src, nounset))
}

// open opens files as the interpreter would and, for a file missing on
// disk, serves the embedded copy. Disk comes first: most opens are of real
// files, and one failed open is cheaper than a stat before every open.
func (s *Session) open(ctx context.Context, path string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	if strings.HasPrefix(path, redirPrefix) {
		return s.openRedir(ctx, path, flag, perm)
	}
	return s.openPath(ctx, path, flag, perm, true)
}

// openPath is open for a path as the script wrote it; clobber tells
// whether noclobber applies.
func (s *Session) openPath(ctx context.Context, path string, flag int, perm os.FileMode, clobber bool) (io.ReadWriteCloser, error) {
	word := path
	onDisk := kernelPath(interp.HandlerCtx(ctx).Dir, path)
	path = Absolute(interp.HandlerCtx(ctx).Dir, path)
	if probe, ok := s.openProbe(path); ok {
		return probe, nil
	}
	if text, ok := s.opts.Virtual[path]; ok && flag == os.O_RDONLY {
		return readOnly{strings.NewReader(text)}, nil
	}
	if s.opts.Dry && flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE) != 0 && path != os.DevNull {
		return nil, &os.PathError{Op: "open", Path: path, Err: os.ErrPermission}
	}
	if strings.HasPrefix(path, "/dev/") {
		if f, ok, err := s.openFD(interp.HandlerCtx(ctx), path); ok {
			if err != nil {
				return nil, err
			}
			return f, nil
		}
	}
	if clobber && flag&os.O_TRUNC != 0 && s.noclobber() {
		// A > whose line compatSource did not mark: bash's message,
		// at the line of the last command seen.
		f, err := noclobberOpen(path, word)
		var pe *os.PathError
		if errors.As(err, &pe) {
			pe.Op, pe.Err = s.bashWhere(s.Last().Line), errors.New(errnoText(pe.Err))
		}
		if err != nil {
			return nil, err
		}
		return f, nil
	}
	sourcing := false
	if flag == os.O_RDONLY {
		s.mu.Lock()
		sourcing = s.sourcing == path
		s.sourcing = ""
		s.mu.Unlock()
	}
	if sourcing && path == restPath {
		s.mu.Lock()
		text := s.restText
		s.mu.Unlock()
		return readOnly{strings.NewReader(text)}, nil
	}
	if sourcing {
		// The rewrites run outside s.mu, which the frames need however
		// they end.
		s.scriptsMu.Lock()
		var text string
		var ok bool
		if nounsetOn(interp.HandlerCtx(ctx)) {
			text, ok = s.scriptsNounset.open(path, func(path string, src []byte) []byte { return s.prepareFor(path, src, true) })
		} else {
			text, ok = s.scripts.open(path, s.prepare)
		}
		s.scriptsMu.Unlock()
		if ok {
			s.mu.Lock()
			s.sourceText(text)
			s.mu.Unlock()
			return readOnly{strings.NewReader(text)}, nil
		}
	}
	if flag == os.O_RDONLY && (strings.HasPrefix(path, "/proc/sys/") || strings.HasPrefix(path, "/sys/")) {
		// The kernel's settings files answer a read from the start only:
		// read and read -r take a byte at a time, and would get one.
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return readOnly{strings.NewReader(string(data))}, nil
	}
	if f, ok, err := openProcSubst(path, flag); ok {
		return f, err
	}
	if flag&os.O_CREATE != 0 {
		if mask, differs := s.shellUmask(interp.HandlerCtx(ctx)); differs {
			return createWithUmask(onDisk, flag, perm, mask)
		}
	}
	f, err := openFile(onDisk, flag, perm)
	if err == nil {
		return f, nil
	}
	if s.opts.Overlay == nil || flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE) != 0 || !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if rel, ok := s.opts.Overlay.Embedded(path); ok {
		data, err := fs.ReadFile(s.opts.Overlay.Base(), rel)
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		if sourcing {
			data = s.prepareFor(path, data, nounsetOn(interp.HandlerCtx(ctx)))
			s.mu.Lock()
			s.sourceText(string(data))
			s.mu.Unlock()
		}
		return readOnly{strings.NewReader(string(data))}, nil
	}
	return nil, err
}

// Absolute makes path absolute against dir, as the interpreter does.
func Absolute(dir, path string) string {
	switch {
	case path == "":
		return ""
	case filepath.IsAbs(path):
		return filepath.Clean(path)
	}
	return filepath.Join(dir, path)
}

// kernelPath is path made absolute against dir for the kernel to resolve:
// a ".." after a symbolic link leads out of the link's target, as bash's
// open does, where cleaning the text would drop the link.
func kernelPath(dir, path string) string {
	if !strings.Contains(path, "..") {
		return Absolute(dir, path)
	}
	if filepath.IsAbs(path) {
		return path
	}
	return dir + "/" + path
}

// openFile opens a file as os.OpenFile does, without registering it with
// the runtime's poller: a script's redirections open regular files, where
// the poller only costs two system calls per open.
func openFile(path string, flag int, perm os.FileMode) (*os.File, error) {
	fd, err := syscall.Open(path, flag|syscall.O_CLOEXEC, uint32(perm.Perm()))
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

type readOnly struct{ *strings.Reader }

func (readOnly) Write([]byte) (int, error) { return 0, os.ErrPermission }
func (readOnly) Close() error              { return nil }

func (s *Session) stat(ctx context.Context, name string, followSymlinks bool) (fs.FileInfo, error) {
	if text, ok := s.opts.Virtual[name]; ok {
		return virtualFile{name: filepath.Base(name), size: int64(len(text))}, nil
	}
	stat := os.Lstat
	if followSymlinks {
		stat = os.Stat
	}
	info, err := stat(name)
	if err == nil || s.opts.Overlay == nil || !errors.Is(err, fs.ErrNotExist) {
		return info, err
	}
	if rel, ok := s.opts.Overlay.Embedded(name); ok {
		return fs.Stat(s.opts.Overlay.Base(), rel)
	}
	return nil, err
}

func (s *Session) readDir(ctx context.Context, path string) ([]fs.DirEntry, error) {
	if s.opts.Overlay != nil {
		if rel, ok := s.opts.Overlay.Rel(path); ok {
			return s.opts.Overlay.ReadDir(rel)
		}
	}
	return os.ReadDir(path)
}

func (s *Session) access(ctx context.Context, path string, mode interp.AccessMode) error {
	if _, ok := s.opts.Virtual[path]; ok && mode&interp.AccessWrite == 0 {
		return nil
	}
	err := defaultAccess(ctx, path, mode)
	if err == nil || s.opts.Overlay == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if _, ok := s.opts.Overlay.Embedded(path); ok {
		if mode&interp.AccessWrite != 0 {
			return &os.PathError{Op: "access", Path: path, Err: os.ErrPermission}
		}
		return nil
	}
	return err
}

var defaultAccess = interp.DefaultAccessHandler()

// Expand expands text as DevStack's `eval echo TEXT` does: variables,
// quotes and word splitting, the words joined by spaces; no command
// substitution.
func (s *Session) Expand(text string) (string, error) {
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader("echo "+text), "")
	if err != nil {
		return "", err
	}
	if len(file.Stmts) != 1 {
		return "", fmt.Errorf("%q is not one shell word", text)
	}
	call, ok := file.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok {
		return "", fmt.Errorf("%q is not one shell word", text)
	}
	fields, err := expand.Fields(&expand.Config{Env: sessionEnv{s}}, call.Args[1:]...)
	if err != nil {
		return "", err
	}
	return strings.Join(fields, " "), nil
}

// ExpandQuoted expands text as the inside of a double-quoted shell word:
// variables, no word splitting or globbing, no command substitution.
func (s *Session) ExpandQuoted(text string) (string, error) {
	word, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Document(strings.NewReader(text))
	if err != nil {
		return "", err
	}
	return expand.Document(&expand.Config{Env: sessionEnv{s}}, word)
}

// sessionEnv is the session's variables as the last Run left them.
type sessionEnv struct{ s *Session }

func (e sessionEnv) Get(name string) expand.Variable {
	if v, ok := e.s.runner.Vars[name]; ok {
		return v
	}
	return e.s.runner.Env.Get(name)
}

func (e sessionEnv) Each(f func(name string, vr expand.Variable) bool) {
	for name, vr := range e.s.runner.Vars {
		if !f(name, vr) {
			return
		}
	}
	e.s.runner.Env.Each(func(name string, vr expand.Variable) bool {
		if _, ok := e.s.runner.Vars[name]; ok {
			return true
		}
		return f(name, vr)
	})
}

// virtualFile describes a file of Options.Virtual: a regular file anyone
// may read.
type virtualFile struct {
	name string
	size int64
}

func (f virtualFile) Name() string       { return f.name }
func (f virtualFile) Size() int64        { return f.size }
func (f virtualFile) Mode() fs.FileMode  { return 0o644 }
func (f virtualFile) ModTime() time.Time { return time.Time{} }
func (f virtualFile) IsDir() bool        { return false }
func (f virtualFile) Sys() any           { return nil }
