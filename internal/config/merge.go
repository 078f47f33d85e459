package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"devstack/internal/ini"
)

// Merge writes opts into the INI file at path as DevStack's
// merge_config_file does, so the file ends up byte for byte the same:
//
//   - a missing file is first created empty, which is why a merged new file
//     starts with a blank line (ini.Set's new section);
//   - an option with one value is ini.Set: an existing line is changed in
//     place, a new one goes directly after the section header;
//   - an option with several values replaces all its lines with one line
//     per value, in order, directly after the header;
//   - options are applied in runs of consecutive options of one section,
//     each run last option first, so that new options keep their local.conf
//     order.
//
// Options repeated in opts (say from two sections for the same file) are
// taken together, their values in order. The file's directory must exist:
// DevStack creates it with sudo before merging, which is the caller's call.
func Merge(path string, opts []Option) error {
	dir := filepath.Dir(path)
	switch fi, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot merge into %s: directory %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("cannot merge into %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("cannot merge into %s: %s is not a directory", path, dir)
	}
	switch fi, err := os.Stat(path); {
	case errors.Is(err, fs.ErrNotExist):
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o666)
		if err != nil {
			return fmt.Errorf("cannot create config file %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("cannot create config file %s: %w", path, err)
		}
	case err != nil:
		return fmt.Errorf("cannot merge into %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("cannot merge into %s: it is a directory", path)
	}
	opts = combine(opts)
	// One batch of edits: the file is read and written once, however many
	// options there are.
	batch, err := ini.OpenBatch(path)
	if err != nil {
		return fmt.Errorf("cannot merge into %s: %w", path, err)
	}
	for start := 0; start < len(opts); {
		end := start + 1
		for end < len(opts) && opts[end].Section == opts[start].Section {
			end++
		}
		for i := end - 1; i >= start; i-- {
			if err := mergeOption(batch, opts[i]); err != nil {
				return fmt.Errorf("merging [%s] %s into %s: %w", opts[i].Section, opts[i].Name, path, err)
			}
		}
		start = end
	}
	if err := batch.Save(); err != nil {
		return fmt.Errorf("cannot merge into %s: %w", path, err)
	}
	return nil
}

func mergeOption(batch *ini.Batch, o Option) error {
	n := len(o.Values)
	switch n {
	case 0:
		return nil
	case 1:
		return batch.Set(o.Section, o.Name, o.Values[0])
	}
	if err := batch.Delete(o.Section, o.Name); err != nil {
		return err
	}
	if err := batch.Set(o.Section, o.Name, o.Values[n-1]); err != nil {
		return err
	}
	// Each literal goes directly after the header, so adding them from the
	// next to last back to the first leaves all values in order.
	for i := n - 2; i >= 0; i-- {
		if err := batch.AddLiteral(o.Section, o.Name, o.Values[i]); err != nil {
			return err
		}
	}
	return nil
}

// combine merges options with the same section and name into the first of
// them, keeping the order of first appearance.
func combine(opts []Option) []Option {
	if len(opts) == 0 {
		return nil
	}
	out := make([]Option, 0, len(opts))
	index := make(map[[2]string]int, len(opts))
	for _, o := range opts {
		key := [2]string{o.Section, o.Name}
		if i, seen := index[key]; seen {
			out[i].Values = append(out[i].Values, o.Values...)
			continue
		}
		index[key] = len(out)
		o.Values = append([]string(nil), o.Values...)
		out = append(out, o)
	}
	return out
}
