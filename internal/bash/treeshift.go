package bash

import "mvdan.cc/sh/v3/syntax"

// shifter moves the positions of a tree parsed from a part of a text that
// starts a line (arraychunks.go) to where they are in the whole text:
// every offset and every line by the same amount; columns stay. Each
// field of type syntax.Pos of each node is moved; TestShiftTree checks
// that none is left out.
type shifter struct {
	offset, line uint
	// ok turns false at a node it does not know, or at a line or column
	// the parser recorded as too large.
	ok bool
}

// shiftTree moves the statements of a tree parsed from text at offset of
// a larger text, at the start of line lines+1 there.
func shiftTree(stmts []*syntax.Stmt, offset, lines uint) bool {
	sh := &shifter{offset: offset, line: lines, ok: true}
	sh.stmts(stmts)
	return sh.ok
}

func (sh *shifter) pos(p *syntax.Pos) {
	if !p.IsValid() {
		return
	}
	line, col := p.Line(), p.Col()
	if line == 0 || col == 0 {
		sh.ok = false
		return
	}
	moved := syntax.NewPos(p.Offset()+sh.offset, line+sh.line, col)
	if moved.Line() == 0 {
		sh.ok = false
	}
	*p = moved
}

func (sh *shifter) comments(cs []syntax.Comment) {
	for i := range cs {
		sh.pos(&cs[i].Hash)
	}
}

func (sh *shifter) stmts(stmts []*syntax.Stmt) {
	for _, s := range stmts {
		sh.stmt(s)
	}
}

func (sh *shifter) stmt(s *syntax.Stmt) {
	if s == nil {
		return
	}
	sh.comments(s.Comments)
	sh.pos(&s.Position)
	sh.pos(&s.Semicolon)
	if s.Cmd != nil {
		sh.command(s.Cmd)
	}
	for _, rd := range s.Redirs {
		sh.redirect(rd)
	}
}

func (sh *shifter) redirect(rd *syntax.Redirect) {
	sh.pos(&rd.OpPos)
	sh.lit(rd.N)
	sh.word(rd.Word)
	sh.word(rd.Hdoc)
}

func (sh *shifter) command(cmd syntax.Command) {
	switch n := cmd.(type) {
	case *syntax.CallExpr:
		for _, as := range n.Assigns {
			sh.assign(as)
		}
		sh.words(n.Args)
	case *syntax.Subshell:
		sh.pos(&n.Lparen)
		sh.pos(&n.Rparen)
		sh.stmts(n.Stmts)
		sh.comments(n.Last)
	case *syntax.Block:
		sh.pos(&n.Lbrace)
		sh.pos(&n.Rbrace)
		sh.stmts(n.Stmts)
		sh.comments(n.Last)
	case *syntax.IfClause:
		for ; n != nil; n = n.Else {
			sh.pos(&n.Position)
			sh.pos(&n.ThenPos)
			sh.pos(&n.FiPos)
			sh.stmts(n.Cond)
			sh.comments(n.CondLast)
			sh.stmts(n.Then)
			sh.comments(n.ThenLast)
			sh.comments(n.Last)
		}
	case *syntax.WhileClause:
		sh.pos(&n.WhilePos)
		sh.pos(&n.DoPos)
		sh.pos(&n.DonePos)
		sh.stmts(n.Cond)
		sh.comments(n.CondLast)
		sh.stmts(n.Do)
		sh.comments(n.DoLast)
	case *syntax.ForClause:
		sh.pos(&n.ForPos)
		sh.pos(&n.DoPos)
		sh.pos(&n.DonePos)
		switch l := n.Loop.(type) {
		case *syntax.WordIter:
			sh.lit(l.Name)
			sh.pos(&l.InPos)
			sh.words(l.Items)
		case *syntax.CStyleLoop:
			sh.pos(&l.Lparen)
			sh.pos(&l.Rparen)
			sh.arithm(l.Init)
			sh.arithm(l.Cond)
			sh.arithm(l.Post)
		case nil:
		default:
			sh.ok = false
		}
		sh.stmts(n.Do)
		sh.comments(n.DoLast)
	case *syntax.CaseClause:
		sh.pos(&n.Case)
		sh.pos(&n.In)
		sh.pos(&n.Esac)
		sh.word(n.Word)
		for _, ci := range n.Items {
			sh.pos(&ci.OpPos)
			sh.comments(ci.Comments)
			sh.words(ci.Patterns)
			sh.stmts(ci.Stmts)
			sh.comments(ci.Last)
		}
		sh.comments(n.Last)
	case *syntax.BinaryCmd:
		sh.pos(&n.OpPos)
		sh.stmt(n.X)
		sh.stmt(n.Y)
	case *syntax.FuncDecl:
		sh.pos(&n.Position)
		sh.lit(n.Name)
		for _, l := range n.Names {
			sh.lit(l)
		}
		sh.stmt(n.Body)
	case *syntax.ArithmCmd:
		sh.pos(&n.Left)
		sh.pos(&n.Right)
		sh.arithm(n.X)
	case *syntax.TestClause:
		sh.pos(&n.Left)
		sh.pos(&n.Right)
		sh.test(n.X)
	case *syntax.DeclClause:
		sh.lit(n.Variant)
		for _, as := range n.Args {
			sh.assign(as)
		}
	case *syntax.LetClause:
		sh.pos(&n.Let)
		for _, x := range n.Exprs {
			sh.arithm(x)
		}
	case *syntax.TimeClause:
		sh.pos(&n.Time)
		sh.stmt(n.Stmt)
	case *syntax.CoprocClause:
		sh.pos(&n.Coproc)
		sh.word(n.Name)
		sh.stmt(n.Stmt)
	case *syntax.TestDecl:
		sh.pos(&n.Position)
		sh.word(n.Description)
		sh.stmt(n.Body)
	default:
		// A node this does not know: the statement is parsed instead.
		sh.ok = false
	}
}

func (sh *shifter) assign(as *syntax.Assign) {
	if as == nil {
		return
	}
	sh.lit(as.Name)
	sh.arithm(as.Index)
	sh.word(as.Value)
	sh.array(as.Array)
}

func (sh *shifter) array(a *syntax.ArrayExpr) {
	if a == nil {
		return
	}
	sh.pos(&a.Lparen)
	sh.pos(&a.Rparen)
	for _, el := range a.Elems {
		sh.arithm(el.Index)
		sh.word(el.Value)
		sh.comments(el.Comments)
	}
	sh.comments(a.Last)
}

func (sh *shifter) lit(l *syntax.Lit) {
	if l == nil {
		return
	}
	sh.pos(&l.ValuePos)
	sh.pos(&l.ValueEnd)
}

func (sh *shifter) words(ws []*syntax.Word) {
	for _, w := range ws {
		sh.word(w)
	}
}

func (sh *shifter) word(w *syntax.Word) {
	if w == nil {
		return
	}
	for _, part := range w.Parts {
		sh.wordPart(part)
	}
}

func (sh *shifter) wordPart(part syntax.WordPart) {
	switch n := part.(type) {
	case *syntax.Lit:
		sh.lit(n)
	case *syntax.SglQuoted:
		sh.pos(&n.Left)
		sh.pos(&n.Right)
	case *syntax.DblQuoted:
		sh.pos(&n.Left)
		sh.pos(&n.Right)
		for _, p := range n.Parts {
			sh.wordPart(p)
		}
	case *syntax.ParamExp:
		sh.param(n)
	case *syntax.CmdSubst:
		sh.pos(&n.Left)
		sh.pos(&n.Right)
		sh.stmts(n.Stmts)
		sh.comments(n.Last)
	case *syntax.ArithmExp:
		sh.pos(&n.Left)
		sh.pos(&n.Right)
		sh.arithm(n.X)
	case *syntax.ProcSubst:
		sh.pos(&n.OpPos)
		sh.pos(&n.Rparen)
		sh.stmts(n.Stmts)
		sh.comments(n.Last)
	case *syntax.ExtGlob:
		sh.pos(&n.OpPos)
		sh.lit(n.Pattern)
	case *syntax.BraceExp:
		sh.words(n.Elems)
	case nil:
	default:
		sh.ok = false
	}
}

func (sh *shifter) param(n *syntax.ParamExp) {
	sh.pos(&n.Dollar)
	sh.pos(&n.Rbrace)
	sh.lit(n.Flags)
	sh.lit(n.Param)
	if n.NestedParam != nil {
		sh.wordPart(n.NestedParam)
	}
	sh.arithm(n.Index)
	for _, m := range n.Modifiers {
		sh.lit(m)
	}
	if n.Slice != nil {
		sh.arithm(n.Slice.Offset)
		sh.arithm(n.Slice.Length)
	}
	if n.Repl != nil {
		sh.word(n.Repl.Orig)
		sh.word(n.Repl.With)
	}
	if n.Exp != nil {
		sh.word(n.Exp.Word)
	}
}

func (sh *shifter) arithm(x syntax.ArithmExpr) {
	switch n := x.(type) {
	case nil:
	case *syntax.Word:
		sh.word(n)
	case *syntax.BinaryArithm:
		sh.pos(&n.OpPos)
		sh.arithm(n.X)
		sh.arithm(n.Y)
	case *syntax.UnaryArithm:
		sh.pos(&n.OpPos)
		sh.arithm(n.X)
	case *syntax.ParenArithm:
		sh.pos(&n.Lparen)
		sh.pos(&n.Rparen)
		sh.arithm(n.X)
	case *syntax.FlagsArithm:
		sh.lit(n.Flags)
		sh.arithm(n.X)
	default:
		sh.ok = false
	}
}

func (sh *shifter) test(x syntax.TestExpr) {
	switch n := x.(type) {
	case nil:
	case *syntax.Word:
		sh.word(n)
	case *syntax.BinaryTest:
		sh.pos(&n.OpPos)
		sh.test(n.X)
		sh.test(n.Y)
	case *syntax.UnaryTest:
		sh.pos(&n.OpPos)
		sh.test(n.X)
	case *syntax.ParenTest:
		sh.pos(&n.Lparen)
		sh.pos(&n.Rparen)
		sh.test(n.X)
	default:
		sh.ok = false
	}
}
