package shell

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// bash forks a subshell for ( ), $( ), every command of a pipeline (the
// last one too) and a background statement; what a subshell changes (its
// variables, directory, umask, traps, options) ends with it, and its EXIT
// trap runs when it ends. The interpreter copies its runner for the same
// constructs, but the last command of a pipeline runs in the shell itself,
// and the session, which keeps the traps, options and umask, is not told
// which copy calls it. subshellSource marks every subshell with two
// commands the session runs:
//
//	( __devstack_subshell paren 0 && __devstack_traceok; LIST
//	__devstack_subshell_end paren && __devstack_traceok;)
//
// The first gives the copy a BASHPID of its own, the key of the
// subshell's state in the session (shellState); the second runs the
// subshell's EXIT trap. Each passes on $? through the left of &&, which
// neither errexit nor the ERR trap looks at. A pipeline's last command is
// put in ( ) as well, the others in { } (the interpreter copies the runner
// for them already). Every line stays where it was.
//
// BASHPID in a subshell is a number above the kernel's pid_max, which no
// process can have: a subshell is no process of its own, and a kill of
// that number fails as for a process that has ended.
const (
	subshellCommand    = "__devstack_subshell"
	subshellEndCommand = "__devstack_subshell_end"
	// testedCommand precedes a simple command whose status is tested (a
	// condition, the left of && or ||, after !): errexit is ignored in
	// all that it runs. The interpreter ignores it in a function called
	// so, but not in the subshells the function starts, whose runner
	// starts afresh; a function called so sets ignoreVar for them.
	testedCommand         = "__devstack_tested"
	testedFunctionCommand = "__devstack_tested_function"
	ignoreVar             = "__devstack_errexit_ignored"
)

// The kinds of subshell, as the markers name them.
const (
	kindParen = "paren" // ( )
	kindSubst = "subst" // $( ) and ` `
	kindPipe  = "pipe"  // a pipeline's command but the last, in { }
	kindLast  = "last"  // a pipeline's last command, in ( )
	kindJob   = "job"   // a background statement
	// simpleKind follows pipe and last for a simple command: bash runs
	// it in the child it forks without counting a level of BASH_SUBSHELL,
	// and its own failure fires the ERR trap in the parent only.
	simpleKind = "cmd"
)

func enterMark(kind string, ignore bool) string {
	flag := "0"
	if ignore {
		flag = "1"
	}
	return subshellCommand + " " + kind + " " + flag + " && " + traceOK + "; "
}

func endMark(kind string) string {
	return subshellEndCommand + " " + kind + " && " + traceOK + ";"
}

// markText matches what subshellSource adds, so that the traces that
// print a construct's text (for, case) print it as written.
var markText = regexp.MustCompile(`\{ ` + subshellCommand + ` pipe(cmd)? [01] && ` + traceOK + `; ` +
	`|; ` + subshellEndCommand + ` pipe(cmd)? && ` + traceOK + `; \}` +
	`|\( ` + subshellCommand + ` last(cmd)? [01] && ` + traceOK + `; ` +
	`|; ` + subshellEndCommand + ` last(cmd)? && ` + traceOK + `; \)` +
	`|` + subshellCommand + ` (paren|subst) [01] && ` + traceOK + `; ` +
	`|(; )?` + subshellEndCommand + ` (paren|subst) && ` + traceOK + `;?` +
	`|` + testedCommand + ` `)

// stripMarks removes subshellSource's commands from a construct's text.
func stripMarks(text string) string {
	if !strings.Contains(text, "__devstack_") {
		return text
	}
	return markText.ReplaceAllString(text, "")
}

// subshellEdits are subshellSource's edits of a parsed script: before go
// ahead of any other edit at the same offset, after behind them.
func subshellEdits(file *syntax.File, src []byte) (before, after []Edit) {
	tested := map[*syntax.Stmt]bool{}
	innerPipes := map[*syntax.BinaryCmd]bool{}
	// testing holds, for each node being walked, whether the statements
	// under it have their status tested.
	var testing []bool
	syntax.Walk(file, func(node syntax.Node) bool {
		if node == nil {
			testing = testing[:len(testing)-1]
			return true
		}
		inTest := len(testing) > 0 && testing[len(testing)-1]
		under := inTest
		switch n := node.(type) {
		case *syntax.Stmt:
			if isJobStmt(n) || isExecFDStmt(n) {
				// compatSource rewrites these whole.
				return false
			}
			under = inTest || tested[n] || n.Negated
			if n.Negated && negationNeeded(n.Cmd) {
				// ! LIST runs LIST as the left of ||, where the
				// interpreter ignores errexit as bash does after !.
				before = append(before, Edit{Offset: stmtStart(n, src), Text: "{ "})
				after = append(after, Edit{Offset: stmtLineEnd(n), Text: " || ! " + traceOK + "; }"})
			}
		case *syntax.BinaryCmd:
			switch n.Op {
			case syntax.AndStmt, syntax.OrStmt:
				tested[n.X] = true
			case syntax.Pipe, syntax.PipeAll:
				if x, ok := n.X.Cmd.(*syntax.BinaryCmd); ok && isPipe(x) {
					innerPipes[x] = true
				}
				if !innerPipes[n] {
					b, a := pipelineEdits(n, inTest, src)
					before, after = append(before, b...), append(after, a...)
				}
			}
		case *syntax.IfClause:
			for _, st := range n.Cond {
				tested[st] = true
			}
		case *syntax.WhileClause:
			for _, st := range n.Cond {
				tested[st] = true
			}
		case *syntax.FuncDecl, *syntax.ProcSubst:
			under = false
		case *syntax.CmdSubst:
			under = false
			if len(n.Stmts) == 0 || len(n.Stmts) == 1 && n.Stmts[0].Cmd == nil {
				// $(<file) is no command.
				break
			}
			at := n.Left.Offset() + 2
			if n.Backquotes {
				at = n.Left.Offset() + 1
			}
			before = append(before, Edit{Offset: at, Text: enterMark(kindSubst, false)})
			if n.Backquotes && hasHeredoc(n.Stmts[len(n.Stmts)-1]) {
				// The parser takes nothing after the here-document's
				// first line in ` `: the substitution's EXIT trap, if
				// it sets one, does not run.
				break
			}
			after = append(after, closeEdit(src, n.Stmts, n.Right.Offset(), kindSubst))
		case *syntax.Subshell:
			before = append(before, Edit{Offset: n.Lparen.Offset() + 1, Text: enterMark(kindParen, inTest)})
			after = append(after, closeEdit(src, n.Stmts, n.Rparen.Offset(), kindParen))
		case *syntax.CallExpr:
			if inTest && len(n.Args) > 0 && mayBeFunction(n.Args[0]) {
				before = append(before, Edit{Offset: n.Args[0].Pos().Offset(), Text: testedCommand + " "})
			}
		}
		testing = append(testing, under)
		return true
	})
	// At one offset, an inner construct closes before an outer one.
	slices.Reverse(after)
	return before, after
}

func isPipe(b *syntax.BinaryCmd) bool {
	return b.Op == syntax.Pipe || b.Op == syntax.PipeAll
}

// pipelineEdits mark each command of a pipeline as a subshell: the last in
// ( ), which the interpreter would run in the shell itself, the others in
// { }, already in a copy of the runner.
func pipelineEdits(pipe *syntax.BinaryCmd, ignore bool, src []byte) (before, after []Edit) {
	var elems []*syntax.Stmt
	var collect func(b *syntax.BinaryCmd)
	collect = func(b *syntax.BinaryCmd) {
		if x, ok := b.X.Cmd.(*syntax.BinaryCmd); ok && isPipe(x) && !b.X.Negated && len(b.X.Redirs) == 0 {
			collect(x)
		} else {
			elems = append(elems, b.X)
		}
		elems = append(elems, b.Y)
	}
	collect(pipe)
	for i, st := range elems {
		if _, ok := st.Cmd.(*syntax.Subshell); ok {
			// Marked as ( ) already, and no deeper for BASH_SUBSHELL.
			continue
		}
		kind, opening, closing := kindPipe, "{ ", " }"
		if i == len(elems)-1 {
			kind, opening, closing = kindLast, "( ", " )"
		}
		switch st.Cmd.(type) {
		case *syntax.CallExpr, *syntax.DeclClause, *syntax.LetClause:
			kind += simpleKind
		}
		open, close := opening+enterMark(kind, ignore), "; "+endMark(kind)+closing
		before = append(before, Edit{Offset: stmtStart(st, src), Text: open})
		after = append(after, Edit{Offset: stmtLineEnd(st), Text: close})
	}
	return before, after
}

// closeEdit puts the end marker of a subshell before its closing ) or `
// at offset; or, when its last statement has a here-document (whose end
// may be right before the `), after that statement on its first line.
func closeEdit(src []byte, stmts []*syntax.Stmt, offset uint, kind string) Edit {
	if len(stmts) > 0 {
		if last := stmts[len(stmts)-1]; hasHeredoc(last) && !last.Background {
			return Edit{Offset: stmtLineEnd(last), Text: "; " + strings.TrimSuffix(endMark(kind), ";")}
		}
	}
	return Edit{Offset: offset, Text: closeBefore(src, offset, kind)}
}

// closeBefore is the end marker put before the ) or ` at offset: on a
// line of its own, or after a ; or &, it needs no separator.
func closeBefore(src []byte, offset uint, kind string) string {
	i := int(offset) - 1
	for i >= 0 && (src[i] == ' ' || src[i] == '\t') {
		i--
	}
	if i >= 0 && (src[i] == ';' || src[i] == '&' || src[i] == '\n' && (i == 0 || src[i-1] != '\\')) {
		return endMark(kind)
	}
	return "; " + endMark(kind)
}

// stmtStart is where a statement's command or first redirection starts,
// after any ! (the parser starts the first command of a negated pipeline,
// and the pipeline, at the !).
func stmtStart(st *syntax.Stmt, src []byte) uint {
	start := st.End().Offset()
	if st.Cmd != nil {
		start = st.Cmd.Pos().Offset()
	}
	for _, rd := range st.Redirs {
		start = min(start, rd.Pos().Offset())
	}
	for int(start)+1 < len(src) && src[start] == '!' && (src[start+1] == ' ' || src[start+1] == '\t') {
		start++
		for int(start) < len(src) && (src[start] == ' ' || src[start] == '\t') {
			start++
		}
	}
	return start
}

// stmtLineEnd is where a statement ends on the line it starts on: after
// its command and redirections, before a here-document's body, and before
// its ; or &.
func stmtLineEnd(st *syntax.Stmt) uint {
	var end uint
	if st.Cmd != nil {
		end = cmdLineEnd(st.Cmd)
	}
	for _, rd := range st.Redirs {
		end = max(end, rd.Word.End().Offset())
	}
	return end
}

func cmdLineEnd(cmd syntax.Command) uint {
	if b, ok := cmd.(*syntax.BinaryCmd); ok {
		// The right-hand statement ends last, or holds the
		// here-document.
		return max(b.OpPos.Offset()+uint(len(b.Op.String())), stmtLineEnd(b.Y))
	}
	return cmd.End().Offset()
}

// negationNeeded reports whether a command under ! can run statements of
// its own, which the interpreter would run with errexit.
func negationNeeded(cmd syntax.Command) bool {
	switch cmd.(type) {
	case *syntax.TestClause, *syntax.ArithmCmd, *syntax.DeclClause, *syntax.LetClause, *syntax.Subshell, nil:
		return false
	}
	return true
}

// notFunctions are builtins that start no subshell and that scripts do
// not define as functions; a tested command named so needs no mark. source,
// eval and the like are left unmarked, as rewrites that read the source
// command expect it first.
var notFunctions = map[string]bool{
	"[": true, "test": true, "true": true, "false": true, ":": true, "echo": true, "printf": true,
	"read": true, "return": true, "exit": true, "break": true, "continue": true, "shift": true,
	"unset": true, "export": true, "readonly": true, "local": true, "declare": true, "typeset": true,
	"cd": true, "pushd": true, "popd": true, "type": true, "hash": true, "wait": true, "kill": true,
	"getopts": true, "set": true, "shopt": true, "source": true, ".": true, "eval": true, "exec": true,
	"command": true, "builtin": true, "trap": true, "umask": true, "ulimit": true, "let": true,
	"alias": true, "unalias": true, "jobs": true, "disown": true, "mapfile": true, "readarray": true,
	"pwd": true, "caller": true, "compgen": true, "time": true,
}

func mayBeFunction(word *syntax.Word) bool {
	name := word.Lit()
	if name == "" {
		// Expanded when it runs: it may name a function.
		return true
	}
	return !notFunctions[name] && !strings.Contains(name, "/")
}

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
// on its way out). Call with s.mu held.
func (s *Session) shellOf(hc interp.HandlerContext) *shellState {
	pid, _ := strconv.Atoi(hc.Env.Get("BASHPID").String())
	if pid == os.Getpid() {
		return s.main
	}
	return s.shells[pid]
}

// inSubshell reports whether a handler runs in a subshell marked by
// subshellSource.
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
		name, ok := trapName(spec)
		if !ok {
			fmt.Fprintf(hc.Stderr, "trap: %s: invalid signal specification\n", spec)
			return interp.ExitStatus(1)
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

// isSubshellMark reports whether a statement is the start of a subshell
// marked by subshellSource.
func isSubshellMark(st *syntax.Stmt) bool {
	b, ok := st.Cmd.(*syntax.BinaryCmd)
	if !ok || b.Op != syntax.AndStmt {
		return false
	}
	call, ok := b.X.Cmd.(*syntax.CallExpr)
	return ok && len(call.Args) > 0 && call.Args[0].Lit() == subshellCommand
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
