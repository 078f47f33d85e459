package bash

import (
	"context"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// A phase sources every extras.d script in turn. Each run of the
// interpreter ends by copying every shell variable into Runner.Vars, so
// one run per script would make a phase's cost grow with the number of
// scripts times the number of variables they define: the square of the
// number of scripts. SourceEach runs a phase's scripts in one run, from a
// command of the session's own that loops over them; and after each it
// attributes to the script only the functions the script could have
// defined, where looking at every function defined so far would again
// grow with the square.

// hooksCommand is the command SourceEach runs, which sources the scripts.
const hooksCommand = "__devstack_hooks"

// hookBatch is the state of a SourceEach under way.
type hookBatch struct {
	scripts []*Script
	args    []string
	each    Each
	// next is the index of the next script to source.
	next int
	// open is the frame of a script that failed, which stays on the
	// stack until the run has ended, as its EXIT trap runs there.
	open *frame
}

// Each is what SourceEach calls around each script; either may be nil.
// Both are called from inside the run, between two scripts, where the
// caller may look at the session but not run anything in it.
type Each struct {
	// Start is called as scripts[i] is about to be sourced.
	Start func(i int)
	// Pause is called after scripts[i] has ended well; true stops
	// SourceEach there.
	Pause func(i int) bool
}

// SourceEach sources scripts one after another, each as SourceInFunction
// does, with the same positional parameters, in one run of the
// interpreter. It stops after a script that fails, and after a script
// for which each.Pause reports true. It returns how many scripts were
// sourced, the last of them the one that failed or paused, and that
// script's error.
func (s *Session) SourceEach(ctx context.Context, scripts []*Script, args []string, each Each) (int, error) {
	if len(scripts) == 0 {
		return 0, nil
	}
	b := &hookBatch{scripts: scripts, args: args, each: each}
	s.mu.Lock()
	outer := s.hooks
	s.hooks = b
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.hooks = outer
		s.mu.Unlock()
	}()
	// Through the bypass: the command is the session's, not the script's,
	// and is neither traced nor recorded as the last one run.
	run := &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{lit(bypassCommand), lit(hooksCommand)}}}
	err := s.runTop(ctx, run)
	if b.next == 0 {
		// Refused before any script started (a broken session).
		return 0, err
	}
	err = s.result(scripts[b.next-1].file.Name, err)
	if b.open != nil {
		s.leaveHook(*b.open, scripts[b.next-1])
	}
	return b.next, err
}

// sourceHooks runs the scripts of the SourceEach under way, inside its
// run: each is defined as the hook function and called, as SourceInFunction
// does in a run of its own.
func (s *Session) sourceHooks(ctx context.Context) error {
	hc := interp.HandlerCtx(ctx)
	s.mu.Lock()
	b := s.hooks
	s.mu.Unlock()
	if b == nil {
		return nil
	}
	call := quoteArgs(append([]string{hookFunction}, b.args...), 0)
	for b.next < len(b.scripts) {
		script := b.scripts[b.next]
		if b.each.Start != nil {
			b.each.Start(b.next)
		}
		b.next++
		f := s.enterHook(script)
		// $? is 0 as the script starts, as after the definition of the
		// function it runs as.
		err := hc.Builtin(ctx, []string{"eval", statusCommand + " 0; " + call})
		s.mu.Lock()
		ended := s.errs.exiting || s.errs.force
		s.mu.Unlock()
		if err != nil || ended {
			// The run ends here, as a run of this script alone would:
			// the script is left when it has (SourceEach).
			b.open = &f
			return err
		}
		s.leaveHook(f, script)
		if b.each.Pause != nil && b.each.Pause(b.next-1) {
			return nil
		}
	}
	return nil
}

// enterHook defines the hook function as a script's body and enters the
// script's frame, as a run of the script alone starts.
func (s *Session) enterHook(script *Script) frame {
	s.noteSource(script.path, script.written)
	body := script.body
	f := frame{function: "source", source: script.path, display: script.file.Name, text: script.text}
	s.mu.Lock()
	s.funcFiles[body] = f
	// The state of failures is the one of a new run.
	s.errs = errState{probes: s.errs.probes, probeN: s.errs.probeN, hooks: s.errs.hooks + 1, runs: s.errs.runs}
	(*s.stack()) = append((*s.stack()), f)
	s.mu.Unlock()
	if s.runner.Funcs == nil {
		s.runner.Funcs = map[string]*syntax.Stmt{}
	}
	s.runner.Funcs[hookFunction] = body
	return f
}

// leaveHook ends what enterHook started, and attributes to the script the
// functions it defined.
func (s *Session) leaveHook(f frame, script *Script) {
	s.claimScriptFunctions(f, script)
	s.pop()
	s.mu.Lock()
	s.errs.hooks--
	s.mu.Unlock()
	delete(s.runner.Funcs, hookFunction)
}

// claimScriptFunctions attributes to f, the frame of a script just run,
// the functions defined since the last claim. Those the script's own text
// defines are looked up by name; every function is looked at only when
// something may have defined others: an eval, a function whose body
// defines functions, a trap.
func (s *Session) claimScriptFunctions(f frame, script *Script) {
	s.mu.Lock()
	full := s.funcsDirty || len(s.traps) > 0
	if !full {
		for _, name := range script.funcs {
			if body, ok := s.runner.Funcs[name]; ok {
				if _, known := s.funcFiles[body]; !known {
					s.funcFiles[body] = f
				}
			}
		}
	}
	s.mu.Unlock()
	if full {
		s.claimFunctions(f)
	}
}

// definedFunctions lists the names of the functions a parsed file
// defines anywhere in its text, functions inside functions included.
func definedFunctions(file *syntax.File) []string {
	var names []string
	seen := map[string]bool{}
	walk(file, func(node syntax.Node) bool {
		if decl, ok := node.(*syntax.FuncDecl); ok && decl.Name != nil && !seen[decl.Name.Value] {
			seen[decl.Name.Value] = true
			names = append(names, decl.Name.Value)
		}
		return true
	})
	return names
}

// definesFunctions reports whether a function body defines functions when
// it runs, which the next claim must then look for everywhere. Call with
// s.mu held.
func (s *Session) definesFunctions(body *syntax.Stmt) bool {
	defines, ok := s.bodyDefines[body]
	if !ok {
		walk(body, func(node syntax.Node) bool {
			if _, ok := node.(*syntax.FuncDecl); ok {
				defines = true
			}
			return !defines
		})
		if s.bodyDefines == nil {
			s.bodyDefines = map[*syntax.Stmt]bool{}
		}
		s.bodyDefines[body] = defines
	}
	return defines
}
