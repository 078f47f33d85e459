package bash

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// The interpreter follows a nameref (declare -n) for a scalar, not for an
// array assignment: `ref=()` and `ref+=(x)` change nothing where bash
// changes the array ref names. DevStack's lib/tempest fills its image list
// that way. namerefArrays rewrites such an assignment, in a function that
// declares NAME a nameref, into `__devstack_arrayset "${!NAME}" = ELEMS`
// (or +=), which assigns to the variable the reference names; the
// elements are the same words, expanded as in the array literal.

// arraySetCommand assigns an array through a nameref.
const arraySetCommand = "__devstack_arrayset"

// namerefArrays returns the edits of the array assignments through
// namerefs in file, whose text is src.
func namerefArrays(file *syntax.File, src []byte) []Edit {
	var edits []Edit
	walk(file, func(node syntax.Node) bool {
		fn, ok := node.(*syntax.FuncDecl)
		if !ok {
			return true
		}
		refs := namerefNames(fn.Body)
		if len(refs) == 0 {
			return true
		}
		walk(fn.Body, func(node syntax.Node) bool {
			call, ok := node.(*syntax.CallExpr)
			if !ok || len(call.Args) > 0 || len(call.Assigns) != 1 {
				return true
			}
			as := call.Assigns[0]
			if as.Array == nil || as.Index != nil || !slices.Contains(refs, as.Name.Value) {
				return true
			}
			var elems []string
			for _, e := range as.Array.Elems {
				if e.Index != nil || e.Value == nil {
					// An indexed or associative element: left as it is.
					return true
				}
				elems = append(elems, string(src[e.Value.Pos().Offset():e.Value.End().Offset()]))
			}
			op := "="
			if as.Append {
				op = "+="
			}
			text := strings.Join(append([]string{arraySetCommand, `"${!` + as.Name.Value + `}"`, op}, elems...), " ")
			edits = append(edits, Edit{Offset: as.Pos().Offset(), Remove: as.End().Offset() - as.Pos().Offset(), Text: text})
			return true
		})
		return false
	})
	return edits
}

// namerefNames are the names a function body declares with -n.
func namerefNames(body *syntax.Stmt) []string {
	var names []string
	walk(body, func(node syntax.Node) bool {
		dc, ok := node.(*syntax.DeclClause)
		if !ok {
			return true
		}
		nameref := false
		for _, as := range dc.Args {
			if as.Naked && as.Name == nil && as.Value != nil && strings.HasPrefix(as.Value.Lit(), "-") && strings.Contains(as.Value.Lit(), "n") {
				nameref = true
			}
		}
		if !nameref {
			return true
		}
		for _, as := range dc.Args {
			if as.Name != nil {
				names = append(names, as.Name.Value)
			}
		}
		return true
	})
	return names
}

// arraySet is `__devstack_arrayset TARGET =|+= WORDS...`: TARGET=(WORDS)
// or TARGET+=(WORDS), in the running shell.
func (s *Session) arraySet(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 2 || !syntax.ValidName(args[0]) {
		return interp.ExitStatus(1)
	}
	words := make([]string, len(args)-2)
	for i, w := range args[2:] {
		words[i] = quoteWord(w)
	}
	return hc.Builtin(ctx, []string{"eval", args[0] + args[1] + "(" + strings.Join(words, " ") + ")"})
}

// A nameref must name a variable. bash refuses `declare -n ref=VALUE`
// when VALUE is empty, not a name (or name[subscript]) or ref itself; the
// interpreter takes any value, and a reference to the empty name makes it
// panic at the next expansion of ref. Every declaration with -n and a
// value is followed by refCheckCommand, which undoes the references
// bash would have refused, with bash's message, before anything expands
// them:
//
//	{ declare -n ref=VALUE; __devstack_namerefcheck $? declare ref; }

// refCheckCommand checks the references a declaration made.
const refCheckCommand = "__devstack_namerefcheck"

// declaresNameref reports whether a declaration has the -n option.
func declaresNameref(dc *syntax.DeclClause) bool {
	for _, as := range dc.Args {
		if as.Naked && as.Name == nil && as.Value != nil {
			if lit := as.Value.Lit(); strings.HasPrefix(lit, "-") && strings.Contains(lit, "n") {
				return true
			}
		}
	}
	return false
}

// namerefCheck returns the edits that put a nameref declaration with
// values in a group with refCheckCommand after it; ok is false for other
// declarations. opening must come before any other edit at the
// declaration's start, closing after any at its end.
func namerefCheck(dc *syntax.DeclClause) (opening, closing Edit, ok bool) {
	if !declaresNameref(dc) {
		return Edit{}, Edit{}, false
	}
	names := []string{}
	for _, as := range dc.Args {
		if as.Name != nil && !as.Naked && as.Array == nil && as.Index == nil {
			names = append(names, as.Name.Value)
		}
	}
	if len(names) == 0 {
		return Edit{}, Edit{}, false
	}
	opening = Edit{Offset: dc.Pos().Offset(), Text: "{ "}
	closing = Edit{Offset: dc.End().Offset(), Text: "; " + refCheckCommand + " $? " + dc.Variant.Value + " " + strings.Join(names, " ") + "; }"}
	return opening, closing, true
}

// namerefCheckCall is `__devstack_namerefcheck STATUS VARIANT NAMES...`:
// each name that is now a reference bash would have refused is unset, as
// if the declaration had not made it, and the status is 1; otherwise it
// is STATUS, the declaration's.
func (s *Session) namerefCheckCall(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 2 {
		return nil
	}
	status, _ := strconv.Atoi(args[0])
	variant := args[1]
	for _, name := range args[2:] {
		// The environment gives the reference itself, not what it names.
		vr := hc.Env.Get(name)
		if vr.Kind != expand.NameRef {
			continue
		}
		var problem string
		switch target := vr.Str; {
		case target == "":
			problem = "`': not a valid identifier"
		case target == name:
			problem = name + ": nameref variable self references not allowed"
		case !validNamerefTarget(target):
			problem = "`" + target + "': invalid variable name for name reference"
		default:
			continue
		}
		s.shellError(hc, "%s: %s", variant, problem)
		if err := hc.Builtin(ctx, []string{"unset", name}); err != nil {
			return err
		}
		status = 1
	}
	return exitStatus(status)
}

// validNamerefTarget reports whether a nameref may name target: a
// variable, or an element of an array as name[subscript].
func validNamerefTarget(target string) bool {
	name, rest, subscript := strings.Cut(target, "[")
	if !syntax.ValidName(name) {
		return false
	}
	return !subscript || len(rest) > 1 && strings.HasSuffix(rest, "]")
}
