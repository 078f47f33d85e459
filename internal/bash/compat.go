package bash

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// compatCall adjusts a simple command where the interpreter's builtins
// differ from bash's, before it runs.
func compatCall(hc interp.HandlerContext, args []string) []string {
	args, done := guardCall(args)
	if done {
		return args
	}
	switch args[0] {
	case "return":
		// A bare return returns the status of the command before it; the
		// interpreter would return 0.
		if len(args) == 1 {
			return []string{"return", strconv.Itoa(hc.LastExitStatus)}
		}
	case "echo":
		return splitEchoFlags(args)
	case "caller":
		return append([]string{callerCommand}, args[1:]...)
	case "printf":
		return append([]string{printfCommand}, args[1:]...)
	case "umask":
		return append([]string{umaskCommand}, args[1:]...)
	case "ulimit":
		return append([]string{ulimitCommand}, args[1:]...)
	case "kill":
		return append([]string{killCommand}, args[1:]...)
	case "trap":
		return append([]string{trapCommand}, args[1:]...)
	case "let":
		// Reached as a command only through builtin or command; the
		// keyword is rewritten by compatSource.
		return append([]string{letCommand}, args[1:]...)
	case "type":
		return append([]string{typeCommand}, args[1:]...)
	case "command":
		if rest, ok := commandOptions(args[1:]); ok {
			return compatCall(hc, append([]string{"command"}, rest...))
		}
		if len(args) > 1 && strings.HasPrefix(args[1], "-") {
			return append([]string{commandCommand}, args[1:]...)
		}
		fallthrough
	case "builtin":
		if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
			if inner := compatCall(hc, args[1:]); inner[0] != args[1] {
				return inner
			}
		}
	case "eval":
		// Evaluated text gets the rewriting sourced text gets.
		if len(args) > 1 {
			text := strings.Join(args[1:], " ")
			if evalByLines(text) {
				return append([]string{evalCommand}, args[1:]...)
			}
			if rewritten := arraySource("", compatSource("", []byte(text))); string(rewritten) != text {
				return []string{"eval", string(rewritten)}
			}
		}
	case "[", "test":
		// [ -f PATH ] and test -f PATH (filetest.go).
		if ops := args[1:]; args[0] == "[" && len(ops) == 3 && ops[2] == "]" {
			ops = ops[:2]
			if fileTestOps[ops[0]] {
				return append([]string{fileTestCommand}, ops...)
			}
		} else if args[0] == "test" && len(ops) == 2 && fileTestOps[ops[0]] {
			return append([]string{fileTestCommand}, ops...)
		}
	case "cd":
		// bash's cd to an empty name stays where it is; the
		// interpreter's fails.
		if len(args) == 2 && args[1] == "" {
			return []string{statusCommand, "0"}
		}
	case "unset":
		return append([]string{unsetCommand}, args[1:]...)
	case "read":
		return append([]string{readCommand}, args[1:]...)
	case "shopt":
		return append([]string{shoptCommand}, args[1:]...)
	case "jobs":
		return append([]string{jobsCommand}, args[1:]...)
	case "pushd":
		return append([]string{pushdCommand}, args[1:]...)
	case "popd":
		return append([]string{popdCommand}, args[1:]...)
	case "dirs":
		return append([]string{dirsCommand}, args[1:]...)
	case "wait":
		return append([]string{waitCommand}, args[1:]...)
	case "disown":
		return append([]string{disownCommand}, args[1:]...)
	case "grep":
		if plainGrep(args) {
			return append([]string{grepCommand}, args[1:]...)
		}
	}
	return args
}

// commandOptions strips the options of command that change nothing
// here (-p, and --), ok when that leaves a plain command; -v, -V and
// invalid options are commandCommand's.
func commandOptions(args []string) ([]string, bool) {
	stripped := false
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		if args[0] == "--" {
			return args[1:], len(args) > 1
		}
		if strings.Trim(args[0][1:], "p") != "" {
			return nil, false
		}
		args, stripped = args[1:], true
	}
	return args, stripped && len(args) > 0
}

// splitEchoFlags turns echo's combined options (-ne, -en, -neE) into the
// separate ones the interpreter's echo reads. As in bash, only a word made
// of n, e and E after the dash is an option; the first other word ends
// them.
func splitEchoFlags(args []string) []string {
	out := args[:1:1]
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' || !echoFlags(a[1:]) {
			break
		}
		for _, c := range a[1:] {
			out = append(out, "-"+string(c))
		}
	}
	if len(out) == i {
		return args
	}
	return append(out, args[i:]...)
}

func echoFlags(s string) bool {
	for _, c := range s {
		if c != 'n' && c != 'e' && c != 'E' {
			return false
		}
	}
	return true
}

// declCommand runs the declarations the interpreter lacks options for.
const declCommand = "__devstack_declare"

// supportedDeclFlags are the declare options the interpreter implements.
const supportedDeclFlags = "xrnaAgfp"

// compatSource rewrites the declarations of a script the interpreter would
// run differently from bash, keeping every line where it is, so that
// LINENO and error positions are unchanged:
//
//   - `declare -F`, `export -f`, `local -i` and other options the
//     interpreter does not know become calls of declCommand;
//   - a bare `local NAME` in a function gets an empty value (an empty list
//     with -a or -A): bash starts the local variable empty, the
//     interpreter would keep the value of the caller's variable.
//
// Source that does not parse is returned unchanged, for the interpreter to
// report.
func compatSource(name string, src []byte) []byte {
	out, _ := compatSourceMarks(name, src)
	return out
}

// compatSourceMarks is compatSource, which also gives, when all it does
// to src is to mark commands whose status is tested, those marks as edits
// of src (xtraceMarked).
func compatSourceMarks(name string, src []byte) ([]byte, []Edit) {
	written := src
	src = fixSubscripts(name, src)
	src = optindSource(name, src)
	src = guardSource(name, src)
	fdSyntax := hasFDSyntax(src)
	if !fdSyntax && !containsAny(src, "?}", ":?", "local", "declare", "typeset", "export -", "readonly -", "exec", "time", "let", "SECONDS", "&", "(", "`", "-n", "|", "!", "if", "while", "until", "=~", "caller", "$!", "${!", "$-", "${-") {
		return src, nil
	}
	file, err := parseSource(name, src)
	if err != nil {
		return src, nil
	}
	var bodies [][2]uint
	walk(file, func(node syntax.Node) bool {
		if fd, ok := node.(*syntax.FuncDecl); ok {
			bodies = append(bodies, [2]uint{fd.Body.Pos().Offset(), fd.Body.End().Offset()})
		}
		return true
	})
	inFunction := func(offset uint) bool {
		for _, b := range bodies {
			if offset >= b[0] && offset < b[1] {
				return true
			}
		}
		return false
	}
	edits := append(namerefArrays(file, src), optionSaveEdits(file)...)
	// closings end constructs the rewrites wrap a statement in; at one
	// offset they come after the subshell marks, which sit inside them.
	var closings []Edit
	fds := &fdRewriter{src: src, mark: marksRedirects(src), edits: &edits, closings: &closings}
	visit := func(node syntax.Node) bool {
		switch n := node.(type) {
		case *syntax.Stmt:
			if isJobStmt(n) {
				// A background statement runs as a job of the session's
				// table; its text is rewritten when it runs.
				inner := strings.TrimRight(string(src[n.Pos().Offset():n.Semicolon.Offset()]), " \t")
				end := n.Semicolon.Offset() + 1
				repl := fmt.Sprintf(`%s %d %s "$0" "$@"`, jobCommand, n.Pos().Line(), quoteWord(inner))
				if needsSeparator(src[end:]) {
					repl += ";"
				}
				edits = append(edits, Edit{Offset: n.Pos().Offset(), Remove: end - n.Pos().Offset(), Text: repl})
				return false
			}
			if call, ok := n.Cmd.(*syntax.CallExpr); ok && len(call.Args) == 0 && len(call.Assigns) == 1 && isSecondsAssign(call.Assigns[0]) {
				as := call.Assigns[0]
				edits = append(edits, Edit{Offset: as.Name.Pos().Offset(), Remove: uint(len("SECONDS")), Text: secondsValue},
					Edit{Offset: call.End().Offset(), Text: " " + secondsCommand})
			}
			return fds.stmt(n)
		case *syntax.BinaryTest:
			edits = append(edits, regexEdits(n, src)...)
			return true
		case *syntax.ParamExp:
			if name, ok := sessionParams[paramName(n)]; ok && !n.Excl {
				if n.Short {
					edits = append(edits, Edit{Offset: n.Pos().Offset(), Remove: 2, Text: "${" + name + "}"})
				} else {
					edits = append(edits, Edit{Offset: n.Param.Pos().Offset(), Remove: 1, Text: name})
				}
			}
			edits = append(edits, errorMessageEdits(n, src)...)
			return true
		case *syntax.LetClause:
			// bash's let is a builtin: its arguments are words.
			edits = append(edits, Edit{Offset: n.Let.Offset(), Remove: uint(len("let")), Text: letCommand})
			return true
		case *syntax.TimeClause:
			open, close := timeEdits(n, src)
			edits = append(edits, open...)
			closings = append(closings, close...)
			return true
		}
		dc, ok := node.(*syntax.DeclClause)
		if !ok {
			return true
		}
		flags, unsupported, global := "", false, false
		for _, as := range dc.Args {
			if as.Naked && as.Name == nil && as.Value != nil {
				if lit := as.Value.Lit(); strings.HasPrefix(lit, "-") || strings.HasPrefix(lit, "+") {
					flags += lit[1:]
					for _, c := range lit[1:] {
						unsupported = unsupported || !strings.ContainsRune(supportedDeclFlags, c)
					}
					global = global || strings.ContainsRune(lit[1:], 'g')
				}
			}
		}
		// The interpreter takes export -f for declare -f, and prints
		// functions with the session's rewrites in them; it takes
		// export -n and readonly -n (which take the attribute away) for
		// declare -n. declare -p NAME prints as bash does (declarePrint).
		functions := strings.ContainsRune(flags, 'f')
		unexport := (dc.Variant.Value == "export" || dc.Variant.Value == "readonly") && strings.ContainsRune(flags, 'n')
		printing := strings.ContainsRune(flags, 'p') && !functions && dc.Variant.Value != "export" && dc.Variant.Value != "readonly" && hasNames(dc)
		if unsupported || functions || unexport || printing {
			edits = append(edits, Edit{Offset: dc.Pos().Offset(), Text: declCommand + " "})
			return true
		}
		if opening, closing, ok := namerefCheck(dc); ok {
			// The closing edit goes after any other at the end.
			edits = append(edits, opening)
			defer func() { edits = append(edits, closing) }()
		}
		if dc.Variant.Value == "typeset" {
			// The interpreter makes typeset global even in a function;
			// bash treats it as declare. A tab after the keyword, in
			// place of the blank there, keeps the name bash uses in
			// traces and messages (typesetMark).
			at, remove := dc.Variant.Pos().Offset(), uint(len("typeset"))
			if end := dc.Variant.End().Offset(); int(end) < len(src) && (src[end] == ' ' || src[end] == '\t') {
				remove++
			}
			edits = append(edits, Edit{Offset: at, Remove: remove, Text: "declare" + typesetMark})
		}
		local := dc.Variant.Value == "local" || (dc.Variant.Value == "declare" || dc.Variant.Value == "typeset") && !global && inFunction(dc.Pos().Offset())
		if !local {
			return true
		}
		empty := "="
		if strings.ContainsAny(flags, "aA") {
			empty = "=()"
		}
		for _, as := range dc.Args {
			// A local nameref without a value names nothing yet; an
			// empty one is no name at all.
			if as.Naked && as.Name != nil && !strings.ContainsRune(flags, 'n') {
				edits = append(edits, Edit{Offset: as.Name.End().Offset(), Text: empty})
			}
		}
		return true
	}
	fds.visit = visit
	walk(file, visit)
	before, after := subshellEdits(file, src)
	// Text the other rewrites remove (a descriptor's word moved before
	// its command, rewritten on its own) takes no marks where it was.
	before, after = outsideRemovals(before, edits), outsideRemovals(after, edits)
	out := ApplyEdits(src, slices.Concat(before, edits, after, closings))
	return out, testedMarks(written, src, before, edits, after, closings)
}

// sessionParams are the special parameters the session answers, by the
// variable each is renamed to: $! is the session's last job (the
// interpreter would name its own background shells, process
// substitutions); $- lists every option (dashflags.go).
var sessionParams = map[string]string{"!": lastJobVariable, "-": flagsVar}

func paramName(pe *syntax.ParamExp) string {
	if pe.Param == nil {
		return ""
	}
	return pe.Param.Value
}

// outsideRemovals drops the edits that fall inside text another edit
// removes.
func outsideRemovals(edits, others []Edit) []Edit {
	return slices.DeleteFunc(edits, func(e Edit) bool {
		for _, o := range others {
			if o.Remove > 0 && e.Offset > o.Offset && e.Offset < o.Offset+o.Remove {
				return true
			}
		}
		return false
	})
}

// isJobStmt reports whether a statement is a background job, which
// compatSource rewrites whole.
func isJobStmt(n *syntax.Stmt) bool {
	return n.Background && !n.Disown && !n.Coprocess && !hasHeredoc(n)
}

// isExecFDStmt reports whether a statement is an exec opening descriptors
// above 2, whose redirections compatSource rewrites.
func isExecFDStmt(n *syntax.Stmt) bool {
	call, ok := n.Cmd.(*syntax.CallExpr)
	return ok && len(call.Assigns) == 0 && len(call.Args) == 1 && call.Args[0].Lit() == "exec" && highFD(n.Redirs)
}

// hasNames reports whether a declaration names variables, besides its
// options.
func hasNames(dc *syntax.DeclClause) bool {
	for _, as := range dc.Args {
		if as.Name != nil || as.Value != nil && !strings.HasPrefix(as.Value.Lit(), "-") && !strings.HasPrefix(as.Value.Lit(), "+") {
			return true
		}
	}
	return false
}

// hasHeredoc reports whether a statement holds a here-document, whose
// body follows the statement's end.
func hasHeredoc(stmt *syntax.Stmt) bool {
	found := false
	walk(stmt, func(node syntax.Node) bool {
		if rd, ok := node.(*syntax.Redirect); ok && (rd.Op == syntax.Hdoc || rd.Op == syntax.DashHdoc) {
			found = true
		}
		return !found
	})
	return found
}

// needsSeparator reports whether a job statement, once its & is gone,
// needs a ; before what follows it on its line: anything but the end of
// the line or another separator. Before a ), the subshell's end marker
// goes in between, and needs one too.
func needsSeparator(rest []byte) bool {
	rest = bytes.TrimLeft(rest, " \t")
	return len(rest) > 0 && !strings.ContainsRune("\n#;", rune(rest[0]))
}

func isSecondsAssign(as *syntax.Assign) bool {
	return as.Name != nil && as.Name.Value == "SECONDS" && !as.Append && !as.Naked && as.Index == nil && as.Array == nil
}

// declare runs a declaration rewritten by compatSource: args are the
// keyword (declare, local, typeset, export, readonly), its options and its
// names or assignments, already expanded.
func (s *Session) declare(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	variant, args := args[0], args[1:]
	var flags string
	for len(args) > 0 && len(args[0]) > 1 && (args[0][0] == '-' || args[0][0] == '+') && args[0] != "--" {
		if args[0][0] == '-' {
			flags += args[0][1:]
		}
		args = args[1:]
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	switch {
	case strings.ContainsRune(flags, 'F'):
		return s.declareFunctionNames(hc, args)
	case strings.ContainsRune(flags, 'p') && len(args) > 0:
		return s.declarePrint(hc, args)
	case strings.ContainsRune(flags, 'f'):
		// export -f and readonly -f: functions are shared by the whole
		// session already; bash checks that they exist, and export puts
		// them in the environment of the programs it starts.
		exporting := variant == "export" || strings.ContainsRune(flags, 'x')
		if !exporting && variant != "readonly" && !strings.ContainsRune(flags, 'r') {
			return s.printFunctions(hc, args)
		}
		for _, name := range args {
			if _, ok := s.runner.Funcs[name]; !ok {
				s.shellError(hc, "%s: %s: not a function", variant, name)
				return interp.ExitStatus(1)
			}
		}
		if exporting {
			s.exportFunctions(args)
		}
		return nil
	}
	if (variant == "export" || variant == "readonly") && strings.ContainsRune(flags, 'n') {
		// -n takes the attribute away: what is left is the assignments.
		// (A variable exported before stays in the environment.)
		var assigns []string
		for _, arg := range args {
			if name, value, ok := strings.Cut(arg, "="); ok {
				assigns = append(assigns, name+"="+quoteWord(value))
			}
		}
		if len(assigns) == 0 {
			return nil
		}
		return hc.Builtin(ctx, []string{"eval", strings.Join(assigns, " ")})
	}
	// Keep the options the interpreter knows, and apply -i, -l and -u to
	// the values here.
	var kept strings.Builder
	for _, c := range flags {
		if strings.ContainsRune(supportedDeclFlags, c) {
			kept.WriteRune(c)
		}
	}
	words := []string{variant}
	if kept.Len() > 0 {
		words = append(words, "-"+kept.String())
	}
	refused := false
	for _, arg := range args {
		name, value, assigned := strings.Cut(arg, "=")
		if !assigned {
			words = append(words, name)
			continue
		}
		if s.refuseDeclared(hc, variant, name) {
			refused = true
			continue
		}
		switch {
		case strings.ContainsRune(flags, 'i'):
			value = "$((" + value + "))"
		case strings.ContainsRune(flags, 'l'):
			value = quoteWord(strings.ToLower(value))
		case strings.ContainsRune(flags, 'u'):
			value = quoteWord(strings.ToUpper(value))
		default:
			value = quoteWord(value)
		}
		words = append(words, name+"="+value)
	}
	if !refused {
		return hc.Builtin(ctx, []string{"eval", strings.Join(words, " ")})
	}
	// Without a name left, the declaration would list variables.
	if named := len(words) > 1 && (len(words) > 2 || !strings.HasPrefix(words[1], "-")); named {
		if err := hc.Builtin(ctx, []string{"eval", strings.Join(words, " ")}); err != nil {
			return err
		}
	}
	return interp.ExitStatus(1)
}

// declareFunctionNames is declare -F: every function's name as bash lists
// them, or, with names, those of them that are functions.
func (s *Session) declareFunctionNames(hc interp.HandlerContext, names []string) error {
	if len(names) == 0 {
		all := slices.Sorted(maps.Keys(s.runner.Funcs))
		for _, name := range all {
			if !strings.HasPrefix(name, "__devstack_") {
				fmt.Fprintf(hc.Stdout, "declare -f %s\n", name)
			}
		}
		return nil
	}
	var status error
	for _, name := range names {
		if _, ok := s.runner.Funcs[name]; ok {
			fmt.Fprintln(hc.Stdout, name)
		} else {
			status = interp.ExitStatus(1)
		}
	}
	return status
}

func quoteWord(word string) string {
	q, err := syntax.Quote(word, syntax.LangBash)
	if err != nil {
		return "''"
	}
	return q
}

func containsAny(src []byte, words ...string) bool {
	for _, w := range words {
		if bytes.Contains(src, []byte(w)) {
			return true
		}
	}
	return false
}

// highFD reports whether any redirection names a descriptor above 2.
func highFD(redirs []*syntax.Redirect) bool {
	for _, rd := range redirs {
		if rd.N != nil {
			if n, err := strconv.Atoi(rd.N.Value); err == nil && n > 2 {
				return true
			}
		}
		if _, ok := dupTarget(rd); ok {
			return true
		}
	}
	return false
}

// dupTarget is N of a >&N or <&N redirection with N above 2.
func dupTarget(rd *syntax.Redirect) (string, bool) {
	if rd.Op != syntax.DplOut && rd.Op != syntax.DplIn || rd.Word == nil {
		return "", false
	}
	target := rd.Word.Lit()
	n, err := strconv.Atoi(target)
	return target, err == nil && n > 2
}
