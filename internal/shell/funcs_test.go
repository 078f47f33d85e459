package shell

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// script runs shell text in a new session with env, in dir, and returns
// its output and error.
func script(t *testing.T, dir string, env []string, text string) (string, error) {
	t.Helper()
	out := &syncBuffer{}
	s, err := New(Options{Dir: dir, Env: append([]string{"PATH=" + os.Getenv("PATH")}, env...), Stdout: out, Stderr: out})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Eval(context.Background(), "test", text)
	return out.String(), err
}

func TestIniFunctions(t *testing.T) {
	dir := t.TempDir()
	out, err := script(t, dir, nil, `
iniset test.ini DEFAULT debug True
iniset -sudo test.ini database connection "mysql://u:p@host/db"
iniset test.ini DEFAULT verbose False
echo "debug=$(iniget test.ini DEFAULT debug)"
echo "missing=[$(iniget test.ini DEFAULT nope)]"
ini_has_option test.ini database connection && echo "has connection"
ini_has_option test.ini database nope || echo "no nope"
inicomment test.ini DEFAULT verbose
iniuncomment test.ini DEFAULT verbose
iniadd test.ini multi value a b
echo "multi=$(iniget_multiline test.ini multi value)"
inidelete test.ini DEFAULT debug
iniset_multiline test.ini multi other x y
`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantOut := "debug=True\nmissing=[]\nhas connection\nno nope\nmulti=a b\n"
	if out != wantOut {
		t.Errorf("output %q, want %q", out, wantOut)
	}
	data, err := os.ReadFile(filepath.Join(dir, "test.ini"))
	if err != nil {
		t.Fatal(err)
	}
	want := "\n[DEFAULT]\nverbose = False\n\n[database]\nconnection = mysql://u:p@host/db\n\n[multi]\nother = x\nother = y\nvalue = a\nvalue = b\n"
	if string(data) != want {
		t.Errorf("test.ini = %q, want %q", data, want)
	}
}

// fakeTools writes programs that record their arguments into calls.
func fakeTools(t *testing.T, installed ...string) (bin, calls string) {
	t.Helper()
	bin = t.TempDir()
	calls = filepath.Join(bin, "calls")
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\necho \""+name+" $*\" >> "+calls+"\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("apt-get", "exit 0\n")
	write("dnf", "exit 0\n")
	write("dpkg", "for p in "+strings.Join(installed, " ")+" none; do [ \"$2\" = \"$p\" ] && exit 0; done\nexit 1\n")
	write("rpm", "exit 1\n")
	return bin, calls
}

func readCalls(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if !strings.HasPrefix(l, "dpkg") && !strings.HasPrefix(l, "rpm") {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestInstallPackage(t *testing.T) {
	if _, _, _, packaging := osVersion(); packaging != "deb" {
		t.Skip("written for apt-get")
	}
	tests := []struct {
		name    string
		env     []string
		script  string
		calls   []string
		failure string
	}{
		{
			name:   "one update per session",
			script: "install_package cowsay; install_package figlet jq",
			calls: []string{
				"apt-get --option Dpkg::Options::=--force-confold --assume-yes update",
				"apt-get --option Dpkg::Options::=--force-confold --assume-yes install cowsay",
				"apt-get --option Dpkg::Options::=--force-confold --assume-yes install figlet jq",
			},
		},
		{
			name:   "NO_UPDATE_REPOS",
			env:    []string{"NO_UPDATE_REPOS=True"},
			script: "install_package cowsay",
			calls:  []string{"apt-get --option Dpkg::Options::=--force-confold --assume-yes install cowsay"},
		},
		{
			name:   "offline and installed",
			env:    []string{"OFFLINE=True"},
			script: "install_package cowsay",
		},
		{
			name:    "offline and missing",
			env:     []string{"OFFLINE=True"},
			script:  "install_package figlet",
			failure: "OFFLINE=True, and figlet not installed",
		},
		{
			name:   "is_package_installed",
			script: "is_package_installed cowsay && echo yes; is_package_installed figlet || echo no",
		},
		{
			name:   "uninstall",
			script: "uninstall_package cowsay",
			calls:  []string{"apt-get --option Dpkg::Options::=--force-confold --assume-yes purge cowsay"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin, calls := fakeTools(t, "cowsay")
			out, err := script(t, t.TempDir(), append([]string{"PATH=" + bin + ":" + os.Getenv("PATH")}, tt.env...), tt.script)
			if tt.failure != "" {
				if err == nil || !strings.Contains(out, tt.failure) {
					t.Fatalf("err = %v, output %q, want a failure saying %q", err, out, tt.failure)
				}
			} else if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if got := readCalls(t, calls); strings.Join(got, "\n") != strings.Join(tt.calls, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.calls, "\n"))
			}
			if tt.name == "is_package_installed" && out != "yes\nno\n" {
				t.Errorf("output %q", out)
			}
		})
	}
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestGitClone(t *testing.T) {
	repo := t.TempDir()
	git(t, repo, "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(repo, "file"), []byte("one\n"), 0o644)
	git(t, repo, "add", "file")
	git(t, repo, "commit", "-q", "-m", "first")
	work := t.TempDir()
	dest := filepath.Join(work, "dest")

	for _, remote := range []string{repo, "file://" + repo} {
		os.RemoveAll(dest)
		if out, err := script(t, work, nil, "git_clone "+remote+" "+dest+" main"); err != nil || !strings.Contains(out, "first") {
			t.Fatalf("clone of %s: %v\n%s", remote, err, out)
		}
	}
	os.WriteFile(filepath.Join(repo, "file"), []byte("two\n"), 0o644)
	git(t, repo, "commit", "-q", "-am", "second")

	// An existing clone is left alone, unless RECLONE.
	if out, err := script(t, work, nil, "git_clone "+repo+" "+dest+" main"); err != nil || !strings.Contains(out, "first") {
		t.Fatalf("second git_clone: %v\n%s", err, out)
	}
	if out, err := script(t, work, []string{"RECLONE=True"}, "git_clone "+repo+" "+dest+" main"); err != nil || !strings.Contains(out, "second") {
		t.Fatalf("RECLONE: %v\n%s", err, out)
	}
	if data, _ := os.ReadFile(filepath.Join(dest, "file")); string(data) != "two\n" {
		t.Errorf("RECLONE left %q", data)
	}
	// OFFLINE never fetches: an existing clone is used, a missing one fails.
	if out, err := script(t, work, []string{"OFFLINE=True", "RECLONE=True"}, "git_clone /nonexistent "+dest+" main"); err != nil || !strings.Contains(out, "offline") {
		t.Errorf("OFFLINE with a clone: %v\n%s", err, out)
	}
	if out, err := script(t, work, []string{"OFFLINE=True"}, "git_clone "+repo+" "+filepath.Join(work, "other")+" main"); err == nil || !strings.Contains(out, "OFFLINE=True") {
		t.Errorf("OFFLINE without a clone: %v\n%s", err, out)
	}
	if out, err := script(t, work, []string{"ERROR_ON_CLONE=True"}, "git_clone "+repo+" "+filepath.Join(work, "third")+" main"); err == nil || !strings.Contains(out, "ERROR_ON_CLONE") {
		t.Errorf("ERROR_ON_CLONE: %v\n%s", err, out)
	}
}

func TestRunAndStopProcess(t *testing.T) {
	dest := t.TempDir()
	env := []string{"USE_SYSTEMD=False", "DEST=" + dest, "LOGDIR=" + filepath.Join(dest, "logs"), "ENABLED_SERVICES=sleeper"}
	out, err := script(t, dest, env, "run_process sleeper 'sleep 300'; run_process sleeper 'sleep 300'; run_process disabled 'sleep 300'")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "already running") {
		t.Errorf("second run_process started another: %q", out)
	}
	if _, err := os.Stat(filepath.Join(dest, "status", "disabled.pid")); err == nil {
		t.Error("a disabled service was started")
	}
	data, err := os.ReadFile(filepath.Join(dest, "status", "sleeper.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pgid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(-pgid, 0); err != nil {
		t.Fatalf("process group %d not running: %v", pgid, err)
	}
	for i := 0; i < 2; i++ {
		if out, err := script(t, dest, env, "stop_process sleeper"); err != nil {
			t.Fatalf("stop_process #%d: %v\n%s", i+1, err, out)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(-pgid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("process group %d still alive", pgid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(dest, "status", "sleeper.pid")); err == nil {
		t.Error("pid file left behind")
	}
}

func TestSystemFunctions(t *testing.T) {
	rel := osRelease()
	out, err := script(t, t.TempDir(), nil, `
GetOSVersion; echo "$os_RELEASE $os_CODENAME $os_PACKAGE"
printf '| id | name |\n| 42 | demo |\n' | get_field 2
printf '| a | b | c |\n' | get_field -1
time_start work; time_stop work; echo timed
time_stop never
`)
	want := rel["VERSION_ID"] + " " + rel["VERSION_CODENAME"]
	if !strings.HasPrefix(out, want) {
		t.Errorf("GetOSVersion: %q, want %q first", out, want)
	}
	if !strings.Contains(out, "\nname\ndemo\nc\ntimed\n") {
		t.Errorf("get_field or timers: %q", out)
	}
	if err == nil || !strings.Contains(out, "never started") {
		t.Errorf("time_stop of an unstarted timer: %v %q", err, out)
	}
}
