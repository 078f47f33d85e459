package bash

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// bash hands an exported function to the programs it starts as the
// environment variable BASH_FUNC_NAME%%, whose value is the function's
// definition without its name; a child bash defines it from there.
const (
	exportedFuncPrefix = "BASH_FUNC_"
	exportedFuncSuffix = "%%"
)

func (s *Session) exportFunctions(names []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exportedFuncs == nil {
		s.exportedFuncs = map[string]bool{}
	}
	for _, name := range names {
		s.exportedFuncs[name] = true
	}
}

// eachExportedFunction calls f with the environment variable of every
// exported function still defined; it returns false when f asked to stop.
func (s *Session) eachExportedFunction(f func(name string, vr expand.Variable) bool) bool {
	s.mu.Lock()
	var names []string
	for name := range s.exportedFuncs {
		names = append(names, name)
	}
	s.mu.Unlock()
	for _, name := range names {
		body, ok := s.runner.Funcs[name]
		if !ok {
			continue
		}
		// Every program started and every subshell lists the
		// environment: a definition is printed once per body.
		s.mu.Lock()
		text, done := s.exportedText[body]
		s.mu.Unlock()
		if !done {
			text = exportedDefinition(s.functionDefinition(name, body))
			s.mu.Lock()
			if s.exportedText == nil {
				s.exportedText = map[*syntax.Stmt]string{}
			}
			s.exportedText[body] = text
			s.mu.Unlock()
		}
		vr := expand.Variable{Set: true, Exported: true, Kind: expand.String, Str: text}
		if !f(exportedFuncPrefix+name+exportedFuncSuffix, vr) {
			return false
		}
	}
	return true
}

// exportedDefinition is a function's definition as bash exports it: the
// body after "() {", which a child bash requires.
func exportedDefinition(definition string) string {
	if i := strings.Index(definition, "{"); i >= 0 {
		return "() {" + definition[i+1:]
	}
	return definition
}

// isExportedFunctionVar tells the environment variables of exported
// functions, which listings of the shell's variables leave out.
func isExportedFunctionVar(name string) bool {
	return strings.HasPrefix(name, exportedFuncPrefix) && strings.HasSuffix(name, exportedFuncSuffix)
}
