package bash

import (
	"io/fs"
)

// File tests see the files the session serves that are not on disk: the
// Virtual ones, and a tree's files embedded under it (Overlay), as the
// scripts that source them see them. Both are regular files anyone may
// read, that no one may write or run.

// servedFileTest answers a file test on a file the session serves, and
// reports whether path is one.
func (s *Session) servedFileTest(path, op string) (holds, served bool) {
	var size int64
	if text, ok := s.opts.Virtual[path]; ok {
		size = int64(len(text))
	} else if s.opts.Overlay == nil {
		return false, false
	} else if rel, ok := s.opts.Overlay.Embedded(path); ok {
		info, err := fs.Stat(s.opts.Overlay.Base(), rel)
		if err != nil {
			return false, false
		}
		if info.IsDir() {
			return op == "-e" || op == "-a" || op == "-d" || op == "-r" || op == "-x", true
		}
		size = info.Size()
	} else {
		return false, false
	}
	switch op {
	case "-e", "-a", "-f", "-r":
		return true, true
	case "-s":
		return size > 0, true
	}
	return false, true
}
