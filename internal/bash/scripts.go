package bash

import (
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// A run sources the same files again and again. The interpreter re-reads
// a file each time it is sourced; scriptCache keeps what was read, with
// the session's rewriting done, and serves it again while the file's
// identity, size and modification time are unchanged, so an edited script
// is always read afresh.
type scriptCache struct {
	entries map[string]cachedScript
}

type cachedScript struct {
	dev, ino uint64
	size     int64
	modTime  time.Time
	data     string
}

// open returns the contents of the script at path, from the cache when it
// is current. It reports false when path cannot be read as a regular file,
// leaving the error to the ordinary open.
func (c *scriptCache) open(path string, prepare func(string, []byte) []byte) (string, bool) {
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		return "", false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return "", false
	}
	key := filepath.Clean(path)
	if e, hit := c.entries[key]; hit && e.dev == uint64(st.Dev) && e.ino == st.Ino && e.size == info.Size() && e.modTime.Equal(info.ModTime()) {
		return e.data, true
	}
	data, err := os.ReadFile(path)
	if err != nil || int64(len(data)) != info.Size() {
		return "", false
	}
	if c.entries == nil {
		c.entries = map[string]cachedScript{}
	}
	text := string(prepare(path, data))
	c.entries[key] = cachedScript{dev: uint64(st.Dev), ino: st.Ino, size: info.Size(), modTime: info.ModTime(), data: text}
	return text, true
}
