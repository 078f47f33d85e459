package bash

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// arraySource rewrites what the interpreter gets wrong about arrays and
// indirection, keeping every line where it is. It runs last, on the text
// xtraceSource made, so that the trace shows the script as written:
//
//   - a subscript the parser reads as arithmetic, m[a-b], or one
//     fixSubscripts quoted, becomes m["$(subscriptCommand m "a-b")"]:
//     the key for an associative array, the arithmetic value for any
//     other variable, as bash decides when the line runs;
//   - a statement holding ${NAME[@]}, ${!NAME[@]}, ${#NAME[@]} and the
//     like, ${!PARAM...} (indirection, with or without an operator) or
//     [[ -v WORD ]] with a subscript or an expansion is preceded by
//     viewsCommand, which sets a variable standing for each, and these
//     expansions are rewritten to use it: the values of an associative
//     array in bash's order, the variable an indirection names (an
//     array's element too), whether an element is set;
//   - NAME=([k]=v ...) and NAME+=([k]=v ...) become arrayAssignCommand,
//     which keeps an associative array associative and appends to it;
//   - the literal of declare -A gets a quoted subscript for each key:
//     NAME=(k v) pairs become [k]=v, as in bash 5.2, and words without a
//     subscript among subscripted ones are dropped with bash's message;
//   - NAME[I]+=V becomes NAME[I]="${NAME[I]}"V;
//   - where IFS may hold other separators than blanks, unquoted
//     expansions are split by the session (split.go).
//
// Source that does not parse is returned unchanged.
func arraySource(name string, src []byte) []byte {
	if !arrayTrigger(src) {
		return src
	}
	return arrayRewriteText(name, src)
}

// arrayTrigger reports whether src may hold what arraySource rewrites:
// a subscript (a [ right after a name), an indirection or a negation, an
// array literal, a -v test, IFS. The [[ of a test, and the trace text
// xtraceSource adds around one, do not count: a script that is nothing
// but tests, assignments and calls, as a plugin's hook often is, is not
// parsed again for this.
func arrayTrigger(src []byte) bool {
	if bytes.ContainsAny(src, "!") || bytes.Contains(src, []byte("IFS")) || bytes.Contains(src, []byte("=(")) || bytes.Contains(src, []byte("-v")) {
		return true
	}
	for i := bytes.IndexByte(src, '['); i >= 0; {
		if i > 0 && isNameByte(src[i-1]) {
			return true
		}
		next := bytes.IndexByte(src[i+1:], '[')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// arrayRewriteText is arraySource without its first check.
func arrayRewriteText(name string, src []byte) []byte {
	file, err := parseSource(name, src)
	if err != nil {
		return src
	}
	rw := newArrayRewrite(src)
	rw.visit(file, ifsScopes(file, uint(len(src))))
	return ApplyEdits(src, rw.finish())
}

func newArrayRewrite(src []byte) *arrayRewrite {
	return &arrayRewrite{src: src, views: map[*syntax.Stmt]*stmtViews{}, assocLiterals: map[*syntax.ArrayExpr]bool{}, stmtOrder: map[*syntax.Stmt]int{}}
}

// visit finds the rewrites of a tree of rw.src, where scopes are where
// IFS may hold other separators than blanks.
func (rw *arrayRewrite) visit(file *syntax.File, scopes [][2]uint) {
	var stack []syntax.Node
	walk(file, func(node syntax.Node) bool {
		if node == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, node)
		switch n := node.(type) {
		case *syntax.Stmt:
			rw.stmtOrder[n] = len(rw.stmtOrder)
		case *syntax.DeclClause:
			rw.declaration(n, stack)
		case *syntax.CallExpr:
			rw.assignments(n, stack)
			if inScope(scopes, n.Pos().Offset()) {
				rw.splitCall(n)
			}
		case *syntax.ForClause:
			if inScope(scopes, n.Pos().Offset()) {
				rw.splitFor(n, stack)
			}
		case *syntax.Assign:
			if n.Index != nil && n.Name != nil {
				rw.subscript(n.Name.Value, n.Index)
			}
			if n.Array != nil && inScope(scopes, n.Pos().Offset()) {
				rw.splitArray(n, stack)
			}
		case *syntax.ParamExp:
			rw.param(n, stack)
		case *syntax.UnaryTest:
			rw.varTest(n, stack)
		}
		return true
	})
}

type arrayRewrite struct {
	src   []byte
	edits []Edit
	// replaced are ranges whose text an edit replaces whole: other edits
	// inside them are dropped.
	replaced [][2]uint
	views    map[*syntax.Stmt]*stmtViews
	// assocLiterals are the literals of declare -A, whose subscripts are
	// keys whatever the variable was.
	assocLiterals map[*syntax.ArrayExpr]bool
	stmtOrder     map[*syntax.Stmt]int
}

// stmtViews are the views a statement needs.
type stmtViews struct {
	stmt   *syntax.Stmt
	specs  []string
	temps  map[string]string
	params bool
}

func (rw *arrayRewrite) text(node syntax.Node) string {
	return string(rw.src[node.Pos().Offset():node.End().Offset()])
}

func (rw *arrayRewrite) insert(offset uint, text string) {
	rw.edits = append(rw.edits, Edit{Offset: offset, Text: text})
}

func (rw *arrayRewrite) replace(start, end uint, text string) {
	rw.edits = append(rw.edits, Edit{Offset: start, Remove: end - start, Text: text})
}

// subscript rewrites the subscript of NAME that the interpreter would
// read as arithmetic whatever the variable is; see subscriptText.
func (rw *arrayRewrite) subscript(name string, index syntax.ArithmExpr) {
	before, after, ok := rw.subscriptWrap(name, index)
	if ok {
		rw.insert(index.Pos().Offset(), before)
		rw.insert(index.End().Offset(), after)
	}
}

// subscriptText is a subscript as subscript leaves it, for a copy of it.
func (rw *arrayRewrite) subscriptText(name string, index syntax.ArithmExpr) string {
	before, after, _ := rw.subscriptWrap(name, index)
	return before + rw.text(index) + after
}

// subscriptWrap gives the text that goes around a subscript: a command
// substitution of subscriptCommand for arithmetic that has no side
// effect, $((...)) for arithmetic that has (only an indexed array uses
// a[i++]), nothing for a word, which the interpreter reads right.
func (rw *arrayRewrite) subscriptWrap(name string, index syntax.ArithmExpr) (before, after string, ok bool) {
	if w, isWord := index.(*syntax.Word); isWord {
		if !isFixedSubscript(w) {
			return "", "", false
		}
		return `"$(` + subscriptCommand + " " + name + " ", `)"`, true
	}
	text := rw.text(index)
	if strings.ContainsAny(text, "\"\\`") || hasSideEffect(index) {
		return `"$((`, `))"`, true
	}
	return `"$(` + subscriptCommand + " " + name + ` "`, `")"`, true
}

// isFixedSubscript reports whether a subscript is one fixSubscripts
// quoted: $"TEXT".
func isFixedSubscript(w *syntax.Word) bool {
	if len(w.Parts) != 1 {
		return false
	}
	dq, ok := w.Parts[0].(*syntax.DblQuoted)
	return ok && dq.Dollar
}

// hasSideEffect reports whether an arithmetic expression assigns.
func hasSideEffect(x syntax.ArithmExpr) bool {
	found := false
	walk(x, func(node syntax.Node) bool {
		switch n := node.(type) {
		case *syntax.UnaryArithm:
			found = found || n.Op == syntax.Inc || n.Op == syntax.Dec
		case *syntax.BinaryArithm:
			switch n.Op {
			case syntax.Assgn, syntax.AddAssgn, syntax.SubAssgn, syntax.MulAssgn, syntax.QuoAssgn, syntax.RemAssgn,
				syntax.AndAssgn, syntax.OrAssgn, syntax.XorAssgn, syntax.ShlAssgn, syntax.ShrAssgn:
				found = true
			}
		}
		return !found
	})
	return found
}

// view adds a view to the statement innermost in stack, and returns the
// variable that stands for it; "" when there is no statement to put it
// before.
func (rw *arrayRewrite) view(stack []syntax.Node, spec ...string) string {
	var stmt *syntax.Stmt
	for i := len(stack) - 1; i >= 0 && stmt == nil; i-- {
		switch n := stack[i].(type) {
		case *syntax.Stmt:
			stmt = n
		case *syntax.CStyleLoop:
			// Its expressions run again at every turn, the view
			// would run once.
			return ""
		}
	}
	if stmt == nil || stmt.Background || stmt.Coprocess || stmt.Disown {
		return ""
	}
	sv := rw.views[stmt]
	if sv == nil {
		sv = &stmtViews{stmt: stmt, temps: map[string]string{}}
		rw.views[stmt] = sv
	}
	key := strings.Join(spec, " ")
	if temp, ok := sv.temps[key]; ok {
		return temp
	}
	temp := fmt.Sprintf("__devstack_%s%d_%d", spec[0], stmt.Pos().Offset(), len(sv.temps))
	sv.temps[key] = temp
	sv.specs = append(sv.specs, spec[0], temp)
	sv.specs = append(sv.specs, spec[1:]...)
	return temp
}

// specialArrays are arrays the interpreter answers itself, right, and a
// handler's environment does not hold.
var specialArrays = []string{"DIRSTACK", "FUNCNAME", "BASH_SOURCE", "BASH_LINENO", "PIPESTATUS", "BASH_ARGV", "BASH_ARGC", "GROUPS"}

func (rw *arrayRewrite) param(pe *syntax.ParamExp, stack []syntax.Node) {
	if pe.Param == nil || pe.Names != 0 || pe.Width || pe.IsSet {
		return
	}
	name := pe.Param.Value
	lit := ""
	if w, ok := pe.Index.(*syntax.Word); ok {
		lit = w.Lit()
	}
	switch {
	case pe.Index != nil && lit != "@" && lit != "*":
		if !pe.Excl {
			rw.subscript(name, pe.Index)
		}
	case pe.Index != nil:
		if !syntax.ValidName(name) || strings.HasPrefix(name, "__devstack_") || slices.Contains(specialArrays, name) {
			return
		}
		kind := "e"
		if pe.Excl {
			kind = "k"
		}
		if temp := rw.view(stack, kind, name); temp != "" {
			start := pe.Param.Pos().Offset()
			if pe.Excl {
				start = pe.Dollar.Offset() + 2
			}
			rw.replace(start, pe.Param.End().Offset(), temp)
		}
	case pe.Excl && !pe.Short:
		// ${!PARAM...}: indirection.
		set := `"${` + name + `+1}"`
		switch {
		case syntax.ValidName(name) || isDigits(name):
		case name == "#" || name == "@" || name == "*" || name == "?":
			set = "1"
		default:
			return
		}
		temp := rw.view(stack, "i", quoteWord(name), set, `"${`+name+`}"`)
		if temp == "" {
			return
		}
		rw.views[stackStmt(stack)].params = true
		rw.replace(pe.Dollar.Offset()+2, pe.Param.End().Offset(), temp)
	}
}

func stackStmt(stack []syntax.Node) *syntax.Stmt {
	for i := len(stack) - 1; i >= 0; i-- {
		if s, ok := stack[i].(*syntax.Stmt); ok {
			return s
		}
	}
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// varTest rewrites [[ -v WORD ]] when WORD is more than a name: the
// interpreter looks a name up as it is, and finds no NAME[SUB].
func (rw *arrayRewrite) varTest(ut *syntax.UnaryTest, stack []syntax.Node) {
	w, ok := ut.X.(*syntax.Word)
	if ut.Op != syntax.TsVarSet || !ok || syntax.ValidName(w.Lit()) {
		return
	}
	arg, ok := wordArg(w, rw.src)
	if !ok {
		return
	}
	if temp := rw.view(stack, "v", arg); temp != "" {
		rw.views[stackStmt(stack)].params = true
		rw.replace(w.Pos().Offset(), w.End().Offset(), temp)
		rw.replaced = append(rw.replaced, [2]uint{w.Pos().Offset(), w.End().Offset()})
	}
}

// wordArg renders a word as one command argument that expands to what
// the word gives where nothing is split or globbed, as in [[ ]].
func wordArg(w *syntax.Word, src []byte) (string, bool) {
	var b strings.Builder
	for _, part := range w.Parts {
		text := string(src[part.Pos().Offset():part.End().Offset()])
		switch p := part.(type) {
		case *syntax.Lit:
			b.WriteString(quoteWord(unescapeLit(p.Value)))
		case *syntax.SglQuoted, *syntax.DblQuoted:
			b.WriteString(text)
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp:
			b.WriteString(`"` + text + `"`)
		default:
			return "", false
		}
	}
	if b.Len() == 0 {
		return "''", true
	}
	return b.String(), true
}

// keyText renders a word as a subscript the parser reads as one quoted
// word, that gives the word's string: a key of an associative array.
func keyText(w *syntax.Word, src []byte) (string, bool) {
	if len(w.Parts) == 1 {
		switch w.Parts[0].(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			return string(src[w.Pos().Offset():w.End().Offset()]), true
		}
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, part := range w.Parts {
		text := string(src[part.Pos().Offset():part.End().Offset()])
		switch p := part.(type) {
		case *syntax.Lit:
			b.WriteString(escapeDouble(unescapeLit(p.Value)))
		case *syntax.SglQuoted:
			if p.Dollar {
				return "", false
			}
			b.WriteString(escapeDouble(p.Value))
		case *syntax.DblQuoted:
			if p.Dollar {
				text = text[1:]
			}
			b.WriteString(text[1 : len(text)-1])
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp:
			b.WriteString(text)
		default:
			return "", false
		}
	}
	b.WriteByte('"')
	return b.String(), true
}

// declaresAssoc reports whether a declaration has the -A option.
func declaresAssoc(dc *syntax.DeclClause) bool {
	for _, as := range dc.Args {
		if as.Naked && as.Name == nil && as.Value != nil {
			if lit := as.Value.Lit(); strings.HasPrefix(lit, "-") && strings.Contains(lit, "A") {
				return true
			}
		}
	}
	return false
}

// arrayTrace is the trace command of a declaration's array literal:
// bash shows its words, expanded, a subscript as ['KEY']. A literal
// made of plain words is traced from the array it made, whose words
// were split as the literal splits them.
func arrayTrace(as *syntax.Assign, assoc bool, src []byte) string {
	name := as.Name.Value
	indexed := assoc
	for _, e := range as.Array.Elems {
		indexed = indexed || e.Index != nil
	}
	if !indexed {
		return traceArray + " " + name + ` "${` + name + `[@]}"`
	}
	arg := func(w *syntax.Word) string {
		if w == nil {
			return "''"
		}
		if text, ok := wordArg(w, src); ok {
			return text
		}
		return traceLiteral(flatten(string(src[w.Pos().Offset():w.End().Offset()])))
	}
	words := []string{traceArray, name}
	for _, e := range as.Array.Elems {
		if e.Index == nil {
			words = append(words, arg(e.Value))
			continue
		}
		key := traceLiteral(string(src[e.Index.Pos().Offset():e.Index.End().Offset()]))
		if w, ok := e.Index.(*syntax.Word); ok {
			key = arg(w)
		}
		words = append(words, `$'\001'`, key, arg(e.Value))
	}
	return strings.Join(words, " ")
}

// arrayTraceLine is the trace line of an array literal: its words, each
// subscripted one after a \001 as key and value.
func arrayTraceLine(name string, words []string) string {
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	var elems []string
	for i := 0; i < len(words); i++ {
		if words[i] == "\x01" && i+2 < len(words) {
			elems = append(elems, "["+quote(words[i+1])+"]="+quote(words[i+2]))
			i += 2
			continue
		}
		elems = append(elems, quote(words[i]))
	}
	return name + "=(" + strings.Join(elems, " ") + ")"
}

// declaration marks the literals of declare -A (local -A, typeset -A),
// and gives each of their words a subscript the interpreter reads as a
// key.
func (rw *arrayRewrite) declaration(dc *syntax.DeclClause, stack []syntax.Node) {
	if !declaresAssoc(dc) {
		return
	}
	for _, as := range dc.Args {
		if as.Array == nil || as.Name == nil {
			continue
		}
		rw.assocLiterals[as.Array] = true
		rw.assocLiteral(as, stack)
	}
}

// assocLiteral rewrites the words of an associative array's literal.
func (rw *arrayRewrite) assocLiteral(as *syntax.Assign, stack []syntax.Node) {
	elems := as.Array.Elems
	indexed := 0
	var keys []syntax.Node
	for _, e := range elems {
		if e.Index != nil {
			indexed++
			keys = append(keys, e.Index)
		}
	}
	if indexed == 0 {
		for i := 0; i < len(elems); i += 2 {
			keys = append(keys, elems[i].Value)
		}
	}
	if !as.Append {
		rw.literalKeys("A", as.Name.Value, keys, stack)
	}
	if indexed == 0 {
		// bash 5.2: (k1 v1 k2 v2 ...), a missing last value is empty.
		for i := 0; i < len(elems); i += 2 {
			key := elems[i]
			text, ok := keyText(key.Value, rw.src)
			if !ok {
				text = `"` + escapeDouble(rw.text(key.Value)) + `"`
			}
			rw.replace(key.Value.Pos().Offset(), key.Value.End().Offset(), "["+text+"]=")
			rw.replaced = append(rw.replaced, [2]uint{key.Value.Pos().Offset(), key.Value.End().Offset()})
			if i+1 >= len(elems) {
				continue
			}
			// The value goes right after the =: the blanks between go,
			// a line break is kept as a continuation.
			gapStart, gapEnd := key.Value.End().Offset(), elems[i+1].Pos().Offset()
			gap := string(rw.src[gapStart:gapEnd])
			if strings.Contains(gap, "#") {
				continue
			}
			rw.replace(gapStart, gapEnd, strings.Repeat("\\\n", strings.Count(gap, "\n")))
		}
		return
	}
	var dropped []string
	for _, e := range elems {
		switch {
		case e.Index == nil:
			if arg, ok := wordArg(e.Value, rw.src); ok {
				dropped = append(dropped, arg)
			}
			rw.replace(e.Value.Pos().Offset(), e.Value.End().Offset(), "")
			rw.replaced = append(rw.replaced, [2]uint{e.Value.Pos().Offset(), e.Value.End().Offset()})
		default:
			if _, isWord := e.Index.(*syntax.Word); isWord {
				continue
			}
			text := rw.text(e.Index)
			if strings.ContainsAny(text, "\"\\`") {
				text = strings.NewReplacer(`"`, ``, `\`, ``, "`", ``).Replace(text)
			}
			rw.replace(e.Index.Pos().Offset(), e.Index.End().Offset(), `"`+text+`"`)
			rw.replaced = append(rw.replaced, [2]uint{e.Index.Pos().Offset(), e.Index.End().Offset()})
		}
	}
	for _, word := range dropped {
		rw.view(stack, "w", as.Name.Value, word)
	}
}

// assignments rewrites the array assignments of a simple command that
// assigns and runs nothing.
func (rw *arrayRewrite) assignments(call *syntax.CallExpr, stack []syntax.Node) {
	if len(call.Args) > 0 {
		return
	}
	for _, as := range call.Assigns {
		if as.Index != nil && as.Name != nil {
			if key, ok := rw.keyArg(as.Index); ok {
				rw.view(stack, "n", as.Name.Value, key)
			}
		}
		switch {
		case as.Index != nil && as.Append && as.Value != nil && as.Name != nil:
			// NAME[I]+=V: the interpreter appends to element 0.
			name := as.Name.Value
			index := rw.subscriptText(name, as.Index)
			plus := bytes.Index(rw.src[as.Index.End().Offset():as.Value.Pos().Offset()], []byte("+="))
			if plus < 0 {
				continue
			}
			at := as.Index.End().Offset() + uint(plus)
			rw.replace(at, at+2, `="${`+name+`[`+index+`]}"`)
		case as.Array != nil && len(call.Assigns) == 1:
			rw.elementwise(as)
		}
	}
}

// keyArg renders a subscript as the key it is of an associative array,
// as a command's argument.
func (rw *arrayRewrite) keyArg(index syntax.ArithmExpr) (string, bool) {
	if w, ok := index.(*syntax.Word); ok {
		return wordArg(w, rw.src)
	}
	text := rw.text(index)
	if strings.ContainsAny(text, "\"\\`") || hasSideEffect(index) {
		return "", false
	}
	return `"` + text + `"`, true
}

// literalKeys adds the view that records the keys of an array literal,
// in its order.
func (rw *arrayRewrite) literalKeys(kind, name string, keys []syntax.Node, stack []syntax.Node) {
	spec := []string{kind, name, ""}
	for _, k := range keys {
		var arg string
		var ok bool
		if w, isWord := k.(*syntax.Word); isWord {
			arg, ok = wordArg(w, rw.src)
		} else {
			arg, ok = rw.keyArg(k.(syntax.ArithmExpr))
		}
		if ok {
			spec = append(spec, arg)
		}
	}
	spec[2] = strconv.Itoa(len(spec) - 3)
	rw.view(stack, spec...)
}

// elementwise rewrites NAME=([k]=v ...) and NAME+=([k]=v ...) into a
// call of arrayAssignCommand NAME = k v ...: its words are the keys and
// values, expanded all before any is assigned, as bash does, and the
// session assigns them as the variable's kind wants. A literal with a
// word without a subscript is left to the interpreter, which gets it
// right for an indexed array.
func (rw *arrayRewrite) elementwise(as *syntax.Assign) {
	elems := as.Array.Elems
	if len(elems) == 0 || len(as.Array.Last) > 0 || as.Name == nil {
		return
	}
	var edits []Edit
	// gap replaces the blanks between two parts with one blank, and
	// a line break with a continuation.
	gap := func(start, end uint, text string) {
		breaks := strings.Count(string(rw.src[start:end]), "\n")
		edits = append(edits, Edit{Offset: start, Remove: end - start, Text: strings.Repeat(" \\\n", breaks) + text})
	}
	open := func(e *syntax.ArrayElem) uint {
		return uint(bytes.LastIndexByte(rw.src[:e.Index.Pos().Offset()], '['))
	}
	op := "="
	if as.Append {
		op = "+="
	}
	prev := as.Pos().Offset()
	first := arrayAssignCommand + " " + as.Name.Value + " " + op
	for i, e := range elems {
		if e.Index == nil || len(e.Comments) > 0 {
			return
		}
		// [
		if i == 0 {
			gap(prev, open(e)+1, first+" ")
		} else {
			gap(prev, open(e)+1, " ")
		}
		// KEY
		if w, ok := e.Index.(*syntax.Word); ok {
			keyEdits, ok := argEdits(w)
			if !ok {
				return
			}
			edits = append(edits, keyEdits...)
		} else {
			text := rw.text(e.Index)
			if strings.ContainsAny(text, "\"\\`") {
				return
			}
			edits = append(edits, Edit{Offset: e.Index.Pos().Offset(), Text: `"`}, Edit{Offset: e.Index.End().Offset(), Text: `"`})
		}
		// ]=VALUE
		if e.Value == nil {
			gap(e.Index.End().Offset(), e.End().Offset(), " ''")
		} else {
			gap(e.Index.End().Offset(), e.Value.Pos().Offset(), " ")
			valueEdits, ok := argEdits(e.Value)
			if !ok {
				return
			}
			edits = append(edits, valueEdits...)
		}
		prev = e.End().Offset()
	}
	gap(prev, as.Array.Rparen.Offset()+1, "")
	rw.edits = append(rw.edits, edits...)
}

// argEdits are the edits that make a word, in place, one argument that
// expands to what the word gives where nothing is split or globbed: its
// literal parts quoted, its expansions in double quotes.
func argEdits(w *syntax.Word) ([]Edit, bool) {
	var edits []Edit
	for _, part := range w.Parts {
		start, end := part.Pos().Offset(), part.End().Offset()
		switch p := part.(type) {
		case *syntax.Lit:
			edits = append(edits, Edit{Offset: start, Remove: end - start, Text: quoteWord(unescapeLit(p.Value))})
		case *syntax.SglQuoted, *syntax.DblQuoted:
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp:
			edits = append(edits, Edit{Offset: start, Text: `"`}, Edit{Offset: end, Text: `"`})
		default:
			return nil, false
		}
	}
	return edits, true
}

// finish returns the edits, with the views put before their statements.
func (rw *arrayRewrite) finish() []Edit {
	edits := rw.edits[:0:0]
	for _, e := range rw.edits {
		inside := false
		for _, r := range rw.replaced {
			inside = inside || e.Offset > r[0] && e.Offset < r[1] || e.Offset == r[0] && e.Remove == 0 && e.Offset+e.Remove < r[1]
		}
		if !inside {
			edits = append(edits, e)
		}
	}
	stmts := make([]*stmtViews, 0, len(rw.views))
	for _, sv := range rw.views {
		stmts = append(stmts, sv)
	}
	// Outer statements first: one that starts where an inner one does
	// puts its views first.
	slices.SortFunc(stmts, func(a, b *stmtViews) int { return rw.stmtOrder[a.stmt] - rw.stmtOrder[b.stmt] })
	// At one offset, text inserted goes before text replaced.
	slices.SortStableFunc(edits, func(a, b Edit) int {
		if a.Offset != b.Offset {
			return int(a.Offset) - int(b.Offset)
		}
		return min(int(a.Remove), 1) - min(int(b.Remove), 1)
	})
	var wraps []Edit
	for _, sv := range stmts {
		words := append([]string{viewsCommand}, sv.specs...)
		if sv.params {
			words = append(words, "--", `"$@"`)
		}
		end := commandEnd(sv.stmt)
		wraps = append(wraps, Edit{Offset: sv.stmt.Pos().Offset(), Text: "{ " + passOn(strings.Join(words, " ")) + "; "})
		edits = append(edits, Edit{Offset: end, Text: "; }"})
	}
	// At one offset, a statement's start goes before the edits of its
	// text.
	return append(wraps, edits...)
}

// commandEnd is where a statement's command ends: before its ; and, for
// a here-document, on the line of its << word, before the body.
func commandEnd(st *syntax.Stmt) uint {
	if st.Semicolon.IsValid() {
		return st.Semicolon.Offset()
	}
	end := st.End().Offset()
	if !hasHeredoc(st) {
		return end
	}
	end = st.Pos().Offset()
	if st.Cmd != nil {
		end = st.Cmd.End().Offset()
	}
	for _, rd := range st.Redirs {
		e := rd.End().Offset()
		if rd.Op == syntax.Hdoc || rd.Op == syntax.DashHdoc {
			e = rd.Word.End().Offset()
		}
		end = max(end, e)
	}
	return end
}
