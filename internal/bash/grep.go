package bash

import (
	"bufio"
	"context"
	"io"
	"strings"

	"mvdan.cc/sh/v3/interp"
)

// DevStack's functions start with `xtrace=$(set +o | grep xtrace)`, and
// the grep is a process of its own each time. For the plainest form,
// `grep [-q] WORD` reading standard input with WORD a bare word (letters,
// digits, - and _, so the same as a basic regular expression), grep runs
// here instead, with GNU grep's output and exit status: the lines holding
// WORD, status 0 if any, else 1.
const grepCommand = "__devstack_grep"

// plainGrep reports whether args are a grep this session answers itself.
func plainGrep(args []string) bool {
	rest := args[1:]
	if len(rest) == 2 && rest[0] == "-q" {
		rest = rest[1:]
	}
	if len(rest) != 1 || rest[0] == "" || rest[0][0] == '-' {
		return false
	}
	for _, c := range rest[0] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (s *Session) grep(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	quiet := args[0] == "-q"
	if quiet {
		args = args[1:]
	}
	word := args[0]
	in := bufio.NewReader(hc.Stdin)
	matched := false
	for {
		line, err := in.ReadString('\n')
		if strings.Contains(line, word) {
			matched = true
			if quiet {
				// As grep -q, stop at the first match.
				return nil
			}
			if !strings.HasSuffix(line, "\n") {
				line += "\n"
			}
			io.WriteString(hc.Stdout, line)
		}
		if err != nil {
			break
		}
	}
	if !matched {
		return interp.ExitStatus(1)
	}
	return nil
}
