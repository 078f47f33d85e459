package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"devstack/internal/report"
)

// A DevStack tree runs its own stack.sh, unstack.sh and clean.sh. These
// tests run testdata/trees/devstack-mini, a miniature checkout shaped as
// DevStack's, under bash and under devstack.

// miniTree copies devstack-mini and gives it a local.conf enabling a
// plugin from a local path.
func miniTree(t *testing.T) string {
	t.Helper()
	dir := copyTree(t, "devstack-mini")
	plugin := t.TempDir()
	writeFile(t, plugin, "devstack/settings", "record \"plugin settings\"\n")
	writeFile(t, plugin, "devstack/plugin.sh", "record \"plugin $*\"\n")
	writeFile(t, dir, "local.conf", "[[local|localrc]]\nenable_plugin hello "+plugin+"\n")
	return dir
}

// runBash runs one of a tree's scripts under bash, as a user would, with
// the root refusal turned off the way harnesses do it, since tests may run
// as root.
func runBash(t *testing.T, dir, script string) result {
	t.Helper()
	for _, name := range []string{"stack.sh", "unstack.sh"} {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		data = []byte(strings.Replace(string(data), "if [[ $EUID -eq 0 ]]; then", "if false; then", 1))
		if err := os.WriteFile(path, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return runCmd(t, dir, "bash", "./"+script)
}

func TestDevStackTreeRunsItsOwnScriptsAsBash(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	ours, theirs := miniTree(t), miniTree(t)
	for _, step := range []struct{ command, script string }{
		{"stack", "stack.sh"},
		{"unstack", "unstack.sh"},
		{"clean", "clean.sh"},
	} {
		resetRecord(t, ours)
		resetRecord(t, theirs)
		bash := runBash(t, theirs, step.script)
		res := runDevstack(t, ours, step.command)
		if res.status != bash.status {
			t.Errorf("%s: exit status %d, bash's %d\nstderr:\n%s", step.command, res.status, bash.status, res.stderr)
		}
		want := record(t, theirs)
		if len(want) == 0 {
			t.Fatalf("%s under bash recorded nothing:\n%s%s", step.script, bash.stdout, bash.stderr)
		}
		if d := diffLines(want, record(t, ours)); d != "" {
			t.Errorf("%s record differs from bash's %s: %s", step.command, step.script, d)
		}
	}
}

func TestDevStackTreeConsoleShowsPhasesAndSummaries(t *testing.T) {
	dir := miniTree(t)
	res := runDevstack(t, dir, "stack")
	mustSucceed(t, res, "stack")
	for _, want := range []string{
		"(DevStack tree)",
		"==> override_defaults", "==> source", "==> stack pre-install", "==> stack install", "==> stack post-config", "==> stack extra",
		"Installing keystone", "Starting keystone",
		"stack timings",
	} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("console lacks %q:\n%s", want, res.stderr)
		}
	}
	if strings.Contains(res.stderr, "You are running this script as root") {
		t.Errorf("--allow-root did not pass over the tree's root refusal:\n%s", res.stderr)
	}

	res = runDevstack(t, dir, "clean")
	mustSucceed(t, res, "clean")
	for _, want := range []string{"==> unstack.sh: unstack", "==> clean"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("clean's console lacks %q (clean.sh's unstack.sh observed):\n%s", want, res.stderr)
		}
	}
}

func TestDevStackTreeDispatchesEveryExtrasScript(t *testing.T) {
	dir := miniTree(t)
	writeFile(t, dir, "extras.d/50-user.sh", "record \"50-user $*\"\n")
	writeFile(t, dir, "extras.d/README.md", "record \"a README must never run\"\n")
	mustSucceed(t, runDevstack(t, dir, "stack"), "stack")
	var user []string
	for _, line := range record(t, dir) {
		if strings.Contains(line, "must never run") {
			t.Errorf("a file that is not a hook ran: %q", line)
		}
		if strings.HasPrefix(line, "50-user") {
			user = append(user, line)
		}
	}
	// run_phase's phases and the inline loop's "stack install" alike.
	want := []string{
		"50-user override_defaults", "50-user source", "50-user stack pre-install",
		"50-user stack install", "50-user stack post-config", "50-user stack extra",
	}
	if d := diffLines(want, user); d != "" {
		t.Errorf("the user's extras.d script: %s", d)
	}
}

func TestDevStackTreeSyntaxErrorRunsNothing(t *testing.T) {
	dir := miniTree(t)
	writeFile(t, dir, "lib/glance", "function install_glance {\n    if true; then\n}\n")
	res := runDevstack(t, dir, "stack")
	mustFail(t, res, "stack", "lib/glance:3", "nothing was run")
	if got := record(t, dir); got != nil {
		t.Errorf("scripts ran before the syntax error was reported: %q", got)
	}
}

func TestDevStackTreeBrokenAlternativeOnlyWarns(t *testing.T) {
	// As juno's own lib/neutron_plugins/cisco: bash fails only a run that
	// sources it.
	dir := miniTree(t)
	writeFile(t, dir, "lib/nova_plugins/hypervisor-broken", "function install_nova_hypervisor {\n}\n")
	res := runDevstack(t, dir, "stack")
	mustSucceed(t, res, "stack")
	if !strings.Contains(res.stderr, "WARNING: lib/nova_plugins/hypervisor-broken:1:") {
		t.Errorf("no warning naming the broken plugin:\n%s", res.stderr)
	}

	resetRecord(t, dir)
	writeFile(t, dir, "local.conf", "[[local|localrc]]\nVIRT_DRIVER=broken\n")
	res = runDevstack(t, dir, "stack")
	mustFail(t, res, "stack", "hypervisor-broken")
}

func TestDevStackTreeRefusesAnIncompleteHypervisorPlugin(t *testing.T) {
	dir := miniTree(t)
	writeFile(t, dir, "lib/nova_plugins/hypervisor-fake", "record \"hypervisor-fake sourced\"\nfunction install_nova_hypervisor { :; }\nfunction configure_nova_hypervisor { :; }\nfunction start_nova_hypervisor { :; }\n")
	res := runDevstack(t, dir, "stack")
	mustFail(t, res, "stack", "stop_nova_hypervisor, cleanup_nova_hypervisor", "lib/nova_plugins/hypervisor-fake")
	got := record(t, dir)
	if len(got) < 2 || got[len(got)-2] != "hypervisor-fake sourced" || got[len(got)-1] != "exit_trap 1" {
		t.Errorf("stack went on after the plugin was sourced: %q", got)
	}

	resetRecord(t, dir)
	res = runDevstack(t, dir, "unstack")
	mustFail(t, res, "unstack", "stop_nova_hypervisor")
	if got := strings.Join(record(t, dir), "\n"); !strings.Contains(got, "stop_keystone") {
		t.Errorf("unstack did not go on stopping what it could:\n%s", got)
	}
}

func TestDevStackTreeFailureKeepsTheStatusAndNamesThePhase(t *testing.T) {
	dir := miniTree(t)
	writeFile(t, dir, "extras.d/80-tempest.sh", "record \"80-tempest $*\"\nif [[ $1 == stack && $2 == post-config ]]; then\n    ( exit 3 )\nfi\n")
	res := runDevstack(t, dir, "stack")
	if res.status != 3 {
		t.Errorf("exit status %d, want the failing command's 3\n%s", res.status, res.stderr)
	}
	for _, want := range []string{`phase "stack post-config"`, "extras.d/80-tempest.sh", "status 3"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("the error lacks %q:\n%s", want, res.stderr)
		}
	}
	if got := record(t, dir); got[len(got)-1] != "exit_trap 3" {
		t.Errorf("the tree's exit trap did not run with the status: %q", got)
	}
}

func TestDevStackTreeReservedHooks(t *testing.T) {
	dir := miniTree(t)
	writeFile(t, dir, "extras.d/95-late.sh", "record \"95-late $*\"\n")
	res := runDevstack(t, dir, "stack")
	mustSucceed(t, res, "stack")
	if !regexp.MustCompile(`extras.d/95-late.sh uses sequence number 95, reserved \(90-99\)`).MatchString(res.stderr) {
		t.Errorf("no warning for the reserved number:\n%s", res.stderr)
	}
	resetRecord(t, dir)
	res = runDevstack(t, dir, "--strict", "stack")
	mustFail(t, res, "stack --strict", "extras.d/95-late.sh")
	if got := record(t, dir); got != nil {
		t.Errorf("--strict ran scripts: %q", got)
	}
}

func TestDevStackTreeRefusesAVirtDriverWithoutPlugin(t *testing.T) {
	dir := miniTree(t)
	// A stale file stack.sh left: local.conf's settings are what counts.
	writeFile(t, dir, ".localrc.auto", "VIRT_DRIVER=fake\n")
	writeFile(t, dir, "local.conf", "[[local|localrc]]\nVIRT_DRIVER=xen\n")
	res := runDevstack(t, dir, "stack")
	mustFail(t, res, "stack", "VIRT_DRIVER=xen has no plugin", "fake")
	if got := record(t, dir); got != nil {
		t.Errorf("scripts ran before the refusal: %q", got)
	}

	// Without n-cpu the driver does not matter, as in DevStack.
	writeFile(t, dir, "local.conf", "[[local|localrc]]\nVIRT_DRIVER=xen\nENABLED_SERVICES=key\n")
	mustSucceed(t, runDevstack(t, dir, "stack"), "stack without n-cpu")
}

// TestDevStackTreeWritesEvents: a DevStack tree writes its own log; the
// run's events go beside it, LOGFILE.events for a stack and
// COMMAND.sh.log.events in LOGDIR for unstack, named in the JSON summary.
func TestDevStackTreeWritesEvents(t *testing.T) {
	dir := miniTree(t)
	logs := filepath.Join(dir, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	conf, err := os.ReadFile(filepath.Join(dir, "local.conf"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "local.conf", string(conf)+"LOGDIR="+logs+"\nLOGFILE="+logs+"/stack.sh.log\n")
	for _, tt := range []struct{ command, events string }{
		{"stack", "stack.sh.log.events"},
		{"unstack", "unstack.sh.log.events"},
	} {
		res := runDevstack(t, dir, tt.command, "--output", "json")
		mustSucceed(t, res, tt.command)
		s := parseSummary(t, res.stdout)
		want := filepath.Join(logs, tt.events)
		if s.Logs.Events != want {
			t.Errorf("%s: summary names events %q, want %q", tt.command, s.Logs.Events, want)
		}
		if !strings.Contains(res.stderr, "events "+want+")") {
			t.Errorf("%s: the console does not name the events file:\n%s", tt.command, res.stderr)
		}
		events := readEvents(t, want)
		phases := 0
		for _, e := range events {
			if e.Type == report.PhaseStart {
				phases++
			}
		}
		if events[0].Type != report.RunStart || events[len(events)-1].Type != report.RunEnd || phases == 0 {
			t.Errorf("%s: events %d, phases started %d, first %q, last %q", tt.command, len(events), phases, events[0].Type, events[len(events)-1].Type)
		}
	}
}
