package bash

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// getopts is bash's, not the interpreter's: the interpreter stops at any
// word that starts with "--" (bash reads `--all` as the options -, a, l,
// l), leaves OPTIND alone at the `--` that ends the options, and sets
// neither OPTARG for an invalid option in silent mode nor bash's messages.
//
// A getopts call is rewritten to getoptsCommand, which evaluates
// getoptsRunCommand with "$0" and "$@" added: the positional parameters
// are only reachable from shell code.
const (
	getoptsCommand    = "__devstack_getopts"
	getoptsRunCommand = "__devstack_getopts_run"
	optindSetCommand  = "__devstack_optind_set"
)

const getoptsUsage = "getopts: usage: getopts optstring name [arg ...]"

// getoptsBuiltins maps the getopts commands to their implementations.
func (s *Session) getoptsBuiltins() map[string]Func {
	return map[string]Func{
		getoptsCommand:    s.getoptsCall,
		getoptsRunCommand: s.getoptsRun,
		optindSetCommand:  s.optindSet,
	}
}

// optState is bash's getopts state between calls: sh_optind, the next
// word to read, and, inside a word of bundled options, the word and the
// index of its next option character.
type optState struct {
	optind  int
	curopt  int
	charidx int
	// inWord is true while options of the word curopt remain.
	inWord bool
	// set is the value getopts last gave OPTIND; another value means the
	// script assigned it, which resets the scan as in bash.
	set string
	// assigned is true once a script assigned OPTIND since, even the same
	// value: the assignment resets the scan too.
	assigned bool
}

// getoptsCall hands getopts on to getoptsRun with the line of the call,
// $0 and, without words of its own, the positional parameters.
func (s *Session) getoptsCall(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	call := append([]string{getoptsRunCommand, strconv.FormatUint(uint64(hc.Pos.Line()), 10), strconv.Itoa(len(args))}, args...)
	text := quoteArgs(call, 0) + ` "$0"`
	if n := len(args); n == 2 || n == 3 && args[0] == "--" {
		text += ` "$@"`
	}
	// Straight to getoptsRun: neither a trace line nor a position of its
	// own, which would be a line of the evaluated text.
	s.mu.Lock()
	s.bypass = getoptsRunCommand
	s.mu.Unlock()
	return hc.Builtin(ctx, []string{"eval", text})
}

// getoptsRun is one getopts call: args are the line of the call, the
// number of getopts' own words, those words, $0 and the positional
// parameters if getopts had no words to parse. It reads and sets OPTIND,
// OPTARG and the variable as bash's getopts does.
func (s *Session) getoptsRun(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	line := args[0]
	n, _ := strconv.Atoi(args[1])
	own, rest := args[2:2+n], args[2+n:]
	argv0 := rest[0]
	if len(own) > 0 && own[0] == "--" {
		own = own[1:]
	} else if len(own) > 0 && len(own[0]) > 1 && own[0][0] == '-' {
		builtinErrorAt(hc, argv0, line, fmt.Sprintf("getopts: %s: invalid option", own[0]))
		fmt.Fprintln(hc.Stderr, getoptsUsage)
		return interp.ExitStatus(2)
	}
	if len(own) < 2 {
		fmt.Fprintln(hc.Stderr, getoptsUsage)
		return interp.ExitStatus(2)
	}
	optstring, name := own[0], own[1]
	// argv is as bash's getopts sees it: $0, then the words to parse.
	argv := append([]string{argv0}, own[2:]...)
	if len(own) == 2 {
		argv = rest
	}
	silent := strings.HasPrefix(optstring, ":")
	optstring = strings.TrimPrefix(optstring, ":")
	opterr := !silent && cAtoi(hc.Env.Get("OPTERR").String(), 1) != 0

	st := s.getoptsState(hc)
	r := st.next(argv, optstring)
	s.mu.Lock()
	st.set = strconv.Itoa(st.optind)
	s.getopts.at = st
	s.mu.Unlock()

	value, optarg, unsetOptarg, status := "?", "", true, 0
	switch r.kind {
	case optEnd:
		status = 1
	case optInvalid:
		if opterr {
			fmt.Fprintf(hc.Stderr, "%s: illegal option -- %c\n", argv0, r.opt)
		}
		if silent {
			optarg, unsetOptarg = string(r.opt), false
		}
	case optMissing:
		if opterr {
			fmt.Fprintf(hc.Stderr, "%s: option requires an argument -- %c\n", argv0, r.opt)
		}
		if silent {
			value, optarg, unsetOptarg = ":", string(r.opt), false
		}
	default:
		// Without an argument bash binds OPTARG to no value: unset.
		value, optarg, unsetOptarg = string(r.opt), r.optarg, !r.hasArg
	}

	// Assignments and the unset builtin run no command the session would
	// see or trace.
	assigns := "OPTIND=" + st.set
	if !unsetOptarg {
		assigns += " OPTARG=" + quoteWord(optarg)
	}
	if err := hc.Builtin(ctx, []string{"eval", assigns}); err != nil {
		return err
	}
	if unsetOptarg {
		if err := hc.Builtin(ctx, []string{"unset", "OPTARG"}); err != nil {
			return err
		}
	}
	if !syntax.ValidName(name) {
		builtinErrorAt(hc, argv0, line, fmt.Sprintf("getopts: `%s': not a valid identifier", name))
		return interp.ExitStatus(1)
	}
	if hc.Env.Get(name).ReadOnly {
		builtinErrorAt(hc, argv0, line, name+": readonly variable")
		return interp.ExitStatus(2)
	}
	if err := Assign(ctx, name, value); err != nil {
		return err
	}
	if status != 0 {
		return interp.ExitStatus(status)
	}
	return nil
}

// getoptsState is the state for this call: the last one's, unless the
// script assigned OPTIND since.
func (s *Session) getoptsState(hc interp.HandlerContext) *optState {
	value := hc.Env.Get("OPTIND").String()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &optState{set: "1"}
	if s.getopts.at != nil {
		*st = *s.getopts.at
	}
	if st.assigned || value != st.set {
		st.reset(value)
	}
	st.assigned = false
	return st
}

// getoptsScans is the session's getopts state.
type getoptsScans struct {
	// at is where the scan is, nil before the first getopts.
	at *optState
	// localIn are the call stack depths of the function calls that made
	// OPTIND local.
	localIn map[int]bool
}

// saveGetopts is called as a function starts, and returns what to call as
// it returns: if the function made OPTIND local, the caller's scan goes on
// where it was, as in bash; otherwise the function's getopts calls went on
// with the caller's scan.
func (s *Session) saveGetopts() func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	saved, depth := s.getopts.at, len((*s.stack()))
	delete(s.getopts.localIn, depth)
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.getopts.localIn[depth] {
			delete(s.getopts.localIn, depth)
			s.getopts.at = saved
		}
	}
}

// reset is what assigning OPTIND does in bash: a value of 1 (or none, or
// one below 0) starts the scan again; any other value is the next word to
// read, though the rest of a word of bundled options is still read first.
func (st *optState) reset(value string) {
	n := cAtoi(value, 0)
	if n < 0 || n == 1 {
		n = 0
	}
	st.optind = n
}

type optKind int

const (
	optFound optKind = iota
	optEnd
	optInvalid
	optMissing
)

type optResult struct {
	kind   optKind
	opt    byte
	optarg string
	hasArg bool
}

// next reads the next option as bash's sh_getopt does; argv[0] is $0.
func (st *optState) next(argv []string, optstring string) optResult {
	argc := len(argv)
	if st.optind >= argc || st.optind < 0 {
		st.optind = argc
		return optResult{kind: optEnd}
	}
	if st.optind == 0 {
		st.optind = 1
		st.inWord = false
	}
	// The word being read may be another one now, if getopts was given
	// other words: bash reads on at the same place.
	if st.inWord && (st.curopt >= argc || st.charidx >= len(argv[st.curopt])) {
		st.inWord = false
	}
	if !st.inWord {
		if st.optind >= argc {
			return optResult{kind: optEnd}
		}
		word := argv[st.optind]
		if word == "--" {
			st.optind++
			return optResult{kind: optEnd}
		}
		if len(word) < 2 || word[0] != '-' {
			return optResult{kind: optEnd}
		}
		st.curopt, st.charidx, st.inWord = st.optind, 1, true
	}
	word := argv[st.curopt]
	c := word[st.charidx]
	st.charidx++
	rest := word[st.charidx:]
	// The next word is due once the last option of this one is read.
	if rest == "" {
		st.optind++
		st.inWord = false
	}
	i := strings.IndexByte(optstring, c)
	if i < 0 || c == ':' {
		return optResult{kind: optInvalid, opt: c}
	}
	if i+1 < len(optstring) && optstring[i+1] == ':' {
		st.inWord = false
		switch {
		case rest != "":
			st.optind++
			return optResult{opt: c, optarg: rest, hasArg: true}
		case st.optind >= argc:
			return optResult{kind: optMissing, opt: c}
		}
		st.optind++
		return optResult{opt: c, optarg: argv[st.optind-1], hasArg: true}
	}
	return optResult{opt: c}
}

// cAtoi is C's atoi, which bash uses on OPTIND and OPTERR: leading blanks,
// a sign and the digits that follow; def for an empty value.
func cAtoi(s string, def int) int {
	if s == "" {
		return def
	}
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
		if n > 1<<31 {
			break
		}
	}
	if neg {
		return -n
	}
	return n
}

// builtinErrorAt writes a builtin's error as bash does in a script:
// "$0: line N: message".
func builtinErrorAt(hc interp.HandlerContext, argv0, line, msg string) {
	fmt.Fprintf(hc.Stderr, "%s: line %s: %s\n", argv0, line, msg)
}

// Bash resets getopts' scan whenever OPTIND is assigned, even to the value
// it has: `OPTIND=1` in the middle of a word of bundled options starts
// again. The interpreter tells no handler about assignments, so
// optindSource follows each statement that assigns OPTIND, plainly or with
// local, declare or export, with optindSetCommand, on the same line:
// `{ OPTIND=1; __devstack_optind_set; }`. Source that does not parse, or
// does not name OPTIND, is returned unchanged.
func optindSource(name string, src []byte) []byte {
	if !bytes.Contains(src, []byte("OPTIND")) {
		return src
	}
	file, err := parseSource(name, src)
	if err != nil {
		return src
	}
	type span struct {
		start, end uint
		local      bool
	}
	var spans []span
	inFunction := 0
	var visit func(node syntax.Node) bool
	visit = func(node syntax.Node) bool {
		if fd, ok := node.(*syntax.FuncDecl); ok {
			// Declarations in a function body make local variables.
			inFunction++
			walk(fd.Body, visit)
			inFunction--
			return false
		}
		stmt, ok := node.(*syntax.Stmt)
		if !ok || stmt.Negated || len(stmt.Redirs) > 0 || stmt.Cmd == nil {
			return true
		}
		sp := span{start: stmt.Cmd.Pos().Offset(), end: stmt.Cmd.End().Offset()}
		switch cmd := stmt.Cmd.(type) {
		case *syntax.CallExpr:
			if len(cmd.Args) == 0 && slices.ContainsFunc(cmd.Assigns, namesOptind) {
				spans = append(spans, sp)
			}
		case *syntax.DeclClause:
			if slices.ContainsFunc(cmd.Args, namesOptind) {
				sp.local = inFunction > 0 && localDecl(cmd)
				spans = append(spans, sp)
			}
		}
		return true
	}
	walk(file, visit)
	if len(spans) == 0 {
		return src
	}
	var out []byte
	last := uint(0)
	for _, sp := range spans {
		out = append(out, src[last:sp.start]...)
		out = append(out, "{ "...)
		out = append(out, src[sp.start:sp.end]...)
		out = append(out, "; "+optindSetCommand...)
		if sp.local {
			out = append(out, " local"...)
		}
		out = append(out, "; }"...)
		last = sp.end
	}
	return append(out, src[last:]...)
}

// localDecl reports whether a declaration in a function makes its
// variables local: local, and declare or typeset without -g.
func localDecl(dc *syntax.DeclClause) bool {
	switch dc.Variant.Value {
	case "local":
		return true
	case "declare", "typeset":
		for _, as := range dc.Args {
			if as.Naked && as.Name == nil && as.Value != nil && strings.HasPrefix(as.Value.Lit(), "-") && strings.Contains(as.Value.Lit(), "g") {
				return false
			}
		}
		return true
	}
	return false
}

func namesOptind(as *syntax.Assign) bool {
	return as.Name != nil && as.Name.Value == "OPTIND"
}

// optindSet follows an assignment of OPTIND, whose status it keeps; its
// argument is "local" after a declaration in a function.
func (s *Session) optindSet(ctx context.Context, args []string) error {
	s.mu.Lock()
	if len(args) > 0 && args[0] == "local" {
		if s.getopts.localIn == nil {
			s.getopts.localIn = map[int]bool{}
		}
		s.getopts.localIn[len((*s.stack()))] = true
	}
	if s.getopts.at != nil {
		// A copy: the state a function call saved stays as it was.
		st := *s.getopts.at
		st.assigned = true
		s.getopts.at = &st
	}
	s.mu.Unlock()
	if status := interp.HandlerCtx(ctx).LastExitStatus; status != 0 {
		return interp.ExitStatus(status)
	}
	return nil
}
