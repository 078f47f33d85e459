package bash

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// The interpreter's own xtrace ignores PS4, so `set -x` is kept out of the
// interpreter and traced here instead: each simple command is rewritten to
// xtraceCommand, which traces it, expanding PS4 in the running shell (so a PS4
// calling a function, as DevStack's does, works), and writes the line to
// BASH_XTRACEFD, the session's Trace (the log of a run) or standard error,
// then runs the command.
// The other constructs bash traces are traced by commands xtraceSource
// adds to every script.
const (
	xtraceCommand  = "__devstack_xtrace"
	prefixCommand  = "__devstack_prefix"
	setListCommand = "__devstack_setlist"
	ps4Variable    = "__devstack_ps4"
	inPS4Variable  = "__devstack_inps4"
	// setXtraceCommand records xtrace and nounset in the running shell
	// (xtraceVar, nounsetVar), then runs the rest of a set command.
	setXtraceCommand = "__devstack_setxtrace"
)

// posixOptions are the options set -o knows, in bash's listing order,
// with their letters.
var posixOptions = []struct {
	letter byte
	name   string
}{
	{'a', "allexport"}, {'E', "errtrace"}, {'T', "functrace"}, {'n', "noexec"},
	{'f', "noglob"}, {'u', "nounset"}, {' ', "pipefail"}, {'x', "xtrace"}, {'e', "errexit"},
	{'B', "braceexpand"}, {'C', "noclobber"}, {'H', "histexpand"}, {'P', "physical"},
	{'h', "hashall"}, {'k', "keyword"}, {'m', "monitor"}, {'b', "notify"}, {'t', "onecmd"},
	{'p', "privileged"}, {'v', "verbose"}, {' ', "emacs"}, {' ', "history"}, {' ', "ignoreeof"},
	{' ', "interactive-comments"}, {' ', "nolog"}, {' ', "posix"}, {' ', "vi"},
}

// interpreterOptions are the options the interpreter itself knows; the
// session records the others, so that scripts may set them as in bash.
var interpreterOptions = []string{"allexport", "errexit", "noexec", "noglob", "nounset", "pipefail"}

// defaultOn are the options a non-interactive bash starts with.
var defaultOn = []string{"braceexpand", "hashall", "interactive-comments"}

// setCommand follows a set command into the session's record of the
// options and returns what the interpreter should run: without the options
// it lacks (errtrace, functrace) or that the session handles (xtrace, when
// it emulates it), and listings (set -o, set +o) answered by the session.
func (s *Session) setCommand(shell *shellState, args []string) []string {
	if len(args) == 1 {
		return []string{setVarsCommand}
	}
	if len(args) == 2 && (args[1] == "-o" || args[1] == "+o") {
		return []string{setListCommand, args[1]}
	}
	// In a subshell whose status is tested, errexit stays ignored.
	ignoring := shell != nil && shell.ignoring
	keep := func(name string, on bool) bool {
		known := slices.Contains(interpreterOptions, name) || optionLetter(name) == 0
		return known && !(ignoring && on && name == "errexit")
	}
	out := args[:1:1]
	xtrace, nounset := "", ""
	note := func(name string, on bool) {
		s.setOption(shell, name, on)
		switch name {
		case "xtrace":
			xtrace = xtraceVar + "=0"
			if on {
				xtrace = xtraceVar + "=1"
			}
		case "nounset":
			nounset = nounsetVar + "="
			if on {
				nounset += "1"
			}
		}
	}
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-" || len(a) < 2 || a[0] != '-' && a[0] != '+' {
			out = append(out, args[i:]...)
			break
		}
		on := a[0] == '-'
		if a[1] == 'o' && len(a) == 2 {
			if i+1 < len(args) {
				i++
				note(args[i], on)
				if keep(args[i], on) {
					out = append(out, a, args[i])
				}
			}
			continue
		}
		letters := a[:1]
		for _, c := range []byte(a[1:]) {
			name := optionName(c)
			note(name, on)
			if name == "" || keep(name, on) {
				letters += string(c)
			}
		}
		if len(letters) > 1 {
			out = append(out, letters)
		}
	}
	if len(out) == 1 && len(args) > 1 {
		// Nothing left for the interpreter, and set alone would list
		// every variable.
		out = []string{"true"}
	}
	if xtrace != "" || nounset != "" {
		return append([]string{setXtraceCommand, strings.TrimSpace(xtrace + " " + nounset)}, out...)
	}
	return out
}

// setXtrace records xtrace and nounset in the running shell (ASSIGNMENTS
// of xtraceVar and nounsetVar), then runs the rest of the set command.
func (s *Session) setXtrace(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if err := hc.Builtin(ctx, []string{"eval", args[0]}); err != nil {
		return err
	}
	if rest := args[1:]; len(rest) > 1 {
		return hc.Builtin(ctx, rest)
	}
	return nil
}

func optionName(letter byte) string {
	for _, o := range posixOptions {
		if o.letter == letter && letter != ' ' {
			return o.name
		}
	}
	return ""
}

// optionLetter is the letter of a named option, ' ' for one without, 0
// for a name bash does not know.
func optionLetter(name string) byte {
	for _, o := range posixOptions {
		if o.name == name {
			return o.letter
		}
	}
	return 0
}

func (s *Session) setOption(shell *shellState, name string, on bool) {
	if name == "" || shell == nil {
		return
	}
	s.mu.Lock()
	shell.options[name] = on
	s.mu.Unlock()
}

// setList prints the options as set -o (a table) or set +o (commands)
// does.
func (s *Session) setList(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if args[0] == "+o" {
		io.WriteString(hc.Stdout, s.optionListing(hc, false))
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	options := s.options
	if shell := s.shellOf(hc); shell != nil {
		options = shell.options
	}
	for _, o := range sortedOptions() {
		on := options[o]
		if o == "xtrace" {
			on = xtraceOn(hc)
		}
		state := "off"
		if on {
			state = "on"
		}
		fmt.Fprintf(hc.Stdout, "%-15s\t%s\n", o, state)
	}
	return nil
}

// optionListing is what set +o prints in the shell of a handler, or in a
// command substitution started there (subst), which runs with errexit
// off: a command that sets each option as it is.
func (s *Session) optionListing(hc interp.HandlerContext, subst bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	options := s.options
	if shell := s.shellOf(hc); shell != nil {
		options = shell.options
	}
	var b strings.Builder
	for _, o := range sortedOptions() {
		on := options[o]
		if o == "xtrace" {
			on = xtraceOn(hc)
		}
		if subst && o == "errexit" {
			on = false
		}
		sign := "+"
		if on {
			sign = "-"
		}
		fmt.Fprintf(&b, "set %so %s\n", sign, o)
	}
	return b.String()
}

// sortedOptions are bash's options, in the order set -o lists them.
func sortedOptions() []string {
	names := make([]string, 0, len(posixOptions))
	for _, o := range posixOptions {
		names = append(names, o.name)
	}
	slices.Sort(names)
	return names
}

// xtrace writes the trace line of a command and runs it, through eval:
// the command goes through the call handler again, which must not trace
// it twice. What is about to run untraced is counted by name and line,
// not held in one place, as a pipeline's commands trace at once.
//
// A simple command with prefix assignments (X=1 cmd) comes as
// prefixCommand NAMES... -- cmd (xtraceSource), for its assignments to be
// traced before it, as bash traces them.
func (s *Session) xtrace(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	// The command's prefix assignments are traced first, each on a line,
	// with the values they have for it.
	var prefix []string
	prefix, args = prefixNames(args)
	run := args
	if args[0] == testedCommand {
		args = args[1:]
	}
	key := untracedKey(args[0], hc.Pos.Line())
	s.mu.Lock()
	// A command whose standard error is redirected is traced where the
	// shell's goes, as bash traces it before redirecting.
	at := stderrKey{line: hc.Pos.Line(), level: len(hc.Env.Get(levelVar).String())}
	stderr, ok := s.stderrAt[at]
	delete(s.stderrAt, at)
	// A command of a $( ) in the words of one redirecting its standard
	// error: the words are expanded before the redirection, in bash.
	for at.level > 0 && !ok {
		at.level--
		stderr, ok = s.stderrAt[at]
	}
	s.mu.Unlock()
	for _, name := range prefix {
		s.traceLineTo(ctx, stderr, hc.Env.Get("PS4"), name+"="+traceValue(hc.Env.Get(name).String()))
	}
	shown := args
	if args[0] == letCommand {
		// let is traced under its own name.
		shown = append([]string{"let"}, args[1:]...)
	}
	if args[0] == declCommand {
		// A declaration the session runs: traced as written.
		shown = args[1:]
	}
	// A pipeline's commands run at once, the right-hand ones usually
	// first here; bash starts them left to right, and so traces them.
	readEnd, writeEnd := pipeInode(hc.Stdin), pipeInode(hc.Stdout)
	if readEnd != 0 {
		s.awaitPipeWriter(readEnd)
	}
	s.traceLineTo(ctx, stderr, hc.Env.Get("PS4"), traceWords(shown))
	if writeEnd != 0 {
		s.pipeWriterTraced(writeEnd)
	}
	s.mu.Lock()
	if s.untraced == nil {
		s.untraced = map[string]int{}
	}
	s.untraced[key]++
	s.mu.Unlock()
	// Expanding PS4 ran commands of its own: the command gets back the
	// $? it had, through the left side of ||, which neither errexit nor
	// the ERR trap looks at.
	restore := ""
	if hc.LastExitStatus != 0 {
		restore = fmt.Sprintf("%s %d || ", statusCommand, hc.LastExitStatus)
	}
	return hc.Builtin(ctx, []string{"eval", linePadding(hc) + restore + quoteArgs(run, 0)})
}

func untracedKey(name string, line uint) string {
	return name + "\x00" + strconv.FormatUint(uint64(line), 10)
}

// untrace reports whether a command is the one xtrace just traced, with
// s.mu held.
func (s *Session) untrace(name string, line uint) bool {
	if len(s.untraced) == 0 {
		return false
	}
	key := untracedKey(name, line)
	n := s.untraced[key]
	if n == 0 {
		return false
	}
	if n == 1 {
		delete(s.untraced, key)
	} else {
		s.untraced[key] = n - 1
	}
	return true
}

// inPS4 reports whether a command runs for the expansion of PS4, which
// bash does not trace. A variable, so that the command substitutions of
// PS4 see it, and concurrent jobs do not.
func inPS4(hc interp.HandlerContext) bool {
	return hc.Env.Get(inPS4Variable).String() == "1"
}

// linePadding puts evaluated text, which starts at line 1, on the line of
// the command running, for LINENO and caller.
func linePadding(hc interp.HandlerContext) string {
	if line := hc.Pos.Line(); line > 1 {
		return strings.Repeat("\n", int(line)-1)
	}
	return ""
}

// xtraceOn reports whether xtrace is on in the shell running a command.
func xtraceOn(hc interp.HandlerContext) bool {
	return hc.Env.Get(xtraceVar).String() == "1"
}

// traceLine writes one trace line: PS4 expanded in the running shell, its
// first character repeated once per level of command substitution, then
// text.
func (s *Session) traceLine(ctx context.Context, text string) {
	s.traceLineWith(ctx, interp.HandlerCtx(ctx).Env.Get("PS4"), text)
}

func (s *Session) traceLineWith(ctx context.Context, ps4 expand.Variable, text string) {
	s.traceLineTo(ctx, nil, ps4, text)
}

// traceLineTo writes a trace line to w, or where traceTo says if w is nil.
func (s *Session) traceLineTo(ctx context.Context, w io.Writer, ps4 expand.Variable, text string) {
	hc := interp.HandlerCtx(ctx)
	prefix := "+ "
	if ps4.IsSet() {
		err := hc.Builtin(ctx, []string{"eval", linePadding(hc) + inPS4Variable + "=1; " + ps4Variable + "=\"" + escapeDoubleQuoted(ps4.String()) + "\""})
		prefix = ""
		if err == nil {
			prefix = hc.Env.Get(ps4Variable).String()
		}
		hc.Builtin(ctx, []string{"eval", "unset " + ps4Variable + " " + inPS4Variable})
	}
	if level := len(hc.Env.Get(levelVar).String()); level > 0 && prefix != "" {
		prefix = strings.Repeat(prefix[:1], level) + prefix
	}
	if w == nil || hc.Env.Get("BASH_XTRACEFD").IsSet() || s.opts.Trace != nil {
		w = s.traceTo(hc)
	}
	w.Write([]byte(prefix + text + "\n"))
}

// traceCommand runs the trace commands xtraceSource adds. They keep the
// status of the command before them, so that $?, errexit and the ERR trap
// see the traced construct's.
func (s *Session) traceCommand(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	status := hc.LastExitStatus
	if args[0] == traceOK {
		return nil
	}
	if args[0] == traceFail {
		return interp.ExitStatus(1)
	}
	if args[0] == traceMatch {
		return s.traceMatch(ctx, args[1:])
	}
	if !xtraceOn(hc) || inPS4(hc) {
		return exitStatus(status)
	}
	switch args[0] {
	case traceStderr:
		s.mu.Lock()
		if s.stderrAt == nil {
			s.stderrAt = map[stderrKey]io.Writer{}
		}
		s.stderrAt[stderrKey{line: hc.Pos.Line(), level: len(hc.Env.Get(levelVar).String())}] = hc.Stderr
		s.mu.Unlock()
	case traceHook:
		var b strings.Builder
		for i := 1; i < len(args); i++ {
			if args[i] == escapeNext && i+1 < len(args) {
				i++
				for _, c := range args[i] {
					b.WriteByte('\\')
					b.WriteRune(c)
				}
				continue
			}
			b.WriteString(args[i])
		}
		s.traceLine(ctx, b.String())
	case traceAssign:
		for i := 1; i+1 < len(args); i += 2 {
			if args[i+1] == "" && strings.HasSuffix(args[i], ")") {
				// An array: bash shows it as written.
				s.traceLine(ctx, args[i])
				continue
			}
			line := args[i] + "=" + traceValue(args[i+1])
			if args[i] == "PS4" {
				s.traceLineWith(ctx, hc.Env.Get(ps4Before), line)
				continue
			}
			s.traceLine(ctx, line)
		}
	case traceArray:
		s.traceLine(ctx, arrayTraceLine(args[1], args[2:]))
	case traceDecl:
		s.traceDeclaration(ctx, args[1], args[2:])
	}
	return exitStatus(status)
}

// traceMatch traces and runs a [[ X == Y ]] test xtraceSource wrote as
// traceMatch X OP Y, Y quoted: the trace shows Y with each character
// escaped, as bash shows a quoted pattern, and X matches Y when it is the
// same text.
func (s *Session) traceMatch(ctx context.Context, args []string) error {
	if len(args) != 3 {
		return interp.ExitStatus(2)
	}
	x, op, y := args[0], args[1], args[2]
	if hc := interp.HandlerCtx(ctx); xtraceOn(hc) && !inPS4(hc) {
		// An empty word shows as ''.
		var b strings.Builder
		b.WriteString("[[ ")
		if x == "" {
			b.WriteString("''")
		}
		b.WriteString(x + " " + op + " ")
		if y == "" {
			b.WriteString("''")
		}
		for _, c := range y {
			b.WriteByte('\\')
			b.WriteRune(c)
		}
		b.WriteString(" ]]")
		s.traceLine(ctx, b.String())
	}
	if (x == y) == (op != "!=") {
		return nil
	}
	return interp.ExitStatus(1)
}

// traceDeclaration traces local, declare, export and the others as bash
// does: the command with its words, and for export and readonly each
// assignment again.
func (s *Session) traceDeclaration(ctx context.Context, variant string, specs []string) {
	words := []string{variant}
	var again []string
	for i := 0; i < len(specs); i++ {
		switch specs[i] {
		case "w", "n", "r":
			if i+1 < len(specs) {
				i++
				words = append(words, traceQuote(specs[i]))
			}
		case "ref":
			if i+1 < len(specs) {
				i++
				name, target := specs[i], interp.HandlerCtx(ctx).Env.Get(specs[i]).Str
				words = append(words, traceQuote(name+"="+target))
				again = append(again, name+"="+traceValue(target))
			}
		case "a":
			if i+2 < len(specs) {
				name, value := specs[i+1], specs[i+2]
				i += 2
				words = append(words, traceQuote(name+"="+value))
				again = append(again, name+"="+traceValue(value))
			}
		}
	}
	s.traceLine(ctx, strings.Join(words, " "))
	if variant == "export" || variant == "readonly" {
		for _, line := range again {
			s.traceLine(ctx, line)
		}
	}
}

func exitStatus(status int) error {
	if status == 0 {
		return nil
	}
	return interp.ExitStatus(uint8(status))
}

// traceWords renders a command's words as bash's trace does.
func traceWords(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(traceQuote(a))
	}
	return b.String()
}

// traceQuote quotes a word as bash's trace does: in single quotes when it
// holds a character special to the shell, ” when empty.
func traceQuote(word string) string {
	if word == "" {
		return "''"
	}
	if !needsTraceQuotes(word) {
		return word
	}
	return "'" + strings.ReplaceAll(word, "'", `'\''`) + "'"
}

// traceValue is an assigned value as traced: empty stays empty.
func traceValue(value string) string {
	if value == "" || !needsTraceQuotes(value) {
		return value
	}
	return "'" + strings.ReplaceAll(value, "'", `'\''`) + "'"
}

func needsTraceQuotes(word string) bool {
	for i := 0; i < len(word); i++ {
		switch c := word[i]; c {
		case ' ', '\t', '\n', '\'', '"', '\\', '|', '&', ';', '(', ')', '<', '>', '!', '{', '}', '*', '[', '?', ']', '^', '$', '`':
			return true
		case '~':
			if i == 0 || word[i-1] == '=' || word[i-1] == ':' {
				return true
			}
		case '#':
			if i == 0 {
				return true
			}
		}
	}
	return false
}

// traceTo is where trace lines go: BASH_XTRACEFD if it names an open
// descriptor, else the session's Trace, else standard error.
func (s *Session) traceTo(hc interp.HandlerContext) io.Writer {
	if fd, err := strconv.Atoi(hc.Env.Get("BASH_XTRACEFD").String()); err == nil {
		switch fd {
		case 1:
			return hc.Stdout
		case 2:
			return hc.Stderr
		}
		s.mu.Lock()
		f := s.fds[fd]
		s.mu.Unlock()
		if f != nil {
			return f
		}
	}
	if s.opts.Trace != nil {
		return s.opts.Trace
	}
	return hc.Stderr
}

// escapeDoubleQuoted makes text safe inside double quotes while keeping
// its expansions, as a prompt string is expanded.
func escapeDoubleQuoted(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\' && i+1 < len(text) && strings.IndexByte("$`\"\\", text[i+1]) >= 0:
			b.WriteByte(c)
			b.WriteByte(text[i+1])
			i++
		case c == '\\':
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// enterSourceLevel adds a level of trace for a sourced file, as bash
// counts one for each file it reads commands from; the function returned
// leaves it.
func enterSourceLevel(ctx context.Context) func() {
	hc := interp.HandlerCtx(ctx)
	if !xtraceOn(hc) {
		return func() {}
	}
	before := hc.Env.Get(levelVar).String()
	hc.Builtin(ctx, []string{"eval", levelVar + "+=+"})
	return func() { hc.Builtin(ctx, []string{"eval", levelVar + "=" + before}) }
}

// pipeWait bounds how long a command reading a pipe waits for the command
// writing it to be traced first: one that traces nothing must not hold
// the pipeline up.
const pipeWait = 20 * time.Millisecond

// pipeInode identifies the pipe a standard stream is, 0 for anything
// else. Both ends of a pipe have the same inode.
func pipeInode(stream any) uint64 {
	f, ok := stream.(*os.File)
	if !ok {
		return 0
	}
	var st unix.Stat_t
	if unix.Fstat(int(f.Fd()), &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		return 0
	}
	return st.Ino
}

// pipeTraced is closed once the writer of the pipe has been traced, with
// s.mu held.
func (s *Session) pipeTraced(inode uint64) chan struct{} {
	if s.pipeWriters == nil {
		s.pipeWriters = map[uint64]chan struct{}{}
	}
	ch, ok := s.pipeWriters[inode]
	if !ok {
		ch = make(chan struct{})
		s.pipeWriters[inode] = ch
	}
	return ch
}

func (s *Session) pipeWriterTraced(inode uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.pipeTraced(inode)
	select {
	case <-ch:
	default:
		close(ch)
	}
}

func (s *Session) awaitPipeWriter(inode uint64) {
	s.mu.Lock()
	ch := s.pipeTraced(inode)
	s.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(pipeWait):
		// Not traced in time: the rest of the reader's commands go on.
		s.pipeWriterTraced(inode)
	}
}

// stderrKey is where a command redirecting its standard error is: its
// line, and its level of command substitution, for a command of a $( )
// in its words, on the same line, to use it without taking its place.
type stderrKey struct {
	line  uint
	level int
}

// prefixNames splits args that start with prefixCommand into the names
// of the prefix assignments and the command.
func prefixNames(args []string) (names, command []string) {
	if len(args) == 0 || args[0] != prefixCommand {
		return nil, args
	}
	end := slices.Index(args, "--")
	if end < 0 {
		return nil, args[1:]
	}
	return args[1:end], args[end+1:]
}

// prefixMark gives the words that go before the command of a simple
// command with prefix assignments of plain names, for xtrace; false where
// the command's first word is not written out (X=1 $cmd), which could
// expand to nothing and make the assignments the shell's own.
func prefixMark(call *syntax.CallExpr) (string, bool) {
	if len(call.Args) == 0 || len(call.Assigns) == 0 {
		return "", false
	}
	word := ""
	for _, w := range call.Args {
		if word = w.Lit(); !strings.HasPrefix(word, "__devstack_") {
			break
		}
	}
	if word == "" || strings.HasPrefix(word, "__devstack_") {
		return "", false
	}
	names := []string{prefixCommand}
	for _, as := range call.Assigns {
		if as.Name == nil || as.Index != nil || as.Array != nil || as.Append || as.Naked {
			return "", false
		}
		names = append(names, as.Name.Value)
	}
	return strings.Join(names, " ") + " -- ", true
}
