// Package tree finds what a run works on: the TOP_DIR, whether it is a
// DevStack checkout or a plugin tree, and, for a plugin tree, the overlay of
// the user's files over the default tree embedded in the binary.
package tree

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Tree is the directory a run works on.
type Tree struct {
	// Top is the absolute path of TOP_DIR.
	Top string
	// DevStack is true for a DevStack checkout, which is used as it is.
	DevStack bool
	// base is the embedded default tree under a plugin tree; nil for a
	// DevStack tree.
	base fs.FS
}

// Open inspects top. A directory holding both stackrc and functions is a
// DevStack tree; anything else is a plugin tree laid over base.
func Open(top string, base fs.FS) (*Tree, error) {
	abs, err := filepath.Abs(top)
	if err != nil {
		return nil, fmt.Errorf("top directory %q: %w", top, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("top directory: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("top directory %s is not a directory", abs)
	}
	t := &Tree{Top: abs}
	if isFile(filepath.Join(abs, "stackrc")) && isFile(filepath.Join(abs, "functions")) {
		t.DevStack = true
	} else {
		t.base = base
	}
	return t, nil
}

func isFile(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.Mode().IsRegular()
}

// Kind names the tree's kind for messages.
func (t *Tree) Kind() string {
	if t.DevStack {
		return "DevStack tree"
	}
	return "plugin tree"
}

// Path returns the absolute path of a tree-relative file, as scripts see it.
// The file may live only in the embedded tree.
func (t *Tree) Path(rel string) string {
	return filepath.Join(t.Top, filepath.FromSlash(rel))
}

// Rel returns the tree-relative, slash-separated form of an absolute path
// inside the tree, and false for a path outside it.
func (t *Tree) Rel(abs string) (string, bool) {
	abs = filepath.Clean(abs)
	if abs == t.Top {
		return ".", true
	}
	prefix := t.Top + string(filepath.Separator)
	if t.Top == string(filepath.Separator) {
		prefix = t.Top
	}
	if !strings.HasPrefix(abs, prefix) {
		return "", false
	}
	return filepath.ToSlash(strings.TrimPrefix(abs, prefix)), true
}

// Embedded reports whether an absolute path is served from the embedded
// tree: it lies inside a plugin tree, is absent on disk and present in the
// embedded tree.
func (t *Tree) Embedded(abs string) (rel string, ok bool) {
	if t.base == nil {
		return "", false
	}
	rel, inside := t.Rel(abs)
	if !inside || rel == "." {
		return "", false
	}
	if _, err := os.Lstat(abs); !errors.Is(err, fs.ErrNotExist) {
		return "", false
	}
	if _, err := fs.Stat(t.base, rel); err != nil {
		return "", false
	}
	return rel, true
}

// Base returns the embedded tree under a plugin tree, nil for a DevStack tree.
func (t *Tree) Base() fs.FS {
	return t.base
}

// ReadFile reads a tree-relative file: the user's copy if there is one,
// else the embedded one.
func (t *Tree) ReadFile(rel string) ([]byte, error) {
	data, err := os.ReadFile(t.Path(rel))
	if err == nil || !errors.Is(err, fs.ErrNotExist) || t.base == nil {
		return data, err
	}
	data, err = fs.ReadFile(t.base, rel)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: t.Path(rel), Err: fs.ErrNotExist}
	}
	return data, nil
}

// Exists reports whether a tree-relative regular file exists in the tree or
// under it.
func (t *Tree) Exists(rel string) bool {
	if isFile(t.Path(rel)) {
		return true
	}
	if t.base == nil {
		return false
	}
	info, err := fs.Stat(t.base, rel)
	return err == nil && info.Mode().IsRegular()
}

// Origin describes where a tree-relative file comes from, for messages.
func (t *Tree) Origin(rel string) string {
	if isFile(t.Path(rel)) || t.base == nil {
		return rel
	}
	return rel + " (embedded)"
}

// ReadDir lists a tree-relative directory of the merged tree, for globbing
// inside scripts.
func (t *Tree) ReadDir(rel string) ([]fs.DirEntry, error) {
	if t.base == nil {
		return os.ReadDir(t.Path(rel))
	}
	onDisk, diskErr := os.ReadDir(t.Path(rel))
	embedded, embErr := fs.ReadDir(t.base, rel)
	if diskErr != nil && embErr != nil {
		return nil, diskErr
	}
	byName := map[string]fs.DirEntry{}
	for _, de := range embedded {
		byName[de.Name()] = de
	}
	for _, de := range onDisk {
		byName[de.Name()] = de
	}
	merged := make([]fs.DirEntry, 0, len(byName))
	for _, de := range byName {
		merged = append(merged, de)
	}
	slices.SortFunc(merged, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return merged, nil
}

// files lists the regular files of a tree-relative directory of the merged
// tree whose names keep passes, tree-relative, in byte order.
func (t *Tree) files(dir string, keep func(name string) bool) ([]string, error) {
	entries, err := t.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s/: %w", dir, err)
	}
	var files []string
	for _, de := range entries {
		rel := path.Join(dir, de.Name())
		if keep(de.Name()) && t.Exists(rel) {
			files = append(files, rel)
		}
	}
	return files, nil
}

// LibFiles returns the service libraries of a plugin tree: every regular
// file directly in lib/ of the merged tree, in byte order. (A DevStack
// tree's stack.sh sources its own.)
func (t *Tree) LibFiles() ([]string, error) {
	return t.files("lib", func(name string) bool { return !strings.HasPrefix(name, ".") })
}

// ServiceName is the service a library file stands for: its base name.
func ServiceName(lib string) string {
	return path.Base(lib)
}
