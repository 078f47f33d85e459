package shell

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// setVarsCommand is set without arguments: it lists the shell's variables,
// then (out of posix mode) its functions, as bash does. The interpreter
// prints nothing.
const setVarsCommand = "__devstack_setvars"

func (s *Session) setVars(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	var names []string
	vars := map[string]expand.Variable{}
	hc.Env.Each(func(name string, vr expand.Variable) bool {
		if vr.IsSet() && !strings.HasPrefix(name, "__devstack") && !isExportedFunctionVar(name) {
			names = append(names, name)
			vars[name] = vr
		}
		return true
	})
	slices.Sort(names)
	var b bytes.Buffer
	for _, name := range names {
		b.WriteString(name + "=" + bashValue(vars[name]) + "\n")
	}
	s.mu.Lock()
	posix := s.options["posix"]
	s.mu.Unlock()
	if !posix {
		funcs := make([]string, 0, len(s.runner.Funcs))
		for name := range s.runner.Funcs {
			if !strings.HasPrefix(name, "__devstack") {
				funcs = append(funcs, name)
			}
		}
		slices.Sort(funcs)
		for _, name := range funcs {
			if body, ok := s.originalBody(name); ok {
				b.WriteString(functionText(name, body))
			}
		}
	}
	_, err := hc.Stdout.Write(b.Bytes())
	return err
}

// bashValue is a variable's value as set and declare -p print it.
func bashValue(vr expand.Variable) string {
	switch vr.Kind {
	case expand.Indexed:
		var b strings.Builder
		b.WriteByte('(')
		for i, v := range vr.List {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "[%d]=%s", i, doubleQuote(v))
		}
		b.WriteByte(')')
		return b.String()
	case expand.Associative:
		keys := make([]string, 0, len(vr.Map))
		for k := range vr.Map {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var b strings.Builder
		b.WriteByte('(')
		for _, k := range keys {
			fmt.Fprintf(&b, "[%s]=%s ", shellQuote(k), doubleQuote(vr.Map[k]))
		}
		b.WriteByte(')')
		return b.String()
	}
	return shellQuote(vr.String())
}

// shellQuote quotes a value as bash's set does: as it is when no
// character is special, in $'...' when it holds control characters, else
// in single quotes.
func shellQuote(v string) string {
	special := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c == 0x7f {
			return ansiQuote(v)
		}
		switch {
		case strings.IndexByte(" \t\n'\"\\|&;()<>!{}*[?]^$`", c) >= 0:
			special = true
		case c == '~' && (i == 0 || v[i-1] == '=' || v[i-1] == ':'):
			special = true
		case c == '#' && i == 0:
			special = true
		}
	}
	if !special {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// ansiQuote is bash's $'...' form of a value.
func ansiQuote(v string) string {
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch c {
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		case 0x1b:
			b.WriteString(`\E`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\v':
			b.WriteString(`\v`)
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteString(`\` + strconv.FormatInt(int64(c), 8))
				continue
			}
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// doubleQuote is an array element as declare -p prints it.
func doubleQuote(v string) string {
	return `"` + escapeDouble(v) + `"`
}

// functionText prints a function as bash lists it: the name, then the
// body in braces, indented by four spaces.
func functionText(name string, body *syntax.Stmt) string {
	var b strings.Builder
	b.WriteString(name + " () \n{ \n")
	printer := syntax.NewPrinter(syntax.Indent(4))
	stmts := []*syntax.Stmt{body}
	if block, ok := body.Cmd.(*syntax.Block); ok {
		stmts = block.Stmts
	}
	for _, st := range stmts {
		var out strings.Builder
		printer.Print(&out, st)
		for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
			b.WriteString("    " + line + "\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// printFunctions is declare -f: the functions named, or all of them, as
// written (without the session's rewrites); status 1 if a name is not a
// function.
func (s *Session) printFunctions(hc interp.HandlerContext, names []string) error {
	if len(names) == 0 {
		for name := range s.runner.Funcs {
			if !strings.HasPrefix(name, "__devstack") {
				names = append(names, name)
			}
		}
		slices.Sort(names)
	}
	var status error
	for _, name := range names {
		body, ok := s.originalBody(name)
		if !ok {
			status = interp.ExitStatus(1)
			continue
		}
		fmt.Fprint(hc.Stdout, functionText(name, body))
	}
	return status
}
