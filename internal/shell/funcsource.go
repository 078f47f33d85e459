package shell

import (
	"bytes"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// originalBody is a function's body as its file wrote it, without the
// session's rewrites (trace commands and the like), for what prints or
// exports a function. The rewrites keep lines, so the body is found again
// by its lines in the original text; a function whose text is not known
// (defined by eval, say) gets the body the interpreter runs.
func (s *Session) originalBody(name string) (*syntax.Stmt, bool) {
	body, ok := s.runner.Funcs[name]
	if !ok {
		return nil, false
	}
	s.mu.Lock()
	origin, known := s.funcFiles[body]
	s.mu.Unlock()
	if !known || origin.file == "" {
		// Defined by the file still running.
		s.mu.Lock()
		origin = (*s.stack())[len(*s.stack())-1]
		s.mu.Unlock()
	}
	stored, ok := s.originals.Load(origin.file)
	if origin.file == "" || !ok {
		return body, true
	}
	lines := bytes.SplitAfter(stored.([]byte), []byte("\n"))
	first, last := int(body.Pos().Line()), int(body.End().Line())
	if first < 1 || last > len(lines) || first > last {
		return body, true
	}
	// Lines before the body's keep the positions of its text; they are
	// left empty so that only the function is parsed.
	text := strings.Repeat("\n", first-1) + string(bytes.Join(lines[first-1:last], nil))
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), "")
	if err != nil {
		return body, true
	}
	var found *syntax.Stmt
	syntax.Walk(file, func(node syntax.Node) bool {
		if fd, ok := node.(*syntax.FuncDecl); ok && found == nil && fd.Name.Value == name {
			found = fd.Body
		}
		return found == nil
	})
	if found == nil {
		return body, true
	}
	return found, true
}
