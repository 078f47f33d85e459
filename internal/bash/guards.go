package bash

import (
	"context"
	"slices"
	"strconv"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Inputs that make the interpreter panic, and what bash does with them
// instead:
//
//   - a variable looked up by the empty name: `unset ""`, `test -v ""`,
//     `[[ -v $name ]]` with name empty. bash finds no such variable (and
//     unset -v says the name is not valid);
//   - `shift -N`: bash refuses a negative count;
//   - arithmetic assigning to an array element (arrayarith.go);
//   - an associative array's literal with elements without a subscript.
//
// guardCall handles the commands, guardSource rewrites [[ -v ]], the
// arithmetic and the literals.

// guardCommand runs a command guardCall took: `__devstack_guard NAME ARGS`.
const guardCommand = "__devstack_guard"

// guardCall routes the commands above to guardCommand (done is true), or
// gives test a name it can look up; other commands are left as they are.
func guardCall(args []string) (_ []string, done bool) {
	switch args[0] {
	case "unset":
		if slices.Contains(args[1:], "") {
			return append([]string{guardCommand}, args...), true
		}
	case "shift":
		if len(args) == 2 {
			if n, err := strconv.Atoi(args[1]); err == nil && n < 0 {
				return append([]string{guardCommand}, args...), true
			}
		}
	case "test", "[":
		for i := 1; i+1 < len(args); i++ {
			if args[i] == "-v" && args[i+1] == "" {
				// No variable has this name either, and the
				// interpreter can look it up.
				args = slices.Clone(args)
				args[i+1] = noSuchName
			}
		}
	}
	return args, false
}

// noSuchName is a variable name that is never set: what an empty name is
// looked up as.
const noSuchName = " "

// guard runs the commands guardCall routed to guardCommand.
func (s *Session) guard(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) == 0 {
		return nil
	}
	complain := func(format string, a ...any) { s.shellError(hc, format, a...) }
	switch args[0] {
	case "unset":
		// Only unset -v says so; an empty name is no variable and no
		// function either way.
		vars := false
		var rest []string
		status := 0
		for _, arg := range args[1:] {
			switch {
			case arg == "-v":
				vars = true
			case arg == "" && vars:
				complain("unset: `': not a valid identifier")
				status = 1
				continue
			case arg == "":
				continue
			}
			rest = append(rest, arg)
		}
		if err := hc.Builtin(ctx, append([]string{"unset"}, rest...)); err != nil {
			return err
		}
		return exitStatus(status)
	case "shift":
		complain("shift: %s: shift count out of range", args[1])
		return interp.ExitStatus(1)
	}
	return nil
}

// guardSource rewrites, in a script's text, `-v WORD` in [[ ]] where WORD
// is one parameter ($name, "${name}") to `-v "${name:- }"`, and `-v ""` to
// `-v " "`: an empty value is a name no variable has.
func guardSource(name string, src []byte) []byte {
	if !containsAny(src, "-v", "((") {
		return src
	}
	file, err := parseSource(name, src)
	if err != nil {
		return src
	}
	edits := arithEdits(file, src)
	walk(file, func(node syntax.Node) bool {
		test, ok := node.(*syntax.UnaryTest)
		if !ok || test.Op != syntax.TsVarSet {
			return true
		}
		word, ok := test.X.(*syntax.Word)
		if !ok {
			return true
		}
		whole := Edit{Offset: word.Pos().Offset(), Remove: word.End().Offset() - word.Pos().Offset()}
		if param := loneParam(word); param != nil {
			whole.Text = `"${` + param.Param.Value + ":-" + noSuchName + `}"`
			edits = append(edits, whole)
		} else if emptyQuotes(word) {
			whole.Text = `"` + noSuchName + `"`
			edits = append(edits, whole)
		}
		return true
	})
	return ApplyEdits(src, edits)
}

// loneParam is the parameter a word is made of alone, quoted or not, with
// no operator: $name, ${name}, "$name".
func loneParam(word *syntax.Word) *syntax.ParamExp {
	parts := word.Parts
	if len(parts) == 1 {
		if dq, ok := parts[0].(*syntax.DblQuoted); ok {
			parts = dq.Parts
		}
	}
	if len(parts) != 1 {
		return nil
	}
	pe, ok := parts[0].(*syntax.ParamExp)
	if !ok || pe.Param == nil || pe.Excl || pe.Length || pe.Width || pe.Index != nil || pe.Slice != nil || pe.Repl != nil || pe.Names != 0 || pe.Exp != nil {
		return nil
	}
	return pe
}

// emptyQuotes reports whether a word is made of empty quotes only: "", ”.
func emptyQuotes(word *syntax.Word) bool {
	for _, part := range word.Parts {
		switch p := part.(type) {
		case *syntax.SglQuoted:
			if p.Value != "" {
				return false
			}
		case *syntax.DblQuoted:
			if len(p.Parts) > 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
