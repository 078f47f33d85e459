package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestPageShapedDispatchRunsEachFunctionOnce runs testdata/trees/hello,
// whose extras.d/20-hello.sh is the plugin page's template calling
// lib/hello's functions itself: each runs exactly once, and run_process
// starts the service once.
func TestPageShapedDispatchRunsEachFunctionOnce(t *testing.T) {
	dir := copyTree(t, "hello")
	env, calls := fakePackagesEnv(t)
	run := func(command string) result {
		return runCmdEnv(t, dir, env, binary, "--top-dir", dir, "--allow-root", command)
	}
	pidPath := filepath.Join(dir, "opt", "status", "hello.pid")
	t.Cleanup(func() {
		if data, err := os.ReadFile(pidPath); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
				syscall.Kill(-pid, syscall.SIGKILL)
			}
		}
	})

	mustSucceed(t, run("stack"), "stack")
	if d := diffLines([]string{"install_hello", "configure_hello", "start_hello"}, record(t, dir)); d != "" {
		t.Errorf("stack: %s", d)
	}
	if !calledWith(t, calls, "apt-get", "install", "cowsay") {
		t.Errorf("the pre-install phase did not install cowsay; calls:\n%s", readString(t, calls))
	}
	log := readString(t, filepath.Join(dir, "opt", "logs", "stack.sh.log"))
	if n := strings.Count(log, "hello started"); n != 1 {
		t.Errorf("run_process started hello %d times, want once", n)
	}
	if strings.Contains(log, "running already") {
		t.Errorf("run_process was called a second time:\n%s", log)
	}
	data, err := os.ReadFile(pidPath)
	if err != nil {
		t.Fatalf("no pid file for hello: %v", err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	if processGone(pid) {
		t.Fatalf("hello, pid %d, is not running", pid)
	}

	resetRecord(t, dir)
	mustSucceed(t, run("unstack"), "unstack")
	if d := diffLines([]string{"stop_hello"}, record(t, dir)); d != "" {
		t.Errorf("unstack: %s", d)
	}
	waitFor(t, "hello stopped", func() (bool, string) { return processGone(pid), "running" })

	resetRecord(t, dir)
	mustSucceed(t, run("clean"), "clean")
	if d := diffLines([]string{"stop_hello", "cleanup_hello"}, record(t, dir)); d != "" {
		t.Errorf("clean: %s", d)
	}
	if exists(filepath.Join(dir, "opt", "hello")) {
		t.Error("cleanup_hello did not run: opt/hello is left")
	}
}

// TestLocalSettingsAfterDefaultServices checks that [[local|localrc]] runs
// inside stackrc, after the default ENABLED_SERVICES and before the other
// defaults, and that an enabled name nothing knows is warned about.
func TestLocalSettingsAfterDefaultServices(t *testing.T) {
	tests := []struct {
		line    string
		want    string
		unknown string // the name the warning must give, "" for no warning
	}{
		{"enable_service foo", "template,n-cpu,foo", "foo"},
		{"disable_service n-cpu", "template", ""},
		{"ENABLED_SERVICES+=,tempalte", "template,n-cpu,tempalte", "tempalte"},
		{"ENABLED_SERVICES+=,show", "template,n-cpu,show", ""},
		{"ENABLED_SERVICES=n-api,template", "n-api,template", ""},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, dir, "local.conf", `[[local|localrc]]
DEST=$TOP_DIR/opt
RECORD=$TOP_DIR/record.txt
USE_SYSTEMD=False
`+tt.line+`
echo "local.conf sees DATA_DIR=${DATA_DIR:-unset}" >> "$RECORD"
`)
			writeFile(t, dir, "extras.d/30-show.sh", `if [[ $1 == override_defaults ]]; then
    echo "ENABLED_SERVICES=$ENABLED_SERVICES DATA_DIR=${DATA_DIR#$TOP_DIR/}" >> "$RECORD"
fi
`)
			res := runDevstack(t, dir, "unstack")
			mustSucceed(t, res, "unstack")
			want := []string{"local.conf sees DATA_DIR=unset", "ENABLED_SERVICES=" + tt.want + " DATA_DIR=opt/data"}
			if d := diffLines(want, record(t, dir)); d != "" {
				t.Errorf("record: %s", d)
			}
			warned := strings.Contains(res.stderr, "which no extras.d script, plugin or library knows")
			switch {
			case tt.unknown == "" && warned:
				t.Errorf("a warning about unknown services, though all are known:\n%s", res.stderr)
			case tt.unknown != "" && (!warned || !strings.Contains(res.stderr, "names "+tt.unknown+",")):
				t.Errorf("no warning naming %s:\n%s", tt.unknown, res.stderr)
			}
		})
	}
}

// pluginFiles writes a plugin's devstack/ files, each recording its calls
// with the plugin's label.
func writePlugin(t *testing.T, dir, label string) {
	t.Helper()
	writeFile(t, dir, "devstack/override-defaults", `echo "`+label+` override-defaults $#" >> "$RECORD"`+"\n")
	writeFile(t, dir, "devstack/settings", `echo "`+label+` settings $#" >> "$RECORD"`+"\n")
	writeFile(t, dir, "devstack/plugin.sh", `echo "`+label+` plugin.sh $*" >> "$RECORD"`+"\n")
}

// git runs git in dir for a test's fixture repository.
func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(testEnv(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// pluginTree is a tree enabling two plugins: "first" at a local path,
// "second" from a git repository at its branch "stable", cloned into
// $DEST/second. Its one hook records the phases.
func pluginTree(t *testing.T, extra string) (dir string, env []string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs git")
	}
	dir = t.TempDir()
	writePlugin(t, filepath.Join(dir, "plugins", "first"), "first")
	repo := t.TempDir()
	writePlugin(t, repo, "second@main")
	git(t, repo, "init", "-q")
	git(t, repo, "add", ".")
	git(t, repo, "commit", "-q", "-m", "main")
	git(t, repo, "checkout", "-q", "-b", "stable")
	writePlugin(t, repo, "second@stable")
	git(t, repo, "commit", "-q", "-a", "-m", "stable")
	git(t, repo, "checkout", "-q", "main")
	writeFile(t, dir, "local.conf", `[[local|localrc]]
RECORD=$TOP_DIR/record.txt
USE_SYSTEMD=False
disable_service template n-cpu
enable_plugin first plugins/first
enable_plugin second file://`+repo+` stable
`+extra+`
DEST=$TOP_DIR/opt
`)
	writeFile(t, dir, "extras.d/30-hook.sh", `echo "hook $*" >> "$RECORD"`+"\n")
	// git_clone marks the clone safe in the system configuration.
	env = []string{"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=" + filepath.Join(t.TempDir(), "gitconfig")}
	return dir, env
}

func TestEnablePluginInEnableOrder(t *testing.T) {
	dir, env := pluginTree(t, "")
	run := func(command string) result {
		return runCmdEnv(t, dir, env, binary, "--top-dir", dir, "--allow-root", command)
	}
	first := []string{
		"hook override_defaults", "first override-defaults 0", "second@stable override-defaults 0",
		"hook source", "first settings 0", "second@stable settings 0",
	}
	phase := func(args string) []string {
		return []string{"hook " + args, "first plugin.sh " + args, "second@stable plugin.sh " + args}
	}
	res := run("stack")
	mustSucceed(t, res, "stack")
	want := concat(first, phase("stack pre-install"), phase("stack install"), phase("stack post-config"),
		phase("stack extra"), phase("stack test-config"))
	if d := diffLines(want, record(t, dir)); d != "" {
		t.Errorf("stack: %s", d)
	}
	if !exists(filepath.Join(dir, "opt", "second", "devstack", "plugin.sh")) {
		t.Error("the git plugin was not cloned into $DEST/second")
	}
	if exists(filepath.Join(dir, "opt", "first")) {
		t.Error("the local plugin was copied or cloned; it must be used in place")
	}

	resetRecord(t, dir)
	mustSucceed(t, run("unstack"), "unstack")
	if d := diffLines(concat(first, phase("unstack")), record(t, dir)); d != "" {
		t.Errorf("unstack: %s", d)
	}

	resetRecord(t, dir)
	mustSucceed(t, run("clean"), "clean")
	if d := diffLines(concat(first, first, phase("unstack"), phase("clean")), record(t, dir)); d != "" {
		t.Errorf("clean: %s", d)
	}
}

func TestEnablePluginRefusals(t *testing.T) {
	tests := []struct {
		name   string
		extra  string
		files  map[string]string
		stderr []string
	}{
		{
			name:   "required plugin not enabled",
			files:  map[string]string{"plugins/first/devstack/settings": "plugin_requires first third\n"},
			stderr: []string{"Plugin first requires third", "plugins/first/devstack/settings"},
		},
		{
			name:   "syntax error in plugin.sh",
			files:  map[string]string{"plugins/first/devstack/plugin.sh": "if [[ $1 == stack ]]; then\n    echo unfinished\n"},
			stderr: []string{"plugins/first/devstack/plugin.sh:1", "nothing was run"},
		},
		{
			name:   "local path missing",
			extra:  "enable_plugin third plugins/third",
			stderr: []string{"plugin third", "plugins/third is not a directory"},
		},
		{
			name:   "OFFLINE and not cloned",
			extra:  "OFFLINE=True",
			stderr: []string{"OFFLINE=True", "opt/second has not been cloned", "enable_plugin second"},
		},
		{
			name:   "enabled twice",
			extra:  "enable_plugin first plugins/first",
			stderr: []string{"Plugin attempted to be enabled twice: first plugins/first", "local.conf:7"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, env := pluginTree(t, tt.extra)
			for rel, content := range tt.files {
				writeFile(t, dir, rel, content)
			}
			res := runCmdEnv(t, dir, env, binary, "--top-dir", dir, "--allow-root", "stack")
			mustFail(t, res, tt.name, tt.stderr...)
			if got := record(t, dir); got != nil {
				t.Errorf("something ran before the refusal:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}

// TestOwnStackrcWithoutLoadLocalrc: a tree's own stackrc that never calls
// load_localrc still gets the user's settings, after its defaults, with a
// warning.
func TestOwnStackrcWithoutLoadLocalrc(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "stackrc", `DEST=${DEST:-$TOP_DIR/default}
ENABLED_SERVICES=own
RECORD=$TOP_DIR/record.txt
`)
	writeFile(t, dir, "local.conf", "[[local|localrc]]\nDEST=$TOP_DIR/mine\nenable_service extra\n")
	writeFile(t, dir, "extras.d/30-show.sh", `if [[ $1 == source ]]; then
    is_service_enabled own extra
    echo "DEST=${DEST#$TOP_DIR/} ENABLED_SERVICES=$ENABLED_SERVICES" >> "$RECORD"
fi
`)
	res := runDevstack(t, dir, "unstack")
	mustSucceed(t, res, "unstack")
	if !strings.Contains(res.stderr, "stackrc does not call load_localrc") {
		t.Errorf("no warning about the stackrc:\n%s", res.stderr)
	}
	if d := diffLines([]string{"DEST=mine ENABLED_SERVICES=own,extra"}, record(t, dir)); d != "" {
		t.Errorf("record: %s", d)
	}
}
