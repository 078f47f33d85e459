package bash

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// The interpreter's read knows -r, -s, -a and -p only, prints its prompt
// on standard output, and splits fields on IFS its own way. readCommand is
// bash's read: -d, -n, -N, -t and -u too, the prompt on standard error
// from a terminal, and bash's field splitting (read.def): a non-blank IFS
// character ends a field even when the field is empty, and the last name
// gets the rest of the line.
const readCommand = "__devstack_read"

const readUsage = "read: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]"

// readOptions are what read's options ask for.
type readOptions struct {
	raw, silent bool
	array       string
	delim       byte
	nchars      int  // -n or -N; 0 for none
	exact       bool // -N: the delimiter is an ordinary character
	prompt      string
	timeout     float64
	hasTimeout  bool
	fd          int
}

// parseReadOptions reads read's options as bash's getopt does: letters
// may be grouped, and an option's argument is the rest of the word or the
// next word.
func parseReadOptions(args []string) (readOptions, []string, error) {
	o := readOptions{delim: '\n'}
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
			if !strings.ContainsRune("ersadinNptu", rune(c)) {
				return o, nil, fmt.Errorf("-%c: invalid option", c)
			}
			if strings.ContainsRune("ers", rune(c)) {
				o.raw = o.raw || c == 'r'
				o.silent = o.silent || c == 's'
				continue
			}
			value := a[j+1:]
			if value == "" {
				if i+1 >= len(args) {
					return o, nil, fmt.Errorf("-%c: option requires an argument", c)
				}
				i++
				value = args[i]
			}
			switch c {
			case 'a':
				o.array = value
			case 'd':
				o.delim = 0
				if value != "" {
					o.delim = value[0]
				}
			case 'n', 'N':
				n, err := strconv.Atoi(value)
				if err != nil || n < 0 {
					return o, nil, fmt.Errorf("%s: invalid number", value)
				}
				o.nchars, o.exact = n, c == 'N'
			case 'p':
				o.prompt = value
			case 't':
				t, err := strconv.ParseFloat(value, 64)
				if err != nil || t < 0 {
					return o, nil, fmt.Errorf("%s: invalid timeout specification", value)
				}
				o.timeout, o.hasTimeout = t, true
			case 'u':
				n, err := strconv.Atoi(value)
				if err != nil || n < 0 {
					return o, nil, fmt.Errorf("%s: invalid file descriptor specification", value)
				}
				o.fd = n
			}
			// 'i' (readline's initial text) has nothing to do here.
			break
		}
	}
	return o, args[i:], nil
}

// read runs the read builtin.
func (s *Session) read(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	where := s.bashWhere(hc.Pos.Line())
	o, names, err := parseReadOptions(args)
	if err != nil {
		fmt.Fprintf(hc.Stderr, "%s read: %v\n", where, err)
		if strings.Contains(err.Error(), "option") {
			fmt.Fprintln(hc.Stderr, readUsage)
		}
		return interp.ExitStatus(2)
	}
	for _, name := range append(names, o.array) {
		if name != "" && !syntax.ValidName(name) {
			fmt.Fprintf(hc.Stderr, "%s read: `%s': not a valid identifier\n", where, name)
			return interp.ExitStatus(1)
		}
	}
	in, ok := s.stream(hc, o.fd).(io.Reader)
	if !ok {
		fmt.Fprintf(hc.Stderr, "%s read: %d: invalid file descriptor: Bad file descriptor\n", where, o.fd)
		return interp.ExitStatus(1)
	}
	file, _ := in.(*os.File)
	terminal := file != nil && isTerminal(file)
	if o.prompt != "" && terminal {
		io.WriteString(hc.Stderr, o.prompt)
	}
	if o.hasTimeout && o.timeout == 0 {
		// -t 0 only asks whether there is input.
		if file == nil || inputReady(file) {
			return nil
		}
		return interp.ExitStatus(1)
	}
	if o.silent && terminal {
		defer quiet(file)()
	}
	if file != nil && waits(file) {
		// A pipe, a FIFO or a terminal: the read waits in poll, which a
		// timeout and a signal to the shell end (a descriptor the
		// session opened itself has no deadlines).
		pr := &pollReader{ctx: ctx, f: file}
		if o.hasTimeout {
			pr.deadline = time.Now().Add(time.Duration(o.timeout * float64(time.Second)))
		}
		in = pr
	}
	line, escaped, status := readInput(ctx, in, o)
	if status == 142 && o.silent && terminal {
		fmt.Fprintln(hc.Stderr)
	}
	ifs := " \t\n"
	if vr := hc.Env.Get("IFS"); vr.IsSet() {
		ifs = vr.String()
	}
	switch {
	case o.array != "":
		if s.refuseReadonly(hc, o.array) {
			return interp.ExitStatus(1)
		}
	case len(names) == 0:
		if s.refuseReadonly(hc, "REPLY") {
			return interp.ExitStatus(1)
		}
	}
	for i, name := range names {
		if hc.Env.Get(name).ReadOnly {
			// bash assigns the names before it, then refuses.
			fields := splitRead(line, escaped, ifs, len(names))
			if o.exact {
				fields = append([]string{string(line)}, make([]string, len(names))...)
			}
			var pairs []string
			for j := range names[:i] {
				pairs = append(pairs, names[j], fields[j])
			}
			if err := Assign(ctx, pairs...); err != nil {
				return err
			}
			s.refuseReadonly(hc, name)
			return interp.ExitStatus(1)
		}
	}
	var assignErr error
	switch {
	case o.array != "":
		fields := splitRead(line, escaped, ifs, -1)
		assignErr = setArray(ctx, o.array, fields)
	case len(names) == 0:
		assignErr = Assign(ctx, "REPLY", string(line))
	case o.exact:
		assignErr = Assign(ctx, names[0], string(line))
		for _, name := range names[1:] {
			if assignErr == nil {
				assignErr = Assign(ctx, name, "")
			}
		}
	default:
		fields := splitRead(line, escaped, ifs, len(names))
		var pairs []string
		for i, name := range names {
			pairs = append(pairs, name, fields[i])
		}
		assignErr = Assign(ctx, pairs...)
	}
	if assignErr != nil {
		return assignErr
	}
	if status != 0 {
		return interp.ExitStatus(status)
	}
	return nil
}

// readInput reads up to the delimiter (or -n/-N characters), one byte at
// a time, so that what follows stays for the next reader. Without -r a
// backslash escapes the next character, which escaped records, and a
// backslash-newline is dropped. status is 1 at end of input before the
// delimiter, 142 on a timeout.
func readInput(ctx context.Context, in io.Reader, o readOptions) (line []byte, escaped []bool, status uint8) {
	pending := false
	count := 0
	var buf [1]byte
	for {
		if o.nchars > 0 && count >= o.nchars {
			return line, escaped, 0
		}
		if ctx.Err() != nil {
			return line, escaped, 1
		}
		n, err := in.Read(buf[:])
		if n > 0 {
			c := buf[0]
			switch {
			case pending:
				pending = false
				if c == '\n' {
					continue
				}
				line, escaped = append(line, c), append(escaped, true)
				count++
				continue
			case !o.raw && c == '\\':
				pending = true
				continue
			case !o.exact && c == o.delim:
				return line, escaped, 0
			}
			line, escaped = append(line, c), append(escaped, false)
			count++
		}
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return line, escaped, 142
			}
			return line, escaped, 1
		}
	}
}

// splitRead splits what read read among n names as bash does; n < 0
// splits it all, for -a. Escaped characters separate nothing.
func splitRead(line []byte, escaped []bool, ifs string, n int) []string {
	isSep := func(i int) bool { return !escaped[i] && strings.IndexByte(ifs, line[i]) >= 0 }
	isBlank := func(i int) bool { return isSep(i) && (line[i] == ' ' || line[i] == '\t' || line[i] == '\n') }
	skipBlanks := func(i int) int {
		for i < len(line) && isBlank(i) {
			i++
		}
		return i
	}
	// word is get_word_from_string: the field at i, and where the next
	// one starts, past its separator.
	word := func(i int) (string, int) {
		start := i
		for i < len(line) && !isSep(i) {
			i++
		}
		field := string(line[start:i])
		if i == len(line) {
			return field, i
		}
		blankSep := isBlank(i)
		i = skipBlanks(i + 1)
		if i < len(line) && blankSep && isSep(i) && !isBlank(i) {
			i = skipBlanks(i + 1)
		}
		return field, i
	}
	i := skipBlanks(0)
	var fields []string
	if n < 0 {
		for i < len(line) {
			var f string
			f, i = word(i)
			fields = append(fields, f)
		}
		return fields
	}
	for len(fields) < n-1 {
		f := ""
		if i < len(line) {
			f, i = word(i)
		}
		fields = append(fields, f)
	}
	last := ""
	if i < len(line) {
		if f, next := word(i); next == len(line) {
			last = f
		} else {
			// Trailing blanks go, escaped ones too, as bash strips
			// them.
			end := len(line)
			for end > i && (isBlank(end-1) || escaped[end-1] && strings.IndexByte(" \t\n", line[end-1]) >= 0) {
				end--
			}
			last = string(line[i:end])
		}
	}
	return append(fields, last)
}

// setArray assigns a list to an indexed array.
func setArray(ctx context.Context, name string, values []string) error {
	words := make([]string, len(values))
	for i, v := range values {
		words[i] = quoteWord(v)
	}
	return interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", name + "=(" + strings.Join(words, " ") + ")"})
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// waits reports whether a read from f may wait for input: f is no
// regular file.
func waits(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && !info.Mode().IsRegular()
}

// pollReader reads from a file once poll says it has input, so that the
// read ends at its deadline (if any) or when ctx ends.
type pollReader struct {
	ctx      context.Context
	f        *os.File
	deadline time.Time
}

// pollSlice is how often a read that waits looks at its context.
const pollSlice = 100 * time.Millisecond

func (r *pollReader) Read(p []byte) (int, error) {
	fds := []unix.PollFd{{Fd: int32(r.f.Fd()), Events: unix.POLLIN}}
	for {
		if err := r.ctx.Err(); err != nil {
			return 0, err
		}
		wait := pollSlice
		if !r.deadline.IsZero() {
			left := time.Until(r.deadline)
			if left <= 0 {
				return 0, os.ErrDeadlineExceeded
			}
			wait = min(wait, left)
		}
		n, err := unix.Poll(fds, int(wait.Milliseconds())+1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		if n > 0 {
			return r.f.Read(p)
		}
	}
}

// inputReady reports whether a read from f would not wait.
func inputReady(f *os.File) bool {
	fds := []unix.PollFd{{Fd: int32(f.Fd()), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n > 0
}

// quiet turns a terminal's echo off, for read -s, and returns what turns
// it back on.
func quiet(f *os.File) func() {
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return func() {}
	}
	silent := *old
	silent.Lflag &^= unix.ECHO
	unix.IoctlSetTermios(fd, unix.TCSETS, &silent)
	return func() { unix.IoctlSetTermios(fd, unix.TCSETS, old) }
}
