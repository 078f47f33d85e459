package bash

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// The interpreter compiles a regular expression for every `[[ A == B ]]`
// it evaluates, even when B is a plain string, and plugin scripts test
// "$1" == "stack" at every phase. literalTests rewrites such tests, where B
// can only mean itself, into the same comparison made with the string
// operators < and >, which compile nothing: A == B exactly when neither
// A < B nor A > B. Only words whose expansion has no side effects are
// rewritten, since each is expanded twice.
func literalTests(file *syntax.File) {
	walk(file, func(node syntax.Node) bool {
		if tc, ok := node.(*syntax.TestClause); ok {
			tc.X = rewriteTest(tc.X)
		}
		return true
	})
}

func rewriteTest(expr syntax.TestExpr) syntax.TestExpr {
	switch x := expr.(type) {
	case *syntax.BinaryTest:
		switch x.Op {
		case syntax.AndTest, syntax.OrTest:
			x.X, x.Y = rewriteTest(x.X), rewriteTest(x.Y)
			return x
		case syntax.TsMatch, syntax.TsMatchShort, syntax.TsNoMatch:
			left, lok := x.X.(*syntax.Word)
			right, rok := x.Y.(*syntax.Word)
			if !lok || !rok || !pureWord(left, false) || !pureWord(right, true) {
				return x
			}
			before := &syntax.BinaryTest{OpPos: x.OpPos, Op: syntax.TsBefore, X: left, Y: right}
			after := &syntax.BinaryTest{OpPos: x.OpPos, Op: syntax.TsAfter, X: left, Y: right}
			if x.Op == syntax.TsNoMatch {
				return &syntax.BinaryTest{OpPos: x.OpPos, Op: syntax.OrTest, X: before, Y: after}
			}
			return &syntax.BinaryTest{
				OpPos: x.OpPos,
				Op:    syntax.AndTest,
				X:     &syntax.UnaryTest{OpPos: x.OpPos, Op: syntax.TsNot, X: &syntax.ParenTest{X: before}},
				Y:     &syntax.UnaryTest{OpPos: x.OpPos, Op: syntax.TsNot, X: &syntax.ParenTest{X: after}},
			}
		}
	case *syntax.UnaryTest:
		x.X = rewriteTest(x.X)
	case *syntax.ParenTest:
		x.X = rewriteTest(x.X)
	}
	return expr
}

// pureWord reports whether a word expands without side effects and, when
// asPattern, whether as the right side of == it can only match itself:
// every unquoted part is free of pattern characters.
func pureWord(word *syntax.Word, asPattern bool) bool {
	for _, part := range word.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			if asPattern && strings.ContainsAny(p.Value, `*?[]\()|!+@`) {
				return false
			}
		case *syntax.SglQuoted:
			if p.Dollar {
				return false
			}
		case *syntax.DblQuoted:
			if p.Dollar {
				return false
			}
			for _, inner := range p.Parts {
				switch q := inner.(type) {
				case *syntax.Lit:
				case *syntax.ParamExp:
					if !plainParam(q) {
						return false
					}
				default:
					return false
				}
			}
		case *syntax.ParamExp:
			// Unquoted on the right, the value is a pattern.
			if asPattern || !plainParam(p) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// plainParam is $name or ${name}: no default-assigning or other operator.
func plainParam(p *syntax.ParamExp) bool {
	return !p.Excl && !p.Length && !p.Width && !p.IsSet && p.Index == nil && p.Slice == nil &&
		p.Repl == nil && p.Exp == nil && p.Names == 0 && p.NestedParam == nil
}
