package lifecycle

import (
	"bytes"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"devstack/internal/bash"
)

// A DevStack tree's own scripts run unchanged but for two rewrites of their
// text, each keeping every line where it was, so that LINENO, xtrace and
// messages still point at the file on disk:
//
//   - every loop over extras.d/*.sh that sources each file (stack.sh,
//     unstack.sh and clean.sh of 2014's trees, run_phase in later ones)
//     ends each pass with the tool's `__devstack_extras_ensure FILE ARGS`,
//     which sources the file if the loop's own body passed over it:
//     master's run_phase sources only 80-tempest.sh, and the tool sources
//     every extras.d/*.sh, in the loop's order, with the loop's arguments.
//     What the loop does itself is left as it is, xtrace included;
//   - with --allow-root, the root refusal of stack.sh and unstack.sh,
//     `if [[ $EUID -eq 0 ]]; then ... exit 1; fi`, has its test replaced
//     by `false`, which bash harnesses do by hand.

// ensureCommand ends each pass of an extras.d loop.
const ensureCommand = "__devstack_extras_ensure"

// rewriteExtrasLoops adds `__devstack_extras_ensure "$VAR" ARGS;` before
// the `done` of each `for VAR in .../extras.d/*.sh; do ... source $VAR
// ARGS...; done`.
func rewriteExtrasLoops(name string, src []byte) []byte {
	if !bytes.Contains(src, []byte("extras.d/")) {
		return src
	}
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
	if err != nil {
		return src
	}
	text := func(n syntax.Node) string { return string(src[n.Pos().Offset():n.End().Offset()]) }
	var edits []bash.Edit
	syntax.Walk(file, func(node syntax.Node) bool {
		loop, ok := node.(*syntax.ForClause)
		if !ok {
			return true
		}
		iter, ok := loop.Loop.(*syntax.WordIter)
		if !ok || !slices.ContainsFunc(iter.Items, func(w *syntax.Word) bool { return strings.HasSuffix(text(w), "extras.d/*.sh") }) {
			return true
		}
		args, found := sourcedArgs(loop.Do, iter.Name.Value, text)
		if !found {
			return true
		}
		call := strings.Join(append([]string{ensureCommand, `"$` + iter.Name.Value + `"`}, args...), " ") + "; "
		at := loop.DonePos.Offset()
		edits = append(edits, bash.Edit{Offset: at, Text: call})
		return false
	})
	if len(edits) == 0 {
		return src
	}
	return bash.ApplyEdits(src, edits)
}

// sourcedArgs finds `source $VAR ARGS...` (or `.`) in a loop body and
// returns the text of ARGS.
func sourcedArgs(body []*syntax.Stmt, variable string, text func(syntax.Node) string) ([]string, bool) {
	var args []string
	found := false
	for _, stmt := range body {
		syntax.Walk(stmt, func(node syntax.Node) bool {
			call, ok := node.(*syntax.CallExpr)
			if found || !ok || len(call.Args) < 2 {
				return !found
			}
			if cmd := call.Args[0].Lit(); cmd != "source" && cmd != "." {
				return true
			}
			if v := text(call.Args[1]); v != "$"+variable && v != "${"+variable+"}" && v != `"$`+variable+`"` {
				return true
			}
			for _, w := range call.Args[2:] {
				args = append(args, text(w))
			}
			found = true
			return false
		})
	}
	return args, found
}

// rewriteRootRefusal replaces the test of each top-level
// `if [[ $EUID -eq 0 ]]` with `false`.
func rewriteRootRefusal(name string, src []byte) []byte {
	if !bytes.Contains(src, []byte("EUID")) {
		return src
	}
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
	if err != nil {
		return src
	}
	var edits []bash.Edit
	for _, stmt := range file.Stmts {
		clause, ok := stmt.Cmd.(*syntax.IfClause)
		if !ok || len(clause.Cond) != 1 {
			continue
		}
		test, ok := clause.Cond[0].Cmd.(*syntax.TestClause)
		if !ok {
			continue
		}
		words := strings.Fields(string(src[test.Pos().Offset():test.End().Offset()]))
		if slices.Equal(words, []string{"[[", "$EUID", "-eq", "0", "]]"}) {
			edits = append(edits, bash.Edit{Offset: test.Pos().Offset(), Remove: test.End().Offset() - test.Pos().Offset(), Text: "false"})
		}
	}
	if len(edits) == 0 {
		return src
	}
	return bash.ApplyEdits(src, edits)
}
