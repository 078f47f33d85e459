package shell

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// The interpreter's arithmetic assigns names only: a[i]++, m[k]+=2 or
// a[0]=5 make it look up an empty name, and panic. The session evaluates
// such an expression itself, with let's machinery: each array element
// assigned stands for a name of its own (elementTargets), whose value goes
// back to the element. arraySource turns (( EXPR )) into arithCommand and
// $(( EXPR )) into a view (kind x), when EXPR assigns an element.
const arithCommand = "__devstack_arith"

// elementTarget is the array and subscript an arithmetic assignment
// targets, or ok false.
func elementTarget(x syntax.ArithmExpr) (*syntax.ParamExp, bool) {
	w, ok := x.(*syntax.Word)
	if !ok || len(w.Parts) != 1 {
		return nil, false
	}
	pe, ok := w.Parts[0].(*syntax.ParamExp)
	return pe, ok && pe.Param != nil && pe.Index != nil && !pe.Excl && !pe.Length
}

// assignsElement reports whether an arithmetic expression assigns an
// array element.
func assignsElement(x syntax.Node) bool {
	found := false
	syntax.Walk(x, func(node syntax.Node) bool {
		switch n := node.(type) {
		case *syntax.UnaryArithm:
			if _, ok := elementTarget(n.X); ok && (n.Op == syntax.Inc || n.Op == syntax.Dec) {
				found = true
			}
		case *syntax.BinaryArithm:
			if _, ok := elementTarget(n.X); ok && isAssignOp(n.Op) {
				found = true
			}
		}
		return !found
	})
	return found
}

func isAssignOp(op syntax.BinAritOperator) bool {
	switch op {
	case syntax.Assgn, syntax.AddAssgn, syntax.SubAssgn, syntax.MulAssgn, syntax.QuoAssgn, syntax.RemAssgn,
		syntax.AndAssgn, syntax.OrAssgn, syntax.XorAssgn, syntax.ShlAssgn, syntax.ShrAssgn:
		return true
	}
	return false
}

// elementTargets replaces in expr, parsed from text, each array element
// it assigns with a name standing for it, whose value is the element's
// and which apply assigns back to the element. The subscript of an
// associative array, parsed as arithmetic, becomes the key it is.
func (e *letEnv) elementTargets(expr syntax.ArithmExpr, text string) error {
	syntax.Walk(expr, func(node syntax.Node) bool {
		pe, ok := node.(*syntax.ParamExp)
		if !ok || pe.Param == nil || pe.Index == nil {
			return true
		}
		if _, isWord := pe.Index.(*syntax.Word); isWord {
			return true
		}
		if _, vr := lookup(e, pe.Param.Value); vr.Kind == expand.Associative && int(pe.Index.End().Offset()) <= len(text) {
			key := text[pe.Index.Pos().Offset():pe.Index.End().Offset()]
			pe.Index = &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: key}}}
		}
		return true
	})
	var err error
	replace := func(x *syntax.ArithmExpr) {
		pe, ok := elementTarget(*x)
		if !ok || err != nil {
			return
		}
		name, vr := lookup(e, pe.Param.Value)
		var key string
		if w, isWord := pe.Index.(*syntax.Word); vr.Kind == expand.Associative && isWord {
			key, err = expand.Literal(&expand.Config{Env: e}, w)
		} else {
			var n int
			n, err = expand.Arithm(&expand.Config{Env: e}, pe.Index)
			key = strconv.Itoa(n)
		}
		if err != nil {
			return
		}
		value, _, _ := element(e, vr, key)
		if e.elements == nil {
			e.elements = map[string][2]string{}
		}
		stand := fmt.Sprintf("__devstack_element%d", len(e.elements))
		e.elements[stand] = [2]string{name + `["` + escapeDouble(key) + `"]`, value}
		*x = &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: stand}}}
	}
	syntax.Walk(expr, func(node syntax.Node) bool {
		switch n := node.(type) {
		case *syntax.UnaryArithm:
			if n.Op == syntax.Inc || n.Op == syntax.Dec {
				replace(&n.X)
			}
		case *syntax.BinaryArithm:
			if isAssignOp(n.Op) {
				replace(&n.X)
			}
		}
		return err == nil
	})
	return err
}

// arithValue evaluates an arithmetic expression in the running shell,
// with its assignments, for the x view.
func (s *Session) arithValue(ctx context.Context, text string) (int, error) {
	hc := interp.HandlerCtx(ctx)
	env := &letEnv{base: hc.Env, set: map[string]expand.Variable{}}
	expr, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Arithmetic(strings.NewReader(text))
	if err == nil && expr == nil {
		return 0, nil
	}
	if err == nil {
		err = env.elementTargets(expr, text)
	}
	value := 0
	if err == nil {
		value, err = safeArithm(&expand.Config{Env: env}, expr)
	}
	if aerr := env.apply(ctx); aerr != nil && err == nil {
		err = aerr
	}
	return value, err
}

// safeArithm is expand.Arithm, with a panic of the interpreter's
// arithmetic (an expression it does not handle) reported as an error.
func safeArithm(cfg *expand.Config, expr syntax.ArithmExpr) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("unsupported arithmetic expression")
		}
	}()
	return expand.Arithm(cfg, expr)
}

// safeRun runs a node, and reports a panic of the interpreter (a
// construct it does not handle, that no rewrite took away) as an error
// rather than a crash.
func (s *Session) safeRun(ctx context.Context, node syntax.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: the interpreter cannot run this construct: %v", s.Last(), r)
		}
	}()
	return s.runner.Run(ctx, node)
}
