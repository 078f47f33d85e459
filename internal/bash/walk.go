package bash

import "mvdan.cc/sh/v3/syntax"

// walk visits a syntax tree as syntax.Walk does: f(node), then, when it
// returned true, the children in the same order, then f(nil).
//
// The rewrites of sourced text walk every tree several times, and
// syntax.Walk is a function with a deferred call in a loop, whose return
// costs more than the visit itself on small nodes: walking took more
// time than parsing. walk visits the common nodes without it, and hands
// syntax.Walk the nodes whose comments it may visit after their children
// (a statement's trailing comment, a case item's or array element's),
// and any node it does not know.
func walk(node syntax.Node, f func(syntax.Node) bool) {
	switch n := node.(type) {
	case *syntax.Stmt:
		if len(n.Comments) > 0 {
			syntax.Walk(n, f)
			return
		}
	case *syntax.CaseItem:
		if len(n.Comments) > 0 {
			syntax.Walk(n, f)
			return
		}
	case *syntax.ArrayElem:
		if len(n.Comments) > 0 {
			syntax.Walk(n, f)
			return
		}
	}
	if !f(node) {
		return
	}
	switch n := node.(type) {
	case *syntax.File:
		walkStmts(n.Stmts, f)
		walkComments(n.Last, f)
	case *syntax.Comment:
	case *syntax.Stmt:
		if n.Cmd != nil {
			walk(n.Cmd, f)
		}
		for _, rd := range n.Redirs {
			walk(rd, f)
		}
	case *syntax.Assign:
		if n.Name != nil {
			walk(n.Name, f)
		}
		if n.Value != nil {
			walk(n.Value, f)
		}
		if n.Index != nil {
			walk(n.Index, f)
		}
		if n.Array != nil {
			walk(n.Array, f)
		}
	case *syntax.Redirect:
		if n.N != nil {
			walk(n.N, f)
		}
		walk(n.Word, f)
		if n.Hdoc != nil {
			walk(n.Hdoc, f)
		}
	case *syntax.CallExpr:
		for _, as := range n.Assigns {
			walk(as, f)
		}
		walkWords(n.Args, f)
	case *syntax.Subshell:
		walkStmts(n.Stmts, f)
		walkComments(n.Last, f)
	case *syntax.Block:
		walkStmts(n.Stmts, f)
		walkComments(n.Last, f)
	case *syntax.IfClause:
		walkStmts(n.Cond, f)
		walkComments(n.CondLast, f)
		walkStmts(n.Then, f)
		walkComments(n.ThenLast, f)
		walkComments(n.Last, f)
		if n.Else != nil {
			walk(n.Else, f)
		}
	case *syntax.WhileClause:
		walkStmts(n.Cond, f)
		walkComments(n.CondLast, f)
		walkStmts(n.Do, f)
		walkComments(n.DoLast, f)
	case *syntax.ForClause:
		walk(n.Loop, f)
		walkStmts(n.Do, f)
		walkComments(n.DoLast, f)
	case *syntax.WordIter:
		walk(n.Name, f)
		walkWords(n.Items, f)
	case *syntax.BinaryCmd:
		walk(n.X, f)
		walk(n.Y, f)
	case *syntax.FuncDecl:
		if n.Name != nil {
			walk(n.Name, f)
		}
		for _, name := range n.Names {
			walk(name, f)
		}
		walk(n.Body, f)
	case *syntax.Word:
		for _, part := range n.Parts {
			walk(part, f)
		}
	case *syntax.Lit, *syntax.SglQuoted:
	case *syntax.DblQuoted:
		for _, part := range n.Parts {
			walk(part, f)
		}
	case *syntax.CmdSubst:
		walkStmts(n.Stmts, f)
		walkComments(n.Last, f)
	case *syntax.ParamExp:
		if n.Flags != nil {
			walk(n.Flags, f)
		}
		if n.Param != nil {
			walk(n.Param, f)
		}
		if n.NestedParam != nil {
			walk(n.NestedParam, f)
		}
		if n.Index != nil {
			walk(n.Index, f)
		}
		if n.Slice != nil {
			if n.Slice.Offset != nil {
				walk(n.Slice.Offset, f)
			}
			if n.Slice.Length != nil {
				walk(n.Slice.Length, f)
			}
		}
		if n.Repl != nil {
			if n.Repl.Orig != nil {
				walk(n.Repl.Orig, f)
			}
			if n.Repl.With != nil {
				walk(n.Repl.With, f)
			}
		}
		if n.Exp != nil && n.Exp.Word != nil {
			walk(n.Exp.Word, f)
		}
	case *syntax.ArithmExp:
		walk(n.X, f)
	case *syntax.ArithmCmd:
		walk(n.X, f)
	case *syntax.BinaryArithm:
		walk(n.X, f)
		walk(n.Y, f)
	case *syntax.BinaryTest:
		walk(n.X, f)
		walk(n.Y, f)
	case *syntax.UnaryArithm:
		walk(n.X, f)
	case *syntax.UnaryTest:
		walk(n.X, f)
	case *syntax.ParenArithm:
		walk(n.X, f)
	case *syntax.ParenTest:
		walk(n.X, f)
	case *syntax.CaseClause:
		walk(n.Word, f)
		for _, item := range n.Items {
			walk(item, f)
		}
		walkComments(n.Last, f)
	case *syntax.CaseItem:
		walkWords(n.Patterns, f)
		walkStmts(n.Stmts, f)
		walkComments(n.Last, f)
	case *syntax.TestClause:
		walk(n.X, f)
	case *syntax.DeclClause:
		for _, as := range n.Args {
			walk(as, f)
		}
	case *syntax.ArrayExpr:
		for _, elem := range n.Elems {
			walk(elem, f)
		}
		walkComments(n.Last, f)
	case *syntax.ArrayElem:
		if n.Index != nil {
			walk(n.Index, f)
		}
		if n.Value != nil {
			walk(n.Value, f)
		}
	case *syntax.ProcSubst:
		walkStmts(n.Stmts, f)
		walkComments(n.Last, f)
	case *syntax.LetClause:
		for _, x := range n.Exprs {
			walk(x, f)
		}
	default:
		// The rest (time, coproc, extended globs, C-style loops...) are
		// syntax.Walk's, their node already visited.
		first := true
		syntax.Walk(node, func(m syntax.Node) bool {
			if first {
				first = false
				return true
			}
			return f(m)
		})
		return
	}
	f(nil)
}

func walkStmts(list []*syntax.Stmt, f func(syntax.Node) bool) {
	for _, st := range list {
		walk(st, f)
	}
}

func walkWords(list []*syntax.Word, f func(syntax.Node) bool) {
	for _, w := range list {
		walk(w, f)
	}
}

func walkComments(list []syntax.Comment, f func(syntax.Node) bool) {
	for i := range list {
		if f(&list[i]) {
			f(nil)
		}
	}
}
