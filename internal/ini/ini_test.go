package ini

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type iniStep struct {
	op    string
	args  []string
	want  string // Get's value, GetMultiline's values joined by spaces
	found bool   // Get's found, Has's answer
	err   bool
}

type iniCase struct {
	name         string
	initial      string
	missing      bool // the file does not exist before the first step
	steps        []iniStep
	final        string
	finalMissing bool
}

// apply runs one step; value is Get's value or GetMultiline's values joined
// as DevStack prints them.
func apply(t *testing.T, path string, s iniStep) (value string, found bool, err error) {
	t.Helper()
	a := s.args
	switch s.op {
	case "Set":
		return "", false, Set(path, a[0], a[1], a[2])
	case "Get":
		return Get(path, a[0], a[1])
	case "GetMultiline":
		values, err := GetMultiline(path, a[0], a[1])
		return strings.Join(values, " "), false, err
	case "Has":
		found, err := Has(path, a[0], a[1])
		return "", found, err
	case "Comment":
		return "", false, Comment(path, a[0], a[1])
	case "Uncomment":
		return "", false, Uncomment(path, a[0], a[1])
	case "Add":
		return "", false, Add(path, a[0], a[1], a[2:]...)
	case "AddLiteral":
		return "", false, AddLiteral(path, a[0], a[1], a[2])
	case "Delete":
		return "", false, Delete(path, a[0], a[1])
	case "SetMultiline":
		return "", false, SetMultiline(path, a[0], a[1], a[2:]...)
	}
	t.Fatalf("unknown op %q", s.op)
	return "", false, nil
}

func TestDevStackCases(t *testing.T) {
	for _, c := range devstackCases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "test.ini")
			if !c.missing {
				if err := os.WriteFile(path, []byte(c.initial), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for i, s := range c.steps {
				value, found, err := apply(t, path, s)
				if s.err {
					if !errors.Is(err, fs.ErrNotExist) {
						t.Fatalf("step %d %s%q: error %v, want a not-exist error", i, s.op, s.args, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d %s%q: %v", i, s.op, s.args, err)
				}
				if value != s.want {
					t.Errorf("step %d %s%q: value %q, want %q", i, s.op, s.args, value, s.want)
				}
				if (s.op == "Get" || s.op == "Has") && found != s.found {
					t.Errorf("step %d %s%q: found %v, want %v", i, s.op, s.args, found, s.found)
				}
			}
			data, err := os.ReadFile(path)
			if c.finalMissing {
				if !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("file exists (err %v), want none:\n%s", err, data)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != c.final {
				t.Errorf("file is\n%q\nwant\n%q", data, c.final)
			}
			leftovers(t, filepath.Dir(path), "test.ini")
		})
	}
}

// leftovers fails if dir holds anything but the named files, such as a
// temporary file left behind by a write.
func leftovers(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		ok := false
		for _, n := range names {
			ok = ok || e.Name() == n
		}
		if !ok {
			t.Errorf("unexpected file %s left in %s", e.Name(), dir)
		}
	}
}

func TestWriteKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.conf")
	if err := os.WriteFile(path, []byte("[a]\nx = 1\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := Set(path, "a", "x", "2"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	leftovers(t, dir, "a.conf")
}

func TestWriteFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.conf")
	link := filepath.Join(dir, "link.conf")
	if err := os.WriteFile(real, []byte("[a]\nx = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.conf", link); err != nil {
		t.Fatal(err)
	}
	if err := Set(link, "a", "x", "2"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("link replaced: %v %v", fi, err)
	}
	data, _ := os.ReadFile(real)
	if string(data) != "[a]\nx = 2\n" {
		t.Errorf("target holds %q", data)
	}
}

func TestUnchangedFileIsNotRewritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.conf")
	if err := os.WriteFile(path, []byte("[a]\nx = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	for _, f := range []func() error{
		func() error { return Set(path, "a", "x", "1") },
		func() error { return Delete(path, "a", "y") },
		func() error { return Comment(path, "b", "x") },
		func() error { return Uncomment(path, "a", "x") },
		func() error { return AddLiteral(path, "b", "x", "1") },
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) {
		t.Error("file was replaced although its content did not change")
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.conf")
	if err := os.WriteFile(path, []byte("[a]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noDir := filepath.Join(dir, "missing", "b.conf")
	tests := []struct {
		name string
		err  error
		want string // substring of the message
	}{
		{"set in missing directory", Set(noDir, "a", "x", "1"), "no such file or directory"},
		{"set multiline in missing directory", SetMultiline(noDir, "a", "x", "1"), "no such file or directory"},
		{"add in missing directory", Add(noDir, "a", "x", "1"), "no such file or directory"},
		{"newline in section", Set(path, "a\nb", "x", "1"), `section name "a\nb" contains a newline`},
		{"newline in option", Set(path, "a", "x\ny", "1"), `option name "x\ny" contains a newline`},
		{"newline in literal value", AddLiteral(path, "a", "x", "1\n2"), `value "1\n2" contains a newline`},
		{"newline in multiline option", SetMultiline(path, "a", "x\n", "1"), `option name "x\n" contains a newline`},
		{"newline in literal option", AddLiteral(path, "a", "x\n", "1"), `option name "x\n" contains a newline`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", tt.err, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a missing directory was created")
	}
	if data, _ := os.ReadFile(path); string(data) != "[a]\n" {
		t.Errorf("refused edits changed the file: %q", data)
	}
}

func TestReadErrors(t *testing.T) {
	// A directory cannot be read as a file: the readers report it rather
	// than taking it for a missing file.
	dir := t.TempDir()
	if _, _, err := Get(dir, "a", "x"); err == nil {
		t.Error("Get: no error reading a directory")
	}
	if _, err := GetMultiline(dir, "a", "x"); err == nil {
		t.Error("GetMultiline: no error reading a directory")
	}
	if _, err := Has(dir, "a", "x"); err == nil {
		t.Error("Has: no error reading a directory")
	}
}

// DevStack's iniset cannot replace an option in a section whose name holds
// blanks (its sed script is split by the shell); here it can.
func TestSetReplacesInSectionWithBlanks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.conf")
	if err := os.WriteFile(path, []byte("[ ccc ]\nspaces  =  yes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Set(path, " ccc ", "spaces", "no"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "[ ccc ]\nspaces  =  no\n" {
		t.Errorf("file is %q", data)
	}
}
