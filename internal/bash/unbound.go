package bash

import (
	"bytes"
	"context"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Under set -u, bash reports a variable expanded while unset as "FILE:
// line N: NAME: unbound variable" ("$1" for a positional parameter) and
// the shell exits with status 1. The interpreter writes its message
// without the file and line, straight to the shell's standard error, from
// the middle of an expansion, where no handler sees it first.
//
// xtraceSource therefore puts, before each statement of a list (or in a
// group with a command of an && or || list or of a pipeline) that
// expands variables in its own words (a simple command, an assignment, a
// declaration, (( )), [[ ]] up to its first && or ||, the words of for
// and of case; elements, and names read by arithmetic, too), a command
// that names them: `${nounsetVar:+unboundCommand X '$1'${1+=}}`, a
// variable by its name, for the command to look up, an element or a
// positional parameter followed by "=" when it is set. While set -u is
// off, nounsetVar is empty (set, for a short lookup), the word expands to
// nothing and no command runs; while it is on, unboundCommand runs and,
// at the first of them unset, writes bash's message and exits the shell,
// before the interpreter expands it. Before a statement that expands $?,
// which the empty command would set to 0, the command always runs, and
// passes the status on (passOn). An assignment's check is an argument of
// the command already before it (assignCheck), which passes $? on.
const (
	unboundCommand = "__devstack_ub"
	nounsetVar     = "__devstack_nu"
)

// nounsetOn reports whether set -u is on in the shell running a command.
func nounsetOn(hc interp.HandlerContext) bool {
	return hc.Env.Get(nounsetVar).String() != ""
}

// stmtLists are the lists of statements a node holds directly.
func stmtLists(node syntax.Node) [][]*syntax.Stmt {
	switch n := node.(type) {
	case *syntax.File:
		return [][]*syntax.Stmt{n.Stmts}
	case *syntax.Block:
		return [][]*syntax.Stmt{n.Stmts}
	case *syntax.Subshell:
		return [][]*syntax.Stmt{n.Stmts}
	case *syntax.IfClause:
		return [][]*syntax.Stmt{n.Cond, n.Then}
	case *syntax.WhileClause:
		return [][]*syntax.Stmt{n.Cond, n.Do}
	case *syntax.ForClause:
		return [][]*syntax.Stmt{n.Do}
	case *syntax.CaseItem:
		return [][]*syntax.Stmt{n.Stmts}
	case *syntax.CmdSubst:
		return [][]*syntax.Stmt{n.Stmts}
	case *syntax.ProcSubst:
		return [][]*syntax.Stmt{n.Stmts}
	}
	return nil
}

// unboundEdits put the check before each statement of the lists node
// holds that expands variables; an assignment's is its assignCheck's
// (assignCheck).
func unboundEdits(node syntax.Node, src []byte, known setNames) []Edit {
	var edits []Edit
	for _, list := range stmtLists(node) {
		for _, st := range list {
			if call, ok := st.Cmd.(*syntax.CallExpr); ok && len(call.Args) == 0 {
				continue
			}
			if text := unboundText(st, src, known); text != "" {
				edits = append(edits, Edit{Offset: st.Pos().Offset(), Text: text})
			}
		}
	}
	return edits
}

// unboundText is the check that goes before a statement, "" for none.
func unboundText(st *syntax.Stmt, src []byte, known setNames) string {
	checks := unboundChecks(st, src, known)
	if len(checks) == 0 {
		return ""
	}
	words := make([]string, len(checks))
	for i, c := range checks {
		words[i] = c.word()
	}
	if expandsStatus(st, src) {
		// The empty command would set $? to 0: the command runs, and
		// passes $? on.
		return passOn(unboundCommand+" "+passOnMark+" ${"+nounsetVar+":+"+strings.Join(words, " ")+"}") + "; "
	}
	return "${" + nounsetVar + ":+" + unboundCommand + " " + strings.Join(words, " ") + "}; "
}

// unboundOperandEdits put the check of each command of an && or ||
// list, or of a pipeline, that expands variables in a group with it:
// `{ CHECK; COMMAND; }`. The closings go after any other edit at their
// offsets, of constructs inside the command.
func unboundOperandEdits(n *syntax.BinaryCmd, src []byte, known setNames) (opens, closes []Edit) {
	for _, st := range []*syntax.Stmt{n.X, n.Y} {
		if _, nested := st.Cmd.(*syntax.BinaryCmd); nested {
			continue
		}
		if call, ok := st.Cmd.(*syntax.CallExpr); ok && len(call.Args) == 0 {
			continue
		}
		if text := unboundText(st, src, known); text != "" {
			opens = append(opens, Edit{Offset: st.Pos().Offset(), Text: "{ " + text})
			closes = append(closes, Edit{Offset: st.End().Offset(), Text: "; }"})
		}
	}
	return opens, closes
}

// unboundWord is the argument of assignCheckCommand that checks the
// variables an assignment's values expand: empty while nounset is off,
// else the checks, quoted as one word; "" (no argument) when they expand
// none.
func unboundWord(call *syntax.CallExpr, src []byte, known setNames) string {
	checks := unknown(commandChecks(call, srcText(src)), known[call])
	if len(checks) == 0 {
		return ""
	}
	words := make([]string, len(checks))
	for i, c := range checks {
		words[i] = c.quoted()
	}
	return `"${` + nounsetVar + ":+" + strings.Join(words, " ") + `}"`
}

// unboundCheck is the check of one expansion: its label, as bash's
// message names it, and the parameter to test, NAME or NAME[SUB].
type unboundCheck struct{ label, param string }

// word is the check as an unquoted word: the label, then "=" when the
// parameter is set.
// A variable is named alone, for unboundCommand to look up, which costs
// less text to parse than an expansion.
func (c unboundCheck) word() string {
	if c.label == c.param && isName(c.label) {
		return c.label
	}
	return "'" + c.label + "'${" + c.param + "+=}"
}

// quoted is the check as part of a double-quoted word.
func (c unboundCheck) quoted() string {
	if c.label == c.param && isName(c.label) {
		return c.label
	}
	return escapeDouble(c.label) + "${" + c.param + "+=}"
}

// unboundChecks are the checks of the variables a statement expands in
// its own words, in the order it expands them.
func unboundChecks(st *syntax.Stmt, src []byte, known setNames) []unboundCheck {
	if st.Cmd == nil || st.Background || st.Coprocess {
		return nil
	}
	for _, rd := range st.Redirs {
		if rd.Hdoc != nil {
			// A here-document expands as it is read.
			return nil
		}
	}
	return unknown(commandChecks(st.Cmd, srcText(src)), known[st.Cmd])
}

// unknown are the checks of variables not in set, those surely set.
func unknown(checks []unboundCheck, set []string) []unboundCheck {
	if len(set) == 0 {
		return checks
	}
	return slices.DeleteFunc(checks, func(c unboundCheck) bool { return slices.Contains(set, c.param) })
}

// callExpands reports whether a simple command's words may expand
// something: those made of literal text and quotes expand nothing.
func callExpands(call *syntax.CallExpr) bool {
	for _, w := range call.Args {
		if wordExpands(w.Parts) {
			return true
		}
	}
	for _, as := range call.Assigns {
		if as.Value != nil && wordExpands(as.Value.Parts) || as.Array != nil || as.Index != nil {
			return true
		}
	}
	return false
}

func wordExpands(parts []syntax.WordPart) bool {
	for _, part := range parts {
		switch p := part.(type) {
		case *syntax.Lit, *syntax.SglQuoted:
		case *syntax.DblQuoted:
			if wordExpands(p.Parts) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// expandsStatus reports whether a statement expands $?.
func expandsStatus(st *syntax.Stmt, src []byte) bool {
	text := src[st.Pos().Offset():st.End().Offset()]
	return bytes.Contains(text, []byte("$?")) || bytes.Contains(text, []byte("${?"))
}

// passOnMark, first, makes unboundCommand pass the status before it on.
const passOnMark = "-p"

// srcText gives a node's text in src.
func srcText(src []byte) func(syntax.Node) string {
	return func(n syntax.Node) string { return string(src[n.Pos().Offset():n.End().Offset()]) }
}

// partCheck is the check that goes before a part of a [[ ]] split at &&
// and || (testParts), for the part's first primary; "" for none.
func partCheck(x syntax.TestExpr, text func(syntax.Node) string) string {
	checks := commandChecks(&syntax.TestClause{X: x, Left: x.Pos(), Right: x.End()}, text)
	if len(checks) == 0 {
		return ""
	}
	words := make([]string, len(checks))
	for i, c := range checks {
		words[i] = c.word()
	}
	return "${" + nounsetVar + ":+" + unboundCommand + " " + strings.Join(words, " ") + "}; "
}

// commandChecks are unboundChecks's for a command.
func commandChecks(command syntax.Command, text func(syntax.Node) string) []unboundCheck {
	if call, ok := command.(*syntax.CallExpr); ok && !callExpands(call) {
		// Most commands expand nothing.
		return nil
	}
	var checks []unboundCheck
	var assigned []string
	note := func(c unboundCheck) {
		if !slices.Contains(checks, c) {
			checks = append(checks, c)
		}
	}
	addArithm := func(x syntax.ArithmExpr) {
		for _, name := range arithmReads(x) {
			note(unboundCheck{name, name})
		}
	}
	add := func(node syntax.Node) {
		if node == nil {
			return
		}
		walk(node, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.CmdSubst, *syntax.ProcSubst:
				return false
			case *syntax.ParamExp:
				if c, ok := checkedParam(n, text); ok && !slices.Contains(assigned, n.Param.Value) {
					note(c)
				}
				return false
			case *syntax.ArithmExp:
				addArithm(n.X)
			}
			return true
		})
	}
	addAssign := func(as *syntax.Assign) {
		if as.Value != nil {
			add(as.Value)
		}
		if as.Array != nil {
			add(as.Array)
		}
	}
	switch cmd := command.(type) {
	case *syntax.CallExpr:
		for _, w := range cmd.Args {
			add(w)
		}
		for _, as := range cmd.Assigns {
			addAssign(as)
			if len(cmd.Args) == 0 && as.Name != nil {
				// Assigned in order: a later value sees it.
				assigned = append(assigned, as.Name.Value)
			}
		}
	case *syntax.DeclClause:
		for _, as := range cmd.Args {
			addAssign(as)
		}
	case *syntax.TestClause:
		add(firstPrimary(cmd.X))
	case *syntax.ForClause:
		if wi, ok := cmd.Loop.(*syntax.WordIter); ok {
			for _, w := range wi.Items {
				add(w)
			}
		}
	case *syntax.CaseClause:
		add(cmd.Word)
	case *syntax.ArithmCmd:
		addArithm(cmd.X)
		add(cmd.X)
	default:
		return nil
	}
	return checks
}

// firstPrimary is the part of a test that runs first, whatever the rest
// gives: left of && and ||.
func firstPrimary(x syntax.TestExpr) syntax.TestExpr {
	for {
		switch n := x.(type) {
		case *syntax.BinaryTest:
			if n.Op != syntax.AndTest && n.Op != syntax.OrTest {
				return n
			}
			x = n.X
		case *syntax.ParenTest:
			x = n.X
		default:
			return x
		}
	}
}

// checkedParam is the check of a parameter expansion that fails under
// set -u: a variable, an element or a positional parameter expanded
// without an operator that allows it unset, not an indirection.
// An element is named as written, quoted, as bash's message names it;
// one whose subscript would run something again is left out, as is
// ${A[@]}, which bash lets expand to nothing.
func checkedParam(pe *syntax.ParamExp, text func(syntax.Node) string) (unboundCheck, bool) {
	if pe.Param == nil || pe.Excl || pe.Names != 0 || pe.NestedParam != nil {
		return unboundCheck{}, false
	}
	name := pe.Param.Value
	if pe.Index != nil {
		sub := text(pe.Index)
		if !isName(name) || sub == "@" || sub == "*" || strings.ContainsAny(sub, "'`=+- \t\n\\") || strings.Contains(sub, "$(") || pe.Exp != nil && !checkedOp(pe.Exp.Op) {
			return unboundCheck{}, false
		}
		elem := name + "[" + sub + "]"
		return unboundCheck{elem, elem}, true
	}
	if name == "LINENO" || strings.HasPrefix(name, "__devstack_") {
		return unboundCheck{}, false
	}
	if !isName(name) && (name == "" || strings.Trim(name, "0123456789") != "" || name == "0") {
		return unboundCheck{}, false
	}
	if pe.Exp != nil && !checkedOp(pe.Exp.Op) {
		return unboundCheck{}, false
	}
	label := name
	if !isName(name) {
		label = "$" + name
	}
	return unboundCheck{label, name}, true
}

// checkedOp reports whether an expansion's operator fails on an unset
// parameter under set -u, as all do but the defaults, alternatives,
// assignments and errors.
func checkedOp(op syntax.ParExpOperator) bool {
	switch op {
	case syntax.AlternateUnset, syntax.AlternateUnsetOrNull, syntax.DefaultUnset, syntax.DefaultUnsetOrNull,
		syntax.ErrorUnset, syntax.ErrorUnsetOrNull, syntax.AssignUnset, syntax.AssignUnsetOrNull:
		return false
	}
	return true
}

// arithmReads are the plain names an arithmetic expression reads, in
// order; none for one whose parts may not all run (&&, ||, ?:), or that
// reads an element.
func arithmReads(x syntax.ArithmExpr) []string {
	var names []string
	ok := true
	var visit func(x syntax.ArithmExpr, read bool)
	visit = func(x syntax.ArithmExpr, read bool) {
		switch n := x.(type) {
		case *syntax.Word:
			name := n.Lit()
			if name == "" {
				return
			}
			if strings.Contains(name, "[") {
				ok = false
				return
			}
			if read && syntax.ValidName(name) && !strings.HasPrefix(name, "__devstack_") && !slices.Contains(names, name) {
				names = append(names, name)
			}
		case *syntax.BinaryArithm:
			switch n.Op {
			case syntax.AndArit, syntax.OrArit, syntax.TernQuest, syntax.TernColon:
				ok = false
				return
			case syntax.Assgn:
				visit(n.Y, true)
				return
			}
			visit(n.X, true)
			visit(n.Y, true)
		case *syntax.UnaryArithm:
			visit(n.X, true)
		case *syntax.ParenArithm:
			visit(n.X, true)
		}
	}
	visit(x, true)
	if !ok {
		return nil
	}
	return names
}

// unbound is unboundCommand: WORDS..., each NAME= for a variable set and
// NAME for one unset (split here: IFS may not split them).
func (s *Session) unbound(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	passOn := len(args) > 0 && args[0] == passOnMark
	if passOn {
		args = args[1:]
	}
	for _, arg := range args {
		for _, label := range strings.Fields(arg) {
			if strings.HasSuffix(label, "=") || isName(label) && scalarSet(hc.Env, label) {
				continue
			}
			s.shellError(hc, "%s: unbound variable", label)
			return s.exitShell(ctx, []string{"1"})
		}
	}
	if passOn && hc.LastExitStatus != 0 {
		return interp.ExitStatus(uint8(hc.LastExitStatus))
	}
	return nil
}

// unboundArgs runs unbound on the first argument of assignCheckCommand,
// when it has one (unboundWord: the others come in threes), and gives
// the others.
func (s *Session) unboundArgs(ctx context.Context, args []string) ([]string, error) {
	if len(args)%3 != 1 {
		return args, nil
	}
	if args[0] == "" {
		return args[1:], nil
	}
	return args[1:], s.unbound(ctx, args[:1])
}

// scalarSet reports whether $NAME expands a value: a variable that is
// set, or, for an array, its element 0.
func scalarSet(env expand.Environ, name string) bool {
	vr := env.Get(name)
	if vr.Kind == expand.NameRef {
		_, vr = vr.Resolve(env)
	}
	switch vr.Kind {
	case expand.Indexed:
		return len(vr.List) > 0
	case expand.Associative:
		_, ok := vr.Map["0"]
		return ok
	}
	return vr.IsSet()
}
