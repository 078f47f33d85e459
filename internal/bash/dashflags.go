package bash

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// $- lists the shell's one-letter options, in bash's order. The
// interpreter knows only its own options, and lists some of them; $- and
// ${-...} are rewritten to flagsVar, which the session answers from its
// record of every option (xtrace's and the ones it keeps itself).
const flagsVar = "__devstack_flags"

// flagOrder is the order bash lists its flags in.
const flagOrder = "abefhikmnptuvxBCEHPT"

// flags is $- for the main shell's options.
func (s *Session) flags() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, letter := range []byte(flagOrder) {
		if name := optionName(letter); name != "" && s.options[name] {
			b.WriteByte(letter)
		}
	}
	return b.String()
}

// dashEdits renames the parameter of $- and ${-...} to flagsVar.
func dashEdits(file *syntax.File) []Edit {
	var edits []Edit
	syntax.Walk(file, func(node syntax.Node) bool {
		pe, ok := node.(*syntax.ParamExp)
		if ok && pe.Param != nil && pe.Param.Value == "-" && !pe.Length && !pe.Excl {
			if pe.Short {
				edits = append(edits, Edit{Offset: pe.Dollar.Offset(), Remove: 2, Text: "${" + flagsVar + "}"})
			} else {
				edits = append(edits, Edit{Offset: pe.Param.Pos().Offset(), Remove: 1, Text: flagsVar})
			}
		}
		return true
	})
	return edits
}
