package bash

import (
	"bytes"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// The interpreter gives its call handler only simple commands with words.
// bash also traces assignments, declarations, [[ ]], (( )), let, for and
// case, and marks the lines written inside a command substitution with one
// more PS4 character per level. xtraceSource rewrites a script so that the
// session sees these too: each construct is wrapped in a brace group with a
// trace command (traceHook) that writes bash's line when xtrace is on, and
// otherwise only passes the status on; each command substitution counts
// its level in levelVar. Every line stays where it was, for LINENO and
// messages.
const (
	// traceHook writes its arguments, joined, as a trace line and keeps
	// the status of the command before it.
	traceHook = "__devstack_trace"
	// traceAssign writes the trace lines of assignments: pairs of label
	// and value.
	traceAssign = "__devstack_traceassign"
	// traceDecl writes the trace of a declaration: the keyword, then a
	// kind and its words for each argument.
	traceDecl = "__devstack_tracedecl"
	// traceArray traces an array a declaration assigns.
	traceArray = "__devstack_tracearray"
	// traceStderr notes standard error before a command's redirections.
	traceStderr = "__devstack_tracestderr"
	// traceFail fails as [[ ]] would, for a test split into its parts.
	traceFail = "__devstack_tracefail"
	// traceMatch traces and runs a [[ X == Y ]] (or != or =) whose right
	// side is quoted, so matched as it is: its arguments are X, the
	// operator and Y, expanded once, as [[ ]] expands them.
	traceMatch = "__devstack_tracematch"
	// traceOK follows each trace command, as `TRACE && traceOK`: a trace
	// command passes on the status before it, which must neither trip
	// errexit nor fire the ERR trap when it is a failure bash exempts
	// (a condition, the left of && or ||); as part of an && list it does
	// neither, and the status still reaches the command after it.
	traceOK = "__devstack_traceok"
	// ps4Before is PS4 before an assignment to it.
	ps4Before = "__devstack_ps4before"
	// levelVar grows by one character in each command substitution.
	levelVar = "__devstack_level"
	// appendVar holds a variable's value before a += assignment.
	appendVar = "__devstack_append"
	// xtraceVar is "1" while xtrace is on. A variable, not session
	// state: a subshell or background job keeps the options it started
	// with, as a forked bash does.
	xtraceVar = "__devstack_xtrace"
)

// xtraceSource adds the trace commands to a script. Source that does not
// parse is returned unchanged, for the interpreter to report.
func xtraceSource(name string, src []byte) []byte {
	return xtraceSourceFor(name, src, false)
}

// xtraceSourceFor is xtraceSource; with nounset, the set -u checks are
// put in whatever the text.
func xtraceSourceFor(name string, src []byte, nounset bool) []byte {
	file, err := parseSource(name, src)
	if err != nil {
		return src
	}
	return ApplyEdits(src, xtraceEdits(file, src, nounset || mayEnableNounset(src), nil))
}

// setUFlag is a set command's word that may turn nounset on: -u, -eu.
var setUFlag = regexp.MustCompile(`\bset[ \t]+(?:[^\n;&|]*[ \t])?[-][A-Za-z]*u`)

// mayEnableNounset reports whether a script may turn set -u on. The
// checks of unbound variables (unbound.go) cost each statement a command
// to parse and to run; a script run while set -u is off, which does not
// turn it on, goes without them: DevStack turns it on only in stack.sh,
// when asked to (NOUNSET). A file sourced while it is on gets them
// (Session.prepare). A function defined by a script without them, called
// while set -u is on, reports an unset variable in the interpreter's
// words.
func mayEnableNounset(src []byte) bool {
	return bytes.Contains(src, []byte("nounset")) || setUFlag.Match(src)
}

// xtraceEdits are xtraceSource's edits of src, parsed as file, with the
// checks of set -u when unbound. copied, when not nil, is called with
// each span of src whose text the edits copy or replace.
func xtraceEdits(file *syntax.File, src []byte, unbound bool, copied func(start, end uint)) []Edit {
	var edits []Edit
	text := func(node syntax.Node) string {
		if copied != nil {
			copied(node.Pos().Offset(), node.End().Offset())
		}
		return string(src[node.Pos().Offset():node.End().Offset()])
	}
	// wrap puts a command in a brace group after the trace commands in
	// before.
	wrap := func(cmd syntax.Node, before string) {
		edits = append(edits, Edit{Offset: cmd.Pos().Offset(), Text: "{ " + passOn(before) + "; "},
			Edit{Offset: cmd.End().Offset(), Text: "; }"})
	}
	// unboundCloses end groups around commands, after all else at their
	// offsets.
	var unboundCloses []Edit
	var known setNames
	if unbound {
		known = surelySet(file)
	}
	walk(file, func(node syntax.Node) bool {
		// First: a check goes before everything else at its statement.
		if unbound {
			edits = append(edits, unboundEdits(node, src, known)...)
			if bin, ok := node.(*syntax.BinaryCmd); ok {
				opens, closes := unboundOperandEdits(bin, src, known)
				edits, unboundCloses = append(edits, opens...), append(unboundCloses, closes...)
			}
		}
		switch n := node.(type) {
		case *syntax.CmdSubst:
			if len(n.Stmts) == 1 && n.Stmts[0].Cmd == nil || len(n.Stmts) == 0 {
				// $(<file) reads the file only as a lone redirection.
				return true
			}
			if isSubshellMark(n.Stmts[0]) {
				// The subshell's start counts the level, after $? is
				// passed on.
				return true
			}
			edits = append(edits, Edit{Offset: n.Stmts[0].Pos().Offset(), Text: levelVar + "+=+; "})
		case *syntax.ProcSubst:
			if len(n.Stmts) > 0 {
				edits = append(edits, Edit{Offset: n.Stmts[0].Pos().Offset(), Text: levelVar + "+=+; "})
				if end, ok := fifoDoneEdit(n); ok {
					edits = append(edits, end)
				}
				if start, ok := fifoOpenEdit(n); ok {
					edits = append(edits, start)
				}
			}
		case *syntax.Stmt:
			if def, ok := deffuncEdit(n); ok {
				edits = append(edits, def)
			}
			if start, end, ok := redirectsStderr(n); ok {
				edits = append(edits, Edit{Offset: start, Text: "{ " + passOn(traceStderr) + "; "}, Edit{Offset: end, Text: "; }"})
			}
			if open, close, ok := prefixGuard(n, src); ok {
				if copied != nil {
					copied(n.Cmd.Pos().Offset(), n.Cmd.End().Offset())
				}
				// A group, for the check and the case to stay one
				// command of a list or pipeline (a || R=1 f && b).
				edits = append(edits, Edit{Offset: n.Cmd.Pos().Offset(), Text: "{ " + open}, Edit{Offset: n.Cmd.End().Offset(), Text: close + "; }"})
			}
		case *syntax.CallExpr:
			if mark, ok := prefixMark(n); ok {
				edits = append(edits, Edit{Offset: n.Args[0].Pos().Offset(), Text: mark})
			}
			if len(n.Args) > 0 || len(n.Assigns) == 0 {
				return true
			}
			edits = append(edits, Edit{Offset: n.Pos().Offset(), Text: "{ " + assignCheck(n, src, known)})
			for _, as := range n.Assigns {
				before, after := assignTrace(as, text(as))
				if before != "" {
					edits = append(edits, Edit{Offset: as.Pos().Offset(), Text: before + "; "})
				}
				edits = append(edits, Edit{Offset: as.End().Offset(), Text: "; " + passOn(after) + ";"})
			}
			edits = append(edits, Edit{Offset: n.End().Offset(), Text: " }"})
		case *syntax.DeclClause:
			variant := writtenVariant(n, src)
			words := []string{traceDecl, variant}
			var arrays []string
			nameref := declaresNameref(n)
			for _, as := range n.Args {
				switch {
				case nameref && as.Name != nil && !as.Naked && as.Array == nil && as.Index == nil:
					// Expanding a reference bash would refuse can
					// crash the interpreter: the trace reads what it
					// names instead.
					words = append(words, "ref", as.Name.Value)
				case as.Naked && as.Name == nil && as.Value != nil:
					words = append(words, "w", text(as.Value))
				case as.Naked && as.Name != nil, as.Name != nil && as.Value == nil && as.Array == nil && as.Index == nil:
					// NAME= is how compatSource starts a local
					// empty; bash traces the name alone.
					words = append(words, "n", as.Name.Value)
				case as.Array != nil && as.Name != nil:
					// bash traces the array's elements, then the
					// declaration of its name.
					if copied != nil {
						copied(as.Pos().Offset(), as.End().Offset())
					}
					arrays = append(arrays, arrayTrace(as, declaresAssoc(n), src))
					words = append(words, "n", as.Name.Value)
				case as.Index != nil || as.Name == nil:
					words = append(words, "r", traceLiteral(flatten(text(as))))
				case as.Append:
					// The appended part is not known after the fact.
					words = append(words, "a", as.Name.Value+"+", `"${`+as.Name.Value+`}"`)
				default:
					words = append(words, "a", as.Name.Value, `"${`+as.Name.Value+`}"`)
				}
			}
			traces := append(arrays, strings.Join(words, " "))
			for i := range traces {
				traces[i] = passOn(traces[i])
			}
			open, close := "", ""
			if names := declaredNames(n, text); len(names) > 0 {
				open, close = declGuard(n, variant, names, expandable(flatten(text(n))), text)
			}
			edits = append(edits, Edit{Offset: n.Pos().Offset(), Text: "{ " + open},
				Edit{Offset: n.End().Offset(), Text: "; " + strings.Join(traces, "; ") + close + "; }"})
		case *syntax.ForClause:
			wi, ok := n.Loop.(*syntax.WordIter)
			if !ok || len(n.Do) == 0 {
				return true
			}
			if !n.Select && !strings.HasPrefix(wi.Name.Value, "__devstack_") {
				open, close := readonlyGuard(roKindLoop, "", []string{wi.Name.Value}, "")
				edits = append(edits, Edit{Offset: n.Pos().Offset(), Text: "{ " + open}, Edit{Offset: n.End().Offset(), Text: close + "; }"})
			}
			label := "for " + wi.Name.Value + " in"
			if !wi.InPos.IsValid() {
				label += ` "$@"`
			}
			for _, w := range wi.Items {
				label += " " + text(w)
			}
			// Right after do, on the line bash's trace names.
			edits = append(edits, Edit{Offset: n.DoPos.Offset() + 2, Text: " " + passOn(traceHook+" "+traceLiteral(flatten(label))) + ";"})
		case *syntax.CaseClause:
			wrap(n, traceHook+" "+traceLiteral(flatten("case "+text(n.Word)+" in")))
		case *syntax.ArithmCmd:
			if copied != nil {
				copied(n.Left.Offset(), n.Right.Offset())
			}
			inner := string(src[n.Left.Offset()+2 : n.Right.Offset()])
			trace := "'(( ' " + expandable(flatten(inner)) + " ' ))'"
			if names := arithmNames(n.X); len(names) > 0 {
				open, close := arithmGuard(names, trace)
				edits = append(edits, Edit{Offset: n.Pos().Offset(), Text: "{ " + open}, Edit{Offset: n.End().Offset(), Text: close + "; }"})
				return true
			}
			wrap(n, traceHook+" "+trace)
		case *syntax.LetClause:
			words := []string{traceHook, "let"}
			for _, x := range n.Exprs {
				words = append(words, "' '", expandable(text(x)))
			}
			wrap(n, strings.Join(words, " "))
		case *syntax.TestClause:
			traced := testTrace(n.X, text, unbound)
			// The lines the test spanned and the parts lost are
			// kept as continuation lines.
			if lost := strings.Count(text(n), "\n") - strings.Count(traced, "\n"); lost > 0 {
				traced += strings.Repeat(" \\\n", lost)
			}
			edits = append(edits, Edit{Offset: n.Pos().Offset(), Remove: n.End().Offset() - n.Pos().Offset(), Text: traced})
			if copied != nil {
				copied(n.Pos().Offset(), n.End().Offset())
			}
			return false
		}
		return true
	})
	return append(edits, unboundCloses...)
}

// redirectsStderr reports whether a simple command redirects its
// standard error, and where the command and its redirections start and
// end.
func redirectsStderr(st *syntax.Stmt) (start, end uint, ok bool) {
	call, isCall := st.Cmd.(*syntax.CallExpr)
	if !isCall || len(call.Args) == 0 || len(st.Redirs) == 0 {
		return 0, 0, false
	}
	start, end = call.Pos().Offset(), call.End().Offset()
	for _, rd := range st.Redirs {
		switch rd.Op {
		case syntax.Hdoc, syntax.DashHdoc:
			return 0, 0, false
		case syntax.RdrAll, syntax.AppAll:
			ok = true
		default:
			ok = ok || rd.N != nil && rd.N.Value == "2"
		}
		start, end = min(start, rd.Pos().Offset()), max(end, rd.End().Offset())
	}
	return start, end, ok
}

// assignTrace gives what goes before an assignment and the command
// tracing it after.
func assignTrace(as *syntax.Assign, src string) (before, after string) {
	name := as.Name.Value
	switch {
	case as.Array != nil:
		return "", traceAssign + " " + traceLiteral(flatten(src)) + " ''"
	case as.Index != nil:
		index := flatten(src[as.Index.Pos().Offset()-as.Pos().Offset() : as.Index.End().Offset()-as.Pos().Offset()])
		label := name + "[" + index + "]"
		if as.Append {
			label += "+"
		}
		if as.Append || hasSideEffect(as.Index) {
			// The appended part is what bash traces; a subscript such
			// as i++ must not run again.
			value := "''"
			if as.Value != nil {
				value = expandable(src[as.Value.Pos().Offset()-as.Pos().Offset() : as.Value.End().Offset()-as.Pos().Offset()])
			}
			return "", traceAssign + " " + traceLiteral(label) + " " + value
		}
		return "", traceAssign + " " + traceLiteral(label) + ` "${` + name + `[` + index + `]}"`
	case as.Append:
		// Only the appended part is traced: what was there before is
		// kept aside, and what follows it is the part. By its length: a
		// pattern as long as the value costs time that grows with its
		// square, which a loop appending to a long value turns into a
		// hang.
		return appendVar + `="${` + name + `}"`, traceAssign + " " + name + "+ " + `"${` + name + `:${#` + appendVar + `}}"`
	}
	if name == "PS4" {
		// Traced with the PS4 before it.
		return ps4Before + `="${PS4-+ }"`, traceAssign + " " + name + ` "${` + name + `}"`
	}
	return "", traceAssign + " " + name + ` "${` + name + `}"`
}

// testTrace is a [[ ]] test split at && and || into one test per
// primary, each traced before it runs, as bash traces them; a test that
// fails still fails as the whole [[ ]] would, for errexit.
func testTrace(x syntax.TestExpr, text func(syntax.Node) string, unbound bool) string {
	x = andOr(x)
	if b, ok := x.(*syntax.BinaryTest); ok && (b.Op == syntax.AndTest || b.Op == syntax.OrTest) {
		// The list fails only by its last command: traceFail makes a
		// failure a failure of the test, which a failure on the left of
		// && or || is not.
		return "{ " + testParts(x, text, unbound) + " || " + traceFail + "; }"
	}
	return testParts(x, text, unbound)
}

// groupPart is a part of a test split at && and ||, as one command of
// the list: a single traceMatch needs no braces.
func groupPart(part string) string {
	if strings.HasPrefix(part, traceMatch+" ") {
		return part
	}
	return "{ " + part + "; }"
}

func testParts(x syntax.TestExpr, text func(syntax.Node) string, unbound bool) string {
	switch n := x.(type) {
	case *syntax.BinaryTest:
		if n.Op == syntax.AndTest || n.Op == syntax.OrTest {
			right := groupPart(testParts(n.Y, text, unbound))
			if unbound {
				// Under set -u, for the part that may not run (the
				// statement's check has the first).
				if check := partCheck(firstPrimary(n.Y), text); check != "" {
					right = "{ " + check + right + "; }"
				}
			}
			return groupPart(testParts(n.X, text, unbound)) + " " + n.Op.String() + " " + right
		}
		if isMatchOp(n.Op) && plainOperand(n.X, false) && plainOperand(n.Y, true) {
			// One command instead of a trace and the test: a third of
			// the text to parse and keep, and each word expanded once.
			return traceMatch + " " + operand(n.X, text) + " " + n.Op.String() + " " + operand(n.Y, text)
		}
		var rhs string
		if n.Op == syntax.TsReMatch {
			rhs = regexWord(n.Y.(*syntax.Word), text)
		} else if n.Op == syntax.TsMatch || n.Op == syntax.TsNoMatch || n.Op == syntax.TsMatchShort {
			rhs = patternWord(n.Y.(*syntax.Word), text)
		} else {
			rhs = operand(n.Y, text)
		}
		return "{ " + traceHook + " '[[ ' " + operand(n.X, text) + " ' " + n.Op.String() + " ' " + rhs + " ' ]]' && " + traceOK + "; [[ " + text(n) + " ]]; }"
	case *syntax.UnaryTest:
		if paren, ok := n.X.(*syntax.ParenTest); ok && n.Op == syntax.TsNot {
			// As under parentheses alone, the primaries are traced;
			// the if keeps a failure a failure, for errexit.
			return "{ if ! { " + testParts(andOr(paren.X), text, unbound) + "; }; then " + statusCommand + " 0; else " + traceFail + "; fi; }"
		}
		if n.Op == syntax.TsNot {
			eval := "[[ " + groupedText(n, text) + " ]]"
			if inner, ok := n.X.(*syntax.UnaryTest); ok && isFileTest(inner.Op) {
				if w, ok := inner.X.(*syntax.Word); ok && !hasCmdSubst(w) {
					eval = "if " + fileTestCommand + " " + inner.Op.String() + " " + operand(w, text) + "; then " + traceFail + "; else " + statusCommand + " 0; fi"
				}
			}
			return "{ " + traceHook + " '[[ ! ' " + innerTrace(n.X, text) + " ' ]]' && " + traceOK + "; " + eval + "; }"
		}
		eval := "[[ " + text(n) + " ]]"
		if w, ok := n.X.(*syntax.Word); ok && isFileTest(n.Op) && !hasCmdSubst(w) {
			eval = fileTestCommand + " " + n.Op.String() + " " + operand(w, text)
		}
		return "{ " + traceHook + " '[[ " + n.Op.String() + " ' " + operand(n.X, text) + " ' ]]' && " + traceOK + "; " + eval + "; }"
	case *syntax.ParenTest:
		// bash traces the primaries inside parentheses one by one too.
		return "{ " + testParts(andOr(n.X), text, unbound) + "; }"
	case *syntax.Word:
		return "{ " + traceHook + " '[[ -n ' " + operand(n, text) + " ' ]]' && " + traceOK + "; [[ " + text(n) + " ]]; }"
	}
	return "[[ " + text(x) + " ]]"
}

// innerTrace is the traced form of a test under ! or parentheses: its
// words as the trace shows them.
func innerTrace(x syntax.TestExpr, text func(syntax.Node) string) string {
	switch n := x.(type) {
	case *syntax.BinaryTest:
		if n.Op != syntax.AndTest && n.Op != syntax.OrTest {
			return operand(n.X, text) + " ' " + n.Op.String() + " ' " + operand(n.Y, text)
		}
	case *syntax.UnaryTest:
		if n.Op != syntax.TsNot {
			return "'" + n.Op.String() + " ' " + operand(n.X, text)
		}
	case *syntax.ParenTest:
		return innerTrace(n.X, text)
	case *syntax.Word:
		return "'-n ' " + operand(n, text)
	}
	return traceLiteral(flatten(text(x)))
}

// operand is a test's word as an argument of traceHook, expanded as [[ ]]
// does, without splitting. A command substitution would run twice: the
// word's text is traced instead.
func operand(x syntax.TestExpr, text func(syntax.Node) string) string {
	w, ok := x.(*syntax.Word)
	if !ok {
		return traceLiteral(flatten(text(x)))
	}
	if hasCmdSubst(w) {
		return traceLiteral(flatten(text(w)))
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, part := range w.Parts {
		switch p := part.(type) {
		case *syntax.DblQuoted:
			b.WriteString(text(p)[1 : len(text(p))-1])
		case *syntax.SglQuoted:
			if p.Dollar {
				b.WriteString(`"` + text(p) + `"`)
			} else {
				b.WriteString(escapeDouble(p.Value))
			}
		case *syntax.Lit:
			b.WriteString(escapeDouble(unescapeLit(p.Value)))
		default:
			b.WriteString(text(p))
		}
	}
	b.WriteByte('"')
	return b.String()
}

// patternWord is the right side of == or != as bash traces it: a quoted
// word with each character escaped by a backslash, which traceHook does
// for the argument after escapeNext.
func patternWord(w *syntax.Word, text func(syntax.Node) string) string {
	if hasCmdSubst(w) {
		return traceLiteral(flatten(text(w)))
	}
	for _, part := range w.Parts {
		switch part.(type) {
		case *syntax.DblQuoted, *syntax.SglQuoted:
		default:
			return operand(w, text)
		}
	}
	return "$'\\001' " + operand(w, text)
}

func isMatchOp(op syntax.BinTestOperator) bool {
	return op == syntax.TsMatch || op == syntax.TsNoMatch || op == syntax.TsMatchShort
}

// plainOperand reports whether a test's word, as operand writes it, is
// one argument whose value is the word's value in [[ ]]: made of
// literals, quotes and parameters without operators, without a command
// substitution, a tilde, an array or the positional parameters as a
// list, and, when quoted is set, quoted as a whole, so that [[ ]]
// matches it as it is.
func plainOperand(x syntax.TestExpr, quoted bool) bool {
	w, ok := x.(*syntax.Word)
	if !ok || len(w.Parts) == 0 {
		return false
	}
	if lit, ok := w.Parts[0].(*syntax.Lit); ok && strings.HasPrefix(lit.Value, "~") {
		return false
	}
	for _, part := range w.Parts {
		switch p := part.(type) {
		case *syntax.DblQuoted:
			if p.Dollar {
				return false
			}
		case *syntax.SglQuoted:
			if p.Dollar {
				return false
			}
		case *syntax.Lit, *syntax.ParamExp:
			if quoted {
				return false
			}
		default:
			return false
		}
	}
	plain := true
	walk(w, func(node syntax.Node) bool {
		switch n := node.(type) {
		case *syntax.ParamExp:
			if n.Excl || n.Length || n.Width || n.Index != nil || n.Names != 0 || n.Param == nil ||
				n.Param.Value == "@" || n.Param.Value == "*" || n.Slice != nil || n.Repl != nil || n.Exp != nil {
				plain = false
			}
		case *syntax.CmdSubst, *syntax.ProcSubst, *syntax.ArithmExp, *syntax.ExtGlob, *syntax.BraceExp:
			plain = false
		}
		return plain
	})
	return plain
}

// escapeNext, as an argument of traceHook, escapes the next one.
const escapeNext = "\x01"

func hasCmdSubst(w *syntax.Word) bool {
	found := false
	walk(w, func(n syntax.Node) bool {
		switch n.(type) {
		case *syntax.CmdSubst, *syntax.ProcSubst:
			found = true
		}
		return !found
	})
	return found
}

// expandable is text as an argument that expands its parameters without
// splitting: in double quotes when it holds none, else as it is written.
func expandable(text string) string {
	if strings.ContainsAny(text, "\"\\`") || strings.Contains(text, "$(") || !strings.Contains(text, "$") {
		return traceLiteral(text)
	}
	return `"` + text + `"`
}

// traceLiteral quotes text as one word that expands to itself, on one
// line.
func traceLiteral(text string) string {
	text = stripMarks(text)
	text = unfixSubscripts(text)
	if strings.ContainsAny(text, "\n\t\r") {
		q, err := syntax.Quote(text, syntax.LangBash)
		if err == nil {
			return q
		}
	}
	return "'" + strings.ReplaceAll(text, "'", `'\''`) + "'"
}

// flatten joins the lines of a construct's text as bash prints it back:
// a backslash-newline and the indentation after it become one space.
func flatten(text string) string {
	if !strings.Contains(text, "\n") {
		return text
	}
	lines := strings.Split(text, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(strings.TrimSuffix(lines[i], "\\"))
	}
	return strings.Join(lines, " ")
}

func escapeDouble(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte("$`\"\\", s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeLit removes the backslashes of an unquoted literal.
func unescapeLit(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// passOn is a trace command as it is run: see traceOK.
func passOn(trace string) string {
	return trace + " && " + traceOK
}
