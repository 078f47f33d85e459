package ini

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// line is one line of a file. nl is false only for a last line that had no
// newline: like sed -i, an untouched last line keeps its missing newline, but
// any line written after it gets one.
type line struct {
	text string
	nl   bool
}

// file is an INI file held in memory between reading and writing it back.
type file struct {
	path   string
	info   fs.FileInfo // nil when the file did not exist
	lines  []line
	orig   []byte
	exists bool
}

// load reads path. A missing file is not an error: exists is false and the
// file is empty, so readers see nothing and writers can decide whether to
// create it.
func load(path string) (*file, error) {
	f := &file{path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, err
	}
	if f.info, err = os.Stat(path); err != nil {
		return nil, err
	}
	f.exists = true
	f.orig = data
	f.lines = split(data)
	return f, nil
}

// mustExist is the error sed -i gives for a missing file, which ends a
// DevStack run under errexit.
func (f *file) mustExist() error {
	if f.exists {
		return nil
	}
	return &fs.PathError{Op: "open", Path: f.path, Err: fs.ErrNotExist}
}

func split(data []byte) []line {
	if len(data) == 0 {
		return nil
	}
	parts := strings.Split(string(data), "\n")
	last := parts[len(parts)-1]
	parts = parts[:len(parts)-1]
	lines := make([]line, 0, len(parts)+1)
	for _, p := range parts {
		lines = append(lines, line{text: p, nl: true})
	}
	if last != "" {
		lines = append(lines, line{text: last})
	}
	return lines
}

func (f *file) bytes() []byte {
	var b bytes.Buffer
	for i, l := range f.lines {
		b.WriteString(l.text)
		if l.nl || i < len(f.lines)-1 {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// appendRaw appends text the way `echo ... >> file` does: bytes after the
// current end, so a last line without a newline is continued, not ended.
func (f *file) appendRaw(text string) {
	data := append(f.bytes(), text...)
	f.lines = split(data)
}

// insertAfter inserts text after every line for which match is true.
func (f *file) insertAfter(match func(string) bool, text string) {
	out := make([]line, 0, len(f.lines)+1)
	for _, l := range f.lines {
		out = append(out, l)
		if match(l.text) {
			out = append(out, line{text: text, nl: true})
		}
	}
	f.lines = out
}

// save writes the file back if its content changed, or creates it if it
// did not exist.
func (f *file) save() error {
	data := f.bytes()
	if f.exists && bytes.Equal(data, f.orig) {
		return nil
	}
	return writeAtomic(f.path, data, f.info)
}

// writeAtomic replaces path with data through a temporary file in the same
// directory, so that a reader (or a crash) sees the old or the new content,
// never a mix. The old file's permissions, and where possible its owner,
// are kept; a new file gets 0666 less the umask, as a shell redirection
// would. A symlink is followed so that the link itself survives.
func writeAtomic(path string, data []byte, old fs.FileInfo) error {
	target := path
	if old != nil {
		if resolved, err := filepath.EvalSymlinks(path); err == nil {
			target = resolved
		}
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	perm := fs.FileMode(0o666)
	if old != nil {
		perm = old.Mode().Perm()
	}
	var tmp *os.File
	var err error
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp"+strconv.FormatUint(rand.Uint64(), 36))
		// O_EXCL with the final permissions (rather than os.CreateTemp's
		// 0600) lets the umask apply to new files without touching the
		// process-wide umask.
		tmp, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if old != nil {
		keepOwner(tmp, old)
		mode := old.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
		if err := tmp.Chmod(mode); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	ok = true
	return nil
}
