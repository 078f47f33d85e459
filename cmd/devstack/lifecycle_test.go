package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// firstSteps is what every command of the basic tree records before its
// own phases: override_defaults, the hypervisor plugin, source.
var firstSteps = []string{
	"10-alpha 1 override_defaults",
	"20-beta 1 override_defaults",
	"hypervisor-record sourced VIRT_DRIVER=record",
	"10-alpha 1 source",
	"20-beta 1 source",
}

func stackHooks(phase string) []string {
	return []string{
		"10-alpha 2 stack " + phase,
		"20-beta 2 stack " + phase,
		"20-beta " + phase + " continues after return check, DEMO_STATE=defined",
	}
}

func concat(parts ...[]string) []string {
	var all []string
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

// The tool calls no service function: lib/demo's are called by its
// dispatch script, 30-demo.sh, in its phases; the tool calls only the
// hypervisor plugin's, before the hooks of the phase.
var wantStack = concat(
	firstSteps,
	stackHooks("pre-install"),
	[]string{"hypervisor install_nova_hypervisor"},
	[]string{
		"10-alpha 2 stack install",
		"10-alpha sees ALPHA_STATE=sourced and 'hello from alpha'",
		"20-beta 2 stack install",
		"20-beta install continues after return check, DEMO_STATE=defined",
		"lib/demo install_demo 0",
	},
	[]string{"hypervisor configure_nova_hypervisor"},
	stackHooks("post-config"),
	[]string{"lib/demo configure_demo", "lib/demo init_demo"},
	[]string{"hypervisor start_nova_hypervisor"},
	stackHooks("extra"),
	[]string{"lib/demo start_demo"},
	stackHooks("test-config"),
)

var wantUnstack = concat(
	firstSteps,
	[]string{"10-alpha 1 unstack", "20-beta 1 unstack", "lib/demo stop_demo", "hypervisor stop_nova_hypervisor"},
)

var wantClean = concat(
	firstSteps,
	wantUnstack,
	[]string{"10-alpha 1 clean", "20-beta 1 clean", "lib/demo cleanup_demo", "hypervisor cleanup_nova_hypervisor"},
)

func TestStackUnstackCleanOrder(t *testing.T) {
	dir := copyTree(t, "basic")
	for _, step := range []struct {
		args []string
		want []string
	}{
		{[]string{"stack"}, wantStack},
		{[]string{"unstack"}, wantUnstack},
		{[]string{"clean"}, wantClean},
	} {
		resetRecord(t, dir)
		res := runDevstack(t, dir, step.args...)
		mustSucceed(t, res, strings.Join(step.args, " "))
		if d := diffLines(step.want, record(t, dir)); d != "" {
			t.Errorf("%s record differs: %s", step.args[0], d)
		}
	}
}

func TestStackLeavesStateAndCleanRemovesIt(t *testing.T) {
	dir := copyTree(t, "basic")
	res := runDevstack(t, dir, "stack")
	mustSucceed(t, res, "stack")

	opt := filepath.Join(dir, "opt")
	for _, sub := range []string{"", "data", "logs"} {
		if info, err := os.Stat(filepath.Join(opt, sub)); err != nil || !info.IsDir() {
			t.Errorf("stack did not create %s: %v", filepath.Join(opt, sub), err)
		}
	}
	stackenv, err := os.ReadFile(filepath.Join(dir, ".stackenv"))
	if err != nil {
		t.Fatalf("no .stackenv: %v", err)
	}
	for _, want := range []string{"DEST=" + opt, "ENABLED_SERVICES=n-cpu,demo", "VIRT_DRIVER=record"} {
		if !strings.Contains(string(stackenv), want+"\n") {
			t.Errorf(".stackenv lacks %q:\n%s", want, stackenv)
		}
	}

	// A new file starts with a blank line, as DevStack's iniset writes it;
	// the two sections for demo.conf are one fragment, values expanded.
	for file, want := range map[string]string{
		"demo.conf":    "\n[DEFAULT]\ndebug = True\ndebug = False\ndest = " + opt + "\n",
		"extra.conf":   "\n[extra]\nphase = extra\n",
		"tempest.conf": "\n[compute]\nfake = yes\n",
	} {
		got, err := os.ReadFile(filepath.Join(opt, file))
		if err != nil {
			t.Errorf("local.conf section for %s not merged: %v", file, err)
			continue
		}
		if string(got) != want {
			t.Errorf("%s = %q, want %q", file, got, want)
		}
	}

	// The log: a timestamped file with the trace of the scripts' commands,
	// and stack.sh.log pointing at it.
	link := filepath.Join(opt, "logs", "stack.sh.log")
	target, err := os.Readlink(link)
	if err != nil {
		t.Fatalf("no stack.sh.log link: %v", err)
	}
	if !strings.HasPrefix(target, "stack.sh.log.") {
		t.Errorf("stack.sh.log points at %q", target)
	}
	log, err := os.ReadFile(link)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"+ extras.d/10-alpha.sh:3 echo '10-alpha 2 stack install'",
		"+ lib/demo:8:install_demo echo 'lib/demo install_demo 0'",
		"==> stack post-config",
	} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	// Steps this quick (each under 0.1 s) leave the timing table out: the
	// last line says how long the run took.
	if !regexp.MustCompile(`\| stack completed in \d+\.\d seconds\.\n$`).MatchString(res.stderr) {
		t.Errorf("the console does not end with the run's time:\n%s", res.stderr)
	}

	mustSucceed(t, runDevstack(t, dir, "clean"), "clean")
	for _, gone := range []string{filepath.Join(opt, "data"), filepath.Join(dir, ".stackenv")} {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("clean left %s behind (%v)", gone, err)
		}
	}
	onlyCleanLog(t, filepath.Join(opt, "logs"))
	mustSucceed(t, runDevstack(t, dir, "clean"), "second clean")
	mustSucceed(t, runDevstack(t, dir, "unstack"), "unstack after clean")
	mustSucceed(t, runDevstack(t, dir, "unstack"), "second unstack")
}

// onlyCleanLog checks that clean emptied LOGDIR but for its own log: the
// clean.sh.log link and the file it points at.
func onlyCleanLog(t *testing.T, logdir string) {
	t.Helper()
	entries, err := os.ReadDir(logdir)
	if err != nil {
		t.Fatalf("clean did not keep its log: %v", err)
	}
	target, err := os.Readlink(filepath.Join(logdir, "clean.sh.log"))
	if err != nil {
		t.Fatalf("no clean.sh.log link: %v", err)
	}
	stamp := strings.TrimPrefix(target, "clean.sh.log.")
	for _, e := range entries {
		// Its events file, clean.sh.log.events, a link to
		// clean.sh.log.events.STAMP, is clean's own too.
		if e.Name() != "clean.sh.log" && e.Name() != target && e.Name() != "clean.sh.log.events" && e.Name() != "clean.sh.log.events."+stamp {
			t.Errorf("clean left %s in LOGDIR", e.Name())
		}
	}
	if data, err := os.ReadFile(filepath.Join(logdir, target)); err != nil || !strings.Contains(string(data), "==> remove state") {
		t.Errorf("clean's log lacks its last step (%v):\n%s", err, data)
	}
}

func TestLocalrcWinsOverStackrc(t *testing.T) {
	dir := copyTree(t, "basic")
	writeFile(t, dir, "extras.d/30-settings.sh", `
if [[ $1 == source ]]; then
    echo "settings DEST=${DEST#$TOP_DIR/} LOGDIR=${LOGDIR#$TOP_DIR/} SERVICE_HOST=$SERVICE_HOST" >> "$RECORD"
fi
`)
	mustSucceed(t, runDevstack(t, dir, "stack"), "stack")
	want := "settings DEST=opt LOGDIR=opt/logs SERVICE_HOST=127.0.0.1"
	if !strings.Contains(strings.Join(record(t, dir), "\n"), want) {
		t.Errorf("record lacks %q:\n%s", want, strings.Join(record(t, dir), "\n"))
	}
}

func TestLegacyLocalrcIsUsedWithWarning(t *testing.T) {
	dir := copyTree(t, "basic")
	writeFile(t, dir, "localrc", `DEST=$TOP_DIR/legacy
RECORD=$TOP_DIR/record.txt
ENABLED_SERVICES=demo
DEMO_CONF=$DEST/demo.conf
`)
	res := runDevstack(t, dir, "stack")
	mustSucceed(t, res, "stack")
	if !strings.Contains(res.stderr, "legacy localrc") {
		t.Errorf("no warning about localrc:\n%s", res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "legacy", "data")); err != nil {
		t.Errorf("localrc's DEST not used: %v", err)
	}
	for _, line := range record(t, dir) {
		if strings.Contains(line, "hypervisor") {
			t.Errorf("n-cpu came from local.conf although localrc replaces it: %q", line)
		}
	}
}

func TestHooksOnlyShSourcedInByteOrder(t *testing.T) {
	dir := copyTree(t, "basic")
	writeFile(t, dir, "extras.d/15-Upper.sh", `echo "15-Upper $*" >> "$RECORD"`+"\n")
	writeFile(t, dir, "extras.d/15-lower.sh", `echo "15-lower $*" >> "$RECORD"`+"\n")
	mustSucceed(t, runDevstack(t, dir, "unstack"), "unstack")
	var order []string
	for _, line := range record(t, dir) {
		if strings.HasSuffix(line, " unstack") {
			order = append(order, strings.Fields(line)[0])
		}
		if strings.Contains(line, "must never run") {
			t.Errorf("a file that is not a hook ran: %q", line)
		}
	}
	want := []string{"10-alpha", "15-Upper", "15-lower", "20-beta"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("hook order %v, want %v", order, want)
	}
}

func TestXtraceInTheLogHonoursPS4(t *testing.T) {
	dir := copyTree(t, "basic")
	writeFile(t, dir, "extras.d/30-xt.sh", `function where_am_i {
    echo -n "${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}"
}
if [[ $1 == stack && $2 == install ]]; then
    PS4='+ $(where_am_i): '
    set -o xtrace
    echo "traced with PS4"
    set +o xtrace
    echo "not traced"
fi
`)
	mustSucceed(t, runDevstack(t, dir, "stack"), "stack")
	log, err := os.ReadFile(filepath.Join(dir, "opt", "logs", "stack.sh.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "| + 30-xt.sh:7: echo 'traced with PS4'\n") {
		t.Errorf("no PS4 trace line in the log:\n%s", log)
	}
	if strings.Contains(string(log), "where_am_i echo") || strings.Contains(string(log), "30-xt.sh:9: echo") {
		t.Errorf("PS4's own commands, or commands after set +x, traced with PS4:\n%s", log)
	}
}
