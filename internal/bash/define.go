package bash

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Func is a command written in Go that scripts call by name. It runs only
// when no shell function of the same name is defined, so a script's own
// definitions win.
type Func func(ctx context.Context, args []string) error

// Define makes functions callable from the session's scripts. It is meant
// for before the session runs anything; a name defined twice takes the
// later function.
func (s *Session) Define(functions map[string]Func) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, fn := range functions {
		s.functions[name] = fn
	}
}

// lookupFunc returns the Go function a script calls by name, if any.
func (s *Session) lookupFunc(name string) (Func, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, ok := s.functions[name]
	return fn, ok
}

// Exit ends the shell with status, as the exit builtin does: the EXIT
// trap runs, and the script stops.
func (s *Session) Exit(ctx context.Context, status int) error {
	return s.exitShell(ctx, []string{strconv.Itoa(status)})
}

// LastFile is the file, as messages name it, of the most recent simple
// command, or "" before any ran.
func (s *Session) LastFile() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last.File
}

// SourceFile runs the source builtin on path, in the caller's scope.
func (s *Session) SourceFile(ctx context.Context, path string) error {
	return s.source(ctx, []string{path})
}

// EvalAs evaluates text in the caller's scope as if it were the file path
// being sourced: BASH_SOURCE names path, messages name display, and the
// functions it defines belong to it.
func (s *Session) EvalAs(ctx context.Context, text, path, display string) error {
	f := frame{function: "source", source: path, display: display, text: text}
	s.push(f)
	defer s.pop()
	err := interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", text})
	s.claimFunctions(f)
	return err
}

// Assign sets shell variables in the caller's scope, from NAME, VALUE
// pairs, as the assignments NAME=VALUE would.
func Assign(ctx context.Context, pairs ...string) error {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		q, err := syntax.Quote(pairs[i+1], syntax.LangBash)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s=%s ", pairs[i], q)
	}
	return interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", b.String()})
}

// Environ is what a program started from a shell whose variables are env
// gets: its exported variables, as KEY=VALUE.
func Environ(env expand.Environ) []string {
	var list []string
	env.Each(func(name string, vr expand.Variable) bool {
		if vr.Exported && vr.IsSet() {
			list = append(list, name+"="+vr.String())
		}
		return true
	})
	return list
}

// Option reports whether a set -o option is on in the shell.
func (s *Session) Option(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.options[name]
}

// EachVar calls f with every shell variable's name and value, while no
// script runs (a handler has the running shell's in its context).
func (s *Session) EachVar(f func(name, value string)) {
	sessionEnv{s}.Each(func(name string, vr expand.Variable) bool {
		if vr.IsSet() {
			f(name, vr.String())
		}
		return true
	})
}
