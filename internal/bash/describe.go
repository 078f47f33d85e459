package bash

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// type and command -v/-V tell what a name is as bash does (type.def):
// an alias, a keyword, a function (with its definition), a builtin or a
// file. The interpreter's know neither -V, nor -a and -f, nor bash's list
// of builtins.
const (
	typeCommand    = "__devstack_type"
	commandCommand = "__devstack_command"
)

// bashBuiltins are bash 5.2's builtins (compgen -b).
var bashBuiltins = strings.Fields(". : [ alias bg bind break builtin caller cd command compgen complete compopt " +
	"continue declare dirs disown echo enable eval exec exit export false fc fg getopts hash help history jobs " +
	"kill let local logout mapfile popd printf pushd pwd read readarray readonly return set shift shopt source " +
	"suspend test times trap true type typeset ulimit umask unalias unset wait")

// bashKeywords are bash's reserved words (compgen -k).
var bashKeywords = strings.Fields("if then else elif fi case esac for select while until do done in function time { } ! [[ ]] coproc")

// standardPath is the PATH command -p searches, glibc's _CS_PATH.
const standardPath = "/bin:/usr/bin"

// describeMode is what type or command prints.
type describeMode struct {
	all       bool // -a: every meaning, not only the first
	noFuncs   bool // -f
	pathOnly  bool // -p: only a file's path
	forcePath bool // -P: search PATH whatever the name is
	kind      bool // -t: one word
	short     bool // command -v: the name, or the path
	path      string
}

// commandDescribe is command with options: -v and -V describe, -p alone
// is turned back into plain command by compatCall.
func (s *Session) commandDescribe(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	where := s.bashWhere(hc.Pos.Line())
	mode := describeMode{path: hc.Env.Get("PATH").String()}
	verbose, described := false, false
	args, err := s.builtinOptions(hc, "command", "command [-pVv] command [arg ...]", args, func(c rune) bool {
		switch c {
		case 'p':
			mode.path = standardPath
		case 'v':
			verbose, described = false, true
		case 'V':
			verbose, described = true, true
		default:
			return false
		}
		return true
	})
	if err != nil {
		return err
	}
	if !described {
		return hc.Builtin(ctx, []string{"eval", bypassCommand + " command " + quoteArgs(args, 0)})
	}
	mode.short = !verbose
	found := false
	for _, name := range args {
		if s.describe(ctx, name, mode) {
			found = true
		} else if verbose {
			fmt.Fprintf(hc.Stderr, "%s command: %s: not found\n", where, name)
		}
	}
	if !found {
		return interp.ExitStatus(1)
	}
	return nil
}

// typeBuiltin is bash's type.
func (s *Session) typeBuiltin(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	where := s.bashWhere(hc.Pos.Line())
	mode := describeMode{path: hc.Env.Get("PATH").String()}
	args, err := s.builtinOptions(hc, "type", "type [-afptP] name [name ...]", args, func(c rune) bool {
		switch c {
		case 'a':
			mode.all = true
		case 'f':
			mode.noFuncs = true
		case 'p':
			mode.pathOnly = true
		case 'P':
			mode.forcePath = true
		case 't':
			mode.kind = true
		default:
			return false
		}
		return true
	})
	if err != nil {
		return err
	}
	failed := false
	for _, name := range args {
		if s.describe(ctx, name, mode) {
			continue
		}
		failed = true
		if !mode.kind && !mode.pathOnly && !mode.forcePath {
			fmt.Fprintf(hc.Stderr, "%s type: %s: not found\n", where, name)
		}
	}
	if failed {
		return interp.ExitStatus(1)
	}
	return nil
}

// describe prints what name is, and reports whether it is anything.
func (s *Session) describe(ctx context.Context, name string, mode describeMode) bool {
	hc := interp.HandlerCtx(ctx)
	out := hc.Stdout
	found := false
	say := func(kind, short, long string) {
		found = true
		switch {
		case mode.kind:
			fmt.Fprintln(out, kind)
		case mode.pathOnly || mode.forcePath:
			if kind == "file" {
				fmt.Fprintln(out, short)
			}
		case mode.short:
			fmt.Fprintln(out, short)
		default:
			fmt.Fprintln(out, long)
		}
	}
	if !mode.forcePath {
		if alias, ok := s.alias(ctx, name); ok {
			say("alias", "alias "+name+"="+quoteAlias(alias), name+" is aliased to `"+alias+"'")
			if !mode.all {
				return true
			}
		}
		if slices.Contains(bashKeywords, name) {
			say("keyword", name, name+" is a shell keyword")
			if !mode.all {
				return true
			}
		}
		if !mode.noFuncs {
			if body, ok := s.runner.Funcs[name]; ok {
				long := name + " is a function"
				if !mode.kind && !mode.pathOnly && !mode.forcePath && !mode.short && !discarded(out) {
					// The definition is found and printed only to be read:
					// `type f > /dev/null` asks whether f is a function.
					long += "\n" + s.functionDefinition(name, body)
				}
				say("function", name, long)
				if !mode.all {
					return true
				}
			} else if _, ok := s.lookupFunc(name); ok && !strings.HasPrefix(name, "__devstack_") {
				say("function", name, name+" is a function")
				if !mode.all {
					return true
				}
			}
		}
		if slices.Contains(bashBuiltins, name) {
			say("builtin", name, name+" is a shell builtin")
			if !mode.all {
				return true
			}
		}
	}
	if strings.Contains(name, "/") {
		if executable(Absolute(hc.Dir, name)) {
			say("file", name, name+" is "+name)
		}
		return found
	}
	for _, dir := range filepath.SplitList(mode.path) {
		if dir == "" {
			dir = "."
		}
		path := filepath.Join(dir, name)
		if !executable(Absolute(hc.Dir, path)) {
			continue
		}
		say("file", path, name+" is "+path)
		if !mode.all {
			break
		}
	}
	return found
}

func executable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && unix.Access(path, unix.X_OK) == nil
}

// alias is an alias's value, when aliases are expanded.
func (s *Session) alias(ctx context.Context, name string) (string, bool) {
	_, states := s.shoptStates(ctx, false)
	if !states["expand_aliases"] || !syntax.ValidName(strings.ReplaceAll(name, "-", "_")) {
		return "", false
	}
	// The interpreter lists an alias as alias NAME='VALUE'.
	listing := strings.TrimSpace(s.capture(ctx, bypassCommand+" alias "+quoteWord(name)+" 2>/dev/null"))
	value, ok := strings.CutPrefix(strings.TrimPrefix(listing, "alias "), name+"=")
	if !ok {
		return "", false
	}
	if unquoted, err := unquoteWord(value); err == nil {
		value = unquoted
	}
	return value, true
}

// quoteAlias quotes an alias's value as bash's alias listing does.
func quoteAlias(value string) string {
	return "'" + strings.ReplaceAll(value, "'", `'\''`) + "'"
}

// unquoteWord reads one shell word back to its value.
func unquoteWord(word string) (string, error) {
	file, err := syntax.NewParser().Parse(strings.NewReader("x "+word), "")
	if err != nil || len(file.Stmts) != 1 {
		return "", fmt.Errorf("not one word: %q", word)
	}
	call, ok := file.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) != 2 {
		return "", fmt.Errorf("not one word: %q", word)
	}
	var b strings.Builder
	for _, part := range call.Args[1].Parts {
		switch p := part.(type) {
		case *syntax.SglQuoted:
			b.WriteString(p.Value)
		case *syntax.Lit:
			b.WriteString(unescapeLit(p.Value))
		default:
			return "", fmt.Errorf("not a literal: %q", word)
		}
	}
	return b.String(), nil
}

// noteSource keeps a script's text as written, before the session's
// rewrites, for printing its functions back.
func (s *Session) noteSource(path string, src []byte) {
	if !bytes.Contains(src, []byte("()")) && !bytes.Contains(src, []byte("function")) {
		return
	}
	// prepare runs with s.mu held: the sources have a lock of their own.
	s.srcMu.Lock()
	defer s.srcMu.Unlock()
	if s.sources == nil {
		s.sources = map[string]*scriptSource{}
	}
	if path == "eval" {
		// Each evaluated text is kept: functions defined by earlier
		// ones stay.
		path = fmt.Sprintf("eval %x", sha256.Sum256(src))
	}
	if old, ok := s.sources[path]; ok && bytes.Equal(old.src, src) {
		return
	}
	s.sources[path] = &scriptSource{src: src}
}

// scriptSource is a script's text as written, parsed when first needed.
type scriptSource struct {
	src    []byte
	parsed bool
	// funcs are the file's function definitions by name, found once
	// when it is parsed: type and declare -f look them up on every call.
	funcs map[string][]*syntax.FuncDecl
}

// definitions is the function definitions of a script by name, parsed
// when first needed. Call with s.srcMu held.
func (ss *scriptSource) definitions(path string) map[string][]*syntax.FuncDecl {
	if ss.parsed {
		return ss.funcs
	}
	ss.parsed = true
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(ss.src), path)
	if err != nil {
		return nil
	}
	ss.funcs = map[string][]*syntax.FuncDecl{}
	walk(file, func(node syntax.Node) bool {
		if fd, ok := node.(*syntax.FuncDecl); ok && fd.Name != nil {
			ss.funcs[fd.Name.Value] = append(ss.funcs[fd.Name.Value], fd)
		}
		return true
	})
	return ss.funcs
}

// functionDefinition is a function's definition as bash prints it, or,
// when the text it was defined from is not known, as the interpreter
// prints the body it runs.
func (s *Session) functionDefinition(name string, body *syntax.Stmt) string {
	if def := s.functionText(name, body); def != "" {
		return def
	}
	var b strings.Builder
	syntax.NewPrinter().Print(&b, &syntax.FuncDecl{Name: &syntax.Lit{Value: name}, Parens: true, Body: body})
	return b.String()
}

// functionText is a function's definition as bash prints it, from the
// script that defined it, as written: the body the interpreter runs is
// the rewritten one. "" when the definition is not found.
func (s *Session) functionText(name string, body *syntax.Stmt) string {
	s.mu.Lock()
	origin := s.funcFiles[body].source
	s.mu.Unlock()
	s.srcMu.Lock()
	defer s.srcMu.Unlock()
	line := body.Pos().Line()
	find := func(path string, ss *scriptSource) *syntax.FuncDecl {
		var found *syntax.FuncDecl
		for _, fd := range ss.definitions(path)[name] {
			if fd.Body.Pos().Line() == line {
				found = fd
			}
		}
		return found
	}
	// The file that defined it, when known, is the answer; the others
	// are parsed only when it is not among them.
	if ss, ok := s.sources[origin]; ok && origin != "" {
		if fd := find(origin, ss); fd != nil {
			return printFunction(fd, ss.src)
		}
	}
	var best *syntax.FuncDecl
	var bestSrc []byte
	for path, ss := range s.sources {
		fd := find(path, ss)
		if fd == nil {
			continue
		}
		if best == nil || origin != "" && (path == origin || strings.HasSuffix(path, "/"+filepath.Base(origin))) {
			best, bestSrc = fd, ss.src
		}
	}
	if best == nil {
		return ""
	}
	return printFunction(best, bestSrc)
}

// printFunctions is declare -f: the definitions of the functions named,
// or of all, by name; status 1 when a name is no function.
func (s *Session) printFunctions(hc interp.HandlerContext, names []string) error {
	if len(names) == 0 {
		names = slices.Sorted(maps.Keys(s.runner.Funcs))
	}
	status := 0
	for _, name := range names {
		body, ok := s.runner.Funcs[name]
		if !ok || strings.HasPrefix(name, "__devstack_") {
			status = 1
			continue
		}
		fmt.Fprintln(hc.Stdout, s.functionDefinition(name, body))
	}
	if status != 0 {
		return interp.ExitStatus(uint8(status))
	}
	return nil
}

// discarded reports whether w is /dev/null, where what is written is
// not read.
func discarded(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && f.Name() == os.DevNull
}
