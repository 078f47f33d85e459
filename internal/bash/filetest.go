package bash

import (
	"context"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// The interpreter cleans a file test's path as text before it looks, so
// `[[ -f link/../f ]]` finds a file beside the link where the kernel, and
// bash, follow the link first. The file tests of [[ ]] (xtraceSource) and
// of [ and test (compatCall) run as fileTestCommand OP PATH, which asks
// the kernel.
const fileTestCommand = "__devstack_filetest"

// fileTestOps are the unary tests on files, as bash spells them.
var fileTestOps = map[string]bool{
	"-e": true, "-a": true, "-f": true, "-d": true, "-r": true, "-w": true, "-x": true, "-s": true,
	"-L": true, "-h": true, "-b": true, "-c": true, "-p": true, "-S": true, "-g": true, "-u": true,
	"-k": true, "-O": true, "-G": true,
}

// isFileTest reports whether a [[ ]] primary is a file test fileTest runs.
func isFileTest(op syntax.UnTestOperator) bool {
	return fileTestOps[op.String()]
}

func (s *Session) fileTest(ctx context.Context, args []string) error {
	if len(args) != 2 || !fileTestOps[args[0]] {
		return interp.ExitStatus(2)
	}
	if args[1] == "" {
		return interp.ExitStatus(1)
	}
	if holds, served := s.servedFileTest(Absolute(interp.HandlerCtx(ctx).Dir, args[1]), args[0]); served {
		if holds {
			return nil
		}
		return interp.ExitStatus(1)
	}
	if fileTestHolds(kernelPath(interp.HandlerCtx(ctx).Dir, args[1]), args[0]) {
		return nil
	}
	return interp.ExitStatus(1)
}

func fileTestHolds(path, op string) bool {
	stat := os.Stat
	if op == "-L" || op == "-h" {
		stat = os.Lstat
	}
	info, err := stat(path)
	if err != nil {
		return false
	}
	mode := info.Mode()
	switch op {
	case "-e", "-a":
		return true
	case "-f":
		return mode.IsRegular()
	case "-d":
		return mode.IsDir()
	case "-s":
		return info.Size() > 0
	case "-L", "-h":
		return mode&os.ModeSymlink != 0
	case "-b":
		return mode&os.ModeDevice != 0 && mode&os.ModeCharDevice == 0
	case "-c":
		return mode&os.ModeCharDevice != 0
	case "-p":
		return mode&os.ModeNamedPipe != 0
	case "-S":
		return mode&os.ModeSocket != 0
	case "-g":
		return mode&os.ModeSetgid != 0
	case "-u":
		return mode&os.ModeSetuid != 0
	case "-k":
		return mode&os.ModeSticky != 0
	case "-r":
		return unix.Access(path, unix.R_OK) == nil
	case "-w":
		return unix.Access(path, unix.W_OK) == nil
	case "-x":
		return unix.Access(path, unix.X_OK) == nil
	case "-O", "-G":
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok {
			return false
		}
		if op == "-O" {
			return int(st.Uid) == os.Geteuid()
		}
		return int(st.Gid) == os.Getegid()
	}
	return false
}
