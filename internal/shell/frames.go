package shell

import (
	"context"

	"mvdan.cc/sh/v3/syntax"

	"mvdan.cc/sh/v3/interp"
)

// frame is one level of the call stack: a sourced file, or a function
// call with the file that defined the function.
type frame struct {
	file     string
	function string
	// callLine is the line of the source command or function call in the
	// frame below.
	callLine uint
}

func (s *Session) push(f frame) {
	s.mu.Lock()
	s.frames = append(s.frames, f)
	s.mu.Unlock()
}

func (s *Session) pop() {
	s.mu.Lock()
	s.frames = s.frames[:len(s.frames)-1]
	s.mu.Unlock()
}

// currentFile is the file the running code comes from. s.mu must be held.
func (s *Session) currentFile() string {
	if n := len(s.frames); n > 0 {
		return s.frames[n-1].file
	}
	return ""
}

// claimFunctions attributes the functions defined since the last claim to
// file, which has just been sourced or evaluated.
func (s *Session) claimFunctions(file string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, body := range s.runner.Funcs {
		if _, ok := s.funcFiles[body]; !ok {
			s.funcFiles[body] = file
		}
	}
}

// callFunction calls a shell function inside a frame of its own. The
// interpreter has no hook for a function's return, so the call is made
// here, through eval, and the frame popped when it comes back.
func (s *Session) callFunction(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	name := args[0]
	s.mu.Lock()
	file := ""
	if body, ok := s.runner.Funcs[name]; ok {
		var known bool
		if file, known = s.funcFiles[body]; !known {
			// Defined by the file still being sourced, and called there.
			file = s.currentFile()
			s.funcFiles[body] = file
		}
	}
	s.frames = append(s.frames, frame{file: file, function: name, callLine: hc.Pos.Line()})
	s.bypass = name
	s.mu.Unlock()
	defer s.pop()
	return hc.Builtin(ctx, []string{"eval", quoteArgs(args, 0)})
}

// hookFunction is the name a hook's body runs under, for the length of
// one call.
const hookFunction = "__devstack_hook"

// SourceInFunction runs a parsed script with positional parameters as
// DevStack's run_phase sources an extras.d script: from inside a function,
// so `local` and `declare` in it are scoped to the call and `return` ends
// it. The script was parsed once, before the run; it is not read again at
// every phase.
func (s *Session) SourceInFunction(ctx context.Context, script *Script, args ...string) error {
	name := script.file.Name
	body := &syntax.Stmt{Cmd: &syntax.Block{Stmts: script.file.Stmts}}
	call := &syntax.CallExpr{Args: []*syntax.Word{lit(hookFunction)}}
	for _, a := range args {
		call.Args = append(call.Args, &syntax.Word{Parts: []syntax.WordPart{&syntax.SglQuoted{Value: a}}})
	}
	// Defining and calling in one statement list costs one Run, not two.
	both := &syntax.Block{Stmts: []*syntax.Stmt{
		{Cmd: &syntax.FuncDecl{RsrvWord: true, Name: &syntax.Lit{Value: hookFunction}, Body: body}},
		{Cmd: call},
	}}
	s.mu.Lock()
	s.funcFiles[body] = name
	s.mu.Unlock()
	s.push(frame{file: name})
	defer s.pop()
	defer delete(s.runner.Funcs, hookFunction)
	err := s.result(name, s.runner.Run(ctx, both))
	s.claimFunctions(name)
	return err
}
