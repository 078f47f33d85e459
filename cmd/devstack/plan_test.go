package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// planReport is `devstack plan --output json`.
type planReport struct {
	Command          string   `json:"command"`
	Tree             string   `json:"tree"`
	Kind             string   `json:"kind"`
	Branch           string   `json:"branch"`
	EnabledServices  []string `json:"enabled_services"`
	DisabledServices []string `json:"disabled_services"`
	Hypervisor       struct {
		Driver string `json:"virt_driver"`
		Plugin string `json:"plugin"`
		Loaded bool   `json:"loaded"`
	} `json:"hypervisor"`
	Plugins []struct {
		Name    string `json:"name"`
		URL     string `json:"url"`
		Ref     string `json:"ref"`
		Dir     string `json:"dir"`
		Present bool   `json:"present"`
	} `json:"plugins"`
	Steps []struct {
		Name string   `json:"name"`
		Runs []string `json:"runs"`
	} `json:"steps"`
	Sections []struct {
		Phase  string `json:"phase"`
		File   string `json:"file"`
		Line   int    `json:"line"`
		Target string `json:"target"`
	} `json:"local_conf_sections"`
	NotRun   []string `json:"not_run"`
	Warnings []string `json:"warnings"`
	Errors   []string `json:"errors"`
}

func parsePlan(t *testing.T, res result) planReport {
	t.Helper()
	var p planReport
	if err := json.Unmarshal([]byte(res.stdout), &p); err != nil {
		t.Fatalf("plan --output json printed no JSON (%v):\n%s\nstderr:\n%s", err, res.stdout, res.stderr)
	}
	return p
}

// snapshot lists every file under dirs with its size and time, to tell
// that nothing was written.
func snapshot(t *testing.T, dirs ...string) []string {
	t.Helper()
	var list []string
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			list = append(list, path+" "+info.ModTime().String()+" "+info.Mode().String())
			return nil
		})
	}
	return list
}

func (p planReport) step(t *testing.T, name string) []string {
	t.Helper()
	for _, s := range p.Steps {
		if s.Name == name {
			return s.Runs
		}
	}
	t.Fatalf("the plan has no step %q: %+v", name, p.Steps)
	return nil
}

func anyContains(list []string, want string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, want) })
}

// plan tells what a stack of a plugin tree would do, and does none of
// it: no hook, library command or plugin file runs, nothing is written
// or fetched, local.conf's commands are listed as not run.
func TestPlanPluginTreeRunsNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	home := t.TempDir()
	dest := filepath.Join(dir, "opt")
	plugin := filepath.Join(t.TempDir(), "localp")
	touchEverywhere := "touch \"$TOP_DIR/ran-$(basename \"${BASH_SOURCE[0]}\")-$1\"\n"
	writeFile(t, dir, "extras.d/05-early.sh", touchEverywhere)
	writeFile(t, dir, "extras.d/50-touch.sh", touchEverywhere+"mkdir -p \"$DEST\"\n")
	writeFile(t, dir, "lib/mylib", "MYLIB_CONF=$DEST/etc/mylib.conf\ntouch \"$TOP_DIR/ran-lib\"\n")
	writeFile(t, plugin, "devstack/plugin.sh", "touch \"$TOP_DIR/ran-plugin-$1\"\n")
	writeFile(t, plugin, "devstack/settings", "touch \"$TOP_DIR/ran-plugin-settings\"\n")
	writeFile(t, dir, "local.conf", strings.Join([]string{
		"[[local|localrc]]",
		"DEST=" + dest,
		"TEMPLATE_CONF_DIR=$DEST/etc/template",
		"touch $TOP_DIR/ran-local-conf",
		"echo written > $TOP_DIR/ran-redirect",
		"enable_plugin remote https://git.example.invalid/remote.git stable/2026.1",
		"enable_plugin localp " + plugin,
		"disable_service n-cpu",
		"enable_service kidz",
		"",
		"[[post-config|$TEMPLATE_CONF]]",
		"[DEFAULT]",
		"debug = True",
		"",
		"[[post-config|$MYLIB_CONF]]",
		"[x]",
		"y = 1",
		"",
		"[[post-confg|/etc/typo.conf]]",
		"[x]",
		"y = 1",
	}, "\n")+"\n")
	before := snapshot(t, dir, plugin, home)

	res := runCmdEnv(t, dir, []string{"HOME=" + home}, binary, "--top-dir", dir, "--allow-root", "plan", "--output", "json")
	mustSucceed(t, res, "plan")
	p := parsePlan(t, res)
	if after := snapshot(t, dir, plugin, home); !slices.Equal(before, after) {
		t.Errorf("plan changed files:\nbefore:\n  %s\nafter:\n  %s", strings.Join(before, "\n  "), strings.Join(after, "\n  "))
	}
	if exists(dest) {
		t.Errorf("plan created DEST %s", dest)
	}

	if p.Command != "stack" || p.Kind != "plugin tree" || p.Tree != dir {
		t.Errorf("plan of %q (%s, %s)", p.Tree, p.Kind, p.Command)
	}
	if !slices.Equal(p.EnabledServices, []string{"template", "kidz"}) || !slices.Equal(p.DisabledServices, []string{"n-cpu"}) {
		t.Errorf("enabled %v, disabled %v; want [template kidz], [n-cpu]", p.EnabledServices, p.DisabledServices)
	}
	if p.Hypervisor.Driver != "fake" || p.Hypervisor.Plugin != "lib/nova_plugins/hypervisor-fake" || p.Hypervisor.Loaded {
		t.Errorf("hypervisor %+v: fake's plugin, not sourced (nova is not enabled)", p.Hypervisor)
	}
	if len(p.Plugins) != 2 || p.Plugins[0].Name != "remote" || p.Plugins[0].Ref != "stable/2026.1" || p.Plugins[0].Present ||
		p.Plugins[0].Dir != filepath.Join(dest, "remote") || p.Plugins[1].Name != "localp" || !p.Plugins[1].Present {
		t.Errorf("plugins %+v: want remote (stable/2026.1, to clone into DEST) then localp (present)", p.Plugins)
	}
	var names []string
	for _, s := range p.Steps {
		names = append(names, s.Name)
	}
	want := []string{"configuration", "override_defaults", "libraries", "source", "system set-up", "stack pre-install",
		"install_nova_hypervisor", "stack install", "configure_nova_hypervisor", "stack post-config", "merge post-config",
		"start_nova_hypervisor", "merge extra", "stack extra", "merge post-extra", "stack test-config", "merge test-config", "write .stackenv"}
	if !slices.Equal(names, want) {
		t.Errorf("steps %v, want %v", names, want)
	}
	install := p.step(t, "stack install")
	wantInstall := []string{
		"source extras.d/05-early.sh stack install",
		"source extras.d/50-template.sh stack install (embedded)",
		"source extras.d/50-touch.sh stack install",
		"source extras.d/90-run-process.sh stack install (embedded)",
		"plugin remote: its devstack/plugin.sh, once fetched",
		"plugin localp: source " + filepath.Join(plugin, "devstack/plugin.sh") + " stack install",
	}
	if !slices.Equal(install, wantInstall) {
		t.Errorf("stack install runs\n  %s\nwant\n  %s", strings.Join(install, "\n  "), strings.Join(wantInstall, "\n  "))
	}
	if runs := p.step(t, "configuration"); !anyContains(runs, "git_clone https://git.example.invalid/remote.git "+filepath.Join(dest, "remote")+" stable/2026.1") {
		t.Errorf("configuration does not say the plugin is cloned: %q", runs)
	}
	if runs := p.step(t, "install_nova_hypervisor"); !anyContains(runs, "nothing") {
		t.Errorf("install_nova_hypervisor with n-cpu disabled: %q", runs)
	}
	merge := p.step(t, "merge post-config")
	if !anyContains(merge, "[[post-config|$TEMPLATE_CONF]] into "+filepath.Join(dest, "etc/template/template.conf")) ||
		!anyContains(merge, "[[post-config|$MYLIB_CONF]] into "+filepath.Join(dest, "etc/mylib.conf")) {
		t.Errorf("merge post-config: %q", merge)
	}
	if len(p.Sections) != 4 || p.Sections[1].Line != 11 || p.Sections[1].Target != filepath.Join(dest, "etc/template/template.conf") {
		t.Errorf("sections %+v", p.Sections)
	}
	for _, w := range []string{"05-early.sh uses sequence number 05", `"post-confg"`, "kidz"} {
		if !anyContains(p.Warnings, w) {
			t.Errorf("no warning about %s: %q", w, p.Warnings)
		}
	}
	if !anyContains(p.NotRun, "touch "+filepath.Join(dir, "ran-local-conf")) || !anyContains(p.NotRun, "touch "+filepath.Join(dir, "ran-lib")) {
		t.Errorf("not_run %q: want local.conf's and the library's touch", p.NotRun)
	}
	if len(p.Errors) != 0 {
		t.Errorf("errors %q", p.Errors)
	}

	text := runCmdEnv(t, dir, []string{"HOME=" + home}, binary, "--top-dir", dir, "--allow-root", "plan")
	mustSucceed(t, text, "plan")
	for _, want := range []string{"plugin tree", "enabled services: template, kidz", "VIRT_DRIVER=fake", "stack install", "05-early.sh", "[[post-config|$TEMPLATE_CONF]] -> " + dest, "post-confg", "nothing was run"} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("plan does not show %q:\n%s", want, text.stdout)
		}
	}
	if after := snapshot(t, dir, plugin, home); !slices.Equal(before, after) {
		t.Errorf("plan changed files")
	}
}

// What would refuse the run refuses the plan, which says why.
func TestPlanShowsRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, localConf, want string
		strict                bool
	}{
		{"missing hypervisor plugin", "VIRT_DRIVER=nosuch", "VIRT_DRIVER=nosuch has no plugin", false},
		{"syntax error", "if then fi", "local.conf", false},
		{"reserved number under --strict", "", "reserved", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "local.conf", "[[local|localrc]]\nDEST="+filepath.Join(dir, "opt")+"\n"+tt.localConf+"\n")
			if tt.strict {
				writeFile(t, dir, "extras.d/95-late.sh", "true\n")
			}
			args := []string{"plan", "--output", "json"}
			if tt.strict {
				args = append([]string{"--strict"}, args...)
			}
			res := runDevstack(t, dir, args...)
			p := parsePlan(t, res)
			if res.status != 1 || !anyContains(p.Errors, tt.want) {
				t.Errorf("exit %d, errors %q; want 1 and one naming %q", res.status, p.Errors, tt.want)
			}
		})
	}
}

// A DevStack tree's plan: its own script's phases, with their lines, the
// hooks and the plugins of each; nothing written.
func TestPlanDevstackTree(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "devstack-shaped")
	// This tree reads a legacy localrc, as trees of 2013 did.
	writeFile(t, dir, "localrc", "DEST="+filepath.Join(dir, "opt")+"\nENABLED_SERVICES=notes,n-api,n-cpu\n")
	writeFile(t, dir, "local.conf", "[[post-config|$NOVA_CONF]]\n[DEFAULT]\ndebug = True\n")
	before := snapshot(t, dir)
	res := runDevstack(t, dir, "plan", "--output", "json")
	mustSucceed(t, res, "plan of a DevStack tree")
	p := parsePlan(t, res)
	if after := snapshot(t, dir); !slices.Equal(before, after) {
		t.Errorf("plan changed the tree:\nbefore:\n  %s\nafter:\n  %s", strings.Join(before, "\n  "), strings.Join(after, "\n  "))
	}
	if len(record(t, dir)) != 0 {
		t.Errorf("the tree's scripts recorded %q", record(t, dir))
	}
	if p.Kind != "DevStack tree" {
		t.Errorf("kind %q", p.Kind)
	}
	var names []string
	for _, s := range p.Steps {
		names = append(names, s.Name)
	}
	want := []string{"configuration", "stack.sh:66 source", "stack.sh:71 stack pre-install", "stack.sh:83 stack install",
		"stack.sh:94 stack post-config", "stack.sh:103 stack extra", "stack.sh:104 stack test-config"}
	if !slices.Equal(names, want) {
		t.Errorf("steps %v, want %v", names, want)
	}
	if runs := p.step(t, "stack.sh:83 stack install"); !slices.Contains(runs, "source extras.d/50-notes.sh stack install") || !slices.Contains(runs, "source extras.d/80-audit.sh stack install") {
		t.Errorf("stack install runs %q", runs)
	}
	if !slices.Equal(p.EnabledServices, []string{"notes", "n-api", "n-cpu"}) {
		t.Errorf("enabled %v, want localrc's", p.EnabledServices)
	}
	if len(p.Sections) != 1 || p.Sections[0].Target != filepath.Join(dir, "opt/etc/nova/nova.conf") {
		t.Errorf("sections %+v: $NOVA_CONF resolved", p.Sections)
	}
	if _, err := os.Stat(filepath.Join(dir, "opt")); err == nil {
		t.Error("plan created DEST")
	}
}
