package bash

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
)

// The interpreter's shopt knows neither -q nor -p, and lists options in a
// format of its own. shoptCommand is bash's shopt: the options the
// interpreter implements are set there and read back from it; the others
// keep bash's default, which is all a script can rely on here, and setting
// one of them otherwise is refused, as the interpreter refuses it.
const shoptCommand = "__devstack_shopt"

// bashShoptDefaults are bash 5.2's shopt options, in its order, with their
// state in a shell running a script.
var bashShoptDefaults = []struct {
	name string
	on   bool
}{
	{"autocd", false}, {"assoc_expand_once", false}, {"cdable_vars", false}, {"cdspell", false},
	{"checkhash", false}, {"checkjobs", false}, {"checkwinsize", true}, {"cmdhist", true},
	{"compat31", false}, {"compat32", false}, {"compat40", false}, {"compat41", false},
	{"compat42", false}, {"compat43", false}, {"compat44", false}, {"complete_fullquote", true},
	{"direxpand", false}, {"dirspell", false}, {"dotglob", false}, {"execfail", false},
	{"expand_aliases", false}, {"extdebug", false}, {"extglob", false}, {"extquote", true},
	{"failglob", false}, {"force_fignore", true}, {"globasciiranges", true}, {"globskipdots", true},
	{"globstar", false}, {"gnu_errfmt", false}, {"histappend", false}, {"histreedit", false},
	{"histverify", false}, {"hostcomplete", true}, {"huponexit", false}, {"inherit_errexit", false},
	{"interactive_comments", true}, {"lastpipe", false}, {"lithist", false}, {"localvar_inherit", false},
	{"localvar_unset", false}, {"login_shell", false}, {"mailwarn", false}, {"no_empty_cmd_completion", false},
	{"nocaseglob", false}, {"nocasematch", false}, {"noexpand_translation", false}, {"nullglob", false},
	{"patsub_replacement", true}, {"progcomp", true}, {"progcomp_alias", false}, {"promptvars", true},
	{"restricted_shell", false}, {"shift_verbose", false}, {"sourcepath", true}, {"varredir_close", false},
	{"xpg_echo", false},
}

// shopt runs the shopt builtin.
func (s *Session) shopt(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	where := s.bashWhere(hc.Pos.Line())
	var print, quiet, set, unset, posix bool
	args, err := s.builtinOptions(hc, "shopt", "shopt [-pqsu] [-o] [optname ...]", args, func(c rune) bool {
		switch c {
		case 'p':
			print = true
		case 'q':
			quiet = true
		case 's':
			set = true
		case 'u':
			unset = true
		case 'o':
			posix = true
		default:
			return false
		}
		return true
	})
	if err != nil {
		return err
	}
	if set && unset {
		fmt.Fprintf(hc.Stderr, "%s shopt: cannot set and unset shell options simultaneously\n", where)
		return interp.ExitStatus(1)
	}
	names, states := s.shoptStates(ctx, posix)
	line := func(name string, on bool) {
		switch {
		case quiet:
		case print && posix:
			fmt.Fprintf(hc.Stdout, "set %co %s\n", map[bool]byte{true: '-', false: '+'}[on], name)
		case print:
			fmt.Fprintf(hc.Stdout, "shopt %s %s\n", map[bool]string{true: "-s", false: "-u"}[on], name)
		default:
			fmt.Fprintf(hc.Stdout, "%-15s\t%s\n", name, map[bool]string{true: "on", false: "off"}[on])
		}
	}
	if len(args) == 0 {
		for _, name := range names {
			if on := states[name]; !set && !unset || set && on || unset && !on {
				line(name, on)
			}
		}
		return nil
	}
	status := 0
	for _, name := range args {
		on, known := states[name]
		if !known {
			kind := "shell option"
			if posix {
				kind = "option"
			}
			fmt.Fprintf(hc.Stderr, "%s shopt: %s: invalid %s name\n", where, name, kind)
			status = 1
			continue
		}
		switch {
		case set || unset:
			if err := s.setShopt(ctx, posix, name, set); err != nil {
				return err
			}
		case on:
			line(name, on)
		default:
			line(name, on)
			status = 1
		}
	}
	if status != 0 {
		return interp.ExitStatus(uint8(status))
	}
	return nil
}

// shoptStates are the options and their states: set -o's with -o, else
// shopt's, the interpreter's own read back from it.
func (s *Session) shoptStates(ctx context.Context, posix bool) ([]string, map[string]bool) {
	hc := interp.HandlerCtx(ctx)
	states := map[string]bool{}
	var names []string
	if posix {
		s.mu.Lock()
		for _, o := range posixOptions {
			states[o.name] = s.options[o.name]
		}
		s.mu.Unlock()
		states["xtrace"] = xtraceOn(hc)
		for name := range states {
			names = append(names, name)
		}
		slices.Sort(names)
		return names, states
	}
	for _, o := range bashShoptDefaults {
		names = append(names, o.name)
		states[o.name] = o.on
	}
	// The interpreter lists its options as "NAME\tSTATE", with a note
	// after the ones it does not implement.
	for _, l := range strings.Split(s.capture(ctx, bypassCommand+" shopt"), "\n") {
		fields := strings.Split(l, "\t")
		if len(fields) == 2 {
			if _, ok := states[fields[0]]; ok {
				states[fields[0]] = fields[1] == "on"
			}
		}
	}
	return names, states
}

// setShopt sets or unsets one option.
func (s *Session) setShopt(ctx context.Context, posix bool, name string, on bool) error {
	hc := interp.HandlerCtx(ctx)
	if posix {
		// As set would, through the session's record of the options,
		// untraced: the shopt command is what xtrace shows.
		flag := map[bool]string{true: "-o", false: "+o"}[on]
		s.mu.Lock()
		shell := s.shellOf(hc)
		s.mu.Unlock()
		run := s.setCommand(shell, []string{"set", flag, name})
		return hc.Builtin(ctx, []string{"eval", bypassCommand + " " + quoteArgs(run, 0)})
	}
	flag := map[bool]string{true: "-s", false: "-u"}[on]
	return hc.Builtin(ctx, []string{"eval", bypassCommand + " shopt " + flag + " " + name})
}

// capture runs shell text in the running shell and returns what it
// writes on standard output, through a probe file the open handler
// serves.
func (s *Session) capture(ctx context.Context, text string) string {
	hc := interp.HandlerCtx(ctx)
	s.mu.Lock()
	if s.errs.probes == nil {
		s.errs.probes = map[string]*probeBuffer{}
	}
	s.errs.probeN++
	path := probePrefix + strconv.Itoa(s.errs.probeN)
	buf := &probeBuffer{}
	s.errs.probes[path] = buf
	s.mu.Unlock()
	hc.Builtin(ctx, []string{"eval", "{ " + text + "; } >" + path})
	s.mu.Lock()
	delete(s.errs.probes, path)
	s.mu.Unlock()
	return buf.String()
}
