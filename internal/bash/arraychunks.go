package bash

import (
	"bytes"

	"mvdan.cc/sh/v3/syntax"
)

// When a script does hold what arraySource rewrites, it is most often in
// a few of its functions. arraySource finds its rewrites one statement at
// a time, and the trace commands of a statement with nothing of it hold
// nothing of it either (arrayskip.go); and the rewrites keep every line
// where it was. So arrayParts parses, of the traced text, only the lines
// of the top-level statements that hold something arraySource rewrites,
// each run of them on its own, and finds the rewrites there. Where IFS
// may be set, a rewrite depends on what came before (split.go), and the
// whole text is parsed.

// arrayParts is arrayRewriteText(name, traced), where traced is what
// xtraceSource made of src, whose tree is file. It reports false when it
// cannot tell, for arrayRewriteText to parse the whole text.
func arrayParts(name string, src []byte, file *syntax.File, traced []byte) ([]byte, bool) {
	if bytes.Count(src, []byte("\n")) != bytes.Count(traced, []byte("\n")) {
		return nil, false
	}
	splits, ok := functionScopes(file, src)
	if !ok {
		return nil, false
	}
	lines := lineStarts(traced)
	rw := newArrayRewrite(traced)
	stmts := file.Stmts
	for i := 0; i < len(stmts); {
		// A run of statements that share no line with the ones around
		// them, the first of which holds something to rewrite.
		if !arrayWork(stmts[i]) && !holdsScope(stmts[i], splits) {
			i++
			continue
		}
		j := i + 1
		for j < len(stmts) && stmts[j].Pos().Line() <= stmts[j-1].End().Line() {
			j++
		}
		if i > 0 && stmts[i].Pos().Line() <= stmts[i-1].End().Line() {
			// Shares its first line with the statement before.
			return nil, false
		}
		first := stmts[i].Pos().Line()
		end := uint(len(traced))
		if j < len(stmts) {
			end = lines[stmts[j].Pos().Line()-1]
		}
		start := lines[first-1]
		part, err := parseText(name, traced[start:end])
		if err != nil || !shiftTree(part.Stmts, start, first-1) {
			return nil, false
		}
		var scopes [][2]uint
		if len(splits) > 0 {
			scopes = ifsScopes(part, uint(len(traced)))
		}
		rw.visit(part, scopes)
		i = j
	}
	return ApplyEdits(traced, rw.finish()), true
}

// functionScopes are the scopes where IFS may be set (ifsScopes) of
// file, the tree of src, when each is a function's body; false when one
// is the rest of the file, after a top-level assignment.
func functionScopes(file *syntax.File, src []byte) ([][2]uint, bool) {
	if !bytes.Contains(src, []byte("IFS")) {
		return nil, true
	}
	scopes := ifsScopes(file, uint(len(src)))
	if len(scopes) == 0 {
		return nil, true
	}
	bodies := map[[2]uint]bool{}
	walk(file, func(node syntax.Node) bool {
		if fd, ok := node.(*syntax.FuncDecl); ok {
			bodies[[2]uint{fd.Body.Pos().Offset(), fd.Body.End().Offset()}] = true
		}
		return true
	})
	for _, scope := range scopes {
		if !bodies[scope] {
			return nil, false
		}
	}
	return scopes, true
}

// holdsScope reports whether a statement holds one of scopes.
func holdsScope(stmt *syntax.Stmt, scopes [][2]uint) bool {
	for _, scope := range scopes {
		if scope[0] >= stmt.Pos().Offset() && scope[1] <= stmt.End().Offset() {
			return true
		}
	}
	return false
}

// lineStarts gives the offset of the start of each line of text.
func lineStarts(text []byte) []uint {
	starts := make([]uint, 1, bytes.Count(text, []byte("\n"))+1)
	for i := 0; ; {
		next := bytes.IndexByte(text[i:], '\n')
		if next < 0 {
			return starts
		}
		i += next + 1
		starts = append(starts, uint(i))
	}
}

func parseText(name string, text []byte) (*syntax.File, error) {
	return syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(text), name)
}
