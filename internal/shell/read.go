package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// readCommand is bash's read builtin. The interpreter's drops the empty
// fields a non-blank IFS separates (IFS=, read -ra a <<<"a,,b"), keeps a
// last separator on the last variable, and lacks -d, -n, -N, -t and -u.
const readCommand = "__devstack_read"

const readUsage = "read: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]"

// readOptions are read's options, as parsed.
type readOptions struct {
	raw, silent   bool
	array, prompt string
	delim         byte
	// nchars is -n's or -N's count, -1 without them.
	nchars     int
	exact      bool
	timeout    time.Duration
	hasTimeout bool
	fd         int
	names      []string
	arraySet   bool
}

// parseReadOptions reads read's options as getopts would: grouped, with
// an option's argument attached or next.
func parseReadOptions(args []string) (readOptions, string) {
	o := readOptions{delim: '\n', nchars: -1}
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			if strings.IndexByte("adinNptu", c) >= 0 {
				value := a[j+1:]
				if value == "" {
					if i+1 >= len(args) {
						return o, fmt.Sprintf("read: -%c: option requires an argument", c)
					}
					i++
					value = args[i]
				}
				if msg := o.set(c, value); msg != "" {
					return o, msg
				}
				break
			}
			switch c {
			case 'r':
				o.raw = true
			case 's':
				o.silent = true
			case 'e':
			default:
				return o, fmt.Sprintf("read: -%c: invalid option", c)
			}
		}
	}
	o.names = args[i:]
	return o, ""
}

// set records an option that takes an argument.
func (o *readOptions) set(c byte, value string) string {
	switch c {
	case 'a':
		o.array, o.arraySet = value, true
	case 'd':
		o.delim = 0
		if value != "" {
			o.delim = value[0]
		}
	case 'i':
	case 'n', 'N':
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 {
			return fmt.Sprintf("read: %s: invalid number", value)
		}
		o.nchars, o.exact = n, c == 'N'
	case 'p':
		o.prompt = value
	case 't':
		f, err := strconv.ParseFloat(value, 64)
		if err != nil || f < 0 {
			return fmt.Sprintf("read: %s: invalid timeout specification", value)
		}
		o.timeout, o.hasTimeout = time.Duration(f*float64(time.Second)), true
	case 'u':
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 {
			return fmt.Sprintf("read: %s: invalid file descriptor specification", value)
		}
		o.fd = n
	}
	return ""
}

// readBuiltin runs read.
func (s *Session) readBuiltin(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	o, msg := parseReadOptions(args)
	if msg != "" {
		s.shellError(hc, msg)
		fmt.Fprintln(hc.Stderr, readUsage)
		return interp.ExitStatus(2)
	}
	targets := o.names
	if o.arraySet {
		targets = []string{o.array}
	}
	for _, name := range targets {
		if !syntax.ValidName(name) {
			s.shellError(hc, fmt.Sprintf("read: `%s': not a valid identifier", name))
			return interp.ExitStatus(1)
		}
	}
	in, err := s.readInput(hc, o.fd)
	if err != nil {
		s.shellError(hc, fmt.Sprintf("read: %d: invalid file descriptor: %v", o.fd, err))
		return interp.ExitStatus(1)
	}
	if o.hasTimeout && o.timeout == 0 {
		// -t 0 only tells whether there is input.
		if readable(in) {
			return nil
		}
		return interp.ExitStatus(1)
	}
	terminal := isTerminal(in)
	if o.prompt != "" && terminal {
		io.WriteString(hc.Stderr, o.prompt)
	}
	if o.silent && terminal {
		if restore, err := noEcho(in); err == nil {
			defer restore()
		}
	}
	line, status := readRecord(ctx, in, o)
	if err := s.assignRead(ctx, hc, o, line); err != nil {
		return err
	}
	return exitStatus(status)
}

// readInput is the file read reads from: standard input, or -u's
// descriptor.
func (s *Session) readInput(hc interp.HandlerContext, fd int) (*os.File, error) {
	switch fd {
	case 0:
		if f, ok := hc.Stdin.(*os.File); ok && f != nil {
			return f, nil
		}
		return nil, errors.New("Bad file descriptor")
	case 1, 2:
		stream := hc.Stdout
		if fd == 2 {
			stream = hc.Stderr
		}
		if f, ok := stream.(*os.File); ok {
			return f, nil
		}
		return nil, errors.New("Bad file descriptor")
	}
	s.mu.Lock()
	f := s.fds[fd]
	s.mu.Unlock()
	if f == nil {
		return nil, errors.New("Bad file descriptor")
	}
	return f, nil
}

// readChar is one byte read, and whether a backslash quoted it. For
// resplit, a character may also be one that globs, or a mark that takes
// no room and keeps its field.
type readChar struct {
	b    byte
	esc  bool
	glob bool
	mark bool
}

// readRecord reads up to the delimiter, a byte at a time so that what
// follows stays for the next reader. Without -r a backslash quotes the
// next character and a backslash-newline is dropped. The status is 1 at
// the end of input, 142 when -t's time ran out.
func readRecord(ctx context.Context, in *os.File, o readOptions) ([]readChar, int) {
	var line []readChar
	deadline := time.Time{}
	if o.hasTimeout {
		deadline = time.Now().Add(o.timeout)
	}
	if !deadline.IsZero() {
		in.SetReadDeadline(deadline)
		defer in.SetReadDeadline(time.Time{})
	}
	stop := context.AfterFunc(ctx, func() { in.SetReadDeadline(time.Now()) })
	defer stop()
	chars, esc := 0, false
	var buf [1]byte
	for o.nchars < 0 || chars < o.nchars {
		n, err := in.Read(buf[:])
		if n == 0 {
			if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() == nil {
				return line, 142
			}
			if err != nil {
				return line, 1
			}
			continue
		}
		b := buf[0]
		switch {
		case esc:
			esc = false
			if b == '\n' {
				continue
			}
			line = append(line, readChar{b: b, esc: true})
		case b == '\\' && !o.raw:
			esc = true
			continue
		case b == o.delim && !o.exact:
			return line, 0
		default:
			line = append(line, readChar{b: b})
		}
		if b < utf8.RuneSelf || utf8.RuneStart(b) {
			chars++
		}
	}
	return line, 0
}

// assignRead sets the variables from what was read, as bash splits it.
func (s *Session) assignRead(ctx context.Context, hc interp.HandlerContext, o readOptions, line []readChar) error {
	ifs := " \t\n"
	if vr := hc.Env.Get("IFS"); vr.IsSet() {
		ifs = vr.String()
	}
	sp := splitter{ifs: ifs}
	var script strings.Builder
	switch {
	case o.arraySet:
		script.WriteString(o.array + "=(")
		for i, f := range sp.fields(line) {
			if i > 0 {
				script.WriteByte(' ')
			}
			script.WriteString(quoteWord(f))
		}
		script.WriteString(")")
	case len(o.names) == 0:
		// REPLY gets the line as it is.
		script.WriteString("REPLY=" + quoteWord(charsText(line)))
	case o.exact:
		script.WriteString(o.names[0] + "=" + quoteWord(charsText(line)))
		for _, name := range o.names[1:] {
			script.WriteString("; " + name + "=")
		}
	default:
		for i, value := range sp.readFields(line, len(o.names)) {
			if i > 0 {
				script.WriteString("; ")
			}
			script.WriteString(o.names[i] + "=" + quoteWord(value))
		}
	}
	return hc.Builtin(ctx, []string{"eval", script.String()})
}

func charsText(chars []readChar) string {
	b := make([]byte, 0, len(chars))
	for _, c := range chars {
		if !c.mark {
			b = append(b, c.b)
		}
	}
	return string(b)
}

// splitter splits text at the characters of IFS as bash does: a
// sequence of IFS whitespace is one separator, and so is one other IFS
// character with the whitespace around it; two of those with nothing
// between them delimit an empty field. A quoted character never
// separates.
type splitter struct{ ifs string }

func (sp splitter) sep(c readChar) bool {
	return !c.esc && strings.IndexByte(sp.ifs, c.b) >= 0
}

func (sp splitter) blank(c readChar) bool {
	return sp.sep(c) && (c.b == ' ' || c.b == '\t' || c.b == '\n')
}

// skipBlanks returns where the IFS whitespace from i ends.
func (sp splitter) skipBlanks(s []readChar, i int) int {
	for i < len(s) && sp.blank(s[i]) {
		i++
	}
	return i
}

// next takes the field at i, and returns it and where the field after
// its separator starts.
func (sp splitter) next(s []readChar, i int) (field []readChar, rest int) {
	start := i
	for i < len(s) && !sp.sep(s[i]) {
		i++
	}
	field = s[start:i]
	white := i < len(s) && (s[i].b == ' ' || s[i].b == '\t' || s[i].b == '\n')
	if i < len(s) {
		i++
	}
	i = sp.skipBlanks(s, i)
	if i < len(s) && white && sp.sep(s[i]) && !sp.blank(s[i]) {
		// Whitespace, then another separator: one delimiter.
		i = sp.skipBlanks(s, i+1)
	}
	return field, i
}

// fields splits all of s, as word splitting and read -a do: an empty
// field before each separator that is not whitespace, none after the
// last.
func (sp splitter) fields(s []readChar) []string {
	out := []string{}
	for _, field := range sp.fieldChars(s) {
		out = append(out, charsText(field))
	}
	return out
}

func (sp splitter) fieldChars(s []readChar) [][]readChar {
	var out [][]readChar
	for i := sp.skipBlanks(s, 0); i < len(s); {
		field, rest := sp.next(s, i)
		if len(field) > 0 || !sp.blank(s[i]) {
			out = append(out, field)
		}
		i = rest
	}
	return out
}

// readFields splits s into n values, as read assigns its variables: the
// last one gets the rest of the line, without the IFS whitespace that
// ends it, or, when the rest is one field, that field alone.
func (sp splitter) readFields(s []readChar, n int) []string {
	values := make([]string, n)
	i := sp.skipBlanks(s, 0)
	for v := 0; v < n-1 && i < len(s); v++ {
		var field []readChar
		field, i = sp.next(s, i)
		values[v] = charsText(field)
	}
	if i >= len(s) {
		return values
	}
	if field, rest := sp.next(s, i); rest >= len(s) {
		values[n-1] = charsText(field)
		return values
	}
	end := len(s)
	for end > i && sp.blank(s[end-1]) {
		end--
	}
	values[n-1] = charsText(s[i:end])
	return values
}

// readable reports whether a read would find input at once.
func readable(f *os.File) bool {
	fds := []unix.PollFd{{Fd: int32(f.Fd()), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n > 0
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// noEcho turns a terminal's echo off, for read -s.
func noEcho(f *os.File) (func(), error) {
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &quiet); err != nil {
		return nil, err
	}
	return func() { unix.IoctlSetTermios(fd, unix.TCSETS, old) }, nil
}
