package lifecycle

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestRemovalTargets(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"rm", "-rf", "/a", "b"}, []string{"/a", "b"}},
		{[]string{"rm", "-f", "/a"}, nil},
		{[]string{"rm", "--recursive", "--force", "/a"}, []string{"/a"}},
		{[]string{"rm", "-R", "--", "-x"}, []string{"-x"}},
		{[]string{"/bin/rm", "-fr", "/a"}, []string{"/a"}},
		{[]string{"sudo", "rm", "-rf", "/a"}, []string{"/a"}},
		{[]string{"sudo", "-E", "-u", "stack", "LANG=C", "rm", "-r", "/a"}, []string{"/a"}},
		{[]string{"sudo", "cp", "-r", "/a", "/b"}, nil},
		{[]string{"echo", "rm", "-rf", "/"}, nil},
		// rm itself refuses . and .. (juno's clean.sh passes a LOGDIR of .).
		{[]string{"sudo", "rm", "-rf", "/opt/stack/data", ".", "x/..", "/opt/stack/status"}, []string{"/opt/stack/data", "/opt/stack/status"}},
		{[]string{"rm", "-rf", "/"}, []string{"/"}},
	}
	for _, tt := range tests {
		if got := removalTargets(tt.args); !slices.Equal(got, tt.want) {
			t.Errorf("removalTargets(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestResolvePathAndRefusal(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"tree/sub", "tree/opt", "x", "home"} {
		if err := os.MkdirAll(filepath.Join(base, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(base, "tree/sub"), filepath.Join(base, "x/lnk")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(base, "tree"), filepath.Join(base, "treelink")); err != nil {
		t.Fatal(err)
	}
	protected := []protectedPath{
		{"/", "the root directory"}, {"/etc", "a system directory"},
		{filepath.Join(base, "home"), "a home directory"},
		{filepath.Join(base, "tree/opt"), "DEST"}, {filepath.Join(base, "tree"), "the tree"},
	}
	tests := []struct {
		dir, path string
		resolved  string
		refused   bool
	}{
		{base, "x/lnk/..", filepath.Join(base, "tree"), true},
		{base, "treelink/", filepath.Join(base, "tree"), true},
		// rm -r LINK removes the link, not what it points to.
		{base, "treelink", filepath.Join(base, "treelink"), false},
		{base, "treelink/opt", filepath.Join(base, "tree/opt"), true},
		{base, "treelink/opt/data", filepath.Join(base, "tree/opt/data"), false},
		{filepath.Join(base, "tree"), "..", base, true},
		{base, "home/../home", filepath.Join(base, "home"), true},
		{base, "/etc/", "/etc", true},
		{base, "/", "/", true},
		{base, "/etc/nova", "/etc/nova", false},
		{base, "missing/dir/..", filepath.Join(base, "missing"), false},
	}
	for _, tt := range tests {
		got := resolvePath(tt.dir, tt.path)
		if got != tt.resolved {
			t.Errorf("resolvePath(%q, %q) = %q, want %q", tt.dir, tt.path, got, tt.resolved)
		}
		if why := refuseRemoval(got, protected); (why != "") != tt.refused {
			t.Errorf("refuseRemoval(%q) = %q, want refused=%v", got, why, tt.refused)
		}
	}
}

func TestIsSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"ADMIN_PASSWORD": true, "SERVICE_TOKEN": true, "RABBIT_PASSWORD": true, "swift_secret": true,
		"SWIFT_KEY": true, "KEY": true, "TLS_KEY_FILE": true,
		"KEYSTONE_SERVICE_HOST": false, "HOST_IP": false, "DEST": false, "MONKEY": false,
	} {
		if got := isSecretName(name); got != want {
			t.Errorf("isSecretName(%q) = %v, want %v", name, got, want)
		}
	}
}
