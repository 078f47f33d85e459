package bash

import (
	"regexp"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// bash forks a subshell for ( ), $( ), every command of a pipeline (the
// last one too) and a background statement; what a subshell changes (its
// variables, directory, umask, traps, options) ends with it, and its EXIT
// trap runs when it ends. The interpreter copies its runner for the same
// constructs, but the last command of a pipeline runs in the shell itself,
// and the session, which keeps the traps, options and umask, is not told
// which copy calls it. subshellEdits marks every subshell with two
// commands the session runs:
//
//	(__devstack_subshell paren 0 && __devstack_traceok; LIST
//	__devstack_subshell_end paren && __devstack_traceok;)
//
// The first gives the copy a BASHPID of its own, the key of the
// subshell's state in the session (shellState); the second runs the
// subshell's EXIT trap. Each passes on $? through the left of &&, which
// neither errexit nor the ERR trap looks at. A pipeline's last command is
// put in ( ) as well, the others in { } (the interpreter copies the runner
// for them already). Every line stays where it was.
//
// Where a status is tested, bash ignores errexit in all that runs for it.
// subshellEdits tells a subshell started there (its marker's 1), marks
// the simple commands there (testedCommand) for the functions they may
// call, and runs ! LIST as ! { LIST || ! __devstack_traceok; }, where the
// interpreter too ignores errexit in LIST.
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

// markText matches what subshellEdits adds, so that the traces that
// print a construct's text (for, case) print it as written.
var markText = regexp.MustCompile(`\{ ` + subshellCommand + ` pipe(cmd)? [01] && ` + traceOK + `; ` +
	`|; ` + subshellEndCommand + ` pipe(cmd)? && ` + traceOK + `; \}` +
	`|\( ` + subshellCommand + ` last(cmd)? [01] && ` + traceOK + `; ` +
	`|; ` + subshellEndCommand + ` last(cmd)? && ` + traceOK + `; \)` +
	`|` + subshellCommand + ` (paren|subst) [01] && ` + traceOK + `; ` +
	`|(; )?` + subshellEndCommand + ` (paren|subst) && ` + traceOK + `;?` +
	`|` + testedCommand + ` `)

// stripMarks removes subshellEdits's commands from a construct's text.
func stripMarks(text string) string {
	if !strings.Contains(text, "__devstack_") {
		return text
	}
	return markText.ReplaceAllString(text, "")
}

// subshellEdits are subshellEdits's edits of a parsed script: before go
// ahead of any other edit at the same offset, after behind them.
func subshellEdits(file *syntax.File, src []byte) (before, after []Edit) {
	tested := map[*syntax.Stmt]bool{}
	innerPipes := map[*syntax.BinaryCmd]bool{}
	// testing holds, for each node being walked, whether the statements
	// under it have their status tested.
	var testing []bool
	walk(file, func(node syntax.Node) bool {
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

// isSubshellMark reports whether a statement is the start of a subshell
// marked by subshellEdits.
func isSubshellMark(st *syntax.Stmt) bool {
	b, ok := st.Cmd.(*syntax.BinaryCmd)
	if !ok || b.Op != syntax.AndStmt {
		return false
	}
	call, ok := b.X.Cmd.(*syntax.CallExpr)
	return ok && len(call.Args) > 0 && call.Args[0].Lit() == subshellCommand
}
