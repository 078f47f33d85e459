package bash

import (
	"slices"
)

// Most scripts compatSource changes it changes only by marking commands
// whose status is tested (if is_service_enabled NAME; then ...), as a
// plugin's hook does. xtraceSource would parse that text again for its own
// edits; xtraceMarked instead finds them on the tree of the text as
// written, already parsed, and applies them and the marks in one go: the
// same text, one parse fewer.

// testedMarks gives compatSource's edits when they are nothing but marks
// of tested commands in the text as written (src, after the rewrites
// before the parse, is written unchanged); else nil.
func testedMarks(written, src []byte, before, edits, after, closings []Edit) []Edit {
	if len(before) == 0 || len(edits) > 0 || len(after) > 0 || len(closings) > 0 || string(written) != string(src) {
		return nil
	}
	for _, e := range before {
		if e.Remove != 0 || e.Text != testedCommand+" " {
			return nil
		}
	}
	return before
}

// xtraceMarked is xtraceSource(name, compat), where compat is written
// with marks, compatSource's only edits (testedMarks). A mark sits at a
// command's first word, where no edit of xtraceSource ends; one that
// starts there goes before it, as on compat's tree, where the command
// starts at its mark. Where the trace copies text holding a mark, the
// text is rewritten as compatSource left it.
func xtraceMarked(name string, written, compat []byte, marks []Edit) []byte {
	if len(marks) == 0 {
		return xtraceSource(name, compat)
	}
	file, err := parseSource(name, written)
	if err != nil {
		return xtraceSource(name, compat)
	}
	holds := false
	edits := xtraceEdits(file, written, mayEnableNounset(compat), func(start, end uint) {
		for _, m := range marks {
			holds = holds || m.Offset >= start && m.Offset < end
		}
	})
	if holds {
		return xtraceSource(name, compat)
	}
	// ApplyEdits keeps the order of edits at one offset.
	return ApplyEdits(written, slices.Concat(edits, marks))
}
