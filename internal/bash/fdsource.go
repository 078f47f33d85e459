package bash

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// The redirections the interpreter does not run are rewritten before a
// script runs (see fds.go for what runs them), every line kept where it
// is:
//
//   - `exec N>WORD ...` with N above 2 becomes
//     `{ exec; __devstack_fd N '>' WORD; ...; }`: the words stay in place,
//     and the exec left traces as bash traces it;
//   - a command's own `N<WORD` with N above 2 becomes
//     `{ __devstack_fdpush KEY N '<' WORD; COMMAND; __devstack_fdpop KEY C; }`,
//     the word moved before the command, as bash opens it first;
//   - `>&N` and `<&N` become `>/dev/fd/N` and `</dev/fd/N` (but `>&1`,
//     `>&2` and closes, which the interpreter runs), and `<&0` goes;
//   - `>|` becomes `>` of a marked word (redirPrefix), which the open
//     handler writes whatever noclobber says; in a script that speaks of
//     noclobber, every `>` is marked with its line, for bash's message;
//   - `{NAME}>WORD` is a descriptor above 2 that fdCommand allocates.

// fdRewriter holds what the redirection rewrites of one script need.
type fdRewriter struct {
	src []byte
	// mark is set in a script that speaks of noclobber: every > gets its
	// line marked.
	mark  bool
	edits *[]Edit
	// closings are the edits that end the braces a statement is put in.
	closings *[]Edit
	// visit is compatSource's walker, for the parts of a statement
	// stmt walks itself.
	visit func(syntax.Node) bool
}

// noclobberPattern matches set -C (with other letters) where a script's
// text holds "set" as a word; tried there only, as a search of the whole
// text with it is slow.
var noclobberPattern = regexp.MustCompile(`^set\s+[-+][A-Za-z]*C`)

func marksRedirects(src []byte) bool {
	if bytes.Contains(src, []byte("noclobber")) {
		return true
	}
	for at := 0; ; at += 3 {
		i := bytes.Index(src[at:], []byte("set"))
		if i < 0 {
			return false
		}
		at += i
		if (at == 0 || !isWordByte(src[at-1])) && noclobberPattern.Match(src[at:]) {
			return true
		}
	}
}

// isWordByte reports whether c is a character of a word as \b sees it.
func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// fdInfo is what one redirection does to which descriptor.
type fdInfo struct {
	n     int    // the descriptor, 0 or 1 when the operator implies it
	named string // NAME of {NAME}, else ""
}

func (c *fdRewriter) info(rd *syntax.Redirect) fdInfo {
	if rd.N != nil {
		if name, ok := strings.CutPrefix(rd.N.Value, "{"); ok {
			return fdInfo{n: -1, named: strings.TrimSuffix(name, "}")}
		}
		n, err := strconv.Atoi(rd.N.Value)
		if err != nil {
			return fdInfo{n: 1}
		}
		return fdInfo{n: n}
	}
	switch rd.Op {
	case syntax.RdrIn, syntax.RdrInOut, syntax.DplIn, syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
		return fdInfo{n: 0}
	}
	return fdInfo{n: 1}
}

func (i fdInfo) high() bool { return i.named != "" || i.n > 2 }

func (c *fdRewriter) text(node syntax.Node) string {
	return string(c.src[node.Pos().Offset():node.End().Offset()])
}

// stmt adds the edits of one statement's redirections and reports
// whether compatSource's walk should go on into the statement.
func (c *fdRewriter) stmt(st *syntax.Stmt) bool {
	if len(st.Redirs) == 0 {
		return true
	}
	var high []*syntax.Redirect
	for _, rd := range st.Redirs {
		if c.info(rd).high() {
			if rd.Op == syntax.Hdoc || rd.Op == syntax.DashHdoc || rd.Word == nil {
				// A here-document's body follows the line; left to
				// the interpreter.
				return true
			}
			high = append(high, rd)
		}
	}
	call, _ := st.Cmd.(*syntax.CallExpr)
	isExec := call != nil && len(call.Assigns) == 0 && len(call.Args) == 1 && call.Args[0].Lit() == "exec" &&
		st.Redirs[0].Pos().Offset() > call.End().Offset()
	switch {
	case len(high) == 0:
		for _, rd := range st.Redirs {
			c.low(rd)
		}
		return true
	case isExec:
		c.exec(st, call)
		return true
	}
	for _, rd := range high {
		if strings.Contains(c.text(rd), "\n") {
			// Moving it would move the lines after it.
			return true
		}
	}
	c.command(st, high)
	return false
}

// exec rewrites an exec of descriptors above 2 in place.
func (c *fdRewriter) exec(st *syntax.Stmt, call *syntax.CallExpr) {
	first := st.Redirs[0]
	*c.edits = append(*c.edits, Edit{Offset: call.Pos().Offset(), Remove: first.Pos().Offset() - call.Pos().Offset(), Text: "{ exec; "})
	for i, rd := range st.Redirs {
		if i > 0 {
			prev := st.Redirs[i-1].End().Offset()
			*c.edits = append(*c.edits, Edit{Offset: prev, Remove: rd.Pos().Offset() - prev, Text: "; "})
		}
		info := c.info(rd)
		if !info.high() {
			// bypassCommand: the exec is traced once, at the start.
			*c.edits = append(*c.edits, Edit{Offset: rd.Pos().Offset(), Text: bypassCommand + " exec "})
			c.low(rd)
			continue
		}
		*c.edits = append(*c.edits, Edit{Offset: rd.Pos().Offset(), Remove: rd.Word.Pos().Offset() - rd.Pos().Offset(),
			Text: fmt.Sprintf("%s %s '%s' ", fdCommand, info.spec(), rd.Op)})
	}
	*c.edits = append(*c.edits, Edit{Offset: st.Redirs[len(st.Redirs)-1].End().Offset(), Text: "; }"})
}

func (i fdInfo) spec() string {
	if i.named != "" {
		return "'{" + i.named + "}'"
	}
	return strconv.Itoa(i.n)
}

// command rewrites a command's own redirections of descriptors above 2:
// they are made before it and undone after it.
func (c *fdRewriter) command(st *syntax.Stmt, high []*syntax.Redirect) {
	start, end := st.Redirs[0].Pos().Offset(), st.Redirs[0].End().Offset()
	if st.Cmd != nil {
		start, end = min(start, st.Cmd.Pos().Offset()), max(end, st.Cmd.End().Offset())
	}
	for _, rd := range st.Redirs {
		end = max(end, rd.End().Offset())
	}
	key := strconv.FormatUint(uint64(st.Pos().Offset()), 10)
	var prefix strings.Builder
	prefix.WriteString("{ ")
	pushes := 0
	lowSeen := false
	for _, rd := range st.Redirs {
		info := c.info(rd)
		if !info.high() {
			lowSeen = true
			c.low(rd)
			if rd.Word != nil {
				walk(rd.Word, c.visit)
			}
			continue
		}
		*c.edits = append(*c.edits, Edit{Offset: rd.Pos().Offset(), Remove: rd.End().Offset() - rd.Pos().Offset()})
		word := c.movedWord(rd.Word)
		isClose := word == "-" && (rd.Op == syntax.DplOut || rd.Op == syntax.DplIn)
		switch {
		case info.named != "":
			// bash leaves a descriptor it allocated open after the
			// command.
			fmt.Fprintf(&prefix, "%s %s '%s' %s; ", fdCommand, info.spec(), rd.Op, word)
		case isClose && lowSeen:
			// `3>&1 1>&2 2>&3 3>&-`: the close comes after the
			// redirections that used the descriptor, which the end of
			// the command undoes anyway.
		default:
			fmt.Fprintf(&prefix, "%s %s %d '%s' %s; ", fdPushCommand, key, info.n, rd.Op, word)
			pushes++
		}
	}
	if st.Cmd != nil {
		walk(st.Cmd, c.visit)
	}
	*c.edits = append(*c.edits, Edit{Offset: start, Text: prefix.String()})
	*c.closings = append(*c.closings, Edit{Offset: end, Text: fmt.Sprintf("; %s %s %d; }", fdPopCommand, key, pushes)})
}

// movedWord is the text of a word moved before its command, with the
// rewrites its own text needs (a >&3 in a process substitution).
func (c *fdRewriter) movedWord(w *syntax.Word) string {
	text := c.text(w)
	if !strings.Contains(text, "$(") && !strings.Contains(text, "`") && !strings.Contains(text, "(") {
		return text
	}
	rewritten := string(compatSource("", []byte(": "+text)))
	if rest, ok := strings.CutPrefix(rewritten, ": "); ok {
		return rest
	}
	return text
}

// low adds the edits of a redirection of descriptor 0, 1 or 2.
func (c *fdRewriter) low(rd *syntax.Redirect) {
	if rd.Word == nil {
		return
	}
	info := c.info(rd)
	word := rd.Word.Lit()
	line := rd.Pos().Line()
	switch rd.Op {
	case syntax.DplIn, syntax.DplOut:
		switch {
		case word == "-":
			return
		case rd.Op == syntax.DplOut && (word == "1" || word == "2"):
			return
		case rd.Op == syntax.DplIn && word == "0" && info.n == 0:
			// A no-op, which the interpreter refuses.
			*c.edits = append(*c.edits, Edit{Offset: rd.Pos().Offset(), Remove: rd.End().Offset() - rd.Pos().Offset()})
			return
		}
		if word != "" {
			if _, err := strconv.Atoi(word); err != nil {
				// >&FILE is &>FILE: left to the interpreter.
				return
			}
		}
		op := ">"
		if rd.Op == syntax.DplIn {
			op = "<"
		}
		*c.edits = append(*c.edits, Edit{Offset: rd.OpPos.Offset(), Remove: rd.Word.Pos().Offset() - rd.OpPos.Offset(), Text: op + fdPrefix})
	case syntax.RdrClob:
		mark := ""
		if markable(rd.Word) {
			mark = redirMark("c", line)
		}
		*c.edits = append(*c.edits, Edit{Offset: rd.OpPos.Offset(), Remove: rd.Word.Pos().Offset() - rd.OpPos.Offset(),
			Text: ">" + mark})
	case syntax.RdrOut, syntax.RdrAll:
		if c.mark && markable(rd.Word) {
			*c.edits = append(*c.edits, Edit{Offset: rd.Word.Pos().Offset(), Text: redirMark("n", line)})
		}
	}
}

// markable reports whether a word keeps its meaning after a mark: not a
// process substitution's, nor one starting with a tilde.
func markable(w *syntax.Word) bool {
	if len(w.Parts) == 0 {
		return false
	}
	switch p := w.Parts[0].(type) {
	case *syntax.ProcSubst:
		return false
	case *syntax.Lit:
		return !strings.HasPrefix(p.Value, "~")
	}
	return true
}

func redirMark(flag string, line uint) string {
	return redirPrefix + flag + "/" + strconv.FormatUint(uint64(line), 10) + "/"
}

// hasFDSyntax reports whether a script may hold a redirection fdRewriter
// rewrites: a digit before < or >, a dup, >| or {NAME}>.
func hasFDSyntax(src []byte) bool {
	if containsAny(src, ">&", "<&", ">|", "}>", "}<", "noclobber") {
		return true
	}
	for i := 0; i+1 < len(src); i++ {
		if src[i] >= '0' && src[i] <= '9' && (src[i+1] == '<' || src[i+1] == '>') {
			return true
		}
	}
	return false
}
