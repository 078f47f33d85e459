package bash

import (
	"errors"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The interpreter's process substitution is a named pipe in the temporary
// directory, which the command inside opens, and closes and removes when
// it ends. Opening that pipe again after the command closed it, but
// before it removed it, waits for a partner that never comes: a script
// that reads <(cmd) twice (bash gives end of file the second time) hangs
// once in a while. The session opens such a pipe without waiting, then
// waits itself, for as long as the pipe is there and its partner might
// still come.

// fifoPrefix starts the names of the interpreter's pipes.
const fifoPrefix = "sh-interp-"

// procSubstPoll is how often a wait for the partner looks again.
const procSubstPoll = 5 * time.Millisecond

// openProcSubst opens path if it is a pipe of a process substitution; ok
// is false for any other file.
func openProcSubst(path string, flag int) (f *os.File, ok bool, err error) {
	if !isProcSubstPipe(path) {
		return nil, false, nil
	}
	if flag&(os.O_WRONLY|os.O_RDWR) == 0 {
		f, err = openFifoReader(path)
	} else {
		f, err = openFifoWriter(path, flag)
	}
	return f, true, err
}

// openFifoReader opens a pipe for reading: it returns once the writer has
// come (reads then block until it writes or goes), or once the pipe is
// gone, the writer done with it (reads give end of file).
func openFifoReader(path string) (*os.File, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	for {
		// POLLIN: written to; POLLHUP: a writer came and went.
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(procSubstPoll/time.Millisecond))
		if err != nil && !errors.Is(err, unix.EINTR) {
			unix.Close(fd)
			return nil, &os.PathError{Op: "poll", Path: path, Err: err}
		}
		if n > 0 {
			break
		}
		if _, err := os.Stat(path); err != nil {
			break
		}
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// openFifoWriter opens a pipe for writing once its reader is there; when
// the pipe is gone, the reader done with it, the open fails as writing to
// a closed pipe does.
func openFifoWriter(path string, flag int) (*os.File, error) {
	// The pipe is there, or gone: never a file made in its place.
	flag &^= os.O_CREATE
	for {
		fd, err := unix.Open(path, flag|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err == nil {
			if err := unix.SetNonblock(fd, false); err != nil {
				unix.Close(fd)
				return nil, &os.PathError{Op: "open", Path: path, Err: err}
			}
			return os.NewFile(uintptr(fd), path), nil
		}
		if !errors.Is(err, unix.ENXIO) {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		if _, serr := os.Stat(path); serr != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: syscall.EPIPE}
		}
		time.Sleep(procSubstPoll)
	}
}
