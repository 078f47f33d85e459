package bash

import (
	"context"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// ereQuoteCommand prints its argument with the characters special to an
// extended regular expression escaped.
const ereQuoteCommand = "__devstack_ere_quote"

// ereSpecial are the characters bash escapes in a quoted part of the right
// side of =~, so that the part matches itself.
const ereSpecial = `\.[]()*+?{}|^$`

func ereQuote(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(ereSpecial, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func ereQuoteBuiltin(ctx context.Context, args []string) error {
	fmt.Fprint(interp.HandlerCtx(ctx).Stdout, ereQuote(strings.Join(args, " ")))
	return nil
}

// regexEdits makes the quoted parts of the right side of [[ X =~ Y ]] match
// literally, as in bash; the interpreter reads them as a regular
// expression. A quoted literal becomes its escaped single-quoted form, a
// quoted expansion is escaped when it runs.
func regexEdits(test *syntax.BinaryTest, src []byte) []Edit {
	word, ok := test.Y.(*syntax.Word)
	if test.Op != syntax.TsReMatch || !ok {
		return nil
	}
	var edits []Edit
	replace := func(part syntax.Node, text string) {
		edits = append(edits, Edit{Offset: part.Pos().Offset(), Remove: part.End().Offset() - part.Pos().Offset(), Text: text})
	}
	for _, part := range word.Parts {
		switch p := part.(type) {
		case *syntax.SglQuoted:
			if !p.Dollar {
				replace(p, "'"+ereQuote(p.Value)+"'")
			}
		case *syntax.DblQuoted:
			if value, ok := doubleQuotedLiteral(p); ok {
				if !strings.Contains(value, "'") {
					replace(p, "'"+ereQuote(value)+"'")
				}
				continue
			}
			inner := string(src[p.Pos().Offset():p.End().Offset()])
			if p.Dollar {
				continue
			}
			replace(p, `"$(`+ereQuoteCommand+` `+inner+`)"`)
		}
	}
	return edits
}

// doubleQuotedLiteral is the value of a double-quoted word part that
// holds no expansion.
func doubleQuotedLiteral(q *syntax.DblQuoted) (string, bool) {
	var b strings.Builder
	for _, part := range q.Parts {
		lit, ok := part.(*syntax.Lit)
		if !ok {
			return "", false
		}
		b.WriteString(unescapeDouble(lit.Value))
	}
	return b.String(), true
}

// unescapeDouble removes the backslashes that quote $, `, " and \ inside
// double quotes.
func unescapeDouble(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\", s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// regexWord is the right side of =~ as bash traces it: unquoted parts as
// written, quoted parts with the special characters escaped, which
// regexEdits has already done to the text.
func regexWord(w *syntax.Word, text func(syntax.Node) string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, part := range w.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			b.WriteString(escapeDouble(p.Value))
		case *syntax.SglQuoted:
			if p.Dollar {
				return operand(w, text)
			}
			b.WriteString(escapeDouble(p.Value))
		case *syntax.DblQuoted:
			if !isEREQuote(p) {
				return operand(w, text)
			}
			b.WriteString(text(p)[1 : len(text(p))-1])
		default:
			if hasCmdSubst(w) {
				return operand(w, text)
			}
			b.WriteString(text(p))
		}
	}
	b.WriteByte('"')
	return b.String()
}

// isEREQuote reports whether a double-quoted part is the escaping command
// substitution regexEdits wrote.
func isEREQuote(q *syntax.DblQuoted) bool {
	if len(q.Parts) != 1 {
		return false
	}
	cs, ok := q.Parts[0].(*syntax.CmdSubst)
	if !ok || len(cs.Stmts) != 1 {
		return false
	}
	call, ok := cs.Stmts[0].Cmd.(*syntax.CallExpr)
	return ok && len(call.Args) > 0 && call.Args[0].Lit() == ereQuoteCommand
}
