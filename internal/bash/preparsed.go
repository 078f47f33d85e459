package bash

// A run parses every script it may source before anything runs, with the
// session's rewrites (Parse), and sources them later, when the session
// rewrites the text it reads again. Preparsed hands the session the
// scripts parsed up front: a file read for sourcing whose text is the one
// a script was parsed from takes that script's rewritten text instead of
// doing the rewrites a second time. The rewrites depend on the text alone,
// so the result is the same.

// Preparsed makes the session use what scripts were rewritten to, when
// their files are sourced unchanged.
func (s *Session) Preparsed(scripts ...*Script) {
	s.preparsedMu.Lock()
	defer s.preparsedMu.Unlock()
	if s.preparsed == nil {
		s.preparsed = map[string]*Script{}
	}
	for _, sc := range scripts {
		if sc != nil && sc.path != "" {
			s.preparsed[sc.path] = sc
		}
	}
}

// rewritten is what the session's rewrites make of src, the text of the
// file at path, from a script Preparsed gave when it was parsed from the
// same text: Options.Rewrite still applies, between compatSource and the
// rewrites after it.
func (s *Session) rewritten(path string, src []byte) ([]byte, bool) {
	s.preparsedMu.Lock()
	sc := s.preparsed[path]
	s.preparsedMu.Unlock()
	if sc == nil || string(sc.written) != string(src) {
		return nil, false
	}
	compat := []byte(sc.compat)
	if s.opts.Rewrite != nil {
		compat = s.opts.Rewrite(path, compat)
	}
	if string(compat) == sc.compat {
		return []byte(sc.text), true
	}
	return traceArraySource(path, compat), true
}
