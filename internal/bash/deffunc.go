package bash

import (
	"context"
	"sync/atomic"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// A function defined in a subshell lives in the interpreter's copy of the
// functions for that subshell, which no handler can see: the session,
// which calls functions inside a frame of their own (FUNCNAME, caller,
// BASH_SOURCE; callFunction), would run it as the interpreter does,
// without one. xtraceSource puts deffuncCommand NAME after each function
// definition of a list; in a subshell it records the name with the file
// defining it, and later calls of the name there get their frame.
const deffuncCommand = "__devstack_deffunc"

// subshellFuncs is set once any subshell has defined a function: until
// then, the commands of every shell need no look-up of their name there.
var subshellFuncs atomic.Bool

// deffuncEdit is the edit after a statement defining a function.
func deffuncEdit(st *syntax.Stmt) (Edit, bool) {
	fn, ok := st.Cmd.(*syntax.FuncDecl)
	if !ok || st.Background || st.Coprocess || st.Negated || len(st.Redirs) > 0 || fn.Name == nil {
		return Edit{}, false
	}
	return Edit{Offset: fn.End().Offset(), Text: "; " + deffuncCommand + " " + fn.Name.Value}, true
}

// deffunc is deffuncCommand NAME.
func (s *Session) deffunc(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	s.mu.Lock()
	if shell := s.shellOf(hc); shell != nil && shell != s.main && len(args) == 1 {
		if shell.funcs == nil {
			shell.funcs = map[string]frame{}
		}
		shell.funcs[args[0]] = (*s.stack())[len(*s.stack())-1]
		subshellFuncs.Store(true)
	}
	s.mu.Unlock()
	return nil
}

// subshellFunction reports the frame of the file that defined name in
// the subshell a handler runs in, when it did; with s.mu held.
func (s *Session) subshellFunction(hc interp.HandlerContext, name string) (frame, bool) {
	if !subshellFuncs.Load() {
		return frame{}, false
	}
	shell := s.shellOf(hc)
	if shell == nil || shell == s.main {
		return frame{}, false
	}
	f, ok := shell.funcs[name]
	return f, ok
}
