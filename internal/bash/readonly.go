package bash

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// An assignment to a readonly variable is, in a non-interactive bash, an
// error that discards the rest of the command the shell is running: the
// whole line of the script it is on, or, in a function, the whole line
// that called the function; the script goes on with the next line, with
// $? at 1. The interpreter only fails the assignment and goes on, and words
// its message without the "FILE: line N:" of bash's.
//
// xtraceSource puts assignCheckCommand before every statement that only
// assigns (assignCheck), with the names it assigns. When one is readonly,
// the command writes bash's message and stops the interpreter with
// errDiscard, before the interpreter tries the assignment; the session's
// runs of a file (runLines) go on with the next line. In a subshell it
// ends the subshell with status 1, as bash does.
const assignCheckCommand = "__devstack_assigncheck"

// errDiscard stops the interpreter for a command bash discards.
var errDiscard = errors.New("the rest of the command is discarded")

// discardState is a discarded command on its way up to the run of the
// file: the EXIT and ERR traps must not run for it.
type discardState struct {
	pending bool
	// soft is set in a sourced file, the one at depth target of the
	// call stack: the functions and the file return (unwinding), rather
	// than the interpreter stop (discardUnwind).
	soft   bool
	target int
	// lines are the lines of the commands running at each depth of the
	// call stack: the script's own (bottom frame's) first.
	lines []uint
}

// assignCheck is the check run before an assignment-only command, passing
// on the status before it (passOn). Its words are the check of the
// variables its values expand under set -u (unboundWord), then, for each
// assignment, the name, and how xtrace shows the assignment: a label and
// the value as written, or, for an array, the text as written and nothing.
func assignCheck(call *syntax.CallExpr, src []byte, known setNames) string {
	words := []string{assignCheckCommand}
	if known != nil {
		if check := unboundWord(call, src, known); check != "" {
			words = append(words, check)
		}
	}
	for _, as := range call.Assigns {
		if as.Name == nil || strings.HasPrefix(as.Name.Value, "__devstack_") {
			// The session's own variables are never readonly.
			continue
		}
		text := func(node syntax.Node) string {
			return string(src[node.Pos().Offset():node.End().Offset()])
		}
		label, value := as.Name.Value, ""
		switch {
		case as.Array != nil:
			label = flatten(text(as))
		case as.Index != nil:
			label = flatten(string(src[as.Pos().Offset():as.Index.End().Offset()])) + "]"
		}
		if as.Append && as.Array == nil {
			label += "+"
		}
		if as.Value != nil {
			value = text(as.Value)
		}
		words = append(words, as.Name.Value, traceLiteral(label), traceLiteral(value))
	}
	if len(words) == 1 {
		return ""
	}
	return passOn(strings.Join(words, " ")) + "; "
}

// checkAssign is assignCheckCommand.
func (s *Session) checkAssign(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	args, err := s.unboundArgs(ctx, args)
	if err != nil {
		return err
	}
	for i := 0; i+2 < len(args); i += 3 {
		name, label, value := args[i], args[i+1], args[i+2]
		if !hc.Env.Get(name).ReadOnly {
			continue
		}
		if xtraceOn(hc) {
			s.traceLine(ctx, assignTraceLine(hc, label, value))
		}
		// The failure is this command's, for the ERR trap's LINENO.
		s.mu.Lock()
		s.noteCommand(len(*s.stack())-1, hc.Pos.Line(), assignCheckCommand)
		s.mu.Unlock()
		s.shellError(hc, "%s: readonly variable", name)
		return s.discard(ctx, hc)
	}
	if hc.LastExitStatus != 0 {
		return interp.ExitStatus(uint8(hc.LastExitStatus))
	}
	return nil
}

// assignTraceLine is the trace of an assignment that fails: an array as
// written, else the label and the value expanded, as far as that needs
// no command to run.
func assignTraceLine(hc interp.HandlerContext, label, value string) string {
	if strings.HasSuffix(label, ")") && value == "" {
		return label
	}
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader("x="+value), "")
	if err != nil || len(file.Stmts) != 1 {
		return label + "=" + traceValue(value)
	}
	call, ok := file.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(call.Assigns) != 1 || call.Assigns[0].Value == nil {
		return label + "=" + traceValue(value)
	}
	expanded, err := expand.Literal(&expand.Config{Env: hc.Env}, call.Assigns[0].Value)
	if err != nil {
		return label + "=" + traceValue(value)
	}
	return label + "=" + traceValue(expanded)
}

// discard ends the command the shell is running, as bash discards it.
func (s *Session) discard(ctx context.Context, hc interp.HandlerContext) error {
	if s.inSubshell(hc) {
		return s.exitShell(ctx, []string{"1"})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	depth := len(*s.stack()) - 1
	lines := slices.Clone(s.errs.lineAt)
	for len(lines) <= depth {
		lines = append(lines, 0)
	}
	lines[depth] = hc.Pos.Line()
	s.discarded = discardState{pending: true, lines: lines}
	if n := len(s.sourceDepths); n > 0 {
		// In a sourced file, the functions and the file return
		// (discardUnwind), for sourceLines to go on with the file.
		s.discarded.soft, s.discarded.target = true, s.sourceDepths[n-1]
		return hc.Builtin(ctx, []string{"return", "1"})
	}
	return errDiscard
}

// discardUnwind is the command that replaces the next one while a discarded
// command returns from the functions it is in and from the file sourced,
// which sourceLines takes it from. Call with s.mu held.
func (s *Session) discardUnwind(name string) ([]string, bool) {
	if !s.discarded.pending || !s.discarded.soft {
		return nil, false
	}
	if strings.HasPrefix(name, "__devstack_") && name != assignCheckCommand && name != readonlyFailCommand && name != letCommand && name != declCommand {
		// The session's own commands (traps, subshells) are not the
		// script's.
		return nil, false
	}
	return []string{"return", "1"}, true
}

// discarding reports whether a discarded command is on its way up.
func (s *Session) discarding() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.discarded.pending
}

// takeDiscard reports, once, whether the last run ended with a discarded
// command, and the line of the script it was on.
func (s *Session) takeDiscard() (uint, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.discarded
	s.discarded = discardState{}
	if !d.pending || len(d.lines) == 0 {
		return 0, d.pending
	}
	return d.lines[0], true
}

// discardAt takes a discarded command on its way up at a file sourced at
// depth, and gives the line of the file's command that was running.
func (s *Session) discardAt(depth int) (uint, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.discarded
	if !d.pending || !d.soft || d.target != depth || depth >= len(d.lines) {
		return 0, false
	}
	s.discarded = discardState{}
	return d.lines[depth], true
}

// restPath is the name the rest of a sourced file is sourced again by,
// after a discarded command (sourceLines); no such path exists on disk.
const restPath = "/dev/null/devstack-rest"

// sourceLines runs the source builtin (source) on args, as bash sources a
// file: a command discarded in it ends its command line, and the file
// goes on with the next, sourced again from there (restPath, served
// from restText); the file at depth of the call stack is the one
// sourced.
func (s *Session) sourceLines(ctx context.Context, depth int, args []string, source func(args []string) error) error {
	s.mu.Lock()
	s.sourceDepths = append(s.sourceDepths, depth)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.sourceDepths = s.sourceDepths[:len(s.sourceDepths)-1]
		s.mu.Unlock()
	}()
	err := source(args)
	text := ""
	for {
		line, discarded := s.discardAt(depth)
		if !discarded {
			return err
		}
		if text == "" {
			s.mu.Lock()
			text = (*s.stack())[depth].text
			s.mu.Unlock()
		}
		var ok bool
		if text, ok = textAfter(text, line); !ok {
			return interp.ExitStatus(1)
		}
		s.mu.Lock()
		s.restText, s.sourcing = text, restPath
		s.mu.Unlock()
		err = source(append([]string{restPath}, args[1:]...))
	}
}

// textAfter is the rest of text after the command line that holds line,
// as restText makes it; false when nothing follows it, or the text does
// not parse.
func textAfter(text string, line uint) (string, bool) {
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), "")
	if err != nil {
		return "", false
	}
	next, end := linesAfter(file.Stmts, line)
	if next == len(file.Stmts) {
		return "", false
	}
	return restText(text, file.Stmts[next], line, end), true
}

// restText is the rest of a script from statement rest on, after a
// command discarded at line of a command line that ended at end: bash
// counts the lines after it from the line it was at, not from the end of
// its command line, so that every later line is end-line lines early, in
// LINENO and messages. The rest is placed where bash's count puts it.
func restText(text string, rest *syntax.Stmt, line, end uint) string {
	at := int(rest.Pos().Line()) - int(end-line)
	return strings.Repeat("\n", max(at, 1)-1) + text[rest.Pos().Offset():]
}

// linesAfter gives the index of the first statement of a script after
// the command line the statement running at line is on (a statement that
// starts on the line another ends on is part of the same command line),
// and the line that command line ends on.
func linesAfter(stmts []*syntax.Stmt, line uint) (int, uint) {
	i := 0
	for i < len(stmts) && stmts[i].End().Line() < line {
		i++
	}
	end := line
	for i < len(stmts) {
		end = max(end, stmts[i].End().Line())
		i++
		if i < len(stmts) && stmts[i].Pos().Line() > end {
			break
		}
	}
	return i, end
}

// runLines runs a script (text, parsed as file) as bash runs a file: a
// command discarded ends its command line, and the script goes on with
// the next; with errexit on, the shell exits.
func (s *Session) runLines(ctx context.Context, file *syntax.File, text []byte) (uint8, error) {
	for {
		err := s.runTop(ctx, file)
		line, discarded := s.takeDiscard()
		if !discarded {
			return runStatus(err)
		}
		status, done, err := s.afterDiscard(ctx)
		if done {
			return status, err
		}
		next, end := linesAfter(file.Stmts, line)
		if next == len(file.Stmts) {
			// The script has ended: its EXIT trap runs now, with $?
			// the discarded command's status.
			return s.endAfterDiscard(ctx, file.Name)
		}
		text = []byte(restText(string(text), file.Stmts[next], line, end))
		if file, err = syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(text), file.Name); err != nil {
			return 2, err
		}
	}
}

// afterDiscard is the shell after a discarded command: with errexit on,
// it exits with status 1 (done).
func (s *Session) afterDiscard(ctx context.Context) (uint8, bool, error) {
	s.mu.Lock()
	errexit := s.options["errexit"]
	s.mu.Unlock()
	if !errexit {
		return 1, false, nil
	}
	status, err := runStatus(s.runTop(ctx, &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{lit(exitCommand), lit("1")}}}))
	return status, true, err
}

// endAfterDiscard ends a script whose last command was discarded: the
// status is 1, unless its EXIT trap exits with another.
func (s *Session) endAfterDiscard(ctx context.Context, name string) (uint8, error) {
	// `! true` gives the trap its $? of 1, and is no failure for the
	// ERR trap or errexit.
	failed := &syntax.Stmt{Negated: true, Cmd: &syntax.CallExpr{Args: []*syntax.Word{lit(statusCommand), lit("0")}}}
	final, err := runStatus(s.runTop(ctx, &syntax.File{Name: name, Stmts: []*syntax.Stmt{failed}}))
	return s.afterExitTrap(1, final, err)
}

// readonlyError is an assignment the session's own builtins (let) refuse.
type readonlyError struct{ name string }

func (e readonlyError) Error() string { return e.name + ": readonly variable" }

// refuseReadonly is the check of the builtins that assign (read, printf
// -v): when one of the variables named, or arrays whose elements are
// named, is readonly, it says so as bash does and reports true; the
// builtin then fails with status 1.
func (s *Session) refuseReadonly(hc interp.HandlerContext, names ...string) bool {
	for _, name := range names {
		if base, _, ok := strings.Cut(name, "["); ok {
			name = base
		}
		if hc.Env.Get(name).ReadOnly {
			s.shellError(hc, "%s", readonlyError{name}.Error())
			return true
		}
	}
	return false
}
