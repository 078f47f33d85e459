package bash

import (
	"bytes"
	"context"
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
		b.WriteString(name + "=" + s.setValue(name, vars[name]) + "\n")
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

// setValue is a variable's value as set prints it.
func (s *Session) setValue(name string, vr expand.Variable) string {
	if vr.Kind == expand.Indexed || vr.Kind == expand.Associative {
		return arrayLiteral(vr, s.insertions(name))
	}
	return setQuote(vr.String())
}

// setQuote quotes a value as bash's set does: as it is when no character
// is special, in $'...' when it holds control characters, else in single
// quotes.
func setQuote(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] == 0x7f {
			return ansiQuote(v, false)
		}
	}
	if !needsQuotes(v) {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
