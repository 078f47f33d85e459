package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// statusReport is `devstack status --output json`.
type statusReport struct {
	Tree     string `json:"tree"`
	Kind     string `json:"kind"`
	Stackenv string `json:"stackenv"`
	Systemd  string `json:"systemd"`
	Services []struct {
		Name    string   `json:"name"`
		State   string   `json:"state"`
		Manager string   `json:"manager"`
		PID     int      `json:"pid"`
		PIDFile string   `json:"pid_file"`
		Unit    string   `json:"unit"`
		Listen  []string `json:"listen"`
		Why     string   `json:"why"`
	} `json:"services"`
}

func parseStatus(t *testing.T, res result) statusReport {
	t.Helper()
	var rep statusReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("status --output json printed no JSON (%v):\n%s\nstderr:\n%s", err, res.stdout, res.stderr)
	}
	return rep
}

// service finds a service in a report; the test fails without it.
func (rep statusReport) service(t *testing.T, name string) (state string, pid int, listen []string, why string) {
	t.Helper()
	for _, s := range rep.Services {
		if s.Name == name {
			return s.State, s.PID, s.Listen, s.Why
		}
	}
	t.Fatalf("status does not list %s: %+v", name, rep.Services)
	return
}

// A stack of the default tree and of a hook whose service listens from a
// child that left its process group: status finds both processes, their
// addresses, notices the one that died and the pid file whose process is
// another, and says nothing is running once unstack stopped them.
func TestStatusPluginTree(t *testing.T) {
	needsRoot(t)
	t.Parallel()
	st := newServiceTree(t, "ENABLED_SERVICES+=,kids")
	st.fakePackages(t)
	childPort := freePort(t)
	// The listening process is a child of the service's shell, in a
	// session and process group of its own.
	childPID := filepath.Join(st.dir, "child.pid")
	writeFile(t, st.dir, "extras.d/60-kids.sh", `if is_service_enabled kids && [[ "$1 $2" == "stack extra" ]]; then
    run_process kids "setsid sh -c 'echo \$\$ >`+childPID+`; exec python3 -m http.server --bind 127.0.0.1 `+childPort+`' & wait"
fi
if is_service_enabled kids && [[ "$1" == unstack ]]; then
    stop_process kids
fi
`)
	// The child left the service's process group: unstack does not stop
	// it.
	t.Cleanup(func() {
		var pid int
		data, _ := os.ReadFile(childPID)
		if _, err := fmt.Sscan(string(data), &pid); err == nil && pid > 1 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	mustSucceed(t, st.run(t, "stack"), "stack")

	var rep statusReport
	waitFor(t, "both services listening", func() (bool, string) {
		res := st.run(t, "status", "--output", "json")
		if res.status != 0 {
			return false, fmt.Sprintf("status %d: %s", res.status, res.stderr)
		}
		rep = parseStatus(t, res)
		_, _, a, _ := rep.service(t, "template")
		_, _, b, _ := rep.service(t, "kids")
		return len(a) > 0 && len(b) > 0, fmt.Sprintf("listening on %v and %v", a, b)
	})
	if data, err := os.ReadFile(childPID); err != nil || strings.Contains(string(data), "$") {
		t.Errorf("the child's pid file: %q, %v", data, err)
	}
	if rep.Kind != "plugin tree" || rep.Tree != st.dir {
		t.Errorf("report of %q (%s), want %s (plugin tree)", rep.Tree, rep.Kind, st.dir)
	}
	state, templatePID, listen, _ := rep.service(t, "template")
	if state != "running" || !slices.Equal(listen, []string{"127.0.0.1:" + st.port}) {
		t.Errorf("template: %s, listening on %v; want running on 127.0.0.1:%s", state, listen, st.port)
	}
	if pid, err := st.pid(); err != nil || pid != templatePID {
		t.Errorf("template's pid %d, the pid file's %d (%v)", templatePID, pid, err)
	}
	if state, _, listen, _ := rep.service(t, "kids"); state != "running" || !slices.Equal(listen, []string{"127.0.0.1:" + childPort}) {
		t.Errorf("kids: %s, listening on %v; want running on 127.0.0.1:%s, its child's", state, listen, childPort)
	}
	if state, pid, _, _ := rep.service(t, "n-cpu"); state != "no process" || pid != 0 {
		t.Errorf("n-cpu (the fake driver runs nothing): %s, pid %d", state, pid)
	}
	text := st.run(t, "status")
	mustSucceed(t, text, "status")
	for _, want := range []string{"SERVICE", "template", "running", fmt.Sprint(templatePID), "127.0.0.1:" + st.port, "kids", "127.0.0.1:" + childPort, "no process"} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("status does not show %q:\n%s", want, text.stdout)
		}
	}

	// The template server dies; the kids' identity no longer matches.
	syscall.Kill(-templatePID, syscall.SIGKILL)
	waitFor(t, "the template server gone", func() (bool, string) { return processGone(templatePID), "running" })
	identity := filepath.Join(st.dest, "status", "kids.pid.identity")
	recorded := readString(t, identity)
	writeFile(t, filepath.Dir(identity), filepath.Base(identity), "started=1 boot=another\n")
	res := st.run(t, "status", "--output", "json")
	if res.status != 1 {
		t.Errorf("status with a dead service: exit %d, want 1\n%s", res.status, res.stderr)
	}
	rep = parseStatus(t, res)
	if state, _, _, why := rep.service(t, "template"); state != "dead" || !strings.Contains(why, "no process") {
		t.Errorf("template after kill -9: %s (%s), want dead", state, why)
	}
	if state, _, _, why := rep.service(t, "kids"); state != "dead" || !strings.Contains(why, "another program") {
		t.Errorf("kids with a pid file whose identity differs: %s (%s), want dead, another program", state, why)
	}
	text = st.run(t, "status")
	if text.status != 1 || !strings.Contains(text.stdout, "template dead") || !strings.Contains(text.stderr, "template, kids") {
		t.Errorf("status: exit %d, want 1 naming both dead services\nstdout:\n%s\nstderr:\n%s", text.status, text.stdout, text.stderr)
	}

	// unstack leaves the record but no process.
	writeFile(t, filepath.Dir(identity), filepath.Base(identity), recorded)
	mustSucceed(t, st.run(t, "unstack"), "unstack")
	rep = parseStatus(t, st.run(t, "status", "--output", "json"))
	for _, s := range rep.Services {
		if s.State != "no process" {
			t.Errorf("after unstack, %s is %s", s.Name, s.State)
		}
	}
}

func TestStatusWithoutAStack(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	res := runDevstack(t, dir, "status")
	mustFail(t, res, "status of a tree never stacked", "no stack recorded", filepath.Join(dir, ".stackenv"))
	res = runDevstack(t, dir, "status", "--output", "json")
	if rep := parseStatus(t, res); res.status != 1 || len(rep.Services) != 0 {
		t.Errorf("status --output json of a tree never stacked: exit %d, %+v", res.status, rep)
	}
}

// devstackShapedStatusTree is a DevStack tree (stackrc and functions) that
// stacked key, n-api and mysql, as master's stack.sh records it.
func devstackShapedStatusTree(t *testing.T) (dir, dest string) {
	dir = t.TempDir()
	dest = filepath.Join(dir, "opt")
	writeFile(t, dir, "stackrc", "DEST=${DEST:-/opt/stack}\n")
	writeFile(t, dir, "functions", "# functions\n")
	writeFile(t, dir, ".stackenv", "# 2026-01-02-030405 1406\nDEST="+dest+"\nENABLED_SERVICES=key,n-api,mysql\nHOST_IP=10.0.0.5\n")
	return dir, dest
}

// A DevStack tree of 2014 kept pid files under $DEST/status/stack, with no
// identity beside them: a pid file is trusted when its process started
// before the file was written.
func TestStatusDevstackTreePidFiles(t *testing.T) {
	t.Parallel()
	dir, dest := devstackShapedStatusTree(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	screen := filepath.Join(dest, "status", "stack")
	writeFile(t, screen, "key.pid", fmt.Sprintf("%d\n", os.Getpid()))
	// This process started after the file was written, an hour ago: it
	// is not the process the file was written for.
	writeFile(t, screen, "n-api.pid", fmt.Sprintf("%d\n", os.Getpid()))
	hourAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(screen, "n-api.pid"), hourAgo, hourAgo); err != nil {
		t.Fatal(err)
	}
	res := runDevstack(t, dir, "status", "--output", "json")
	rep := parseStatus(t, res)
	if res.status != 1 || rep.Kind != "DevStack tree" {
		t.Errorf("exit %d (want 1: n-api is dead), kind %q", res.status, rep.Kind)
	}
	state, pid, listen, _ := rep.service(t, "key")
	if state != "running" || pid != os.Getpid() || !slices.Contains(listen, l.Addr().String()) {
		t.Errorf("key: %s, pid %d, listening on %v; want running, %d, on %s", state, pid, listen, os.Getpid(), l.Addr())
	}
	if state, _, _, why := rep.service(t, "n-api"); state != "dead" || !strings.Contains(why, "another program") {
		t.Errorf("n-api, whose pid file is older than the process: %s (%s)", state, why)
	}
	if state, _, _, _ := rep.service(t, "mysql"); state != "no process" {
		t.Errorf("mysql, with no pid file or unit: %s", state)
	}
}

// fakeSystemctl writes a systemctl that answers `show` as systemd would
// for devstack@key (running as this test's process), devstack@n-api
// (failed) and nothing else.
func fakeSystemctl(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "bin")
	writeFile(t, bin, "systemctl", fmt.Sprintf(`#!/bin/sh
echo "$@" >> %s/calls
for unit in "$@"; do
    case $unit in
    devstack@key.service)
        printf 'Id=%%s\nLoadState=loaded\nActiveState=active\nSubState=running\nMainPID=%d\nControlGroup=\nUnitFileState=enabled\n\n' "$unit" ;;
    devstack@n-api.service)
        printf 'Id=%%s\nLoadState=loaded\nActiveState=failed\nSubState=failed\nMainPID=0\nControlGroup=\nUnitFileState=enabled\n\n' "$unit" ;;
    devstack@*)
        printf 'Id=%%s\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nMainPID=0\n\n' "$unit" ;;
    esac
done
`, bin, os.Getpid()))
	if err := os.Chmod(filepath.Join(bin, "systemctl"), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

// DevStack master runs services as systemd units devstack@NAME: status
// asks systemctl show where systemd runs the machine (here, a mount
// namespace with /run/systemd/system), and says plainly where it does not.
func TestStatusDevstackTreeUnits(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for a mount namespace")
	}
	if err := exec.Command("unshare", "-m", "true").Run(); err != nil {
		t.Skipf("unshare -m: %v", err)
	}
	t.Parallel()
	dir, _ := devstackShapedStatusTree(t)
	bin := fakeSystemctl(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	path := "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")
	script := `mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system && exec "$@"`
	res := runCmdEnv(t, dir, []string{path}, "unshare", "-m", "sh", "-c", script, "sh", binary, "--top-dir", dir, "status", "--output", "json")
	rep := parseStatus(t, res)
	if res.status != 1 || rep.Systemd != "running" {
		t.Errorf("exit %d (want 1: n-api failed), systemd %q\n%s", res.status, rep.Systemd, res.stderr)
	}
	state, pid, listen, _ := rep.service(t, "key")
	if state != "running" || pid != os.Getpid() || !slices.Contains(listen, l.Addr().String()) {
		t.Errorf("key: %s, pid %d, listening on %v; want running, %d, on %s", state, pid, listen, os.Getpid(), l.Addr())
	}
	if state, _, _, why := rep.service(t, "n-api"); state != "dead" || !strings.Contains(why, "devstack@n-api.service is failed") {
		t.Errorf("n-api: %s (%s), want dead, its unit failed", state, why)
	}
	if state, _, _, _ := rep.service(t, "mysql"); state != "no process" {
		t.Errorf("mysql, no devstack@ unit: %s", state)
	}
	if calls := readString(t, filepath.Join(bin, "calls")); !strings.Contains(calls, "show") || !strings.Contains(calls, "devstack@n-api.service") {
		t.Errorf("systemctl was asked %q", calls)
	}

	// Without systemd, units that exist are named, and why their state
	// is not known.
	units := t.TempDir()
	writeFile(t, units, "devstack@key.service", "[Service]\nExecStart=/bin/true\n")
	if exists("/run/systemd/system") {
		return
	}
	res = runCmdEnv(t, dir, []string{path, "SYSTEMD_DIR=" + units}, binary, "--top-dir", dir, "status")
	if res.status != 0 || !strings.Contains(res.stdout, "systemd is not running on this machine") || !strings.Contains(res.stdout, "unknown") {
		t.Errorf("status without systemd: exit %d\n%s\n%s", res.status, res.stdout, res.stderr)
	}
}
