package shell

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/interp"
)

// The interpreter only knows file descriptors 0, 1 and 2. compatSource
// rewrites `exec N>...` for N above 2 into fdCommand, which keeps the file
// in the session's table, and `>&N` into `>/dev/fd/N`, which the open
// handler serves from the table, as bash itself treats /dev/fd/N.
const (
	fdCommand = "__devstack_fd"
	fdPrefix  = "/dev/fd/"
)

// fdTable holds the descriptors above 2 that scripts opened with exec.
type fdTable map[int]*os.File

// setFD runs one `exec N OP WORD` redirection: args are N, the operator
// and the word (a descriptor for >& and <&, "-" to close).
func (s *Session) setFD(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) != 3 {
		fmt.Fprintln(hc.Stderr, "exec: bad redirection")
		return interp.ExitStatus(1)
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		fmt.Fprintf(hc.Stderr, "exec: %s: bad file descriptor\n", args[0])
		return interp.ExitStatus(1)
	}
	op, word := args[1], args[2]
	s.mu.Lock()
	old := s.fds[n]
	delete(s.fds, n)
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
	if word == "-" && (op == ">&" || op == "<&") {
		return nil
	}
	var f *os.File
	switch op {
	case ">&", "<&":
		f, err = s.dupFD(hc, word)
	case ">", ">|":
		f, err = os.OpenFile(Absolute(hc.Dir, word), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	case ">>":
		f, err = os.OpenFile(Absolute(hc.Dir, word), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666)
	case "<":
		f, err = os.Open(Absolute(hc.Dir, word))
	case "<>":
		f, err = os.OpenFile(Absolute(hc.Dir, word), os.O_RDWR|os.O_CREATE, 0o666)
	default:
		err = fmt.Errorf("unsupported redirection %s", op)
	}
	if err != nil {
		fmt.Fprintf(hc.Stderr, "exec: %v\n", err)
		return interp.ExitStatus(1)
	}
	s.mu.Lock()
	s.fds[n] = f
	s.mu.Unlock()
	return nil
}

// dupFD duplicates descriptor word: 0-2 are the command's own streams,
// others come from the table.
func (s *Session) dupFD(hc interp.HandlerContext, word string) (*os.File, error) {
	n, err := strconv.Atoi(word)
	if err != nil {
		return nil, fmt.Errorf("%s: ambiguous redirect", word)
	}
	var stream any
	switch n {
	case 0:
		stream = hc.Stdin
	case 1:
		stream = hc.Stdout
	case 2:
		stream = hc.Stderr
	default:
		s.mu.Lock()
		f := s.fds[n]
		s.mu.Unlock()
		if f == nil {
			return nil, fmt.Errorf("%d: Bad file descriptor", n)
		}
		stream = f
	}
	f, ok := stream.(*os.File)
	if !ok {
		return nil, fmt.Errorf("%d: cannot duplicate a stream that is not a file", n)
	}
	return dupFile(f)
}

func dupFile(f *os.File) (*os.File, error) {
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), f.Name()), nil
}

// openFD serves /dev/fd/N for a descriptor in the table: a duplicate, so
// that the interpreter closing it after the command leaves the table's
// open. ok is false when N is not in the table.
func (s *Session) openFD(path string) (io.ReadWriteCloser, bool, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(path, fdPrefix))
	if err != nil {
		return nil, false, nil
	}
	s.mu.Lock()
	f := s.fds[n]
	s.mu.Unlock()
	if f == nil {
		if n > 2 {
			return nil, true, &os.PathError{Op: "open", Path: path, Err: syscall.EBADF}
		}
		return nil, false, nil
	}
	dup, err := dupFile(f)
	return dup, true, err
}
