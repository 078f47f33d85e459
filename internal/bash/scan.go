package bash

import (
	"slices"

	"mvdan.cc/sh/v3/syntax"
)

// LiteralCalls returns the arguments of every simple command in the
// script, function bodies included, whose command is one of names, for
// the calls whose words are all literal (no expansions): what a reader
// can know of a script without running it. Each list starts with the
// command's name.
func (sc *Script) LiteralCalls(names ...string) [][]string {
	var calls [][]string
	walk(sc.file, func(node syntax.Node) bool {
		call, ok := node.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		words := make([]string, 0, len(call.Args))
		for _, w := range call.Args {
			lit, ok := literalWord(w)
			if !ok {
				break
			}
			words = append(words, lit)
		}
		if len(words) != len(call.Args) {
			return true
		}
		if len(words) > 0 && words[0] == testedCommand {
			// The session's mark of a tested command (subshell.go).
			words = words[1:]
		}
		if len(words) > 0 && slices.Contains(names, words[0]) {
			calls = append(calls, words)
		}
		return true
	})
	return calls
}

// LiteralAssign is the value of the script's last plain assignment to
// name whose value holds no expansion, and whether there is one.
func (sc *Script) LiteralAssign(name string) (string, bool) {
	value, found := "", false
	walk(sc.file, func(node syntax.Node) bool {
		call, ok := node.(*syntax.CallExpr)
		if !ok {
			return true
		}
		for _, as := range call.Assigns {
			if as.Name.Value != name || as.Value == nil || as.Array != nil || as.Index != nil || as.Append {
				continue
			}
			if lit, ok := literalWord(as.Value); ok {
				value, found = lit, true
			}
		}
		return true
	})
	return value, found
}

// literalWord is a word's value when it holds no expansion: plain text
// and quotes only.
func literalWord(w *syntax.Word) (string, bool) {
	var value []byte
	for _, part := range w.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			value = append(value, p.Value...)
		case *syntax.SglQuoted:
			if p.Dollar {
				return "", false
			}
			value = append(value, p.Value...)
		case *syntax.DblQuoted:
			for _, inner := range p.Parts {
				lit, ok := inner.(*syntax.Lit)
				if !ok {
					return "", false
				}
				value = append(value, lit.Value...)
			}
		default:
			return "", false
		}
	}
	return string(value), true
}
