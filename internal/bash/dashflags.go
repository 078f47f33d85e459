package bash

import "strings"

// $- lists the shell's one-letter options, in bash's order. The
// interpreter knows only its own options, and lists some of them; $- and
// ${-...} are renamed to flagsVar (compatSource's sessionParams), which
// the session answers from its record of every option (xtrace's and the
// ones it keeps itself).
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
