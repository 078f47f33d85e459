package bash

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// The interpreter's arithmetic assigns to names only: an element of an
// array as the target of =, +=, ++ and the others (`(( count[$k]++ ))`,
// `$(( a[i] = 5 ))`) makes it panic. bash assigns the element. The
// session evaluates such an expression itself, with the interpreter's
// arithmetic and an environment (arithEnv) that stands each element
// target in for a name. arithSource rewrites:
//
//	(( EXPR ))            ->  __devstack_arith 'EXPR' "EXPR, as traced"
//	CMD ... $(( EXPR )) ... ->  { __devstack_arithv NAME 'EXPR' && CMD ... ${NAME} ...; }
//
// the second for the innermost statement around the expansion, which is
// evaluated just before it (bash would evaluate it among the statement's
// other expansions, in order). let evaluates its arguments the same way.

const (
	// arithCommand is (( )): status 1 when the value is 0.
	arithCommand = "__devstack_arith"
	// arithValueCommand sets a variable to the value of an expression.
	arithValueCommand = "__devstack_arithv"
	// arithValuePrefix starts the names of those variables.
	arithValuePrefix = "__devstack_arith_"
	// elementPrefix starts the names the element targets stand in for.
	elementPrefix = "__devstack_elem_"
)

// arithEdits returns the edits of the rewrites above in file, whose text
// is src.
func arithEdits(file *syntax.File, src []byte) []Edit {
	var edits []Edit
	text := func(from, to syntax.Pos) string { return string(src[from.Offset():to.Offset()]) }
	// hoists are the expansions to evaluate before each statement, in
	// the order the statements are found.
	type hoist struct {
		stmt  *syntax.Stmt
		exprs []*syntax.ArithmExp
	}
	var hoists []*hoist
	var stack []syntax.Node
	count := 0
	walk(file, func(node syntax.Node) bool {
		if node == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		switch n := node.(type) {
		case *syntax.ArithmCmd:
			if !assignsElement(n.X) {
				break
			}
			inner := flatten(text(n.Left, n.Right)[2:])
			edits = append(edits, Edit{Offset: n.Pos().Offset(), Remove: n.End().Offset() - n.Pos().Offset(),
				Text: arithCommand + " " + arithText(n.X, inner) + " " + expandable(inner)})
			return false
		case *syntax.ArithmExp:
			if n.Bracket || !assignsElement(n.X) {
				break
			}
			var stmt *syntax.Stmt
			for i := len(stack) - 1; i >= 0 && stmt == nil; i-- {
				stmt, _ = stack[i].(*syntax.Stmt)
			}
			if stmt == nil || stmt.Background || stmt.Coprocess || hasHeredoc(stmt) {
				break
			}
			if len(hoists) == 0 || hoists[len(hoists)-1].stmt != stmt {
				hoists = append(hoists, &hoist{stmt: stmt})
			}
			h := hoists[len(hoists)-1]
			h.exprs = append(h.exprs, n)
			return false
		}
		stack = append(stack, node)
		return true
	})
	for _, h := range hoists {
		var before []string
		for _, x := range h.exprs {
			count++
			name := arithValuePrefix + strconv.Itoa(count)
			before = append(before, arithValueCommand+" "+name+" "+arithText(x.X, flatten(text(x.Left, x.Right)[3:])))
			edits = append(edits, Edit{Offset: x.Pos().Offset(), Remove: x.End().Offset() - x.Pos().Offset(), Text: "${" + name + "}"})
		}
		edits = append(edits, Edit{Offset: h.stmt.Pos().Offset(), Text: "{ " + strings.Join(before, " && ") + " && "},
			Edit{Offset: stmtEnd(h.stmt), Text: "; }"})
	}
	return edits
}

// arithText is an expression's text as the argument of the commands
// above: as written, for the session to evaluate, but for a command
// substitution in it, which the shell runs first (then the text must do
// without double quotes and backslashes).
func arithText(expr syntax.ArithmExpr, text string) string {
	if runsCommand(expr) && !strings.ContainsAny(text, "\"\\") {
		return `"` + text + `"`
	}
	return traceLiteral(text)
}

// runsCommand reports whether an expression holds a command
// substitution.
func runsCommand(expr syntax.ArithmExpr) bool {
	found := false
	walk(expr, func(node syntax.Node) bool {
		if _, ok := node.(*syntax.CmdSubst); ok {
			found = true
		}
		return !found
	})
	return found
}

// assignsElement reports whether an expression assigns to an element of
// an array.
func assignsElement(expr syntax.ArithmExpr) bool {
	found := false
	walk(expr, func(node syntax.Node) bool {
		if _, ok := elementTarget(node); ok {
			found = true
		}
		return !found
	})
	return found
}

// elementTarget is the element an assignment or ++/-- in node assigns
// to.
func elementTarget(node syntax.Node) (*syntax.ParamExp, bool) {
	var target syntax.ArithmExpr
	switch n := node.(type) {
	case *syntax.BinaryArithm:
		switch n.Op {
		case syntax.Assgn, syntax.AddAssgn, syntax.SubAssgn, syntax.MulAssgn, syntax.QuoAssgn, syntax.RemAssgn,
			syntax.AndAssgn, syntax.OrAssgn, syntax.XorAssgn, syntax.ShlAssgn, syntax.ShrAssgn:
			target = n.X
		}
	case *syntax.UnaryArithm:
		if n.Op == syntax.Inc || n.Op == syntax.Dec {
			target = n.X
		}
	}
	w, ok := target.(*syntax.Word)
	if !ok || len(w.Parts) != 1 {
		return nil, false
	}
	pe, ok := w.Parts[0].(*syntax.ParamExp)
	return pe, ok && pe.Param != nil && pe.Index != nil
}

// arith is `__devstack_arith EXPR TRACED`, (( EXPR )).
func (s *Session) arith(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) != 2 {
		return interp.ExitStatus(2)
	}
	if xtraceOn(hc) && !inPS4(hc) {
		s.traceLine(ctx, "(( "+args[1]+" ))")
	}
	value, err := s.evalArith(ctx, args[0])
	if err != nil {
		s.arithError(hc, "((: "+args[1], err)
		return interp.ExitStatus(1)
	}
	if value == 0 {
		return interp.ExitStatus(1)
	}
	return nil
}

// arithValue is `__devstack_arithv NAME EXPR`: NAME=$(( EXPR )).
func (s *Session) arithValue(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) != 2 {
		return interp.ExitStatus(2)
	}
	value, err := s.evalArith(ctx, args[1])
	if err != nil {
		s.arithError(hc, args[1], err)
		return interp.ExitStatus(1)
	}
	return hc.Builtin(ctx, []string{"eval", args[0] + "=" + strconv.Itoa(value)})
}

func (s *Session) arithError(hc interp.HandlerContext, expr string, err error) {
	s.shellError(hc, "%s: %v", expr, err)
}

// evalArith evaluates an expression in the running shell, and makes its
// assignments there.
func (s *Session) evalArith(ctx context.Context, text string) (int, error) {
	expr, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Arithmetic(strings.NewReader(text))
	if err != nil {
		return 0, err
	}
	if expr == nil {
		return 0, nil
	}
	env := newArithEnv(ctx)
	env.standIn(expr, text)
	value, err := expand.Arithm(env.cfg, expr)
	if err == nil {
		err = env.err
	}
	if aerr := env.apply(ctx); aerr != nil {
		return value, aerr
	}
	return value, err
}

// arithEnv is the shell's variables as an expression sees them, with
// element targets: each stands in for a name of its own, whose element
// is found (its subscript evaluated) when the expression first reads it.
// Assignments are kept, in order, for apply to make in the shell.
type arithEnv struct {
	*letEnv
	ctx context.Context
	cfg *expand.Config
	// targets are the element targets, by the name each stands in for;
	// found the elements they were found to be; texts the text of the
	// expression each is in.
	targets map[string]*syntax.ParamExp
	texts   map[string]string
	found   map[string]element
	// arrays are the arrays with elements assigned, as they now are;
	// assigned the elements, in the order assigned.
	arrays   map[string]expand.Variable
	assigned []element
	err      error
}

// element is an element of an array, and the value assigned to it.
type element struct {
	array, key string
	assoc      bool
	value      string
}

func newArithEnv(ctx context.Context) *arithEnv {
	e := &arithEnv{ctx: ctx, letEnv: &letEnv{base: interp.HandlerCtx(ctx).Env, set: map[string]expand.Variable{}},
		targets: map[string]*syntax.ParamExp{}, texts: map[string]string{}, found: map[string]element{}, arrays: map[string]expand.Variable{}}
	e.cfg = &expand.Config{Env: e}
	return e
}

// standIn replaces each element target in expr, parsed from text, by the
// name that stands in for it.
func (e *arithEnv) standIn(expr syntax.ArithmExpr, text string) {
	walk(expr, func(node syntax.Node) bool {
		pe, ok := elementTarget(node)
		if !ok {
			return true
		}
		name := elementPrefix + strconv.Itoa(len(e.targets)+1)
		e.targets[name] = pe
		e.texts[name] = text
		word := &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: name}}}
		switch n := node.(type) {
		case *syntax.BinaryArithm:
			n.X = word
			e.standIn(n.Y, text)
		case *syntax.UnaryArithm:
			n.X = word
		}
		// The subscript is evaluated when the element is found.
		e.standIn(pe.Index, text)
		return false
	})
}

func (e *arithEnv) Get(name string) expand.Variable {
	if dynamicName(name) {
		return e.shellValue(name)
	}
	if _, ok := e.targets[name]; ok {
		el, ok := e.element(name)
		if !ok {
			return expand.Variable{}
		}
		return expand.Variable{Set: true, Kind: expand.String, Str: elementValue(e.Get(el.array), el)}
	}
	if vr, ok := e.arrays[name]; ok {
		return vr
	}
	return e.letEnv.Get(name)
}

func (e *arithEnv) Set(name string, vr expand.Variable) error {
	if _, ok := e.targets[name]; !ok {
		return e.letEnv.Set(name, vr)
	}
	el, ok := e.element(name)
	if !ok {
		return e.err
	}
	if e.Get(el.array).ReadOnly {
		return fmt.Errorf("%s: readonly variable", el.array)
	}
	el.value = vr.String()
	e.arrays[el.array] = withElement(e.Get(el.array), el)
	e.assigned = append(e.assigned, el)
	return nil
}

// dynamicName reports whether a name is one the shell works out each
// time it is read, not a stored variable: the special and positional
// parameters ($1, $#, ...), RANDOM and the others.
func dynamicName(name string) bool {
	switch name {
	case "RANDOM", "SRANDOM", "SECONDS", "EPOCHSECONDS", "EPOCHREALTIME", "LINENO", "BASHPID", "PPID":
		return true
	}
	return name != "" && !syntax.ValidName(name) && !strings.HasPrefix(name, elementPrefix)
}

// shellValue reads a dynamic name's value as the shell expands it.
func (e *arithEnv) shellValue(name string) expand.Variable {
	const holder = "__devstack_arith_value"
	hc := interp.HandlerCtx(e.ctx)
	if err := hc.Builtin(e.ctx, []string{"eval", holder + "=${" + name + "}"}); err != nil {
		return expand.Variable{}
	}
	return hc.Env.Get(holder)
}

// element finds the element a stand-in name is for, the first time by
// evaluating its subscript: an associative array's as a word, another's
// as an expression.
func (e *arithEnv) element(name string) (element, bool) {
	if el, ok := e.found[name]; ok {
		return el, true
	}
	pe := e.targets[name]
	array := e.Get(pe.Param.Value)
	el := element{array: pe.Param.Value, assoc: array.Kind == expand.Associative}
	if el.assoc {
		var key string
		var err error
		if w, ok := pe.Index.(*syntax.Word); ok {
			key, err = expand.Literal(e.cfg, w)
		} else {
			// A key the parser read as arithmetic (m[a-b]) is the
			// text as written.
			text := e.texts[name]
			start, end := pe.Index.Pos().Offset(), pe.Index.End().Offset()
			if start <= end && int(end) <= len(text) {
				key = text[start:end]
			} else {
				err = fmt.Errorf("%s: bad array subscript", el.array)
			}
		}
		if err != nil {
			e.err = err
			return el, false
		}
		el.key = key
	} else {
		index, err := expand.Arithm(e.cfg, pe.Index)
		if err != nil {
			e.err = err
			return el, false
		}
		if index < 0 {
			// From the end: one past the highest index.
			index += maxIndex(array) + 1
			if index < 0 {
				e.err = fmt.Errorf("%s: bad array subscript", el.array)
				return el, false
			}
		}
		el.key = strconv.Itoa(index)
	}
	e.found[name] = el
	return el, true
}

// apply makes the assignments in the shell: the names', then the
// elements'.
func (e *arithEnv) apply(ctx context.Context) error {
	if err := e.letEnv.apply(ctx); err != nil {
		return err
	}
	var b strings.Builder
	for _, el := range e.assigned {
		key := el.key
		if el.assoc {
			// Always quoted: the text is evaluated as it is, and the
			// interpreter reads m[a-b] as arithmetic.
			key = "'" + strings.ReplaceAll(key, "'", `'\''`) + "'"
		}
		fmt.Fprintf(&b, "%s[%s]=%s\n", el.array, key, quoteWord(el.value))
	}
	if b.Len() == 0 {
		return nil
	}
	return interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", b.String()})
}

// maxIndex is the highest index of an indexed array (-1 when empty; 0 for
// a string, element 0).
func maxIndex(vr expand.Variable) int {
	switch {
	case vr.Kind == expand.String && vr.IsSet():
		return 0
	case vr.Kind != expand.Indexed || len(vr.List) == 0:
		return -1
	case vr.Indexes != nil:
		return vr.Indexes[len(vr.Indexes)-1]
	}
	return len(vr.List) - 1
}

// elementValue is the value of an element of array, "" when unset.
func elementValue(array expand.Variable, el element) string {
	if el.assoc {
		return array.Map[el.key]
	}
	index, _ := strconv.Atoi(el.key)
	switch array.Kind {
	case expand.String:
		if index == 0 {
			return array.Str
		}
	case expand.Indexed:
		if array.Indexes == nil {
			if index < len(array.List) {
				return array.List[index]
			}
			return ""
		}
		if pos, ok := slices.BinarySearch(array.Indexes, index); ok {
			return array.List[pos]
		}
	}
	return ""
}

// withElement is array with one element set: a copy, as the shell's own
// variable is only changed by apply.
func withElement(array expand.Variable, el element) expand.Variable {
	array.Set = true
	if el.assoc {
		m := make(map[string]string, len(array.Map)+1)
		for k, v := range array.Map {
			m[k] = v
		}
		m[el.key] = el.value
		array.Kind, array.Map = expand.Associative, m
		return array
	}
	index, _ := strconv.Atoi(el.key)
	// As a sparse array, whatever it was.
	var indexes []int
	var list []string
	switch array.Kind {
	case expand.String:
		indexes, list = []int{0}, []string{array.Str}
	case expand.Indexed:
		list = slices.Clone(array.List)
		if array.Indexes != nil {
			indexes = slices.Clone(array.Indexes)
		} else {
			for i := range array.List {
				indexes = append(indexes, i)
			}
		}
	}
	if pos, ok := slices.BinarySearch(indexes, index); ok {
		list[pos] = el.value
	} else {
		indexes = slices.Insert(indexes, pos, index)
		list = slices.Insert(list, pos, el.value)
	}
	array.Kind, array.Str, array.List, array.Indexes = expand.Indexed, "", list, indexes
	return array
}
