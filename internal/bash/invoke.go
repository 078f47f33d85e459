package bash

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// The ways bash is given its script besides a file: `bash -c TEXT NAME`,
// and a script read from standard input.

// RunString runs text as a script of its own, as `bash -c TEXT` would;
// name is its $0 and what messages call it.
func (s *Session) RunString(ctx context.Context, name, text string) (uint8, error) {
	data := s.prepare(name, []byte(text))
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(data), name)
	if err != nil {
		return 2, err
	}
	s.frames[0] = frame{function: "main", source: name, display: name}
	return s.runLines(ctx, file, data)
}

// RunStdin runs the script read from the session's standard input, as
// bash runs one: a line at a time, each complete command run before the
// next line is read, so that a command of the script that reads standard
// input gets the lines after it. name is $0 and what messages call the
// script.
func (s *Session) RunStdin(ctx context.Context, name string) (uint8, error) {
	s.frames[0] = frame{function: "main", source: name, display: name}
	lines := &lineReader{r: s.opts.Stdin}
	// Each command is run as a file of its own, which the interpreter ends
	// with the EXIT trap: the trap is held until the script ends.
	s.mu.Lock()
	s.reading = &readState{hold: true}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.reading = nil
		s.mu.Unlock()
	}()
	var status uint8
	var runErr error
	line := 1
	// A discarded command leaves the interpreter stopped, not exited.
	discarded := false
	for discarded || !s.runner.Exited() {
		discarded = false
		text, first, eof, err := lines.command()
		if err != nil {
			runErr = err
			break
		}
		if strings.TrimSpace(text) == "" {
			if eof {
				break
			}
			continue
		}
		// Blank lines before the command keep LINENO and messages on the
		// line of the input they came from.
		line += first
		padded := strings.Repeat("\n", line-1) + text
		line += strings.Count(text, "\n")
		data := s.prepare(name, []byte(padded))
		file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(data), name)
		if err != nil {
			status, runErr = 2, err
			break
		}
		status, runErr = runStatus(s.runTop(ctx, file))
		if _, discarded = s.takeDiscard(); discarded {
			var done bool
			if status, done, runErr = s.afterDiscard(ctx); done {
				break
			}
		}
		if runErr != nil || eof {
			break
		}
	}
	// The script has ended: its EXIT trap runs now, with $? the status
	// the script ends with.
	s.mu.Lock()
	s.reading.hold, s.reading.status = false, status
	s.mu.Unlock()
	final, err := runStatus(s.runTop(ctx, &syntax.File{Name: name}))
	if runErr != nil {
		return status, runErr
	}
	return s.afterExitTrap(status, final, err)
}

// afterExitTrap is the status a script ends with, status, once its EXIT
// trap has run and given final and err: the trap's own when it called
// exit.
func (s *Session) afterExitTrap(status, final uint8, err error) (uint8, error) {
	if err != nil {
		return final, err
	}
	s.mu.Lock()
	exited := s.errs.exiting
	s.mu.Unlock()
	if exited {
		return final, nil
	}
	return status, nil
}

// readState is what RunStdin tells the EXIT trap: whether a command of
// the script ended, which must not run the trap, or the script did, and
// with which status.
type readState struct {
	hold   bool
	status uint8
}

// runStatus splits what a Run returned into a status and an error that
// is not one.
func runStatus(err error) (uint8, error) {
	var status interp.ExitStatus
	if errors.As(err, &status) {
		return uint8(status), nil
	}
	var internal *InternalError
	if errors.As(err, &internal) {
		// As bash ends on a fatal error of its own.
		return 2, err
	}
	if err != nil {
		return 1, err
	}
	return 0, nil
}

// lineReader reads a script a byte at a time, as bash reads one from a
// pipe: what it has not yet read stays for the script's own commands.
type lineReader struct {
	r   io.Reader
	eof bool
}

// command reads lines until they make up complete commands, and returns
// them with the number of empty lines skipped before them; eof is set when
// the input has ended. A syntax error is left to the parse that follows.
func (l *lineReader) command() (text string, skipped int, eof bool, err error) {
	var buf strings.Builder
	parser := syntax.NewParser(syntax.Variant(syntax.LangBash))
	for {
		line, err := l.line()
		if err != nil {
			return "", 0, false, err
		}
		if buf.Len() == 0 && strings.TrimSpace(line) == "" && !l.eof {
			skipped++
			continue
		}
		buf.WriteString(line)
		if l.eof {
			return buf.String(), skipped, true, nil
		}
		_, perr := parser.Parse(strings.NewReader(buf.String()), "")
		if perr == nil || !syntax.IsIncomplete(perr) {
			return buf.String(), skipped, false, nil
		}
	}
}

// line reads one line, with its newline unless the input ended first.
func (l *lineReader) line() (string, error) {
	var line []byte
	b := make([]byte, 1)
	for !l.eof {
		n, err := l.r.Read(b)
		if n == 1 {
			line = append(line, b[0])
			if b[0] == '\n' {
				break
			}
		}
		if err == io.EOF {
			l.eof = true
		} else if err != nil {
			return "", err
		}
	}
	return string(line), nil
}
