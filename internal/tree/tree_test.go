package tree

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	path := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

var base = fstest.MapFS{
	"stackrc":                           {Data: []byte("# embedded\n")},
	"extras.d/00-tool.sh":               {Data: []byte("# tool\n")},
	"extras.d/50-shared.sh":             {Data: []byte("# embedded shared\n")},
	"extras.d/README.md":                {Data: []byte("docs\n")},
	"lib/template":                      {Data: []byte("# template\n")},
	"lib/nova_plugins/hypervisor-fake":  {Data: []byte("# fake\n")},
	"lib/nova_plugins/functions-shared": {Data: []byte("# not a plugin\n")},
}

func TestOpenKind(t *testing.T) {
	tests := []struct {
		name     string
		files    []string
		devstack bool
	}{
		{"empty directory", nil, false},
		{"stackrc only", []string{"stackrc"}, false},
		{"functions only", []string{"functions"}, false},
		{"DevStack checkout", []string{"stackrc", "functions"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				write(t, dir, f, "")
			}
			tr, err := Open(dir, base)
			if err != nil {
				t.Fatal(err)
			}
			if tr.DevStack != tt.devstack {
				t.Errorf("DevStack = %v, want %v", tr.DevStack, tt.devstack)
			}
			if (tr.Base() == nil) != tt.devstack {
				t.Errorf("embedded tree underneath = %v for DevStack=%v", tr.Base() != nil, tt.devstack)
			}
		})
	}
}

func TestOpenRefusesMissingOrFile(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "file", "")
	for _, top := range []string{filepath.Join(dir, "missing"), filepath.Join(dir, "file")} {
		if _, err := Open(top, base); err == nil {
			t.Errorf("Open(%s) succeeded", top)
		}
	}
}

func TestOverlay(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "extras.d/50-shared.sh", "# user shared\n")
	write(t, dir, "extras.d/20-user.sh", "# user\n")
	write(t, dir, "extras.d/notes.txt", "")
	write(t, dir, "extras.d/sub/30-nested.sh", "")
	write(t, dir, "lib/mine", "# mine\n")
	write(t, dir, "lib/nova_plugins/hypervisor-mine", "# mine\n")
	tr, err := Open(dir, base)
	if err != nil {
		t.Fatal(err)
	}

	hooks, err := tr.Hooks()
	if err != nil {
		t.Fatal(err)
	}
	want := []Hook{
		{Rel: "extras.d/00-tool.sh", Name: "00-tool.sh", Seq: 0, Embedded: true},
		{Rel: "extras.d/20-user.sh", Name: "20-user.sh", Seq: 20},
		{Rel: "extras.d/50-shared.sh", Name: "50-shared.sh", Seq: 50},
	}
	if len(hooks) != len(want) {
		t.Fatalf("hooks = %+v, want %+v", hooks, want)
	}
	for i := range want {
		if hooks[i] != want[i] {
			t.Errorf("hook %d = %+v, want %+v", i, hooks[i], want[i])
		}
	}

	data, err := tr.ReadFile("extras.d/50-shared.sh")
	if err != nil || string(data) != "# user shared\n" {
		t.Errorf("user file does not shadow the embedded one: %q, %v", data, err)
	}
	data, err = tr.ReadFile("stackrc")
	if err != nil || string(data) != "# embedded\n" {
		t.Errorf("embedded stackrc not served: %q, %v", data, err)
	}
	if _, ok := tr.Embedded(tr.Path("stackrc")); !ok {
		t.Error("stackrc not reported as embedded")
	}
	if _, ok := tr.Embedded(tr.Path("lib/mine")); ok {
		t.Error("a user file reported as embedded")
	}
	if got := tr.Origin("stackrc"); got != "stackrc (embedded)" {
		t.Errorf("Origin(stackrc) = %q", got)
	}

	libs, err := tr.LibFiles()
	if err != nil {
		t.Fatal(err)
	}
	if got := join(libs); got != "lib/mine lib/template" {
		t.Errorf("LibFiles = %s", got)
	}
	plugins, err := tr.Plugins()
	if err != nil {
		t.Fatal(err)
	}
	if got := join(plugins); got != "fake mine" {
		t.Errorf("Plugins = %s", got)
	}
}

func join(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out
}

func TestDevStackTreeScripts(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"stack.sh", "unstack.sh", "clean.sh", "stackrc", "functions", "functions-common", "openrc",
		"inc/async", "lib/nova", "lib/nova_plugins/hypervisor-fake", "lib/neutron_thirdparty/README.md",
		"extras.d/80-tempest.sh", "extras.d/README.md", "tools/install_prereqs.sh"} {
		write(t, dir, f, "")
	}
	tr, err := Open(dir, base)
	if err != nil {
		t.Fatal(err)
	}
	scripts, err := tr.Scripts()
	if err != nil {
		t.Fatal(err)
	}
	want := "clean.sh functions functions-common stack.sh stackrc unstack.sh inc/async lib/nova lib/nova_plugins/hypervisor-fake extras.d/80-tempest.sh"
	if got := join(scripts); got != want {
		t.Errorf("Scripts = %s\nwant      %s", got, want)
	}
	if tr.Exists("lib/template") {
		t.Error("a DevStack tree sees the embedded tree")
	}
}

func TestReserved(t *testing.T) {
	tests := []struct {
		hook Hook
		want bool
	}{
		{Hook{Seq: 0}, true},
		{Hook{Seq: 9}, true},
		{Hook{Seq: 10}, false},
		{Hook{Seq: 89}, false},
		{Hook{Seq: 90}, true},
		{Hook{Seq: 99}, true},
		{Hook{Seq: -1}, false},
		{Hook{Seq: 5, Embedded: true}, false},
	}
	for _, tt := range tests {
		if got := tt.hook.Reserved(); got != tt.want {
			t.Errorf("%+v.Reserved() = %v, want %v", tt.hook, got, tt.want)
		}
	}
	for name, want := range map[string]int{"05-a.sh": 5, "50-b.sh": 50, "x-b.sh": -1, "5-a.sh": -1, "ab": -1} {
		if got := sequence(name); got != want {
			t.Errorf("sequence(%q) = %d, want %d", name, got, want)
		}
	}
}
