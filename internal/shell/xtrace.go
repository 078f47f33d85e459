package shell

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
)

// The interpreter's own xtrace ignores PS4, so `set -x` is kept out of the
// interpreter and traced here instead: each simple command is rewritten to
// xtraceCommand, which expands PS4 in the running shell (so a PS4 calling a
// function, as DevStack's does, works), writes the line to BASH_XTRACEFD,
// the session's Trace (the log of a run) or standard error, then runs the
// command.
const (
	xtraceCommand  = "__devstack_xtrace"
	setListCommand = "__devstack_setlist"
	ps4Variable    = "__devstack_ps4"
)

// posixOptions are the options set -o knows, in bash's listing order,
// with their letters.
var posixOptions = []struct {
	letter byte
	name   string
}{
	{'a', "allexport"}, {'E', "errtrace"}, {'T', "functrace"}, {'n', "noexec"},
	{'f', "noglob"}, {'u', "nounset"}, {' ', "pipefail"}, {'x', "xtrace"}, {'e', "errexit"},
}

// setCommand follows a set command into the session's record of the
// options and returns what the interpreter should run: without the options
// it lacks (errtrace, functrace) or that the session handles (xtrace, when
// it emulates it), and listings (set -o, set +o) answered by the session.
func (s *Session) setCommand(args []string) []string {
	if len(args) == 2 && (args[1] == "-o" || args[1] == "+o") {
		return []string{setListCommand, args[1]}
	}
	keep := func(name string) bool {
		return name != "errtrace" && name != "functrace" && name != "xtrace"
	}
	out := args[:1:1]
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-" || len(a) < 2 || a[0] != '-' && a[0] != '+' {
			out = append(out, args[i:]...)
			break
		}
		on := a[0] == '-'
		if a[1] == 'o' && len(a) == 2 {
			if i+1 < len(args) {
				i++
				s.setOption(args[i], on)
				if keep(args[i]) {
					out = append(out, a, args[i])
				}
			}
			continue
		}
		letters := a[:1]
		for _, c := range []byte(a[1:]) {
			name := optionName(c)
			s.setOption(name, on)
			if name == "" || keep(name) {
				letters += string(c)
			}
		}
		if len(letters) > 1 {
			out = append(out, letters)
		}
	}
	if len(out) == 1 && len(args) > 1 {
		// Nothing left for the interpreter, and set alone would list
		// every variable.
		return []string{"true"}
	}
	return out
}

func optionName(letter byte) string {
	for _, o := range posixOptions {
		if o.letter == letter {
			return o.name
		}
	}
	return ""
}

func (s *Session) setOption(name string, on bool) {
	if name == "" {
		return
	}
	s.mu.Lock()
	s.options[name] = on
	s.mu.Unlock()
}

// setList prints the options as set -o (a table) or set +o (commands)
// does.
func (s *Session) setList(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range sortedOptions() {
		on := s.options[o]
		if args[0] == "+o" {
			sign := "+"
			if on {
				sign = "-"
			}
			fmt.Fprintf(hc.Stdout, "set %so %s\n", sign, o)
			continue
		}
		state := "off"
		if on {
			state = "on"
		}
		fmt.Fprintf(hc.Stdout, "%-15s\t%s\n", o, state)
	}
	return nil
}

func sortedOptions() []string {
	names := []string{"allexport", "errexit", "errtrace", "functrace", "noexec", "noglob", "nounset", "pipefail", "xtrace"}
	return names
}

// xtrace writes the trace line of a command and runs it.
func (s *Session) xtrace(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	line := hc.Pos.Line()
	padding := ""
	if line > 1 {
		// Evaluated text starts at line 1; the padding puts it on the
		// traced command's line, for LINENO and caller in PS4.
		padding = strings.Repeat("\n", int(line)-1)
	}
	prefix := "+ "
	if ps4 := hc.Env.Get("PS4"); ps4.IsSet() {
		s.mu.Lock()
		s.inPS4 = true
		s.mu.Unlock()
		err := hc.Builtin(ctx, []string{"eval", padding + ps4Variable + "=\"" + escapeDoubleQuoted(ps4.String()) + "\""})
		s.mu.Lock()
		s.inPS4 = false
		s.mu.Unlock()
		prefix = ""
		if err == nil {
			prefix = hc.Env.Get(ps4Variable).String()
		}
		s.mu.Lock()
		s.untraced = "unset"
		s.mu.Unlock()
		hc.Builtin(ctx, []string{"eval", "unset " + ps4Variable})
	}
	shown := args
	if args[0] == letCommand {
		// let is traced under its own name.
		shown = append([]string{"let"}, args[1:]...)
	}
	s.traceTo(hc).Write([]byte(prefix + quoteArgs(shown, 0) + "\n"))
	s.mu.Lock()
	s.untraced = args[0]
	s.mu.Unlock()
	return hc.Builtin(ctx, []string{"eval", padding + quoteArgs(args, 0)})
}

// traceTo is where trace lines go: BASH_XTRACEFD if it names an open
// descriptor, else the session's Trace, else standard error.
func (s *Session) traceTo(hc interp.HandlerContext) io.Writer {
	if fd, err := strconv.Atoi(hc.Env.Get("BASH_XTRACEFD").String()); err == nil {
		switch fd {
		case 1:
			return hc.Stdout
		case 2:
			return hc.Stderr
		}
		s.mu.Lock()
		f := s.fds[fd]
		s.mu.Unlock()
		if f != nil {
			return f
		}
	}
	if s.opts.Trace != nil {
		return s.opts.Trace
	}
	return hc.Stderr
}

// escapeDoubleQuoted makes text safe inside double quotes while keeping
// its expansions, as a prompt string is expanded.
func escapeDoubleQuoted(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\' && i+1 < len(text) && strings.IndexByte("$`\"\\", text[i+1]) >= 0:
			b.WriteByte(c)
			b.WriteByte(text[i+1])
			i++
		case c == '\\':
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
