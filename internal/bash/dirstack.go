package bash

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// pushd, popd and dirs keep the stack in a shell array whose first element
// is always the current directory: the interpreter's own stack does not
// follow cd. Being a variable, the stack is copied into subshells and
// dies with them, as in bash. (DIRSTACK itself is the interpreter's, which
// serves it from its own stack.)
const (
	dirStackVar  = "__devstack_dirstack"
	pushdCommand = "__devstack_pushd"
	popdCommand  = "__devstack_popd"
	dirsCommand  = "__devstack_dirs"
)

// dirStack is DIRSTACK with its first element the current directory.
func dirStack(hc interp.HandlerContext) []string {
	stack := hc.Env.Get(dirStackVar).List
	if len(stack) == 0 {
		return []string{hc.Dir}
	}
	return append([]string{hc.Dir}, stack[1:]...)
}

func setDirStack(ctx context.Context, stack []string) error {
	var b strings.Builder
	b.WriteString(dirStackVar + "=(")
	for _, dir := range stack {
		q, err := syntax.Quote(dir, syntax.LangBash)
		if err != nil {
			return err
		}
		b.WriteString(" " + q)
	}
	b.WriteString(" )")
	return interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", b.String()})
}

// stackIndex reads +N (from the top) or -N (from the bottom) as an index
// into a stack of n entries.
func stackIndex(arg string, n int) (int, bool) {
	if len(arg) < 2 || (arg[0] != '+' && arg[0] != '-') {
		return 0, false
	}
	i, err := strconv.Atoi(arg[1:])
	if err != nil || i < 0 || i >= n {
		return -1, true
	}
	if arg[0] == '-' {
		i = n - 1 - i
	}
	return i, true
}

func (s *Session) pushd(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	stack := dirStack(hc)
	noChange := false
	if len(args) > 0 && args[0] == "-n" {
		noChange, args = true, args[1:]
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	switch {
	case len(args) == 0:
		if len(stack) < 2 {
			s.shellError(hc, "pushd: no other directory")
			return interp.ExitStatus(1)
		}
		stack[0], stack[1] = stack[1], stack[0]
	default:
		if i, ok := stackIndex(args[0], len(stack)); ok {
			if i < 0 {
				s.shellError(hc, "pushd: %s: directory stack index out of range", args[0])
				return interp.ExitStatus(1)
			}
			stack = append(stack[i:], stack[:i]...)
			break
		}
		if noChange {
			// The directory goes under the top, which stays.
			stack = append([]string{stack[0], args[0]}, stack[1:]...)
			break
		}
		stack = append([]string{args[0]}, stack...)
	}
	return s.settleStack(ctx, "pushd", stack, !noChange)
}

// settleStack ends pushd and popd: with cd, the shell goes to the top of
// the stack, which takes the directory's name as cd makes it; the stack
// is kept and printed.
func (s *Session) settleStack(ctx context.Context, builtin string, stack []string, cd bool) error {
	if cd {
		dir, err := s.changeDir(ctx, builtin, stack[0])
		if err != nil {
			return err
		}
		stack[0] = dir
	}
	if err := setDirStack(ctx, stack); err != nil {
		return err
	}
	return s.printDirs(interp.HandlerCtx(ctx), stack, nil)
}

func (s *Session) popd(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	stack := dirStack(hc)
	noChange := false
	if len(args) > 0 && args[0] == "-n" {
		noChange, args = true, args[1:]
	}
	if len(stack) < 2 {
		s.shellError(hc, "popd: directory stack empty")
		return interp.ExitStatus(1)
	}
	drop := 0
	if len(args) > 0 {
		i, ok := stackIndex(args[0], len(stack))
		if !ok || i < 0 {
			s.shellError(hc, "popd: %s: directory stack index out of range", args[0])
			return interp.ExitStatus(1)
		}
		drop = i
	}
	stack = append(stack[:drop:drop], stack[drop+1:]...)
	return s.settleStack(ctx, "popd", stack, drop == 0 && !noChange)
}

// changeDir is cd, with bash's message when it fails; it returns the new
// working directory, the logical path as cd makes it.
func (s *Session) changeDir(ctx context.Context, builtin, dir string) (string, error) {
	hc := interp.HandlerCtx(ctx)
	abs := Absolute(hc.Dir, dir)
	if info, err := os.Stat(abs); err != nil || !info.IsDir() {
		reason := "No such file or directory"
		if err == nil {
			reason = "Not a directory"
		}
		s.shellError(hc, "%s: %s: %s", builtin, dir, reason)
		return "", interp.ExitStatus(1)
	}
	return abs, hc.Builtin(ctx, []string{"cd", dir})
}

func (s *Session) dirs(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	stack := dirStack(hc)
	for _, arg := range args {
		if arg == "-c" {
			return setDirStack(ctx, stack[:1])
		}
	}
	return s.printDirs(hc, stack, args)
}

// printDirs prints the stack as dirs does with the options given: on one
// line, -p one per line, -v numbered; -l keeps $HOME unabbreviated.
func (s *Session) printDirs(hc interp.HandlerContext, stack []string, options []string) error {
	long, perLine, numbered := false, false, false
	for _, opt := range options {
		if !strings.HasPrefix(opt, "-") || opt == "-" {
			s.shellError(hc, "dirs: %s: invalid option", opt)
			return interp.ExitStatus(2)
		}
		for _, c := range opt[1:] {
			switch c {
			case 'l':
				long = true
			case 'p':
				perLine = true
			case 'v':
				perLine, numbered = true, true
			default:
				s.shellError(hc, "dirs: -%c: invalid option", c)
				return interp.ExitStatus(2)
			}
		}
	}
	home := hc.Env.Get("HOME").String()
	shown := make([]string, len(stack))
	for i, dir := range stack {
		shown[i] = dir
		if !long && home != "" && home != "/" && (dir == home || strings.HasPrefix(dir, home+"/")) {
			shown[i] = "~" + dir[len(home):]
		}
	}
	switch {
	case numbered:
		for i, dir := range shown {
			fmt.Fprintf(hc.Stdout, "%2d  %s\n", i, dir)
		}
	case perLine:
		fmt.Fprintln(hc.Stdout, strings.Join(shown, "\n"))
	default:
		fmt.Fprintln(hc.Stdout, strings.Join(shown, " "))
	}
	return nil
}
