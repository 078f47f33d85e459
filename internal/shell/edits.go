package shell

import "slices"

// Edit replaces Remove bytes at Offset of a script's text with Text. The
// session's rewrites, and a caller's (Options.Rewrite), are lists of
// edits that keep every line where it was.
type Edit struct {
	Offset, Remove uint
	Text           string
}

// ApplyEdits applies edits to src, in the order of their offsets; edits
// at one offset apply in the order given.
func ApplyEdits(src []byte, edits []Edit) []byte {
	if len(edits) == 0 {
		return src
	}
	edits = slices.Clone(edits)
	slices.SortStableFunc(edits, func(a, b Edit) int { return int(a.Offset) - int(b.Offset) })
	out := append([]byte(nil), src...)
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		out = append(out[:e.Offset], append([]byte(e.Text), out[e.Offset+e.Remove:]...)...)
	}
	return out
}
