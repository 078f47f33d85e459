package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// DEVSTACK_* yes-or-no settings read as DevStack's trueorfalse reads
// them: DEVSTACK_ALLOW_ROOT=yes lets root run, as OFFLINE=yes is true.
func TestAllowRootReadLikeTrueorfalse(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the root refusal is for root")
	}
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "local.conf", "[[local|localrc]]\nDEST="+filepath.Join(dir, "opt")+"\nENABLED_SERVICES=\n")
	for _, value := range []string{"yes", "Yes", "YES", "True", "true", "1", "on"} {
		res := runCmdEnv(t, dir, []string{"DEVSTACK_ALLOW_ROOT=" + value}, binary, "--top-dir", dir, "unstack")
		mustSucceed(t, res, "unstack with DEVSTACK_ALLOW_ROOT="+value)
	}
	for _, value := range []string{"no", "False", "0"} {
		res := runCmdEnv(t, dir, []string{"DEVSTACK_ALLOW_ROOT=" + value}, binary, "--top-dir", dir, "unstack")
		mustFail(t, res, "unstack with DEVSTACK_ALLOW_ROOT="+value, "refusing to run as root")
	}
	res := runCmdEnv(t, dir, []string{"DEVSTACK_ALLOW_ROOT=maybe"}, binary, "--top-dir", dir, "unstack")
	mustFail(t, res, "DEVSTACK_ALLOW_ROOT=maybe", "DEVSTACK_ALLOW_ROOT=maybe is neither true nor false")
}

func TestSettingsFileUnknownKeyWarned(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	config := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, filepath.Dir(config), "config.yaml", "allow-root: yes\nstrcit: true\n")
	res := runCmdEnv(t, dir, []string{"DEVSTACK_CONFIG=" + config}, binary, "--top-dir", dir, "plan")
	mustSucceed(t, res, "plan with a settings file")
	if !strings.Contains(res.stderr, config) || !strings.Contains(res.stderr, `"strcit"`) {
		t.Errorf("no warning naming %s and the key strcit:\n%s", config, res.stderr)
	}
}

func TestVersionFlagAndHelp(t *testing.T) {
	t.Parallel()
	flag := runCmd(t, t.TempDir(), binary, "--version")
	command := runCmd(t, t.TempDir(), binary, "version")
	mustSucceed(t, flag, "--version")
	if flag.stdout != command.stdout || !strings.HasPrefix(flag.stdout, "devstack ") {
		t.Errorf("--version printed %q, version %q", flag.stdout, command.stdout)
	}
	help := runCmd(t, t.TempDir(), binary, "--help")
	mustSucceed(t, help, "--help")
	for _, want := range []string{"Examples:", "devstack --top-dir /tmp/cloud stack", "DEVSTACK_ALLOW_ROOT", "DEVSTACK_CONFIG",
		"Exit status:", "128+N", "2        usage", "status", "plan"} {
		if !strings.Contains(help.stdout, want) {
			t.Errorf("--help lacks %q:\n%s", want, help.stdout)
		}
	}
}

// As a user other than root on a machine without sudo, a run stops
// before it starts, saying so, rather than at the first package.
func TestNoSudoRefusedUpFront(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("runs the binary as nobody, which needs root")
	}
	t.Parallel()
	// nobody must reach the binary and the tree.
	shared, err := os.MkdirTemp("", "devstack-nosudo-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(shared) })
	if err := os.Chmod(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(shared, "devstack")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	// A PATH with the programs but no sudo.
	tools := filepath.Join(shared, "bin")
	if err := os.MkdirAll(tools, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"bash", "id", "apt-get"} {
		if path, err := exec.LookPath(tool); err == nil {
			os.Symlink(path, filepath.Join(tools, tool))
		}
	}
	cmd := exec.Command(bin, "--top-dir", shared, "stack")
	cmd.Env = []string{"PATH=" + tools, "HOME=" + shared, "XDG_CONFIG_HOME=/nonexistent"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("stack as nobody without sudo: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "sudo is not installed") || strings.Contains(stderr.String(), "apt-get") && !strings.Contains(stderr.String(), "apt-get install sudo") {
		t.Errorf("the refusal does not name sudo:\n%s", stderr.String())
	}
	if exists(filepath.Join(shared, ".stackenv")) {
		t.Error("the stack ran")
	}
}
