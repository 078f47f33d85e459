package bash

import "mvdan.cc/sh/v3/syntax"

// In [[ ]], bash binds && tighter than ||, and ! to the primary after it:
// A && B || C is (A && B) || C, and ! A && B is (! A) && B. The parser
// builds both chains from the right, as A && (B || C) and ! (A && B).
// andOr rebuilds a test as bash reads it; xtraceSource, which writes every
// [[ ]] anew, then runs the rebuilt test.
func andOr(x syntax.TestExpr) syntax.TestExpr {
	operands, ops := flattenAndOr(x)
	if len(ops) == 0 {
		return operands[0]
	}
	var terms []syntax.TestExpr
	group := operands[0]
	for i, op := range ops {
		if op.Op == syntax.AndTest {
			group = &syntax.BinaryTest{OpPos: op.OpPos, Op: syntax.AndTest, X: group, Y: operands[i+1]}
			continue
		}
		terms = append(terms, group)
		group = operands[i+1]
	}
	terms = append(terms, group)
	test := terms[0]
	for i, term := range terms[1:] {
		test = &syntax.BinaryTest{OpPos: orPos(ops, i), Op: syntax.OrTest, X: test, Y: term}
	}
	return test
}

// orPos is where the i-th || of ops is.
func orPos(ops []*syntax.BinaryTest, i int) syntax.Pos {
	for _, op := range ops {
		if op.Op == syntax.OrTest {
			if i == 0 {
				return op.OpPos
			}
			i--
		}
	}
	return syntax.Pos{}
}

// flattenAndOr lists a chain's primaries and the && and || between them,
// in the order written; a ! over a chain goes to its first primary.
func flattenAndOr(x syntax.TestExpr) ([]syntax.TestExpr, []*syntax.BinaryTest) {
	switch n := x.(type) {
	case *syntax.BinaryTest:
		if n.Op == syntax.AndTest || n.Op == syntax.OrTest {
			left, leftOps := flattenAndOr(n.X)
			right, rightOps := flattenAndOr(n.Y)
			return append(left, right...), append(append(leftOps, n), rightOps...)
		}
	case *syntax.UnaryTest:
		if n.Op == syntax.TsNot {
			inner, ops := flattenAndOr(n.X)
			if len(ops) > 0 {
				inner[0] = &syntax.UnaryTest{OpPos: n.OpPos, Op: syntax.TsNot, X: inner[0]}
				return inner, ops
			}
		}
	}
	return []syntax.TestExpr{x}, nil
}

// groupedText is a test's text for the interpreter to run as one [[ ]]:
// each group in parentheses, so that it is read as bash reads it.
func groupedText(x syntax.TestExpr, text func(syntax.Node) string) string {
	switch n := andOr(x).(type) {
	case *syntax.BinaryTest:
		if n.Op == syntax.AndTest || n.Op == syntax.OrTest {
			return "( " + groupedText(n.X, text) + " " + n.Op.String() + " " + groupedText(n.Y, text) + " )"
		}
		return text(n)
	case *syntax.UnaryTest:
		if n.Op == syntax.TsNot {
			return "! " + groupedText(n.X, text)
		}
		return text(n)
	case *syntax.ParenTest:
		return "( " + groupedText(n.X, text) + " )"
	default:
		return text(n)
	}
}
