//go:build unix

package ini

import (
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives the replacement file the old file's owner, as sed -i
// does. It fails without root for another user's file; the write goes on
// regardless, again as sed -i does.
func keepOwner(f *os.File, old fs.FileInfo) {
	if st, ok := old.Sys().(*syscall.Stat_t); ok {
		_ = f.Chown(int(st.Uid), int(st.Gid))
	}
}
