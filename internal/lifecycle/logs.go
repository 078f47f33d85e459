package lifecycle

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// ownLog is this run's log file and its link, as a removal would reach
// them, for clean to keep.
func (r *Run) ownLog() []string {
	var keep []string
	for _, path := range r.Log.Files() {
		keep = append(keep, resolvePath("/", path))
	}
	return keep
}

// removeKeeping removes dir and everything in it, as os.RemoveAll does,
// but for the paths of keep inside it and the directories holding them.
func removeKeeping(dir string, keep []string) error {
	var inside []string
	for _, k := range keep {
		if k != dir && strings.HasPrefix(k, dir+"/") {
			inside = append(inside, k)
		}
	}
	if len(inside) == 0 {
		return os.RemoveAll(dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		switch {
		case holds(inside, path):
			if e.IsDir() {
				errs = append(errs, removeKeeping(path, inside))
			}
		default:
			errs = append(errs, os.RemoveAll(path))
		}
	}
	return errors.Join(errs...)
}

// holds tells whether path is one of paths or a directory above one.
func holds(paths []string, path string) bool {
	for _, p := range paths {
		if p == path || strings.HasPrefix(p, path+"/") {
			return true
		}
	}
	return false
}
