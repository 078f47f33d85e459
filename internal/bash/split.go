package bash

import (
	"context"
	"io/fs"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Field splitting with an IFS that holds other characters than blanks:
// bash delimits an empty field between two such separators (IFS=, s=a,,b:
// $s is a, "" and b); the interpreter drops it, inside its expand package,
// which has no hook for it. Where a script sets IFS to such a value (in
// the function that does, or in the rest of the file when done at its top
// level), arraySource marks the words with unquoted expansions so that
// the session splits them itself:
//
//   - a command's words: the word is quoted whole, with marks around the
//     parts bash would split (markExpansion) and glob (markLiteral), and
//     the command starts with splitCommand, which the call handler
//     replaces with the fields (resplit);
//   - the words of a for loop and of an array literal: a view (f) sets a
//     variable to the fields, and the loop or literal uses "${VAR[@]}".
//
// Elsewhere, where IFS holds blanks only, the interpreter's splitting is
// bash's.
const (
	splitCommand = "__devstack_split"
	// markQuoted stands where a quoted part starts: a field made of an
	// empty quoted part ("") is kept.
	markQuoted = '\x1d'
	// markLiteral opens and closes an unquoted literal: globbed, not
	// split.
	markLiteral = '\x1e'
	// markExpansion opens and closes an unquoted expansion: split and
	// globbed.
	markExpansion = '\x1f'
)

// ifsScopes are the ranges of a script where IFS may hold a separator
// that is not a blank: the body of a function that assigns such a value
// to IFS, or the rest of the file after the top-level assignment.
func ifsScopes(file *syntax.File, size uint) [][2]uint {
	var scopes [][2]uint
	var funcs []*syntax.FuncDecl
	walk(file, func(node syntax.Node) bool {
		switch n := node.(type) {
		case nil:
			return true
		case *syntax.FuncDecl:
			funcs = append(funcs, n)
		case *syntax.CallExpr:
			if len(n.Args) > 0 {
				// IFS=x cmd sets IFS for cmd alone.
				return true
			}
			for _, as := range n.Assigns {
				if ifsNotBlank(as) {
					scopes = append(scopes, ifsScope(funcs, as.Pos().Offset(), size))
				}
			}
		case *syntax.DeclClause:
			for _, as := range n.Args {
				if ifsNotBlank(as) {
					scopes = append(scopes, ifsScope(funcs, as.Pos().Offset(), size))
				}
			}
		}
		return true
	})
	return scopes
}

// ifsScope is where an IFS assignment at offset holds: its innermost
// function, or the rest of the file.
func ifsScope(funcs []*syntax.FuncDecl, offset, size uint) [2]uint {
	var inner *syntax.FuncDecl
	for _, fn := range funcs {
		if offset >= fn.Body.Pos().Offset() && offset < fn.Body.End().Offset() {
			inner = fn
		}
	}
	if inner != nil {
		return [2]uint{inner.Body.Pos().Offset(), inner.Body.End().Offset()}
	}
	return [2]uint{offset, size}
}

// ifsNotBlank reports whether an assignment may give IFS a character
// other than a blank. Restoring a saved value ($OIFS) does not count.
func ifsNotBlank(as *syntax.Assign) bool {
	if as.Name == nil || as.Name.Value != "IFS" || as.Value == nil || as.Naked {
		return false
	}
	value, literal := "", true
	for _, part := range as.Value.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			value += unescapeLit(p.Value)
		case *syntax.SglQuoted:
			if p.Dollar {
				text, _, _ := expand.Format(nil, p.Value, nil)
				value += text
			} else {
				value += p.Value
			}
		case *syntax.DblQuoted:
			for _, inner := range p.Parts {
				if lit, ok := inner.(*syntax.Lit); ok {
					value += lit.Value
				} else if pe, ok := inner.(*syntax.ParamExp); ok && isSavedIFS(pe) {
					continue
				} else {
					literal = false
				}
			}
		case *syntax.ParamExp:
			if !isSavedIFS(p) {
				literal = false
			}
		default:
			literal = false
		}
	}
	return !literal || strings.Trim(value, " \t\n") != ""
}

// isSavedIFS reports whether an expansion is a copy of IFS kept aside:
// $OIFS, $saveIFS, $ifs.
func isSavedIFS(pe *syntax.ParamExp) bool {
	return pe.Param != nil && strings.Contains(strings.ToUpper(pe.Param.Value), "IFS") && pe.Exp == nil && pe.Index == nil
}

func inScope(scopes [][2]uint, offset uint) bool {
	for _, s := range scopes {
		if offset >= s[0] && offset < s[1] {
			return true
		}
	}
	return false
}

// markEdits are the edits that mark a word for resplit; split is false
// when the word has nothing to split, ok is false when it has something
// the marks cannot express (a list such as $@, braces, a tilde), and is
// left to the interpreter.
func markEdits(w *syntax.Word) (edits []Edit, split, ok bool) {
	for i, part := range w.Parts {
		start, end := part.Pos().Offset(), part.End().Offset()
		switch p := part.(type) {
		case *syntax.Lit:
			if i == 0 && strings.HasPrefix(p.Value, "~") || strings.ContainsAny(p.Value, "{") {
				return nil, false, false
			}
			edits = append(edits, Edit{Offset: start, Remove: end - start, Text: markedLiteral(p.Value)})
		case *syntax.SglQuoted:
			edits = append(edits, Edit{Offset: start, Text: `$'\x1d'`})
		case *syntax.DblQuoted:
			for _, inner := range p.Parts {
				if pe, isParam := inner.(*syntax.ParamExp); isParam && isList(pe) && !isStarList(pe) {
					return nil, false, false
				}
			}
			edits = append(edits, Edit{Offset: start, Text: `$'\x1d'`})
		case *syntax.ParamExp:
			if isList(p) {
				return nil, false, false
			}
			split = true
			edits = append(edits, Edit{Offset: start, Text: `$'\x1f'"`}, Edit{Offset: end, Text: `"$'\x1f'`})
		case *syntax.CmdSubst, *syntax.ArithmExp:
			split = true
			edits = append(edits, Edit{Offset: start, Text: `$'\x1f'"`}, Edit{Offset: end, Text: `"$'\x1f'`})
		case *syntax.ProcSubst:
		default:
			return nil, false, false
		}
	}
	return edits, split, true
}

// markedLiteral is an unquoted literal as marked text: its plain runs
// in markLiteral marks, each escaped character quoted.
func markedLiteral(lit string) string {
	var b, run strings.Builder
	flush := func() {
		if run.Len() > 0 {
			b.WriteString(`$'\x1e'` + quoteWord(run.String()) + `$'\x1e'`)
			run.Reset()
		}
	}
	for i := 0; i < len(lit); i++ {
		if lit[i] == '\\' && i+1 < len(lit) {
			flush()
			i++
			b.WriteString(`$'\x1d'` + quoteWord(lit[i:i+1]))
			continue
		}
		run.WriteByte(lit[i])
	}
	flush()
	return b.String()
}

// isList reports whether an expansion gives a list: $@, $*, ${a[@]},
// ${!a[*]}, ${!prefix@}.
func isList(pe *syntax.ParamExp) bool {
	if pe.Param == nil || pe.Names != 0 {
		return true
	}
	if pe.Param.Value == "@" || pe.Param.Value == "*" {
		return true
	}
	w, ok := pe.Index.(*syntax.Word)
	return ok && (w.Lit() == "@" || w.Lit() == "*")
}

// isStarList reports whether a list expansion joins into one word when
// quoted: "$*", "${a[*]}".
func isStarList(pe *syntax.ParamExp) bool {
	if pe.Names == syntax.NamesPrefix || pe.Param != nil && pe.Param.Value == "*" {
		return true
	}
	w, ok := pe.Index.(*syntax.Word)
	return ok && w.Lit() == "*" && !pe.Excl
}

// markedText is a word's text with its marks.
func markedText(w *syntax.Word, src []byte) (string, bool) {
	edits, _, ok := markEdits(w)
	if !ok {
		return "", false
	}
	start := w.Pos().Offset()
	for i := range edits {
		edits[i].Offset -= start
	}
	return string(ApplyEdits(src[start:w.End().Offset()], edits)), true
}

// splitCall marks the words of a command in an IFS scope.
func (rw *arrayRewrite) splitCall(call *syntax.CallExpr) {
	if len(call.Args) == 0 || strings.HasPrefix(call.Args[0].Lit(), "__devstack_") {
		return
	}
	var edits []Edit
	for _, w := range call.Args {
		marks, split, ok := markEdits(w)
		if ok && split {
			edits = append(edits, marks...)
		}
	}
	if len(edits) == 0 {
		return
	}
	rw.insert(call.Args[0].Pos().Offset(), splitCommand+" ")
	rw.edits = append(rw.edits, edits...)
}

// splitWords gives the view of words in an IFS scope as fields, or ""
// when they have nothing to split or something that cannot be marked.
func (rw *arrayRewrite) splitWords(words []*syntax.Word, stack []syntax.Node) string {
	spec := []string{"f", strconv.Itoa(len(words))}
	split := false
	for _, w := range words {
		_, wordSplit, ok := markEdits(w)
		text, _ := markedText(w, rw.src)
		if !ok {
			return ""
		}
		split = split || wordSplit
		spec = append(spec, text)
	}
	if !split {
		return ""
	}
	return rw.view(stack, spec...)
}

// splitFor has a for loop in an IFS scope iterate over the fields of its
// words.
func (rw *arrayRewrite) splitFor(fc *syntax.ForClause, stack []syntax.Node) {
	wi, ok := fc.Loop.(*syntax.WordIter)
	if !ok || len(wi.Items) == 0 {
		return
	}
	if temp := rw.splitWords(wi.Items, stack); temp != "" {
		start, end := wi.Items[0].Pos().Offset(), wi.Items[len(wi.Items)-1].End().Offset()
		rw.replace(start, end, `"${`+temp+`[@]}"`)
		rw.replaced = append(rw.replaced, [2]uint{start, end})
	}
}

// splitArray has an array literal in an IFS scope take the fields of its
// words; one with subscripts is left as it is.
func (rw *arrayRewrite) splitArray(as *syntax.Assign, stack []syntax.Node) {
	if as.Array == nil || len(as.Array.Elems) == 0 || len(as.Array.Last) > 0 || rw.assocLiterals[as.Array] {
		return
	}
	var words []*syntax.Word
	for _, e := range as.Array.Elems {
		if e.Index != nil || e.Value == nil || len(e.Comments) > 0 {
			return
		}
		words = append(words, e.Value)
	}
	if temp := rw.splitWords(words, stack); temp != "" {
		start, end := words[0].Pos().Offset(), words[len(words)-1].End().Offset()
		rw.replace(start, end, `"${`+temp+`[@]}"`)
		rw.replaced = append(rw.replaced, [2]uint{start, end})
	}
}

// resplit turns marked words into the fields bash makes of them; words
// without marks stay as they are.
func (s *Session) resplit(ctx context.Context, words []string) []string {
	hc := interp.HandlerCtx(ctx)
	ifs := " \t\n"
	if vr := hc.Env.Get("IFS"); vr.IsSet() {
		ifs = vr.String()
	}
	sp := splitter{ifs: ifs}
	var out []string
	for _, w := range words {
		if !strings.ContainsAny(w, "\x1d\x1e\x1f") {
			out = append(out, w)
			continue
		}
		var chars []readChar
		literal, expansion := false, false
		for i := 0; i < len(w); i++ {
			switch c := w[i]; {
			case c == markQuoted:
				chars = append(chars, readChar{esc: true, mark: true})
			case c == markLiteral:
				literal = !literal
			case c == markExpansion:
				expansion = !expansion
			default:
				chars = append(chars, readChar{b: c, esc: !expansion, glob: literal || expansion})
			}
		}
		for _, field := range sp.fieldChars(chars) {
			out = append(out, s.glob(ctx, hc, field)...)
		}
	}
	return out
}

// glob expands a field's unquoted pattern characters, as bash globs the
// fields of a word.
func (s *Session) glob(ctx context.Context, hc interp.HandlerContext, field []readChar) []string {
	meta := false
	for _, c := range field {
		meta = meta || c.glob && strings.IndexByte("*?[", c.b) >= 0
	}
	s.mu.Lock()
	noglob := s.options["noglob"]
	s.mu.Unlock()
	if !meta || noglob {
		return []string{charsText(field)}
	}
	var pattern strings.Builder
	for _, c := range field {
		if c.mark {
			continue
		}
		if !c.glob || strings.IndexByte("\\{}~'\"$`", c.b) >= 0 {
			pattern.WriteByte('\\')
		}
		pattern.WriteByte(c.b)
	}
	cfg := &expand.Config{Env: hc.Env, ReadDir2: func(dir string) ([]fs.DirEntry, error) { return s.readDir(ctx, dir) }}
	matches, err := expand.Fields(cfg, &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: pattern.String()}}})
	if err != nil || len(matches) == 0 {
		return []string{charsText(field)}
	}
	return matches
}
