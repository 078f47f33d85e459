package bash

import (
	"context"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Runtime errors the session words as bash does, with where they
// happened: "FILE: line N: MESSAGE".

// unsetCommand is the unset builtin (compatCall): the interpreter unsets
// a readonly variable without a word and with status 0; bash refuses, and
// goes on with the other names.
const unsetCommand = "__devstack_unset"

func (s *Session) unset(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	functions := false
	var names, options []string
	for i, a := range args {
		if len(a) > 1 && a[0] == '-' && a != "--" && names == nil {
			options = append(options, a)
			functions = functions || a == "-f"
			continue
		}
		if a == "--" && names == nil {
			names = append(names, args[i+1:]...)
			break
		}
		names = append(names, a)
	}
	var kept []string
	var status error
	for _, name := range names {
		if !functions && hc.Env.Get(name).ReadOnly {
			s.shellError(hc, "%s", "unset: "+name+": cannot unset: readonly variable")
			status = interp.ExitStatus(1)
			continue
		}
		kept = append(kept, name)
	}
	if len(kept) > 0 || len(names) == 0 {
		if err := hc.Builtin(ctx, append(append([]string{"unset"}, options...), kept...)); err != nil {
			return err
		}
	}
	return status
}

// errorMessageEdits give ${NAME?} and ${NAME:?} bash's message, which the
// interpreter leaves empty.
func errorMessageEdits(pe *syntax.ParamExp) []Edit {
	if pe.Exp == nil || pe.Exp.Word != nil || !pe.Rbrace.IsValid() {
		return nil
	}
	switch pe.Exp.Op {
	case syntax.ErrorUnset:
		return []Edit{{Offset: pe.Rbrace.Offset(), Text: "parameter not set"}}
	case syntax.ErrorUnsetOrNull:
		return []Edit{{Offset: pe.Rbrace.Offset(), Text: "parameter null or not set"}}
	}
	return nil
}
