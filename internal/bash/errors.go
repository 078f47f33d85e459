package bash

import (
	"bytes"
	"context"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Runtime errors the session words as bash does, with where they
// happened: "FILE: line N: MESSAGE".

// unsetCommand is the unset builtin (compatCall): the interpreter unsets
// a readonly variable without a word and with status 0; bash refuses, and
// goes on with the other names.
const unsetCommand = "__devstack_unset"

func (s *Session) unset(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	functions := false
	var names, options []string
	for i, a := range args {
		if len(a) > 1 && a[0] == '-' && a != "--" && names == nil {
			options = append(options, a)
			functions = functions || a == "-f"
			continue
		}
		if a == "--" && names == nil {
			names = append(names, args[i+1:]...)
			break
		}
		names = append(names, a)
	}
	var kept []string
	var status error
	for _, name := range names {
		if !functions && hc.Env.Get(name).ReadOnly {
			s.shellError(hc, "%s", "unset: "+name+": cannot unset: readonly variable")
			status = interp.ExitStatus(1)
			continue
		}
		kept = append(kept, name)
	}
	if len(kept) > 0 || len(names) == 0 {
		if err := hc.Builtin(ctx, append(append([]string{"unset"}, options...), kept...)); err != nil {
			return err
		}
	}
	return status
}

// paramErrorCommand reports ${NAME:?WORD} and ${NAME?WORD} as bash does.
// The interpreter writes "NAME: WORD" without bash's "FILE: line N:", and
// exits without the EXIT trap's $? and with the ERR trap run.
// errorMessageEdits turn them into ${NAME:-$(paramErrorCommand NAME
// "${NAME:+set}" "WORD")}: where NAME is not set, the command writes
// bash's message, and the shell it runs for (the command substitution
// inherits its BASHPID) exits with status 1 at its next command
// (pendingExit).
const paramErrorCommand = "__devstack_paramerror"

// errorMessageEdits rewrite ${NAME?WORD} and ${NAME:?WORD}: see
// paramErrorCommand. The word stays where it was, in double quotes unless
// it holds quotes of its own.
func errorMessageEdits(pe *syntax.ParamExp, src []byte) []Edit {
	if pe.Exp == nil || !pe.Rbrace.IsValid() || pe.Param == nil || pe.Excl || pe.Length || pe.Index != nil || pe.Slice != nil || pe.Repl != nil || pe.Names != 0 || pe.NestedParam != nil {
		return nil
	}
	if name := pe.Param.Value; !isName(name) && strings.Trim(name, "0123456789") != "" {
		// Only variables and positional parameters: $#, $? and the
		// others are always set, $@ and $* are many words.
		return nil
	}
	var op, alternative, message string
	switch pe.Exp.Op {
	case syntax.ErrorUnset:
		op, alternative, message = "?", "-", "parameter not set"
	case syntax.ErrorUnsetOrNull:
		op, alternative, message = ":?", ":-", "parameter null or not set"
	default:
		return nil
	}
	at := pe.Param.End().Offset()
	if string(src[at:at+uint(len(op))]) != op {
		return nil
	}
	// The interpreter expands the word even when the parameter is set:
	// the command is told whether it is.
	state := `"${` + pe.Param.Value + strings.TrimSuffix(op, "?") + `+set}"`
	open := Edit{Offset: at, Remove: uint(len(op)), Text: alternative + "$(" + paramErrorCommand + " " + pe.Param.Value + " " + state + " "}
	if pe.Exp.Word == nil {
		return []Edit{open, {Offset: pe.Rbrace.Offset(), Text: "'" + message + "')"}}
	}
	word := src[pe.Exp.Word.Pos().Offset():pe.Exp.Word.End().Offset()]
	if bytes.ContainsAny(word, "\"'`\\") {
		// The words are joined again with one space.
		return []Edit{open, {Offset: pe.Exp.Word.End().Offset(), Text: ")"}}
	}
	open.Text += `"`
	return []Edit{open, {Offset: pe.Exp.Word.End().Offset(), Text: `")`}}
}

// paramError is paramErrorCommand.
func (s *Session) paramError(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 2 || args[1] == "set" {
		return nil
	}
	s.shellError(hc, "%s: %s", args[0], strings.Join(args[2:], " "))
	s.mu.Lock()
	defer s.mu.Unlock()
	shell := s.shellOf(hc)
	if shell == nil {
		return nil
	}
	if s.pendingExit == nil {
		s.pendingExit = map[*shellState]bool{}
	}
	s.pendingExit[shell] = true
	return nil
}

// takePendingExit reports whether the shell a command runs in has an
// exit pending (paramError), and clears it. Call with s.mu held.
func (s *Session) takePendingExit(hc interp.HandlerContext) bool {
	if len(s.pendingExit) == 0 {
		return false
	}
	shell := s.shellOf(hc)
	if !s.pendingExit[shell] {
		return false
	}
	delete(s.pendingExit, shell)
	return true
}
