package bash

import (
	"bytes"
	"errors"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// The parser reads every subscript as arithmetic, and refuses one that is
// not (m[c.d], m[a b], m[1.5]): bash reads it as a string when the array
// is associative, which it learns only when the line runs. fixSubscripts
// quotes such a subscript as $"TEXT", which both read as the string
// TEXT; arraySource then has it evaluated at run time, where an indexed
// array still reports bash's arithmetic error. The $"..." form marks the
// subscripts quoted here, so that xtrace prints them as they were
// written (unfixSubscripts).

// maxSubscriptFixes bounds the fixes of one script: each one parses the
// whole text again.
const maxSubscriptFixes = 64

// fixSubscripts returns src with the subscripts the parser refuses
// quoted. It stops at the first error that is not such a subscript, so
// that the parser reports that one.
func fixSubscripts(name string, src []byte) []byte {
	if !hasOddSubscript(src) {
		return src
	}
	fixed, lastError := src, -1
	for range maxSubscriptFixes {
		_, err := parseSource(name, fixed)
		if err == nil {
			return fixed
		}
		var pos syntax.Pos
		var text string
		var perr syntax.ParseError
		var lerr syntax.LangError
		switch {
		case errors.As(err, &perr):
			pos, text = perr.Pos, perr.Text
		case errors.As(err, &lerr):
			pos = lerr.Pos
		default:
			return fixed
		}
		offset := int(pos.Offset())
		open, end, ok := subscriptAt(fixed, offset)
		if !ok || offset == lastError || offset == open && !strings.Contains(text, "without matching") {
			return fixed
		}
		fixed = bytes.Join([][]byte{fixed[:open+1], []byte(`$"`), fixed[open+1 : end], []byte(`"`), fixed[end:]}, nil)
		// The error after the fix is further on, by the two
		// characters added before it.
		lastError = offset + 2
	}
	return fixed
}

// hasOddSubscript reports, cheaply, whether src may hold a subscript
// that is not arithmetic: NAME[ (or [ in an array literal) followed,
// before the ], by a character that has no place in an arithmetic
// expression.
func hasOddSubscript(src []byte) bool {
	for i := 1; i < len(src); i++ {
		if src[i] != '[' || !isNameByte(src[i-1]) && src[i-1] != ' ' && src[i-1] != '(' {
			continue
		}
		if i+1 < len(src) && (src[i+1] == '[' || src[i+1] == ' ') || src[i-1] == '[' {
			// [[ and the [ command.
			continue
		}
		for j := i + 1; j < len(src) && src[j] != ']' && src[j] != '\n'; j++ {
			if strings.IndexByte(".: !~%-", src[j]) >= 0 {
				return true
			}
		}
	}
	return false
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// subscriptAt finds the subscript of NAME[...] that holds offset: the
// offsets of its [ and ]. A subscript with quotes, a backslash or a
// backquote is left alone: quoting it again would change it.
func subscriptAt(src []byte, offset int) (open, end int, ok bool) {
	if offset >= len(src) {
		offset = len(src) - 1
	}
	open = -1
	for i := offset; i >= 0 && src[i] != '\n'; i-- {
		if src[i] == '[' {
			if i > 0 && isNameByte(src[i-1]) || i > 0 && strings.IndexByte(" \t(", src[i-1]) >= 0 {
				open = i
			}
			break
		}
		if src[i] == ']' && i != offset {
			return 0, 0, false
		}
	}
	if open < 0 {
		return 0, 0, false
	}
	depth := 0
	for i := open + 1; i < len(src) && src[i] != '\n'; i++ {
		switch src[i] {
		case '"', '\'', '\\', '`':
			return 0, 0, false
		case '[':
			depth++
		case ']':
			if depth == 0 {
				if i == open+1 {
					return 0, 0, false
				}
				return open, i, true
			}
			depth--
		}
	}
	return 0, 0, false
}

// unfixSubscripts gives back a text's subscripts as they were written
// before fixSubscripts quoted them, for xtrace.
func unfixSubscripts(text string) string {
	if !strings.Contains(text, `[$"`) {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, `[$"`)
		if i < 0 {
			break
		}
		end := strings.Index(text[i+3:], `"]`)
		if end < 0 || strings.ContainsAny(text[i+3:i+3+end], "\"\n") {
			b.WriteString(text[:i+3])
			text = text[i+3:]
			continue
		}
		b.WriteString(text[:i+1])
		b.WriteString(text[i+3 : i+3+end])
		b.WriteByte(']')
		text = text[i+3+end+2:]
	}
	b.WriteString(text)
	return b.String()
}
