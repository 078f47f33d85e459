package logging

import (
	"os"

	"golang.org/x/sys/unix"
)

// unread is how many bytes wait in a pipe to be read.
func unread(f *os.File) int {
	raw, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	raw.Control(func(fd uintptr) { n, _ = unix.IoctlGetInt(int(fd), unix.TIOCINQ) })
	return n
}
