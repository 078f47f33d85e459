package bash

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/interp"
)

// The interpreter only knows file descriptors 0, 1 and 2. compatSource
// (fdsource.go) rewrites the redirections of the others: `exec N>...`
// becomes fdCommand, which keeps the file in the session's table; a
// command's own `N<WORD` becomes fdPushCommand before it and fdPopCommand
// after it; and `>&N` becomes `>/dev/fd/N`, which the open handler serves
// from the table, or from the command's own streams for 0 to 2, as bash
// itself treats /dev/fd/N.
const (
	fdCommand     = "__devstack_fd"
	fdPushCommand = "__devstack_fdpush"
	fdPopCommand  = "__devstack_fdpop"
	fdPrefix      = "/dev/fd/"
	// firstNamedFD is the lowest descriptor `{name}>` allocates, as in
	// bash.
	firstNamedFD = 10
)

// fdTable holds the descriptors above 2 that scripts opened: a file of
// the process, or a stream of the interpreter's that is not one.
type fdTable map[int]io.ReadWriteCloser

// fdSaved is what a command's own redirection of a descriptor replaced,
// for fdPopCommand to put back.
type fdSaved struct {
	key  string
	n    int
	prev io.ReadWriteCloser
}

// setFD runs one `exec N OP WORD` redirection: args are N (or {NAME}),
// the operator and the word (a descriptor for >& and <&, "-" to close).
func (s *Session) setFD(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) != 3 {
		fmt.Fprintln(hc.Stderr, "exec: bad redirection")
		return interp.ExitStatus(1)
	}
	n, name, err := s.fdNumber(hc, args[0], args[1], args[2])
	if err != nil {
		s.redirError(hc, err)
		return interp.ExitStatus(1)
	}
	f, err := s.openRedirect(hc, args[1], args[2])
	if err != nil {
		s.redirError(hc, err)
		return interp.ExitStatus(1)
	}
	s.mu.Lock()
	old := s.fds[n]
	delete(s.fds, n)
	if f != nil {
		s.fds[n] = f
	}
	s.mu.Unlock()
	if old != nil && old != f {
		old.Close()
	}
	if name != "" && f != nil {
		return Assign(ctx, name, strconv.Itoa(n))
	}
	return nil
}

// fdNumber is the descriptor a redirection names: a number, or {NAME},
// for which a free one from 10 up is allocated (or, to close it, the one
// NAME holds). name is NAME, to be assigned.
func (s *Session) fdNumber(hc interp.HandlerContext, spec, op, word string) (n int, name string, err error) {
	if !strings.HasPrefix(spec, "{") {
		n, err = strconv.Atoi(spec)
		if err != nil || n < 0 {
			return 0, "", fmt.Errorf("%s: bad file descriptor", spec)
		}
		return n, "", nil
	}
	name = strings.TrimSuffix(strings.TrimPrefix(spec, "{"), "}")
	if word == "-" && (op == ">&" || op == "<&") {
		value := hc.Env.Get(name).String()
		n, err = strconv.Atoi(value)
		if err != nil || n < 0 {
			return 0, "", fmt.Errorf("%s: ambiguous redirect", value)
		}
		return n, "", nil
	}
	if hc.Env.Get(name).ReadOnly {
		return 0, "", fmt.Errorf("%s: readonly variable\n%s %s: cannot assign fd to variable", name, s.bashWhere(hc.Pos.Line()), name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for n = firstNamedFD; s.fds[n] != nil || inherited(n); n++ {
	}
	return n, name, nil
}

// inherited reports whether descriptor n of the process came from the
// process that started it (which bash would see open too): it is open
// and, unlike the runtime's own, survives exec.
func inherited(n int) bool {
	flags, err := unix.FcntlInt(uintptr(n), unix.F_GETFD, 0)
	return err == nil && flags&unix.FD_CLOEXEC == 0
}

// openRedirect opens what one redirection of a descriptor above 2 points
// it at; nil for a close.
func (s *Session) openRedirect(hc interp.HandlerContext, op, word string) (io.ReadWriteCloser, error) {
	if word == "-" && (op == ">&" || op == "<&") {
		return nil, nil
	}
	if op != "<<<" && strings.HasPrefix(word, "/dev/") {
		if f, ok, err := s.openFD(hc, word); ok {
			return f, err
		}
	}
	switch op {
	case ">&", "<&":
		return s.dupFD(hc, word)
	case ">", ">|":
		path := Absolute(hc.Dir, word)
		if op == ">" && s.noclobber() {
			return asStream(noclobberOpen(path, word))
		}
		return asStream(os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666))
	case ">>":
		return asStream(os.OpenFile(Absolute(hc.Dir, word), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666))
	case "<":
		return asStream(os.Open(Absolute(hc.Dir, word)))
	case "<>":
		return asStream(os.OpenFile(Absolute(hc.Dir, word), os.O_RDWR|os.O_CREATE, 0o666))
	case "<<<":
		return asStream(hereString(word + "\n"))
	}
	return nil, fmt.Errorf("unsupported redirection %s", op)
}

// asStream keeps a failed open from becoming a non-nil stream.
func asStream(f *os.File, err error) (io.ReadWriteCloser, error) {
	if err != nil {
		return nil, err
	}
	return f, nil
}

// hereString is a here-string's text as a file to read: an unlinked
// temporary file, which needs no writer running beside the script.
func hereString(text string) (*os.File, error) {
	f, err := os.CreateTemp("", "devstack-here")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// redirError reports a failed redirection as bash does, where the script
// is.
func (s *Session) redirError(hc interp.HandlerContext, err error) {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = fmt.Errorf("%s: %s", pe.Path, errnoText(pe.Err))
	}
	fmt.Fprintf(hc.Stderr, "%s %v\n", s.bashWhere(hc.Pos.Line()), err)
}

// bashWhere is the "FILE: line N:" prefix of bash's messages.
func (s *Session) bashWhere(line uint) string {
	s.mu.Lock()
	source := (*s.stack())[len(*s.stack())-1].source
	s.mu.Unlock()
	if source == "" {
		source = "bash"
	}
	return fmt.Sprintf("%s: line %d:", source, line)
}

// shellError writes a message as bash words a builtin's error in a
// script: "FILE: line N: MESSAGE".
func (s *Session) shellError(hc interp.HandlerContext, format string, args ...any) {
	fmt.Fprintf(hc.Stderr, "%s %s\n", s.bashWhere(hc.Pos.Line()), fmt.Sprintf(format, args...))
}

// errnoText is an error as the C library words it, which bash prints.
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.ENOENT:
			return "No such file or directory"
		case syscall.EACCES, syscall.EPERM:
			return "Permission denied"
		case syscall.EISDIR:
			return "Is a directory"
		case syscall.EBADF:
			return "Bad file descriptor"
		case syscall.ENOTDIR:
			return "Not a directory"
		}
	}
	return err.Error()
}

// dupFD duplicates descriptor word: 0-2 are the command's own streams,
// others come from the table.
func (s *Session) dupFD(hc interp.HandlerContext, word string) (io.ReadWriteCloser, error) {
	n, err := strconv.Atoi(word)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%s: ambiguous redirect", word)
	}
	stream := s.stream(hc, n)
	if stream == nil {
		return nil, fmt.Errorf("%d: Bad file descriptor", n)
	}
	return dupStream(stream)
}

// stream is descriptor n as a command sees it: its own standard streams,
// or the table's; nil when it is not open.
func (s *Session) stream(hc interp.HandlerContext, n int) any {
	switch n {
	case 0:
		if hc.Stdin == nil {
			return nil
		}
		return hc.Stdin
	case 1:
		return hc.Stdout
	case 2:
		return hc.Stderr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.fds[n]; f != nil {
		return f
	}
	return nil
}

// dupStream duplicates a file's descriptor, so that closing either leaves
// the other open; a stream that is not a file is shared, and closing the
// copy does nothing.
func dupStream(stream any) (io.ReadWriteCloser, error) {
	if f, ok := stream.(*os.File); ok {
		return asStream(dupFile(f))
	}
	shared := fdStream{}
	shared.r, _ = stream.(io.Reader)
	shared.w, _ = stream.(io.Writer)
	return shared, nil
}

func dupFile(f *os.File) (*os.File, error) {
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), f.Name()), nil
}

// fdStream is a descriptor that is a stream of the interpreter's, not a
// file: an output the session was given, or a pipe's end.
type fdStream struct {
	r io.Reader
	w io.Writer
}

func (f fdStream) Read(p []byte) (int, error) {
	if f.r == nil {
		return 0, syscall.EBADF
	}
	return f.r.Read(p)
}

func (f fdStream) Write(p []byte) (int, error) {
	if f.w == nil {
		return 0, syscall.EBADF
	}
	return f.w.Write(p)
}

func (fdStream) Close() error { return nil }

// openFD serves /dev/fd/N, /dev/stdin, /dev/stdout and /dev/stderr as
// bash does in redirections: a duplicate of the descriptor as the command
// sees it, so that the interpreter closing it after the command leaves
// the original open. ok is false for other paths.
func (s *Session) openFD(hc interp.HandlerContext, path string) (io.ReadWriteCloser, bool, error) {
	var n int
	switch path {
	case "/dev/stdin":
		n = 0
	case "/dev/stdout":
		n = 1
	case "/dev/stderr":
		n = 2
	default:
		var err error
		n, err = strconv.Atoi(strings.TrimPrefix(path, fdPrefix))
		if err != nil || n < 0 || !strings.HasPrefix(path, fdPrefix) {
			return nil, false, nil
		}
	}
	stream := s.stream(hc, n)
	if stream == nil {
		return nil, true, &os.PathError{Op: "open", Path: path, Err: syscall.EBADF}
	}
	f, err := dupStream(stream)
	return f, true, err
}

// pushFD runs a command's own redirection of a descriptor above 2,
// `fdPushCommand KEY N OP WORD`: the descriptor is changed for the
// command, and fdPopCommand KEY puts back what it was. KEY tells the
// redirections of one statement from those of others.
func (s *Session) pushFD(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) != 4 {
		return fmt.Errorf("%s: want KEY N OP WORD", fdPushCommand)
	}
	key := args[0] + "/" + strconv.FormatInt(goroutineID(), 10)
	n, err := strconv.Atoi(args[1])
	if err != nil || n < 0 {
		s.redirError(hc, fmt.Errorf("%s: bad file descriptor", args[1]))
		return interp.ExitStatus(1)
	}
	f, err := s.openRedirect(hc, args[2], args[3])
	if err != nil {
		s.redirError(hc, err)
		return interp.ExitStatus(1)
	}
	s.mu.Lock()
	s.fdSaved = append(s.fdSaved, fdSaved{key: key, n: n, prev: s.fds[n]})
	delete(s.fds, n)
	if f != nil {
		s.fds[n] = f
	}
	s.mu.Unlock()
	return nil
}

// popFD undoes the latest COUNT pushes of statement KEY, latest first,
// and passes on the status of the command between them.
func (s *Session) popFD(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) != 2 {
		return fmt.Errorf("%s: want KEY COUNT", fdPopCommand)
	}
	key := args[0] + "/" + strconv.FormatInt(goroutineID(), 10)
	count, _ := strconv.Atoi(args[1])
	var closing []io.ReadWriteCloser
	s.mu.Lock()
	for i := len(s.fdSaved) - 1; i >= 0 && count > 0; i-- {
		saved := s.fdSaved[i]
		if saved.key != key {
			continue
		}
		count--
		if cur := s.fds[saved.n]; cur != nil && cur != saved.prev {
			closing = append(closing, cur)
		}
		delete(s.fds, saved.n)
		if saved.prev != nil {
			s.fds[saved.n] = saved.prev
		}
		s.fdSaved = append(s.fdSaved[:i], s.fdSaved[i+1:]...)
	}
	s.mu.Unlock()
	for _, f := range closing {
		f.Close()
	}
	if hc.LastExitStatus != 0 {
		return interp.ExitStatus(uint8(hc.LastExitStatus))
	}
	return nil
}

// noclobber reports whether set -C is on.
func (s *Session) noclobber() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.options["noclobber"]
}

// errClobber is bash's refusal to truncate a file under noclobber.
var errClobber = errors.New("cannot overwrite existing file")

// noclobberOpen opens a file for > under noclobber: an existing regular
// file is refused; a new one is created exclusively.
func noclobberOpen(path, word string) (*os.File, error) {
	if info, err := os.Stat(path); err == nil {
		if info.Mode().IsRegular() {
			return nil, &os.PathError{Op: "open", Path: word, Err: errClobber}
		}
		return os.OpenFile(path, os.O_WRONLY, 0o666)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, os.ErrExist) {
		return nil, &os.PathError{Op: "open", Path: word, Err: errClobber}
	}
	return f, err
}

// redirPrefix marks the file of a > or >| redirection (fdsource.go):
// redirPrefix + FLAG + "/" + LINE + "/" + the word. FLAG is "c" for >|,
// which writes over a file whatever noclobber says, else "n"; LINE is
// where the redirection is, for bash's message. /dev/null is no
// directory: no such path exists on disk.
const redirPrefix = "/dev/null/devstack-redir/"

// openRedir opens a marked > or >| redirection's file.
func (s *Session) openRedir(ctx context.Context, path string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	hc := interp.HandlerCtx(ctx)
	rest := strings.TrimPrefix(path, redirPrefix)
	mark, rest, _ := strings.Cut(rest, "/")
	lineText, word, _ := strings.Cut(rest, "/")
	line, _ := strconv.Atoi(lineText)
	if word == "" {
		return nil, &os.PathError{Op: strings.TrimSuffix(s.bashWhere(uint(line)), ":"), Path: "", Err: syscall.ENOENT}
	}
	if mark != "c" && flag&os.O_TRUNC != 0 && s.noclobber() {
		f, err := noclobberOpen(Absolute(hc.Dir, word), word)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				// The interpreter prints the error as "OP PATH: ERR".
				pe.Op = s.bashWhere(uint(line))
				pe.Path = word
				pe.Err = errors.New(errnoText(pe.Err))
			}
			return nil, err
		}
		return f, nil
	}
	// Checked above, or >|.
	return s.openPath(ctx, word, flag, perm, false)
}
