package bash

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
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
			b.WriteString(s.functionDefinition(name, s.runner.Funcs[name]) + "\n")
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
			fmt.Fprintf(&b, "[%s]=%s ", setQuote(k), doubleQuote(vr.Map[k]))
		}
		b.WriteByte(')')
		return b.String()
	}
	return setQuote(vr.String())
}

// setQuote quotes a value as bash's set does: as it is when no character
// is special, in $'...' when it holds control characters, else in single
// quotes.
func setQuote(v string) string {
	special := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c == 0x7f {
			return ansiQuote(v, false)
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

// doubleQuote is an array element as declare -p prints it.
func doubleQuote(v string) string {
	return `"` + escapeDouble(v) + `"`
}
