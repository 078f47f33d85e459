package bash

import "slices"

// Edit replaces Remove bytes at Offset of a script's text with Text. The
// session's rewrites, and a caller's (Options.Rewrite), are lists of
// edits that keep every line where it was.
type Edit struct {
	Offset, Remove uint
	Text           string
}

// ApplyEdits applies edits to src, in the order of their offsets; edits
// at one offset apply in the order given. An edit that starts inside
// text an earlier one removed keeps only its insertion, right after the
// earlier one's. One pass over src, whatever the number of edits.
func ApplyEdits(src []byte, edits []Edit) []byte {
	if len(edits) == 0 {
		return src
	}
	edits = slices.Clone(edits)
	slices.SortStableFunc(edits, func(a, b Edit) int { return int(a.Offset) - int(b.Offset) })
	size := len(src)
	for _, e := range edits {
		size += len(e.Text)
	}
	out := make([]byte, 0, size)
	pos := uint(0)
	for _, e := range edits {
		if e.Offset < pos {
			out = append(out, e.Text...)
			pos = max(pos, e.Offset+e.Remove)
			continue
		}
		out = append(out, src[pos:e.Offset]...)
		out = append(out, e.Text...)
		pos = e.Offset + e.Remove
	}
	return append(out, src[pos:]...)
}
