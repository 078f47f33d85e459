package bash

import (
	"context"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// In bash, eval reads its text as a file of its own: an assignment to a
// readonly variable in it ("FILE: line N: R: readonly variable", N the
// line of the eval plus the line in the text) discards the rest of that
// line of the text, also when it is made in a function the text calls,
// and eval goes on with the text's next line; discarded on its last line,
// eval fails with status 1, and the script goes on with its next command.
// The interpreter's eval runs the text without the session's checks, and
// a discard in it would end the script's whole line.
//
// evalCommand runs such a text as the session runs a sourced file: with
// the rewrites of a script (the checks before assignments among them),
// its lines where bash counts them (linePadding), served to the source
// builtin (restPath), and sourced again from the line after a discarded
// one (evalLines); xtrace shows its commands a level deeper, as bash
// does. It is not used for a text with return, break or continue, which
// in bash act on the function or loop the eval is in, and in a sourced
// text would end the text alone.
const evalCommand = "__devstack_eval"

// evalByLines reports whether eval's text runs as evalCommand.
func evalByLines(text string) bool {
	return !strings.Contains(text, "return") && !strings.Contains(text, "break") && !strings.Contains(text, "continue")
}

// evalLines is evalCommand: TEXT..., joined as eval joins them.
func (s *Session) evalLines(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	text := strings.Join(args, " ")
	if _, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), ""); err != nil {
		// The interpreter's eval words the error.
		return hc.Builtin(ctx, []string{"eval", text})
	}
	padding := linePadding(hc)
	// Functions it defines are printed from its text (declare -f, type),
	// found by their lines, which are the padded text's.
	s.noteSource("eval", []byte(padding+text))
	src := arraySource("", xtraceSourceFor("", compatSource("", []byte(text)), nounsetOn(hc)))
	text = padding + string(s.rewritePids(src))
	// xtrace counts a level for eval's text, as for a file sourced.
	defer enterSourceLevel(ctx)()
	s.mu.Lock()
	depth := len(*s.stack()) - 1
	s.sourceDepths = append(s.sourceDepths, depth)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.sourceDepths = s.sourceDepths[:len(s.sourceDepths)-1]
		s.mu.Unlock()
	}()
	for {
		s.mu.Lock()
		s.restText, s.sourcing = text, restPath
		s.mu.Unlock()
		// Through eval, as source does (session.go): the interpreter
		// would keep the state of a return that ends the text.
		err := hc.Builtin(ctx, []string{"eval", quoteArgs([]string{bypassCommand, "source", restPath}, 0)})
		line, discarded := s.discardAt(depth)
		if !discarded {
			return err
		}
		var ok bool
		if text, ok = textAfter(text, line); !ok {
			return interp.ExitStatus(1)
		}
	}
}
