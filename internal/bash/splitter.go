package bash

import "strings"

// readChar is a character of text to split: escaped (quoted) characters
// never separate fields, and glob tells those that may be a pattern.
type readChar struct {
	b    byte
	esc  bool
	glob bool
	mark bool
}

// charsText is the text of chars, without the marks.
func charsText(chars []readChar) string {
	b := make([]byte, 0, len(chars))
	for _, c := range chars {
		if !c.mark {
			b = append(b, c.b)
		}
	}
	return string(b)
}

// splitter splits text at the characters of IFS as bash does: a
// sequence of IFS whitespace is one separator, and so is one other IFS
// character with the whitespace around it; two of those with nothing
// between them delimit an empty field. A quoted character never
// separates.
type splitter struct{ ifs string }

func (sp splitter) sep(c readChar) bool {
	return !c.esc && strings.IndexByte(sp.ifs, c.b) >= 0
}

func (sp splitter) blank(c readChar) bool {
	return sp.sep(c) && (c.b == ' ' || c.b == '\t' || c.b == '\n')
}

// skipBlanks returns where the IFS whitespace from i ends.
func (sp splitter) skipBlanks(s []readChar, i int) int {
	for i < len(s) && sp.blank(s[i]) {
		i++
	}
	return i
}

// next takes the field at i, and returns it and where the field after
// its separator starts.
func (sp splitter) next(s []readChar, i int) (field []readChar, rest int) {
	start := i
	for i < len(s) && !sp.sep(s[i]) {
		i++
	}
	field = s[start:i]
	white := i < len(s) && (s[i].b == ' ' || s[i].b == '\t' || s[i].b == '\n')
	if i < len(s) {
		i++
	}
	i = sp.skipBlanks(s, i)
	if i < len(s) && white && sp.sep(s[i]) && !sp.blank(s[i]) {
		// Whitespace, then another separator: one delimiter.
		i = sp.skipBlanks(s, i+1)
	}
	return field, i
}

// fields splits all of s, as word splitting and read -a do: an empty
// field before each separator that is not whitespace, none after the
// last.
func (sp splitter) fields(s []readChar) []string {
	out := []string{}
	for _, field := range sp.fieldChars(s) {
		out = append(out, charsText(field))
	}
	return out
}

func (sp splitter) fieldChars(s []readChar) [][]readChar {
	var out [][]readChar
	for i := sp.skipBlanks(s, 0); i < len(s); {
		field, rest := sp.next(s, i)
		if len(field) > 0 || !sp.blank(s[i]) {
			out = append(out, field)
		}
		i = rest
	}
	return out
}

// readFields splits s into n values, as read assigns its variables: the
// last one gets the rest of the line, without the IFS whitespace that
// ends it, or, when the rest is one field, that field alone.
func (sp splitter) readFields(s []readChar, n int) []string {
	values := make([]string, n)
	i := sp.skipBlanks(s, 0)
	for v := 0; v < n-1 && i < len(s); v++ {
		var field []readChar
		field, i = sp.next(s, i)
		values[v] = charsText(field)
	}
	if i >= len(s) {
		return values
	}
	if field, rest := sp.next(s, i); rest >= len(s) {
		values[n-1] = charsText(field)
		return values
	}
	end := len(s)
	for end > i && sp.blank(s[end-1]) {
		end--
	}
	values[n-1] = charsText(s[i:end])
	return values
}
