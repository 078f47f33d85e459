package bash

import (
	"context"
	"io"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// DevStack saves the trace option around most of its functions with
// `NAME=$(set +o | grep xtrace)`: a command substitution and a pipeline,
// two subshells, each a copy of every variable and function of the
// shell. compatSource puts optionSaveCommand before each such
// assignment, `__devstack_optsave NAME OPTION || NAME=$(set +o | grep
// OPTION)`, which assigns NAME the lines the pipeline would print, as the
// pipeline would, without the copies. It declines, with status 1, while
// xtrace is on, so that the statement runs as written and is traced as
// bash traces it, where set or grep is a function, and where no line
// holds OPTION (grep fails, with what that brings: errexit, the ERR trap).
const optionSaveCommand = "__devstack_optsave"

// optionSaveWord is the grep pattern the shape allows: a plain word,
// the same as a basic regular expression and as the substring grep
// looks for.
var optionSaveWord = regexp.MustCompile(`^[a-z]+$`)

// optionSaveEdits are the insertions of optionSaveCommand before the
// plain assignments `NAME=$(set +o | grep WORD)` of a script: alone as a
// statement, not a part of && or || or a pipeline, which the inserted ||
// would change.
func optionSaveEdits(file *syntax.File) []Edit {
	var edits []Edit
	inList := map[*syntax.Stmt]bool{}
	walk(file, func(node syntax.Node) bool {
		switch n := node.(type) {
		case *syntax.BinaryCmd:
			inList[n.X], inList[n.Y] = true, true
		case *syntax.Stmt:
			if inList[n] {
				return true
			}
			if name, word, ok := optionSaveShape(n); ok {
				edits = append(edits, Edit{Offset: n.Pos().Offset(), Text: optionSaveCommand + " " + name + " " + word + " || "})
			}
		}
		return true
	})
	return edits
}

// optionSaveShape reports whether a statement is exactly
// NAME=$(set +o | grep WORD), and its NAME and WORD.
func optionSaveShape(stmt *syntax.Stmt) (name, word string, ok bool) {
	if stmt.Negated || stmt.Background || stmt.Coprocess || stmt.Disown || len(stmt.Redirs) > 0 {
		return "", "", false
	}
	call, ok := stmt.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) != 0 || len(call.Assigns) != 1 {
		return "", "", false
	}
	as := call.Assigns[0]
	if as.Append || as.Naked || as.Index != nil || as.Array != nil || as.Value == nil || len(as.Value.Parts) != 1 {
		return "", "", false
	}
	subst, ok := as.Value.Parts[0].(*syntax.CmdSubst)
	if !ok || subst.Backquotes || len(subst.Stmts) != 1 || len(subst.Last) != 0 {
		return "", "", false
	}
	inner := subst.Stmts[0]
	if inner.Negated || inner.Background || inner.Coprocess || inner.Disown || len(inner.Redirs) > 0 {
		return "", "", false
	}
	pipe, ok := inner.Cmd.(*syntax.BinaryCmd)
	if !ok || pipe.Op != syntax.Pipe {
		return "", "", false
	}
	left, ok1 := plainWords(pipe.X)
	right, ok2 := plainWords(pipe.Y)
	if !ok1 || !ok2 || len(left) != 2 || left[0] != "set" || left[1] != "+o" ||
		len(right) != 2 || right[0] != "grep" || !optionSaveWord.MatchString(right[1]) {
		return "", "", false
	}
	return as.Name.Value, right[1], true
}

// plainWords is the words of a simple command made of literals only,
// without assignments or redirections.
func plainWords(stmt *syntax.Stmt) ([]string, bool) {
	if stmt.Negated || stmt.Background || stmt.Coprocess || stmt.Disown || len(stmt.Redirs) > 0 {
		return nil, false
	}
	call, ok := stmt.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Assigns) != 0 {
		return nil, false
	}
	var words []string
	for _, w := range call.Args {
		lit := w.Lit()
		if lit == "" || len(w.Parts) != 1 {
			return nil, false
		}
		words = append(words, lit)
	}
	return words, true
}

// optionSave runs optionSaveCommand NAME WORD: NAME gets the lines of
// `set +o` that hold WORD, as a command substitution lists them. With no
// such line it declines, as grep would fail. The two
// commands are recorded where the session records the commands it runs
// (the run's log), as if they had run.
func (s *Session) optionSave(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) != 2 || xtraceOn(hc) {
		return interp.ExitStatus(1)
	}
	s.mu.Lock()
	_, setFunc := s.runner.Funcs["set"]
	_, grepFunc := s.runner.Funcs["grep"]
	s.mu.Unlock()
	if setFunc || grepFunc {
		return interp.ExitStatus(1)
	}
	name, word := args[0], args[1]
	var lines []string
	for _, line := range strings.Split(s.optionListing(hc, true), "\n") {
		if strings.Contains(line, word) {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		// grep fails: its status, the ERR trap and errexit are the
		// statement's own, as written.
		return interp.ExitStatus(1)
	}
	s.seeCommand(hc, []string{"set", "+o"})
	s.seeCommand(hc, []string{"grep", word})
	return Assign(ctx, name, strings.Join(lines, "\n"))
}

// seeCommand is what the session notes of a command it runs (where the
// script is, the command for the log), for a command answered without
// running it.
func (s *Session) seeCommand(hc interp.HandlerContext, args []string) {
	s.mu.Lock()
	top := (*s.stack())[len(*s.stack())-1]
	s.last = Position{File: top.display, Line: hc.Pos.Line()}
	if top.isFunction() {
		s.last.Function = top.function
	}
	s.lastArgs = args
	s.noteCommand(len(*s.stack())-1, s.last.Line, args[0])
	at := s.last
	s.mu.Unlock()
	if s.opts.Trace != nil {
		io.WriteString(s.opts.Trace, "+ "+at.String()+" "+quoteArgs(args, 0)+"\n")
	}
}
