package shell

import (
	"context"
	"slices"
	"strings"

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
	syntax.Walk(file, func(node syntax.Node) bool {
		fn, ok := node.(*syntax.FuncDecl)
		if !ok {
			return true
		}
		refs := namerefNames(fn.Body)
		if len(refs) == 0 {
			return true
		}
		syntax.Walk(fn.Body, func(node syntax.Node) bool {
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
	syntax.Walk(body, func(node syntax.Node) bool {
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
