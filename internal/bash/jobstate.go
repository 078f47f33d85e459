package bash

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// jobState is what a background job's process needs to run its statement
// as the copy of the shell bash forks would: the shell's variables,
// functions, options, traps, directory, umask, parameters and call stack
// where the job started.
type jobState struct {
	// Text is the statement, as written, and Line the line it starts on.
	Text string
	Line uint
	// Status is $? when the job started.
	Status int
	// Name is $0, Params the positional parameters.
	Name   string
	Params []string
	Dir    string
	Umask  int
	// Vars are the shell's variables, with their attributes.
	Vars map[string]expand.Variable
	// Funcs are the shell's functions, as source (funcList).
	Funcs string
	// Frames is the call stack, innermost last.
	Frames []jobFrame
	// InFunction is set when the statement runs inside a function, where
	// local and return work.
	InFunction bool
	Hooks      int
	// Flags are the interpreter's options, as set takes them; Options
	// the session's record of every option.
	Flags   []string
	Options map[string]bool
	// Traps are the shell's traps, by signal name.
	Traps map[string]string
	// LastPid is $!, ShellPid $$ and ParentPid $PPID: a forked bash keeps
	// the shell's.
	LastPid, ShellPid, ParentPid int
	SecondsBase                  int64
	// FDs are the descriptors above 2 opened with exec, passed on at the
	// same numbers; TraceFD, if not 0, is where the session's Trace goes.
	FDs     []int
	TraceFD int
	// ReadyFD is closed once the job's signals are set up.
	ReadyFD int
	// Extensions are added again by the job's process.
	Extensions []Extension
}

// jobFunc is a function: its body's source, the line the body starts on,
// and the file that defined it.
type jobFunc struct {
	Name, Body      string
	Line            uint
	Source, Display string
}

type jobFrame struct {
	Function, Source, Display string
	CallLine                  uint
}

// skippedVars are worked out afresh in the job's process: the call stack
// variables from the frames, SECONDS from its base, and what the session
// sets only while it expands PS4.
var skippedVars = []string{"FUNCNAME", "BASH_SOURCE", "BASH_LINENO", "SECONDS", "BASHPID", ps4Variable, inPS4Variable}

// captureJob gathers the state of the shell running a command, for a job
// that runs text, the statement written at line.
func (s *Session) captureJob(ctx context.Context, line uint, text, name string, params []string) (st *jobState, err error) {
	hc := interp.HandlerCtx(ctx)
	st = &jobState{Text: text, Line: line, Status: hc.LastExitStatus, Name: name, Params: params, Dir: hc.Dir}
	for _, ext := range s.opts.Extensions {
		if _, err := lookupExtension(ext.Name); err != nil {
			return nil, err
		}
	}
	st.Extensions = slices.Clone(s.opts.Extensions)
	st.Umask = syscall.Umask(0)
	syscall.Umask(st.Umask)

	// Each lists outer scopes first: the innermost definition of a name
	// is the last one seen, and an unset local hides the global.
	st.Vars = map[string]expand.Variable{}
	hc.Env.Each(func(name string, vr expand.Variable) bool {
		st.Vars[name] = vr
		return true
	})
	for name, vr := range st.Vars {
		if !vr.Declared() || slices.Contains(skippedVars, name) {
			delete(st.Vars, name)
			continue
		}
		vr.Local = false
		st.Vars[name] = vr
	}

	for _, line := range strings.Split(s.probe(ctx, bypassCommand+" set +o"), "\n") {
		if opt, on := strings.CutPrefix(line, "set -o "); on && opt != "xtrace" {
			st.Flags = append(st.Flags, "-o", opt)
		}
	}

	s.mu.Lock()
	frames := slices.Clone(*s.stack())
	st.Hooks = s.errs.hooks
	st.Options = make(map[string]bool, len(s.options))
	for name, on := range s.options {
		st.Options[name] = on
	}
	st.Traps = make(map[string]string, len(s.traps))
	for name, callback := range s.traps {
		st.Traps[name] = callback
	}
	st.LastPid = s.lastPid
	st.ShellPid, st.ParentPid = s.shellPids()
	for n := range s.fds {
		st.FDs = append(st.FDs, n)
	}
	s.mu.Unlock()
	slices.Sort(st.FDs)
	st.SecondsBase = s.secondsBase.Load()
	st.InFunction = slices.ContainsFunc(frames, frame.isFunction) || st.Hooks > 0
	for _, f := range frames {
		st.Frames = append(st.Frames, jobFrame{Function: f.function, Source: f.source, Display: f.display, CallLine: f.callLine})
	}

	st.Funcs, err = s.funcList(frames[len(frames)-1])
	if err != nil {
		return nil, err
	}
	return st, nil
}

// funcList is the shell's functions, as jobs get them: for each, its
// name, file (as BASH_SOURCE and as messages name it), line and body,
// each field ended by a NUL, which shell text cannot hold. The list is
// kept while the functions stay the same, as they mostly do from one job
// to the next.
func (s *Session) funcList(top frame) (string, error) {
	s.funcCache.Lock()
	defer s.funcCache.Unlock()
	same := len(s.funcCache.bodies) > 0
	count := 0
	for name, body := range s.runner.Funcs {
		if strings.HasPrefix(name, "__devstack_") {
			continue
		}
		count++
		same = same && s.funcCache.bodies[name] == body
	}
	if same && count == len(s.funcCache.bodies) {
		return s.funcCache.list, nil
	}
	names := make([]string, 0, count)
	bodies := make(map[string]*syntax.Stmt, count)
	for name, body := range s.runner.Funcs {
		if !strings.HasPrefix(name, "__devstack_") {
			names = append(names, name)
			bodies[name] = body
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for _, name := range names {
		f, err := s.functionSource(name, bodies[name], top)
		if err != nil {
			return "", err
		}
		for _, field := range []string{f.Name, f.Source, f.Display, strconv.FormatUint(uint64(f.Line), 10), f.Body} {
			b.WriteString(field)
			b.WriteByte(0)
		}
	}
	s.funcCache.bodies, s.funcCache.list = bodies, b.String()
	return s.funcCache.list, nil
}

// parseFuncList reads what funcList wrote.
func parseFuncList(list string) ([]jobFunc, error) {
	fields := strings.Split(list, "\x00")
	if len(fields)%5 != 1 {
		return nil, errors.New("the functions are cut short")
	}
	funcs := make([]jobFunc, 0, len(fields)/5)
	for i := 0; i+5 <= len(fields); i += 5 {
		line, err := strconv.ParseUint(fields[i+3], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("function %s: bad line %q", fields[i], fields[i+3])
		}
		funcs = append(funcs, jobFunc{Name: fields[i], Source: fields[i+1], Display: fields[i+2], Line: uint(line), Body: fields[i+4]})
	}
	return funcs, nil
}

// shellPids are $$ and $PPID, with s.mu held: the process's own, or in a
// job's process the shell's that started it.
func (s *Session) shellPids() (int, int) {
	if s.pids != nil {
		return s.pids.shell, s.pids.parent
	}
	return syscall.Getpid(), syscall.Getppid()
}

// functionSource is a function as a job's process defines it again. The
// body's own text, cut from the file it was parsed from, keeps every line
// where it was, for LINENO, caller and traces; a body whose text is not
// known (defined by eval, say) is printed back from the syntax tree. The
// result is kept, as a body does not change once defined.
func (s *Session) functionSource(name string, body *syntax.Stmt, top frame) (jobFunc, error) {
	s.mu.Lock()
	origin, known := s.funcFiles[body]
	if !known {
		// Defined by the file still being sourced, as callFunction
		// reckons.
		origin = top
		s.funcFiles[body] = origin
	}
	text, cached := s.bodies[body]
	s.mu.Unlock()
	if !cached {
		var ok bool
		if text, ok = bodyText(origin.text, body); !ok {
			var b strings.Builder
			if err := syntax.NewPrinter().Print(&b, body); err != nil {
				return jobFunc{}, fmt.Errorf("function %s (%s:%d) cannot be passed on: %v", name, origin.display, body.Pos().Line(), err)
			}
			text = b.String()
		}
		s.mu.Lock()
		if s.bodies == nil {
			s.bodies = map[*syntax.Stmt]string{}
		}
		s.bodies[body] = text
		s.mu.Unlock()
	}
	return jobFunc{Name: name, Body: text, Line: body.Pos().Line(), Source: origin.source, Display: origin.display}, nil
}

// bodyText cuts a function body out of the text it was parsed from, if
// text is that: the body must start at its column on its line, span its
// lines, and open as its kind of command does.
func bodyText(text string, body *syntax.Stmt) (string, bool) {
	start, end, col := body.Pos().Offset(), body.End().Offset(), body.Pos().Col()
	if text == "" || end > uint(len(text)) || start >= end || col == 0 || start < col-1 {
		return "", false
	}
	lineStart := start - (col - 1)
	if lineStart > 0 && text[lineStart-1] != '\n' || strings.Contains(text[lineStart:start], "\n") {
		return "", false
	}
	cut := text[start:end]
	if uint(strings.Count(cut, "\n")) != body.End().Line()-body.Pos().Line() {
		return "", false
	}
	var opens []string
	switch body.Cmd.(type) {
	case *syntax.Block:
		opens = []string{"{"}
	case *syntax.Subshell:
		opens = []string{"("}
	case *syntax.IfClause:
		opens = []string{"if"}
	case *syntax.WhileClause:
		opens = []string{"while", "until"}
	case *syntax.ForClause:
		opens = []string{"for", "select"}
	case *syntax.CaseClause:
		opens = []string{"case"}
	case *syntax.TestClause:
		opens = []string{"[["}
	case *syntax.ArithmCmd:
		opens = []string{"(("}
	}
	for _, o := range opens {
		if strings.HasPrefix(cut, o) {
			return cut, true
		}
	}
	return "", false
}

// definition is the source that defines the function again, its body on
// the line it was on.
func (f jobFunc) definition() string {
	return strings.Repeat("\n", int(max(f.Line, 1)-1)) + "function " + f.Name + " () " + f.Body + "\n"
}

func encodeJobState(st *jobState) ([]byte, error) {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(st); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func decodeJobState(data []byte) (*jobState, error) {
	st := &jobState{}
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(st); err != nil {
		return nil, err
	}
	return st, nil
}

// probe runs text in the running shell with its standard output into a
// buffer, and returns what it wrote.
func (s *Session) probe(ctx context.Context, text string) string {
	hc := interp.HandlerCtx(ctx)
	s.mu.Lock()
	if s.errs.probes == nil {
		s.errs.probes = map[string]*probeBuffer{}
	}
	s.errs.probeN++
	path := probePrefix + fmt.Sprint(s.errs.probeN)
	buf := &probeBuffer{}
	s.errs.probes[path] = buf
	s.mu.Unlock()
	hc.Builtin(ctx, []string{"eval", text + " >" + path})
	s.mu.Lock()
	delete(s.errs.probes, path)
	s.mu.Unlock()
	return buf.String()
}
