package bash

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// A declaration (declare, local, typeset, export, readonly), an
// arithmetic command or a for loop that assigns to a readonly variable
// fails in bash with a message in its words ("FILE: line N: declare: R:
// readonly variable", without the builtin's name for export, readonly,
// (( )) and for), status 1, and the script goes on with the next
// command; a for loop's body does not run. The interpreter words its
// message without the file and line, and runs the loop.
//
// xtraceSource puts readonlyCheckCommand before such a command, with the
// names it assigns, and the command in a case on readonlyVar, which the
// check sets only when one of them is readonly (readonlyGuard): then
// readonlyFailCommand runs instead of the command, for bash's message and
// status. The check passes the status before it on, so that the command
// still sees its $? (local rc=$?), and the failure is a command's, for
// errexit and the ERR trap. (An expansion of the attributes, ${R@a},
// would need no command, but fails under nounset when R is unset.)
//
// An arithmetic command already has a trace command before it: that one
// checks the names too (readonlyTraceHook), which saves a command.
const (
	readonlyCheckCommand = "__devstack_readonlycheck"
	readonlyTraceHook    = traceHook + "readonly"
	readonlyFailCommand  = "__devstack_readonlyfail"
	readonlyVar          = "__devstack_readonly"
)

// Kinds of readonlyFailCommand other than a builtin's name, whose
// messages lack one: a declaration by export or readonly goes on with its
// other names (roKindAll); an arithmetic command stops at the first
// (roKindFirst), as does a for loop, whose failure bash does not give to
// the ERR trap (roKindLoop); a command's prefix assignment is refused and
// the command runs without it, its status the command's (roKindPrefix).
const (
	roKindAll    = "+all"
	roKindFirst  = "+first"
	roKindLoop   = "+loop"
	roKindPrefix = "+prefix"
)

// readonlyGuard gives the text that goes before and after a command that
// assigns names, for readonlyFailCommand to run instead of it when one of
// them is readonly. kind is the builtin's name for the message, or one of
// the kinds above; trace, when not empty, is a word that expands to the
// command's trace line; rest follows readonlyFailCommand.
func readonlyGuard(kind, trace string, names []string, rest string) (open, close string) {
	list := strings.Join(names, " ")
	return passOn(readonlyCheckCommand+" "+list) + "; " + readonlyCase(), readonlyEnd(kind, trace, list, rest)
}

// readonlyCase opens the case on readonlyVar. The interpreter compiles
// each pattern it tries: the usual branch comes first, with one empty
// pattern.
func readonlyCase() string {
	return "case ${" + readonlyVar + "-} in '') "
}

// readonlyEnd closes the case with the branch taken when a name is
// readonly.
func readonlyEnd(kind, trace, list, rest string) string {
	if trace == "" {
		trace = "''"
	}
	return ";; *) " + readonlyFailCommand + " " + kind + " " + trace + " " + list + rest + ";; esac"
}

// arithmGuard gives the text that goes before and after an arithmetic
// command that assigns names, whose trace words are trace.
func arithmGuard(names []string, trace string) (open, close string) {
	list := strings.Join(names, " ")
	return passOn(readonlyTraceHook+" "+list+" -- "+trace) + "; " + readonlyCase(), readonlyEnd(roKindFirst, "", list, "")
}

// prefixGuard gives the text that goes before and after a simple command
// with prefix assignments (R=5 cmd), on one line, for the command to run
// without them when one of them is readonly, after bash's message. The
// command's words are copied for that: a redirection among them, or a
// command over several lines, keeps the interpreter's way.
func prefixGuard(st *syntax.Stmt, src []byte) (open, close string, ok bool) {
	call, isCall := st.Cmd.(*syntax.CallExpr)
	if !isCall || len(call.Args) == 0 || len(call.Assigns) == 0 {
		return "", "", false
	}
	for _, rd := range st.Redirs {
		if rd.Pos().Offset() < call.End().Offset() {
			return "", "", false
		}
	}
	words := string(src[call.Args[0].Pos().Offset():call.End().Offset()])
	if strings.Contains(string(src[call.Pos().Offset():call.End().Offset()]), "\n") {
		return "", "", false
	}
	var names []string
	for _, as := range call.Assigns {
		if as.Name != nil && as.Index == nil && as.Array == nil && !strings.HasPrefix(as.Name.Value, "__devstack_") {
			names = append(names, as.Name.Value)
		}
	}
	if len(names) == 0 {
		return "", "", false
	}
	// The check passes the status before it on, for the command's $?.
	open, close = readonlyGuard(roKindPrefix, "", names, " && "+traceOK+"; "+words)
	return open, close, true
}

// declaredNames are the names a declaration assigns a value to, or,
// after compatSource, starts empty in a function (NAME=); nil for a
// declaration whose names are references, arrays or elements. With text,
// a word whose name is known only as it runs ("$v"=1) is given too, as
// dynamicMark and its text, to expand where the name is checked
// (checkedName); nil for one holding a command or an arithmetic
// expansion, which must not run twice.
func declaredNames(dc *syntax.DeclClause, text func(syntax.Node) string) []string {
	switch dc.Variant.Value {
	case "declare", "local", "typeset", "export", "readonly":
	default:
		return nil
	}
	if declaresNameref(dc) {
		return nil
	}
	var names []string
	for _, as := range dc.Args {
		if as.Naked && as.Name == nil && as.Value != nil && text != nil {
			if lit := as.Value.Lit(); lit != "" && (lit[0] == '-' || lit[0] == '+' || !strings.Contains(lit, "=")) {
				// An option, or a name without a value.
				continue
			}
			if hasExpansion(as.Value) {
				return nil
			}
			names = append(names, dynamicMark+text(as.Value))
			continue
		}
		if as.Naked || as.Name == nil || strings.HasPrefix(as.Name.Value, "__devstack_") {
			continue
		}
		switch {
		case as.Array != nil:
			// bash refuses these with other messages, and may discard
			// the line (readonlyFail).
			names = append(names, arrayMark+as.Name.Value)
		case as.Index != nil:
			names = append(names, elementMark+as.Name.Value)
		default:
			names = append(names, as.Name.Value)
		}
	}
	return names
}

// dynamicMark starts a word of declaredNames's whose name is known only
// as it runs.
const dynamicMark = "="

// arrayMark and elementMark start a name of declaredNames's assigned a
// list, NAME=(...), or an element, NAME[I]=...
const (
	arrayMark   = "%"
	elementMark = ","
)

// checkedName is the variable a word of declaredNames's assigns, with ok
// false for a word known as it runs that assigns nothing ("$v" naming a
// variable only).
func checkedName(word string) (string, bool) {
	if strings.HasPrefix(word, arrayMark) || strings.HasPrefix(word, elementMark) {
		return word[1:], true
	}
	if !strings.HasPrefix(word, dynamicMark) {
		return word, true
	}
	name, _, ok := strings.Cut(word[len(dynamicMark):], "=")
	name, _, _ = strings.Cut(strings.TrimSuffix(name, "+"), "[")
	return name, ok
}

// hasExpansion reports whether a word holds a command substitution or an
// arithmetic expansion.
func hasExpansion(w *syntax.Word) bool {
	found := false
	walk(w, func(n syntax.Node) bool {
		switch n.(type) {
		case *syntax.CmdSubst, *syntax.ProcSubst, *syntax.ArithmExp:
			found = true
		}
		return !found
	})
	return found
}

// declKind is the kind of readonlyFailCommand for a declaration.
func declKind(variant string) string {
	if variant == "export" || variant == "readonly" {
		return roKindAll
	}
	return variant
}

// arithmNames are the variables an arithmetic expression assigns, as
// plain names, in the order it assigns them.
func arithmNames(x syntax.ArithmExpr) []string {
	var names []string
	add := func(x syntax.ArithmExpr) {
		if w, ok := x.(*syntax.Word); ok {
			if name := w.Lit(); syntax.ValidName(name) && !strings.HasPrefix(name, "__devstack_") {
				names = append(names, name)
			}
		}
	}
	walk(x, func(node syntax.Node) bool {
		switch n := node.(type) {
		case *syntax.BinaryArithm:
			switch op := n.Op.String(); op {
			case "==", "!=", "<=", ">=":
			default:
				if strings.HasSuffix(op, "=") {
					add(n.X)
				}
			}
		case *syntax.UnaryArithm:
			if n.Op == syntax.Inc || n.Op == syntax.Dec {
				add(n.X)
			}
		}
		return true
	})
	return names
}

// readonlyCheck is readonlyCheckCommand: NAMES..., which sets
// readonlyVar when one is readonly, and passes the status before it on.
func (s *Session) readonlyCheck(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	set := false
	for _, word := range args {
		if name, ok := checkedName(word); ok && hc.Env.Get(name).ReadOnly {
			if err := hc.Builtin(ctx, []string{"eval", readonlyVar + "=1"}); err != nil {
				return err
			}
			set = true
			break
		}
	}
	if !set && hc.Env.Get(readonlyVar).IsSet() {
		// Left by a check whose command was not run (a discarded line
		// on its way up).
		if err := hc.Builtin(ctx, []string{"unset", readonlyVar}); err != nil {
			return err
		}
	}
	if hc.LastExitStatus != 0 {
		return interp.ExitStatus(uint8(hc.LastExitStatus))
	}
	return nil
}

// readonlyTrace is readonlyTraceHook: NAMES... -- WORDS..., the check of
// NAMES, then the trace of WORDS as traceHook writes it.
func (s *Session) readonlyTrace(ctx context.Context, args []string) error {
	end := slices.Index(args, "--")
	if end < 0 {
		end = len(args)
	}
	if err := s.readonlyCheck(ctx, args[:end]); err != nil {
		var status interp.ExitStatus
		if !errors.As(err, &status) {
			return err
		}
	}
	return s.traceCommand(ctx, append([]string{traceHook}, args[min(end+1, len(args)):]...))
}

// readonlyFail is readonlyFailCommand: KIND TRACE NAMES..., run in place
// of a command that assigns NAMES when one is readonly.
func (s *Session) readonlyFail(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 2 {
		return interp.ExitStatus(1)
	}
	kind, trace, names := args[0], args[1], args[2:]
	var others []string
	if end := slices.Index(names, "--"); end >= 0 {
		names, others = names[:end], names[end+1:]
	}
	if err := hc.Builtin(ctx, []string{"unset", readonlyVar}); err != nil {
		return err
	}
	traceEach := false
	if trace != "" && xtraceOn(hc) {
		if len(others) > 0 {
			trace = declTrace(hc, trace, others[1:])
			// bash traces each assignment of export and readonly
			// again, before its error.
			traceEach = kind == roKindAll
		}
		s.traceLine(ctx, trace)
	}
	prefix := ""
	if !strings.HasPrefix(kind, "+") {
		prefix = kind + ": "
	}
	if traceEach {
		for _, w := range others[1:] {
			name, value, ok := declWordValue(hc, w)
			if !ok {
				continue
			}
			s.traceLine(ctx, name+"="+traceValue(value))
			if hc.Env.Get(strings.TrimSuffix(name, "+")).ReadOnly {
				s.shellError(hc, "%s: readonly variable", strings.TrimSuffix(name, "+"))
			}
		}
	}
	for _, word := range names {
		name, ok := checkedName(word)
		if traceEach || !ok || !hc.Env.Get(name).ReadOnly {
			continue
		}
		if strings.HasPrefix(word, arrayMark) {
			// A list assigned: in a function, where declare, local and
			// typeset make the variable local, the function's name
			// comes first; elsewhere the message has neither, and the
			// command is discarded, as an assignment is.
			s.mu.Lock()
			top := (*s.stack())[len(*s.stack())-1]
			s.mu.Unlock()
			if kind == roKindAll || !top.isFunction() {
				s.shellError(hc, "%s: readonly variable", name)
				return s.discard(ctx, hc)
			}
			s.shellError(hc, "%s: %s: readonly variable", top.function, name)
		}
		s.shellError(hc, "%s%s: readonly variable", prefix, name)
		if kind != roKindAll && prefix == "" {
			break
		}
	}
	if len(others) > 0 {
		if err := s.declareOthers(ctx, others); err != nil {
			var status interp.ExitStatus
			if !errors.As(err, &status) {
				return err
			}
		}
	}
	switch kind {
	case roKindPrefix:
		if hc.LastExitStatus == 0 {
			return nil
		}
		return interp.ExitStatus(uint8(hc.LastExitStatus))
	case roKindLoop:
		s.mu.Lock()
		s.errTrapDone(hc)
		s.mu.Unlock()
	}
	return interp.ExitStatus(1)
}

// refuseDeclared is the check of a declaration the session runs
// (declCommand) for one of its assignments, NAME or NAME+ or NAME[I]:
// when the variable is readonly, it says so in bash's words and reports
// true; the declaration goes on without it and fails with status 1.
func (s *Session) refuseDeclared(hc interp.HandlerContext, variant, name string) bool {
	name, _, _ = strings.Cut(strings.TrimSuffix(name, "+"), "[")
	if !hc.Env.Get(name).ReadOnly {
		return false
	}
	prefix := ""
	if kind := declKind(variant); kind != roKindAll {
		prefix = kind + ": "
	}
	s.shellError(hc, "%s%s: readonly variable", prefix, name)
	return true
}

// typesetMark follows the keyword of a typeset that compatSource made a
// declare: traces and messages name it as written.
const typesetMark = "\t"

// writtenVariant is a declaration's keyword as the script wrote it.
func writtenVariant(dc *syntax.DeclClause, src []byte) string {
	if end := dc.Variant.End().Offset(); dc.Variant.Value == "declare" && int(end) < len(src) && src[end] == typesetMark[0] {
		return "typeset"
	}
	return dc.Variant.Value
}

// declValuePrefix names the variables that hold a declaration's values
// while readonlyFailCommand runs it without its readonly names.
const declValuePrefix = "__devstack_rov"

// declGuard is readonlyGuard for a declaration. bash expands all its
// words, then assigns name by name: a readonly name fails with its
// message, the others are assigned, and the status is 1. When a name is
// readonly, its branch first assigns the values, as written, to
// variables of their own (expanded once, in order, $( ) and all), then
// gives readonlyFailCommand, after "--", its keyword and its words with
// those variables for values, for it to run the declaration without the
// readonly names. A value over several lines keeps the whole declaration
// failing: the branch is on the declaration's last line.
func declGuard(dc *syntax.DeclClause, variant string, names []string, trace string, text func(syntax.Node) string) (open, close string) {
	var temps, words []string
	for i, as := range dc.Args {
		switch {
		case as.Naked && as.Name == nil && as.Value != nil && !strings.HasPrefix(as.Value.Lit(), "-") && !strings.HasPrefix(as.Value.Lit(), "+"):
			// Expanded as the branch's command runs.
			words = append(words, dynamicMark+text(as))
		case as.Naked || as.Name == nil || as.Value == nil:
			if strings.Contains(text(as), "\n") {
				return readonlyGuard(declKind(variant), trace, names, "")
			}
			words = append(words, text(as))
		default:
			value := text(as.Value)
			if strings.Contains(value, "\n") {
				return readonlyGuard(declKind(variant), trace, names, "")
			}
			temp := declValuePrefix + strconv.Itoa(i)
			temps = append(temps, temp+"="+value)
			op := "="
			if as.Append {
				op = "+="
			}
			name := as.Name.Value
			if as.Index != nil {
				name += "[" + text(as.Index) + "]"
			}
			words = append(words, name+op+`"$`+temp+`"`)
		}
	}
	var rest strings.Builder
	rest.WriteString(" --")
	for _, w := range append([]string{dc.Variant.Value}, words...) {
		if strings.HasPrefix(w, dynamicMark) {
			rest.WriteString(" " + w)
			continue
		}
		rest.WriteString(" '" + strings.ReplaceAll(w, "'", `'\''`) + "'")
	}
	open, close = readonlyGuard(declKind(variant), trace, names, rest.String())
	if len(temps) > 0 {
		// Before the failing branch's command, on its line.
		close = strings.Replace(close, ";; *) ", ";; *) "+strings.Join(temps, " ")+"; ", 1)
	}
	return open, close
}

// declareOthers runs a declaration's words (declGuard) without the
// assignments to readonly names, in the shell and scope it was written
// in, then unsets the variables that held the values.
func (s *Session) declareOthers(ctx context.Context, words []string) error {
	hc := interp.HandlerCtx(ctx)
	kept := []string{words[0]}
	var temps []string
	for _, w := range words[1:] {
		if strings.HasPrefix(w, dynamicMark) {
			// A word that named its variable as it ran: as one word.
			if name, ok := checkedName(w); ok && hc.Env.Get(name).ReadOnly {
				continue
			}
			if q, err := syntax.Quote(w[len(dynamicMark):], syntax.LangBash); err == nil {
				kept = append(kept, q)
			}
			continue
		}
		name, _, assigns := strings.Cut(w, "=")
		name, _, _ = strings.Cut(strings.TrimSuffix(name, "+"), "[")
		if assigns && syntax.ValidName(name) {
			if _, value, ok := strings.Cut(w, `"$`+declValuePrefix); ok {
				temps = append(temps, declValuePrefix+strings.TrimSuffix(value, `"`))
			}
			if hc.Env.Get(name).ReadOnly {
				continue
			}
		}
		kept = append(kept, w)
	}
	err := hc.Builtin(ctx, []string{"eval", strings.Join(kept, " ")})
	if len(temps) > 0 {
		hc.Builtin(ctx, append([]string{"unset"}, temps...))
	}
	return err
}

// declTrace is the trace of a declaration whose values declGuard's branch
// has expanded: its keyword as written (the first word of trace), then
// its words with their values, quoted as bash quotes them.
func declTrace(hc interp.HandlerContext, trace string, words []string) string {
	keyword, _, _ := strings.Cut(trace, " ")
	traced := []string{}
	for _, w := range words {
		if name, value, ok := declWordValue(hc, w); ok {
			w = name + "=" + value
		}
		w = strings.TrimPrefix(w, dynamicMark)
		traced = append(traced, w)
	}
	return keyword + " " + traceWords(traced)
}

// declWordValue gives, for a word of declGuard's that assigns, the name
// as written (NAME or NAME+) and the value its branch expanded.
func declWordValue(hc interp.HandlerContext, word string) (name, value string, ok bool) {
	name, temp, ok := strings.Cut(word, `="$`+declValuePrefix)
	if !ok {
		return "", "", false
	}
	return name, hc.Env.Get(declValuePrefix + strings.TrimSuffix(temp, `"`)).String(), true
}
