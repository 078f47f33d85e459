package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCleanRemovesNothingItMustNot runs clean with settings that point
// DATA_DIR at what a run must never remove. Every path involved is under
// the test's temporary directory (HOME too), so a failure of the guard
// destroys only test files.
func TestCleanRemovesNothingItMustNot(t *testing.T) {
	tests := []struct {
		name string
		// setting is the local.conf line; the tree is TOP, the home HOME.
		setting string
		// precious is a file that must survive, relative to the test dir.
		precious string
		// setup makes directories and links, given the test dir and TOP.
		setup func(t *testing.T, base, top string)
		// topDir, if set, is what --top-dir names, relative to base.
		topDir string
		// want is in clean's output.
		want string
	}{
		{name: "DATA_DIR is DEST", setting: "DATA_DIR=$DEST", precious: "tree/opt/nova/keep", want: "is DEST"},
		{name: "DATA_DIR is HOME", setting: "DATA_DIR=$HOME", precious: "home/.ssh/id_rsa", want: "is a home directory"},
		{name: "DATA_DIR is the tree through a symlinked top", setting: "DATA_DIR=$TOP_DIR", precious: "tree/keep", topDir: "link",
			setup: func(t *testing.T, base, top string) { symlink(t, top, filepath.Join(base, "link")) }, want: "is the tree"},
		{name: "dotdot after a symlink", setting: "DATA_DIR=$TOP_DIR/x/lnk/..", precious: "tree/keep",
			setup: func(t *testing.T, base, top string) {
				mustMkdir(t, filepath.Join(top, "x"), filepath.Join(top, "sub"))
				symlink(t, filepath.Join(top, "sub"), filepath.Join(top, "x", "lnk"))
			}, want: "is the tree"},
		{name: "relative parent", setting: "DATA_DIR=..", precious: "other/keep", want: "holds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			top := filepath.Join(base, "tree")
			copyDir(t, filepath.Join(repoRoot(t), "testdata", "trees", "basic"), top)
			appendLocalrc(t, top, tt.setting)
			home := filepath.Join(base, "home")
			writeFile(t, base, tt.precious, "precious\n")
			mustMkdir(t, home)
			if tt.setup != nil {
				tt.setup(t, base, top)
			}
			topDir := top
			if tt.topDir != "" {
				topDir = filepath.Join(base, tt.topDir)
			}
			res := runCmdEnv(t, base, []string{"HOME=" + home}, binary, "--top-dir", topDir, "--allow-root", "clean")
			if _, err := os.Stat(filepath.Join(base, tt.precious)); err != nil {
				t.Fatalf("clean removed %s: %v\n%s%s", tt.precious, err, res.stdout, res.stderr)
			}
			out := res.stdout + res.stderr
			if res.status == 0 || !strings.Contains(out, tt.want) {
				t.Errorf("clean: status %d, want non-zero and %q in:\n%s", res.status, tt.want, out)
			}
		})
	}
}

// TestCleanRelativeDataDirIsTheTrees: a relative DATA_DIR is the scripts',
// which run from the tree, whatever directory clean runs from.
func TestCleanRelativeDataDirIsTheTrees(t *testing.T) {
	base := t.TempDir()
	top := filepath.Join(base, "tree")
	copyDir(t, filepath.Join(repoRoot(t), "testdata", "trees", "basic"), top)
	appendLocalrc(t, top, "DATA_DIR=reldata")
	writeFile(t, base, "elsewhere/reldata/keep", "precious\n")
	writeFile(t, top, "reldata/state", "state\n")
	res := runCmd(t, filepath.Join(base, "elsewhere"), binary, "--top-dir", top, "--allow-root", "clean")
	mustSucceed(t, res, "clean")
	if _, err := os.Stat(filepath.Join(base, "elsewhere", "reldata", "keep")); err != nil {
		t.Errorf("clean removed the current directory's reldata: %v", err)
	}
	if _, err := os.Stat(filepath.Join(top, "reldata")); !os.IsNotExist(err) {
		t.Errorf("clean left the tree's reldata: %v", err)
	}
}

// TestRecursiveRemovalOfProtectedPathRefused: a hook's or a DevStack
// tree's own `rm -rf` (through sudo too) of a protected path does not
// run, is named, and fails the run.
func TestRecursiveRemovalOfProtectedPathRefused(t *testing.T) {
	t.Run("plugin tree hook", func(t *testing.T) {
		base := t.TempDir()
		top := filepath.Join(base, "tree")
		copyDir(t, filepath.Join(repoRoot(t), "testdata", "trees", "basic"), top)
		home := filepath.Join(base, "home")
		writeFile(t, home, "keep", "precious\n")
		writeFile(t, top, "extras.d/40-wipe.sh", "if [[ \"$1\" == clean ]]; then\n    sudo -E rm -rf \"$HOME/\"\nfi\n")
		res := runCmdEnv(t, base, []string{"HOME=" + home}, binary, "--top-dir", top, "--allow-root", "clean")
		if _, err := os.Stat(filepath.Join(home, "keep")); err != nil {
			t.Fatalf("the hook removed HOME: %v", err)
		}
		if out := res.stdout + res.stderr; res.status == 0 || !strings.Contains(out, "refusing `sudo -E rm -rf "+home+"/`") {
			t.Errorf("clean: status %d, output:\n%s", res.status, out)
		}
	})
	t.Run("DevStack tree clean.sh", func(t *testing.T) {
		base := t.TempDir()
		top := filepath.Join(base, "tree")
		copyDir(t, filepath.Join(repoRoot(t), "testdata", "trees", "devstack-mini"), top)
		dest := filepath.Join(top, "opt")
		writeFile(t, dest, "nova/keep", "precious\n")
		res := runCmdEnv(t, base, []string{"DEST=" + dest, "DATA_DIR=" + dest}, binary, "--top-dir", top, "--allow-root", "clean")
		if _, err := os.Stat(filepath.Join(dest, "nova", "keep")); err != nil {
			t.Fatalf("clean.sh removed DEST: %v", err)
		}
		out := res.stdout + res.stderr
		if !strings.Contains(out, "refusing `rm -rf") || !strings.Contains(out, "is DEST") {
			t.Errorf("clean.sh's rm -rf $DATA_DIR with DATA_DIR=$DEST was not refused (status %d):\n%s", res.status, out)
		}
	})
}

// appendLocalrc adds a line to local.conf's [[local|localrc]] section.
func appendLocalrc(t *testing.T, top, line string) {
	t.Helper()
	path := filepath.Join(top, "local.conf")
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.Contains(text, "[[local|localrc]]") {
		text = "[[local|localrc]]\n" + text
	}
	// At the end of the section, after the settings it may refer to.
	start := strings.Index(text, "[[local|localrc]]\n") + len("[[local|localrc]]\n")
	end := len(text)
	if next := strings.Index(text[start:], "\n[["); next >= 0 {
		end = start + next + 1
	}
	text = text[:end] + line + "\n" + text[end:]
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func mustMkdir(t *testing.T, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHookTurningErrexitOffIsUndone: a hook's set +e no longer lets the
// rest of a plugin-tree stack run past failures.
func TestHookTurningErrexitOffIsUndone(t *testing.T) {
	dir := copyTree(t, "basic")
	writeFile(t, dir, "extras.d/15-lax.sh", "if [[ \"$1\" == stack && \"$2\" == install ]]; then\n    set +e\nfi\n")
	writeFile(t, dir, "extras.d/25-fails.sh", "if [[ \"$1\" == stack && \"$2\" == install ]]; then\n    false\n    echo after-false > \"$TOP_DIR/after\"\nfi\n")
	res := runDevstack(t, dir, "stack")
	out := res.stdout + res.stderr
	if res.status == 0 {
		t.Fatalf("stack went past a failure after a hook's set +e:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "after")); err == nil {
		t.Errorf("the command after the failure ran")
	}
	if !strings.Contains(out, "extras.d/15-lax.sh turned errexit off (set +e)") {
		t.Errorf("no warning names the hook:\n%s", out)
	}
}

// TestBrokenHypervisorPluginAfterStack: a plugin broken after a stack (a
// syntax error, a function gone) fails unstack and clean, which still run
// every other step: the services are stopped and the state removed.
func TestBrokenHypervisorPluginAfterStack(t *testing.T) {
	tests := []struct {
		name   string
		damage func(text string) string
		want   string
	}{
		{"syntax error", func(text string) string { return text + "\nfunction broken {\n" }, "the hypervisor plugin is passed over"},
		{"function gone", func(text string) string {
			return strings.Replace(text, "function stop_nova_hypervisor {", "function stop_nova_hypervisor_gone {", 1)
		}, "does not define stop_nova_hypervisor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyTree(t, "basic")
			writeFile(t, dir, "extras.d/40-marker.sh", "if [[ \"$1\" == unstack ]]; then\n    echo unstacked > \"$TOP_DIR/unstacked\"\nfi\n")
			mustSucceed(t, runDevstack(t, dir, "stack"), "stack")
			plugin := filepath.Join(dir, "lib", "nova_plugins", "hypervisor-record")
			data, err := os.ReadFile(plugin)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(plugin, []byte(tt.damage(string(data))), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, command := range []string{"unstack", "clean"} {
				res := runDevstack(t, dir, command)
				out := res.stdout + res.stderr
				if res.status == 0 || !strings.Contains(out, tt.want) {
					t.Errorf("%s: status %d, want non-zero and %q:\n%s", command, res.status, tt.want, out)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "unstacked")); err != nil {
				t.Errorf("the unstack hooks did not run: %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "opt", "data")); !os.IsNotExist(err) {
				t.Errorf("clean left DATA_DIR: %v", err)
			}
		})
	}
}

// TestUntrustedScriptsAsRoot: as root, a hook anyone may write, or replace
// through its directory, is refused before anything runs; a sticky
// directory is fine; a hook symlinked from outside the tree is named.
func TestUntrustedScriptsAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the refusals apply to root's runs")
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string)
		refused bool
		want    string
	}{
		{"world-writable hook", func(t *testing.T, dir string) {
			chmod(t, filepath.Join(dir, "extras.d", "20-beta.sh"), 0o666)
		}, true, "refusing to run as root extras.d/20-beta.sh: anyone may write to it"},
		{"world-writable directory", func(t *testing.T, dir string) {
			chmod(t, filepath.Join(dir, "extras.d"), 0o777)
		}, true, "its directory " + "DIR/extras.d is world-writable"},
		{"sticky world-writable directory", func(t *testing.T, dir string) {
			chmod(t, filepath.Join(dir, "extras.d"), 0o777|os.ModeSticky)
		}, false, ""},
		{"symlink out of the tree", func(t *testing.T, dir string) {
			outside := filepath.Join(t.TempDir(), "20-beta.sh")
			data, err := os.ReadFile(filepath.Join(dir, "extras.d", "20-beta.sh"))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Dir(outside), "20-beta.sh", string(data))
			os.Remove(filepath.Join(dir, "extras.d", "20-beta.sh"))
			symlink(t, outside, filepath.Join(dir, "extras.d", "20-beta.sh"))
		}, false, "WARNING: extras.d/20-beta.sh is a symlink out of the tree"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyTree(t, "basic")
			tt.prepare(t, dir)
			res := runDevstack(t, dir, "stack")
			out := res.stdout + res.stderr
			if (res.status != 0) != tt.refused {
				t.Fatalf("status %d, refused=%v wanted:\n%s", res.status, tt.refused, out)
			}
			if tt.refused {
				if _, err := os.Stat(filepath.Join(dir, "record.txt")); err == nil {
					t.Errorf("a hook ran before the refusal")
				}
			}
			if want := strings.ReplaceAll(tt.want, "DIR", dir); !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		})
	}
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// TestBackgroundJobsEndWithTheRun: what a hook leaves running in the
// background (a job, a subshell's job, nohup) ends with the run; a service
// run_process started stays.
func TestBackgroundJobsEndWithTheRun(t *testing.T) {
	dir := copyTree(t, "basic")
	marker := "devstack-leftover-" + filepath.Base(dir)
	writeFile(t, dir, "extras.d/40-leave.sh", `if [[ "$1" == stack && "$2" == extra ]]; then
    bash -c 'exec -a `+marker+`-job sleep 300' &
    ( bash -c 'exec -a `+marker+`-subshell sleep 300' & )
    nohup bash -c 'exec -a `+marker+`-nohup sleep 300' >/dev/null 2>&1 &
    while [[ $(pgrep -fc '^`+marker+`') -lt 3 ]]; do sleep 0.02; done
fi
`)
	res := runDevstack(t, dir, "stack")
	mustSucceed(t, res, "stack")
	t.Cleanup(func() { exec.Command("pkill", "-f", marker).Run() })
	if left := processesNamed(t, marker); len(left) > 0 {
		t.Errorf("still running after stack: %q", left)
	}
	if !strings.Contains(res.stderr+res.stdout, "ended 3 background process(es)") {
		t.Errorf("the ending is not reported:\n%s%s", res.stdout, res.stderr)
	}
}

// TestSignalReachesTheScriptsChildren: TERM, HUP or QUIT to the devstack
// process alone (what timeout, CI runners and a lost terminal send)
// reaches what the scripts started, the grandchildren too; the status is
// 128+signal, and QUIT prints no dump of the runtime.
func TestSignalReachesTheScriptsChildren(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := copyTree(t, "basic")
			marker := "devstack-signal-" + filepath.Base(filepath.Dir(dir)) + "-" + strconv.Itoa(int(sig))
			ready := filepath.Join(dir, "ready")
			writeFile(t, dir, "extras.d/40-wait.sh", `if [[ "$1" == stack && "$2" == install ]]; then
    bash -c 'bash -c "exec -a `+marker+`-grandchild sleep 300" & touch `+ready+`; exec -a `+marker+`-child sleep 300'
fi
`)
			cmd := exec.Command(binary, "--top-dir", dir, "--allow-root", "stack")
			cmd.Env = testEnv()
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { exec.Command("pkill", "-f", marker).Run() })
			for i := 0; i < 500; i++ {
				if _, err := os.Stat(ready); err == nil {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond)
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) || exitErr.ExitCode() != 128+int(sig) {
				t.Errorf("status: %v, want %d\n%s", err, 128+int(sig), out.String())
			}
			if strings.Contains(out.String(), "goroutine ") {
				t.Errorf("a dump of the runtime:\n%s", out.String())
			}
			if left := processesNamed(t, marker); len(left) > 0 {
				t.Errorf("still running after %v: %q", sig, left)
			}
		})
	}
}

// processesNamed lists the command lines of the processes whose command
// line holds name.
func processesNamed(t *testing.T, name string) []string {
	t.Helper()
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || e.Name() == strconv.Itoa(os.Getpid()) {
			continue
		}
		line := strings.ReplaceAll(string(data), "\x00", " ")
		stat, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if strings.Contains(line, name) && !strings.Contains(string(stat), ") Z ") {
			found = append(found, line)
		}
	}
	return found
}

// TestSecretsMaskedInLogAndConsole: a password set in local.conf, echoed
// by a hook and passed to a failing command, shows as *** in the log, in
// the console's error and in its last lines; the log is not
// world-readable.
func TestSecretsMaskedInLogAndConsole(t *testing.T) {
	dir := copyTree(t, "basic")
	appendLocalrc(t, dir, "ADMIN_PASSWORD=S3cr3tPw")
	writeFile(t, dir, "extras.d/40-leak.sh", `if [[ "$1" == stack && "$2" == install ]]; then
    echo "using $ADMIN_PASSWORD"
    false --os-password "$ADMIN_PASSWORD"
fi
`)
	res := runDevstack(t, dir, "stack")
	out := res.stdout + res.stderr
	if res.status == 0 || strings.Contains(out, "S3cr3tPw") || !strings.Contains(out, "false --os-password ***") {
		t.Errorf("console (status %d):\n%s", res.status, out)
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "opt", "logs", "stack.sh.log.2*"))
	if len(logs) != 1 {
		t.Fatalf("logs: %q", logs)
	}
	data, err := os.ReadFile(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "S3cr3tPw") || !strings.Contains(string(data), "using ***") {
		t.Errorf("the log shows the password:\n%s", data)
	}
	if info, err := os.Stat(logs[0]); err != nil || info.Mode().Perm()&0o007 != 0 {
		t.Errorf("the log's mode: %v %v", info.Mode(), err)
	}
}

// TestCleanRefusesSystemDirectories points DATA_DIR at system directories
// and at what holds the tree. Each run is in a mount namespace of its own
// (unshare -m), with a tmpfs over the directory and a file in it: were
// the guard to fail, only that tmpfs would go.
func TestCleanRefusesSystemDirectories(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounts need root")
	}
	if err := exec.Command("unshare", "-m", "true").Run(); err != nil {
		t.Skipf("no mount namespace here: %v", err)
	}
	for _, dir := range []string{"/srv", "/home", "/boot", "/var/tmp", "/usr/local"} {
		t.Run(dir, func(t *testing.T) {
			top := copyTree(t, "basic")
			appendLocalrc(t, top, "DATA_DIR="+dir)
			script := `set -e
mount --make-rprivate / 2>/dev/null || true
mount -t tmpfs tmpfs "$1"
echo precious > "$1/keep"
"$2" --top-dir "$3" --allow-root clean && echo "clean status 0" || echo "clean status $?"
test -f "$1/keep" && echo "kept"
`
			cmd := exec.Command("unshare", "-m", "bash", "-c", script, "test", dir, binary, top)
			cmd.Env = testEnv()
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			text := string(out)
			if !strings.Contains(text, "kept") || strings.Contains(text, "clean status 0") || !strings.Contains(text, dir+" is a system directory") {
				t.Errorf("DATA_DIR=%s:\n%s", dir, text)
			}
		})
	}
}
