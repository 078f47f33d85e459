package bash

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// frame is one level of the call stack, as bash keeps it for FUNCNAME,
// BASH_SOURCE and BASH_LINENO: a sourced file, a function call, or the
// script at the bottom.
type frame struct {
	// function is the function's name, "source" for a sourced file and
	// "main" for the bottom frame.
	function string
	// source is the file, as bash names it in BASH_SOURCE: the path given
	// to source, or the file that defined the function.
	source string
	// display is the file as messages name it, "" for none.
	display string
	// callLine is the line of the source command or function call in the
	// frame below.
	callLine uint
	// text is the file's text as parsed, where a background job finds the
	// source of the functions the file defined; "" if not known.
	text string
}

func (f frame) isFunction() bool {
	return f.function != "source" && f.function != "main"
}

// stack is the call stack of the shell running. Call with s.mu held.
func (s *Session) stack() *[]frame {
	return &s.frames
}

// sourceText records the text of the file being sourced, once it is
// open, in its frame. Call with s.mu held.
func (s *Session) sourceText(text string) {
	if st := *s.stack(); len(st) > 0 && st[len(st)-1].function == "source" {
		st[len(st)-1].text = text
	}
}

// goroutineID identifies the running goroutine. The interpreter runs each
// command of a pipeline in a goroutine of its own and tells handlers
// nothing of which shell calls them; the goroutine is what tells them
// apart.
func goroutineID() int64 {
	var buf [32]byte
	n := runtime.Stack(buf[:], false)
	fields := bytes.Fields(buf[:n])
	if len(fields) < 2 {
		return 0
	}
	id, _ := strconv.ParseInt(string(fields[1]), 10, 64)
	return id
}

func (s *Session) push(f frame) {
	s.mu.Lock()
	(*s.stack()) = append((*s.stack()), f)
	s.mu.Unlock()
}

func (s *Session) pop() {
	s.mu.Lock()
	(*s.stack()) = (*s.stack())[:len((*s.stack()))-1]
	if len(s.unwinding) > 0 {
		id := goroutineID()
		if depth, ok := s.unwinding[id]; ok && len(*s.stack()) <= depth {
			delete(s.unwinding, id)
			delete(s.jobStacks, id)
		}
	}
	s.mu.Unlock()
}

// sourceFrame is the frame of a file being sourced.
func (s *Session) sourceFrame(path string, callLine uint) frame {
	return frame{function: "source", source: path, display: s.display(path), callLine: callLine}
}

// stackVar computes FUNCNAME, BASH_SOURCE or BASH_LINENO from the frames,
// innermost first. FUNCNAME exists only while a function runs.
func (s *Session) stackVar(name string) expand.Variable {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "FUNCNAME" && !slices.ContainsFunc((*s.stack()), frame.isFunction) {
		return expand.Variable{}
	}
	list := make([]string, 0, len((*s.stack())))
	for i := len((*s.stack())) - 1; i >= 0; i-- {
		f := (*s.stack())[i]
		switch name {
		case "FUNCNAME":
			list = append(list, f.function)
		case "BASH_SOURCE":
			list = append(list, f.source)
		default:
			list = append(list, strconv.FormatUint(uint64(f.callLine), 10))
		}
	}
	return expand.Variable{Set: true, Kind: expand.Indexed, List: list}
}

// stackEnviron answers the call stack variables from the frames and
// everything else from the initial environment, under the interpreter's
// own variables: a script that assigns one of these names shadows it, as
// in bash.
type stackEnviron struct {
	s    *Session
	base expand.Environ
}

func (e stackEnviron) Get(name string) expand.Variable {
	switch name {
	case "FUNCNAME", "BASH_SOURCE", "BASH_LINENO":
		return e.s.stackVar(name)
	case "SECONDS":
		return e.s.seconds()
	case flagsVar:
		return expand.Variable{Set: true, Kind: expand.String, Str: e.s.flags()}
	case "BASHPID":
		// The main shell's; each subshell sets its own (subshell.go).
		return expand.Variable{Set: true, Kind: expand.String, Str: strconv.Itoa(os.Getpid())}
	case "BASH_SUBSHELL":
		return expand.Variable{Set: true, Kind: expand.String, Str: "0"}
	case lastJobVariable:
		e.s.mu.Lock()
		pid := e.s.lastPid
		e.s.mu.Unlock()
		if pid == 0 {
			return expand.Variable{}
		}
		return expand.Variable{Set: true, Kind: expand.String, Str: strconv.Itoa(pid)}
	case "HOSTNAME":
		// bash sets it from the host's name when the environment has
		// none; DevStack names the etcd member after it.
		if vr := e.base.Get(name); vr.IsSet() {
			return vr
		}
		host, err := os.Hostname()
		if err != nil {
			return expand.Variable{}
		}
		return expand.Variable{Set: true, Kind: expand.String, Str: host}
	}
	return e.base.Get(name)
}

// Each lists the call stack variables too: a pipeline's commands start
// from a copy of the variables, in which the call stack stays what it was
// when they started, as in a forked bash. (A job's process gets the
// frames themselves.)
func (e stackEnviron) Each(f func(name string, vr expand.Variable) bool) {
	for _, name := range []string{"FUNCNAME", "BASH_SOURCE", "BASH_LINENO"} {
		if vr := e.s.stackVar(name); vr.IsSet() && !f(name, vr) {
			return
		}
	}
	if !e.s.eachExportedFunction(f) {
		return
	}
	e.base.Each(f)
}

// caller runs the caller builtin as bash's caller.def does, from
// BASH_LINENO, BASH_SOURCE and FUNCNAME: with no argument "LINE FILE" of
// the current call ("0 NULL" at a script's top level), with N "LINE
// FUNCTION FILE" of the frame N below, and status 1 past the bottom.
func (s *Session) caller(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	lines, sources := s.stackVar("BASH_LINENO").List, s.stackVar("BASH_SOURCE").List
	// bash's FUNCNAME array is kept in sourced files too, where the
	// variable does not show it.
	var funcs []string
	s.mu.Lock()
	for i := len(*s.stack()) - 1; i >= 0; i-- {
		funcs = append(funcs, (*s.stack())[i].function)
	}
	s.mu.Unlock()
	at := func(list []string, i int64) (string, bool) {
		if i < 0 || i >= int64(len(list)) {
			return "", false
		}
		return list[i], true
	}
	if len(lines) == 0 || len(sources) == 0 {
		return interp.ExitStatus(1)
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		line, ok := at(lines, 0)
		if !ok {
			line = "NULL"
		}
		source, ok := at(sources, 1)
		if !ok {
			source = "NULL"
		}
		fmt.Fprintf(hc.Stdout, "%s %s\n", line, source)
		return nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(args[0]), 10, 64)
	if err != nil {
		fmt.Fprintf(hc.Stderr, "%s caller: %s: invalid number\ncaller: usage: caller [expr]\n", s.bashWhere(hc.Pos.Line()), args[0])
		return interp.ExitStatus(2)
	}
	line, ok1 := at(lines, n)
	source, ok2 := at(sources, n+1)
	function, ok3 := at(funcs, n+1)
	if !ok1 || !ok2 || !ok3 {
		return interp.ExitStatus(1)
	}
	fmt.Fprintf(hc.Stdout, "%s %s %s\n", line, function, source)
	return nil
}

// claimFunctions attributes the functions defined since the last claim to
// the file of f, which has just been sourced or evaluated.
func (s *Session) claimFunctions(f frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, body := range s.runner.Funcs {
		if _, ok := s.funcFiles[body]; !ok {
			s.funcFiles[body] = f
		}
	}
	s.funcsDirty = false
}

// callFunction calls a shell function inside a frame of its own. The
// interpreter has no hook for a function's return, so the call is made
// here, through eval, and the frame popped when it comes back.
func (s *Session) callFunction(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	name := args[0]
	s.mu.Lock()
	var origin frame
	if body, ok := s.runner.Funcs[name]; ok {
		if s.definesFunctions(body) {
			s.funcsDirty = true
		}
		var known bool
		if origin, known = s.funcFiles[body]; !known {
			// Defined by the file still being sourced, and called there;
			// or, in a job's process, inherited and defined since.
			origin = (*s.stack())[len((*s.stack()))-1]
			if lf := s.lazy[name]; lf != nil && lf.defined {
				origin = lf.origin
			}
			s.funcFiles[body] = origin
		}
	} else if f, ok := s.subshellFunction(hc, name); ok {
		origin = f
	}
	(*s.stack()) = append((*s.stack()), frame{function: name, source: origin.source, display: origin.display, callLine: hc.Pos.Line()})
	s.mu.Unlock()
	defer s.pop()
	defer s.saveGetopts()()
	return hc.Builtin(ctx, []string{"eval", quoteArgs(append([]string{bypassCommand}, args...), 0)})
}

// hookFunction is the name a hook's body runs under, for the length of
// one call.
const hookFunction = "__devstack_hook"

// SourceInFunction runs a parsed script with positional parameters as
// DevStack's run_phase sources an extras.d script: from inside a function,
// so `local` and `declare` in it are scoped to the call and `return` ends
// it. The script was parsed once, before the run; it is not read again at
// every phase. SourceEach sources many in one run.
func (s *Session) SourceInFunction(ctx context.Context, script *Script, args ...string) error {
	_, err := s.SourceEach(ctx, []*Script{script}, args, Each{})
	return err
}
