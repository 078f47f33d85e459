package bash

import (
	"regexp"
	"strings"
)

// breRegexp translates a basic regular expression, as GNU sed and grep
// read it, into Go's syntax with POSIX's leftmost-longest matching. It
// knows the forms scripts write to find lines of configuration files:
// ^ and $ as anchors, ., *, \{m,n\}, groups \( \), GNU's \+ \? \|,
// escaped special characters, and bracket expressions of plain
// characters, ranges, classes and GNU's \t and \n. ok is false for
// anything else (back-references, \w and the like, the empty expression,
// bytes outside ASCII), which the program must then handle itself. grep
// reads \t and \n otherwise than sed does: for grep (sed false) they are
// refused too.
func breRegexp(bre string, sed bool) (re *regexp.Regexp, ok bool) {
	if bre == "" {
		return nil, false
	}
	var b strings.Builder
	// atStart: where * is literal and ^ an anchor, the start of the
	// expression or of a group or alternative.
	atStart := true
	for i := 0; i < len(bre); i++ {
		c := bre[i]
		if c >= 0x80 {
			return nil, false
		}
		start := atStart
		atStart = false
		switch c {
		case '\\':
			if i+1 >= len(bre) {
				return nil, false
			}
			i++
			e := bre[i]
			switch e {
			case '(':
				b.WriteByte('(')
				atStart = true
			case ')':
				b.WriteByte(')')
			case '|':
				b.WriteByte('|')
				atStart = true
			case '{':
				end := strings.Index(bre[i:], `\}`)
				if end < 0 || start {
					return nil, false
				}
				bounds := bre[i+1 : i+end]
				if !validBounds(bounds) {
					return nil, false
				}
				b.WriteString("{" + bounds + "}")
				i += end + 1
			case '+', '?':
				if start {
					return nil, false
				}
				b.WriteByte(e)
			case 'n', 't':
				if !sed {
					return nil, false
				}
				b.WriteString(`\` + string(e))
			case '/':
				if !sed {
					return nil, false
				}
				b.WriteByte('/')
			case '.', '*', '[', ']', '^', '$', '\\':
				b.WriteString(regexp.QuoteMeta(string(e)))
			default:
				return nil, false
			}
		case '*':
			if start {
				b.WriteString(`\*`)
			} else {
				b.WriteByte('*')
			}
		case '^':
			if start {
				b.WriteByte('^')
				atStart = true
			} else {
				b.WriteString(`\^`)
			}
		case '$':
			// An anchor at the end of the expression, of a group or
			// before an alternative; a character elsewhere.
			if rest := bre[i+1:]; rest == "" || strings.HasPrefix(rest, `\)`) || strings.HasPrefix(rest, `\|`) {
				b.WriteByte('$')
			} else {
				b.WriteString(`\$`)
			}
		case '[':
			n, class, ok := bracketExpr(bre[i:], sed)
			if !ok {
				return nil, false
			}
			b.WriteString(class)
			i += n - 1
		case '.':
			b.WriteByte('.')
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, false
	}
	re.Longest()
	return re, true
}

// validBounds reports whether s is the inside of an interval: m, m, or
// m,n with m <= n, small numbers.
func validBounds(s string) bool {
	lo, hi, comma := strings.Cut(s, ",")
	digits := func(d string) bool {
		if d == "" || len(d) > 3 {
			return false
		}
		for _, c := range d {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	if !digits(lo) {
		return false
	}
	if comma && hi != "" && (!digits(hi) || len(hi) < len(lo) || len(hi) == len(lo) && hi < lo) {
		return false
	}
	return true
}

// bracketClasses are the character classes Go's syntax shares.
var bracketClasses = []string{"[:alpha:]", "[:digit:]", "[:alnum:]", "[:upper:]", "[:lower:]", "[:space:]", "[:blank:]", "[:punct:]", "[:print:]", "[:graph:]", "[:cntrl:]", "[:xdigit:]"}

// bracketExpr reads the bracket expression at the start of s, and
// returns its length and its form in Go's syntax.
func bracketExpr(s string, sed bool) (n int, class string, ok bool) {
	var b strings.Builder
	b.WriteByte('[')
	i := 1
	if i < len(s) && s[i] == '^' {
		b.WriteByte('^')
		i++
	}
	first := true
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ']' && !first:
			b.WriteByte(']')
			return i + 1, b.String(), true
		case c == ']':
			b.WriteString(`\]`)
		case c == '[':
			matched := false
			for _, name := range bracketClasses {
				if strings.HasPrefix(s[i:], name) {
					b.WriteString(name)
					i += len(name) - 1
					matched = true
					break
				}
			}
			if !matched {
				return 0, "", false
			}
		case c == '\\':
			// GNU sed reads \t and \n in a bracket expression as the
			// characters; anything else after a backslash is left to it.
			if i+1 >= len(s) || !sed {
				return 0, "", false
			}
			switch s[i+1] {
			case 't':
				b.WriteString(`\t`)
			case 'n':
				b.WriteString(`\n`)
			default:
				return 0, "", false
			}
			i++
		case c == '-':
			// A range's dash, or a dash first or last: the same in Go's
			// syntax when escaped where it stands alone.
			if first || i+1 < len(s) && s[i+1] == ']' {
				b.WriteString(`\-`)
			} else {
				b.WriteByte('-')
			}
		case c >= 0x80:
			return 0, "", false
		case c == '^':
			b.WriteString(`\^`)
		default:
			b.WriteByte(c)
		}
		first = false
	}
	return 0, "", false
}
