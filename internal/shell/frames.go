package shell

import (
	"context"

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
