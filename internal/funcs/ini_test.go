package funcs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"devstack/internal/ini"

	"devstack/internal/bash"
)

func TestIniFunctions(t *testing.T) {
	const none = "\x00absent"
	tests := []struct {
		name   string
		before string // none: no file
		script string // runs with the file as $f
		after  string // none: no file
		out    string
	}{
		{
			name:   "iniset creates the file",
			before: none,
			script: `iniset $f DEFAULT debug True`,
			after:  "\n[DEFAULT]\ndebug = True\n",
		},
		{
			name:   "iniset replaces a value in place",
			before: "[DEFAULT]\n# a comment\ndebug=False\n[other]\ndebug = x\n",
			script: `iniset $f DEFAULT debug True`,
			after:  "[DEFAULT]\n# a comment\ndebug=True\n[other]\ndebug = x\n",
		},
		{
			name:   "iniset -sudo as root writes directly",
			before: "[database]\n",
			script: `iniset -sudo $f database connection "mysql+pymysql://root:secret@127.0.0.1/nova?charset=utf8"`,
			after:  "[database]\nconnection = mysql+pymysql://root:secret@127.0.0.1/nova?charset=utf8\n",
		},
		{
			name:   "iniset takes only the fourth argument",
			before: none,
			script: `iniset $f DEFAULT opt one two three`,
			after:  "\n[DEFAULT]\nopt = one\n",
		},
		{
			name:   "iniset squeezes blanks and keeps & and backslashes",
			before: none,
			script: `iniset $f DEFAULT opt "  a   b&c\\d  "`,
			after:  "\n[DEFAULT]\nopt = a b&c\\d\n",
		},
		{
			name:   "iniset without an option does nothing",
			before: none,
			script: `iniset $f DEFAULT ""; echo "status=$?"`,
			after:  none,
			out:    "status=0\n",
		},
		{
			name:   "iniset of a relative path follows cd",
			before: none,
			script: `cd "$(dirname $f)" && iniset "$(basename $f)" s o v`,
			after:  "\n[s]\no = v\n",
		},
		{
			name:   "iniget",
			before: "[DEFAULT]\nname =   spaced   value \n[other]\nname = no\n",
			script: `echo "[$(iniget $f DEFAULT name)] [$(iniget $f DEFAULT missing)] [$(iniget $f nosection name)]"`,
			after:  "[DEFAULT]\nname =   spaced   value \n[other]\nname = no\n",
			out:    "[spaced value] [] []\n",
		},
		{
			name:   "iniget of a missing file prints an empty line and succeeds",
			before: none,
			script: `v=$(iniget $f DEFAULT a); echo "status=$? [$v]"`,
			after:  none,
			out:    "iniget: can't read $f: No such file or directory\nstatus=0 []\n",
		},
		{
			name:   "iniget_multiline",
			before: "[m]\nv = a\nother = x\nv=b c\n",
			script: `iniget_multiline $f m v`,
			after:  "[m]\nv = a\nother = x\nv=b c\n",
			out:    "a b c\n",
		},
		{
			name:   "ini_has_option",
			before: "[DEFAULT]\nempty =\n#commented = 1\n",
			script: `for o in empty commented missing; do ini_has_option $f DEFAULT $o; echo "$o=$?"; done; ini_has_option -sudo $f DEFAULT empty; echo "sudo=$?"`,
			after:  "[DEFAULT]\nempty =\n#commented = 1\n",
			out:    "empty=0\ncommented=1\nmissing=1\nsudo=0\n",
		},
		{
			name:   "ini_has_option of a missing file fails",
			before: none,
			script: `ini_has_option $f DEFAULT a || echo "status=$?"`,
			after:  none,
			out:    "ini_has_option: can't read $f: No such file or directory\nstatus=1\n",
		},
		{
			name:   "inicomment and iniuncomment",
			before: "[DEFAULT]\na = 1\nb = 2\n",
			script: `inicomment $f DEFAULT a; iniuncomment $f DEFAULT a; iniuncomment $f DEFAULT b`,
			after:  "[DEFAULT]\na = 1\nb = 2\n",
		},
		{
			name:   "inicomment",
			before: "[DEFAULT]\na = 1\n[x]\na = 2\n",
			script: `inicomment -sudo $f x a`,
			after:  "[DEFAULT]\na = 1\n[x]\n#a = 2\n",
		},
		{
			name:   "inicomment of a missing file fails as sed -i does",
			before: none,
			script: `inicomment $f DEFAULT a || echo "status=$?"`,
			after:  none,
			out:    "inicomment: can't read $f: No such file or directory\nstatus=2\n",
		},
		{
			name:   "iniadd keeps the values there are",
			before: "[DEFAULT]\nv = a\n",
			script: `iniadd $f DEFAULT v b c`,
			after:  "[DEFAULT]\nv = a\nv = b\nv = c\n",
		},
		{
			name:   "iniadd_literal keeps blanks",
			before: "[DEFAULT]\nv = a\n",
			script: `iniadd_literal $f DEFAULT v "x  y" ignored`,
			after:  "[DEFAULT]\nv = x  y\nv = a\n",
		},
		{
			name:   "iniadd_literal of a missing file fails",
			before: none,
			script: `iniadd_literal $f DEFAULT v x || echo "status=$?"`,
			after:  none,
			out:    "iniadd_literal: can't read $f: No such file or directory\nstatus=2\n",
		},
		{
			name:   "inidelete",
			before: "[DEFAULT]\nv = a\nw = b\nv = c\n",
			script: `inidelete $f DEFAULT v`,
			after:  "[DEFAULT]\nw = b\n",
		},
		{
			name:   "iniset_multiline replaces every line",
			before: "[DEFAULT]\nv = old\n",
			script: `iniset_multiline $f DEFAULT v x y z`,
			after:  "[DEFAULT]\nv = x\nv = y\nv = z\n",
		},
		{
			name:   "iniset_multiline creates the file",
			before: none,
			script: `iniset_multiline $f new v x y`,
			after:  "\n[new]\nv = x\nv = y\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			f := filepath.Join(dir, "test.conf")
			if tt.before != none {
				if err := os.WriteFile(f, []byte(tt.before), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out, err := script(t, dir, []string{"f=" + f}, tt.script)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if want := strings.ReplaceAll(tt.out, "$f", f); out != want {
				t.Errorf("output %q, want %q", out, want)
			}
			data, err := os.ReadFile(f)
			switch {
			case tt.after == none && err == nil:
				t.Errorf("%s was created: %q", f, data)
			case tt.after != none && err != nil:
				t.Errorf("reading the file: %v", err)
			case tt.after != none && string(data) != tt.after:
				t.Errorf("file %q, want %q", data, tt.after)
			}
		})
	}
}

// TestIniFailureStopsErrexit checks that a failed edit stops a run as
// DevStack's sed failure does under errexit.
func TestIniFailureStopsErrexit(t *testing.T) {
	dir := t.TempDir()
	out, err := script(t, dir, nil, "set -e\ninicomment missing.conf s o\necho after")
	if err == nil || strings.Contains(out, "after") {
		t.Errorf("err = %v, output %q: the run went on", err, out)
	}
}

// TestEditAsRoot checks the way files the user may not write are edited:
// a copy read with sudo cat, written back with sudo tee when it changed.
func TestEditAsRoot(t *testing.T) {
	asNonRoot(t)
	tests := []struct {
		name   string
		before string // "" for no file
		value  string
		calls  []string
		after  string
	}{
		{"changed", "[s]\no = old\n", "new", []string{"sudo cat $f", "sudo tee $f"}, "[s]\no = new\n"},
		{"unchanged", "[s]\no = same\n", "same", []string{"sudo cat $f"}, "[s]\no = same\n"},
		{"created", "", "v", []string{"sudo tee $f"}, "\n[s]\no = v\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := newFakeBin(t)
			bin.add(t, "sudo", fakeSudo)
			dir := t.TempDir()
			f := filepath.Join(dir, "unit.service")
			if tt.before != "" {
				if err := os.WriteFile(f, []byte(tt.before), 0o640); err != nil {
					t.Fatal(err)
				}
			}
			out := &syncBuffer{}
			s, err := newSession(bash.Options{Dir: dir, Env: []string{bin.pathVar()}, Stdout: out, Stderr: out})
			if err != nil {
				t.Fatal(err)
			}
			s.Define(map[string]bash.Func{"edit_as_root": func(ctx context.Context, args []string) error {
				return editAsRoot(ctx, f, true, func(path string) error {
					if path == f {
						t.Errorf("the file itself was edited")
					}
					return ini.Set(path, "s", "o", tt.value)
				})
			}})
			if err := s.Eval(context.Background(), "test", "edit_as_root"); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			var want []string
			for _, c := range tt.calls {
				want = append(want, strings.ReplaceAll(c, "$f", f))
			}
			if got := bin.calls(t, "sudo"); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("calls %q, want %q", got, want)
			}
			data, _ := os.ReadFile(f)
			if string(data) != tt.after {
				t.Errorf("file %q, want %q", data, tt.after)
			}
			if info, err := os.Stat(f); err == nil && tt.before != "" && info.Mode().Perm() != 0o640 {
				t.Errorf("mode %v, want the file's own 0640", info.Mode().Perm())
			}
		})
	}
}
