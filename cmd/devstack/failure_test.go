package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBadInput(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		env    []string
		args   []string
		stderr []string
		record []string // the whole record, nil when nothing may run
	}{
		{
			name: "failing hook stops stack",
			files: map[string]string{"extras.d/15-fail.sh": `echo "15-fail $*" >> "$RECORD"
if [[ $2 == install ]]; then
    false
    echo "15-fail went on" >> "$RECORD"
fi
`},
			args:   []string{"stack"},
			stderr: []string{"extras.d/15-fail.sh", `phase "stack install"`, "at:      extras.d/15-fail.sh:3", "command: false"},
			record: concat(
				[]string{"10-alpha 1 override_defaults", "15-fail override_defaults", "20-beta 1 override_defaults",
					"hypervisor-record sourced VIRT_DRIVER=record",
					"10-alpha 1 source", "15-fail source", "20-beta 1 source",
					"10-alpha 2 stack pre-install", "15-fail stack pre-install"},
				stackHooks("pre-install")[1:],
				[]string{"hypervisor install_nova_hypervisor",
					"10-alpha 2 stack install", "10-alpha sees ALPHA_STATE=sourced and 'hello from alpha'",
					"15-fail stack install"},
			),
		},
		{
			name:   "syntax error runs nothing",
			files:  map[string]string{"extras.d/30-broken.sh": "echo fine\nif [[ -n x ]]; then\n    echo unfinished\n"},
			args:   []string{"stack"},
			stderr: []string{"extras.d/30-broken.sh:2", "nothing was run"},
		},
		{
			name:   "syntax error in a library",
			files:  map[string]string{"lib/broken": "function broken {\n    echo (\n}\n"},
			args:   []string{"unstack"},
			stderr: []string{"lib/broken:2"},
		},
		{
			name:   "missing plugin",
			files:  map[string]string{"local.conf": strings.Replace(readFixture(t, "local.conf"), "VIRT_DRIVER=record", "VIRT_DRIVER=nosuch", 1)},
			args:   []string{"stack"},
			stderr: []string{"VIRT_DRIVER=nosuch", "lib/nova_plugins/hypervisor-nosuch", "set VIRT_DRIVER to one of: fake, ", "record"},
		},
		{
			name: "incomplete plugin",
			files: map[string]string{"lib/nova_plugins/hypervisor-record": `echo "partial plugin sourced" >> "$RECORD"
function install_nova_hypervisor { :; }
function configure_nova_hypervisor { :; }
function start_nova_hypervisor { :; }
`},
			args:   []string{"stack"},
			stderr: []string{"lib/nova_plugins/hypervisor-record", "stop_nova_hypervisor, cleanup_nova_hypervisor"},
			record: []string{"10-alpha 1 override_defaults", "20-beta 1 override_defaults", "partial plugin sourced"},
		},
		{
			name:   "malformed local.conf header",
			files:  map[string]string{"local.conf": readFixture(t, "local.conf") + "\n[[post-config|$DEST/x.conf]\n[DEFAULT]\na = b\n"},
			args:   []string{"stack"},
			stderr: []string{"local.conf:" + fmt.Sprint(strings.Count(readFixture(t, "local.conf"), "\n")+2), "not closed"},
		},
		{
			name:   "failing line in [[local|localrc]]",
			files:  map[string]string{"local.conf": readFixture(t, "local.conf") + "\n[[local|localrc]]\nfalse\n"},
			args:   []string{"stack"},
			stderr: []string{`phase "configuration"`, "local.conf:" + fmt.Sprint(strings.Count(readFixture(t, "local.conf"), "\n")+3), "command: false"},
		},
		{
			name:   "content before any header",
			files:  map[string]string{"local.conf": "DEST=/tmp/x\n" + readFixture(t, "local.conf")},
			args:   []string{"unstack"},
			stderr: []string{"local.conf:1"},
		},
		{
			name:   "reserved range refused with --strict",
			files:  map[string]string{"extras.d/05-early.sh": `echo "05-early $*" >> "$RECORD"` + "\n"},
			args:   []string{"--strict", "stack"},
			stderr: []string{"extras.d/05-early.sh", "00-09"},
		},
		{
			name:   "reserved range refused with DEVSTACK_STRICT",
			files:  map[string]string{"extras.d/95-late.sh": `echo "95-late $*" >> "$RECORD"` + "\n"},
			env:    []string{"DEVSTACK_STRICT=true"},
			args:   []string{"stack"},
			stderr: []string{"extras.d/95-late.sh", "90-99"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyTree(t, "basic")
			for rel, content := range tt.files {
				writeFile(t, dir, rel, content)
			}
			res := runCmdEnv(t, dir, tt.env, binary, append([]string{"--top-dir", dir, "--allow-root"}, tt.args...)...)
			mustFail(t, res, tt.name, tt.stderr...)
			got := record(t, dir)
			if d := diffLines(tt.record, got); d != "" {
				t.Errorf("record: %s", d)
			}
		})
	}
}

func readFixture(t testing.TB, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "testdata", "trees", "basic", rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestReservedRangeWarnsAndRuns(t *testing.T) {
	dir := copyTree(t, "basic")
	writeFile(t, dir, "extras.d/05-early.sh", `echo "05-early $*" >> "$RECORD"`+"\n")
	res := runDevstack(t, dir, "unstack")
	mustSucceed(t, res, "unstack")
	if !strings.Contains(res.stderr, "WARNING: extras.d/05-early.sh") || !strings.Contains(res.stderr, "00-09") {
		t.Errorf("no warning naming the script and range:\n%s", res.stderr)
	}
	if !slices.Contains(record(t, dir), "05-early unstack") {
		t.Errorf("05-early did not run: %v", record(t, dir))
	}
}

func TestUnstackIsBestEffort(t *testing.T) {
	dir := copyTree(t, "basic")
	writeFile(t, dir, "extras.d/15-fail.sh", `echo "15-fail $*" >> "$RECORD"
if [[ $1 == unstack ]]; then
    false
fi
`)
	writeFile(t, dir, "extras.d/16-exit.sh", `if [[ $1 == unstack ]]; then
    echo "16-exit exits" >> "$RECORD"
    exit 3
fi
`)
	res := runDevstack(t, dir, "unstack")
	mustFail(t, res, "unstack with failing hooks",
		"extras.d/15-fail.sh", "extras.d/16-exit.sh", "status 3", "2 failed")
	got := record(t, dir)
	for _, want := range []string{"20-beta 1 unstack", "hypervisor stop_nova_hypervisor", "lib/demo stop_demo"} {
		if !slices.Contains(got, want) {
			t.Errorf("%q did not run after the failures:\n%s", want, strings.Join(got, "\n"))
		}
	}

	// clean, whose unstack runs the same failing hooks, also finishes and
	// names them.
	resetRecord(t, dir)
	res = runDevstack(t, dir, "clean")
	mustFail(t, res, "clean with failing unstack hooks", "extras.d/15-fail.sh", "extras.d/16-exit.sh")
	if !slices.Contains(record(t, dir), "lib/demo cleanup_demo") {
		t.Errorf("clean stopped early:\n%s", strings.Join(record(t, dir), "\n"))
	}
}

func TestRootIsRefusedWithoutAllowRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	dir := copyTree(t, "basic")
	res := runCmd(t, dir, binary, "--top-dir", dir, "stack")
	mustFail(t, res, "stack as root", "refusing to run as root", "--allow-root")
	if record(t, dir) != nil {
		t.Error("scripts ran although root was refused")
	}
	res = runCmdEnv(t, dir, []string{"DEVSTACK_ALLOW_ROOT=true"}, binary, "--top-dir", dir, "unstack")
	mustSucceed(t, res, "unstack with DEVSTACK_ALLOW_ROOT=true")
}

func TestInterruptStopsStackAndNamesWhere(t *testing.T) {
	dir := copyTree(t, "basic")
	writeFile(t, dir, "extras.d/15-sleep.sh", `if [[ $2 == install ]]; then
    echo "15-sleep sleeping" >> "$RECORD"
    sleep 60
    echo "15-sleep woke" >> "$RECORD"
fi
`)
	cmd := exec.Command(binary, "--top-dir", dir, "--allow-root", "stack")
	cmd.Env = testEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !slices.Contains(record(t, dir), "15-sleep sleeping") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the hook never started; stderr:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 130 {
		t.Errorf("exit: %v, want status 130", err)
	}
	res := result{stderr: stderr.String(), status: 130}
	mustFail(t, res, "interrupted stack", "interrupted", `phase "stack install"`, "extras.d/15-sleep.sh:3", "sleep 60")
	if slices.Contains(record(t, dir), "15-sleep woke") {
		t.Error("the hook went on after the interrupt")
	}
	log, err := os.ReadFile(filepath.Join(dir, "opt", "logs", "stack.sh.log"))
	if err != nil || !strings.Contains(string(log), "interrupted") {
		t.Errorf("the log does not end with the interruption: %v", err)
	}
}
