package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serviceTree is an empty directory, so the run uses the embedded default
// tree, with a local.conf keeping every path the service writes inside it.
// Services run under devstack's own supervisor even where systemd is PID
// 1: parallel tests would share one devstack@template unit.
type serviceTree struct {
	dir, dest, port string
	env             []string
}

// newServiceTree writes the local.conf; extra lines go into its
// [[local|localrc]] section.
func newServiceTree(t *testing.T, extra ...string) *serviceTree {
	t.Helper()
	dir := t.TempDir()
	st := &serviceTree{dir: dir, dest: filepath.Join(dir, "opt"), port: freePort(t)}
	writeFile(t, dir, "local.conf", strings.Join(append([]string{
		"[[local|localrc]]",
		"DEST=" + st.dest,
		"DATA_DIR=$DEST/data",
		"LOGDIR=$DEST/logs",
		"SERVICE_DIR=$DEST/status",
		"TEMPLATE_PORT=" + st.port,
		"TEMPLATE_CONF_DIR=$DEST/etc/template",
		"NOVA_CONF_DIR=$DEST/etc/nova",
		"USE_SYSTEMD=False",
	}, extra...), "\n")+"\n")
	// Whatever a failing test leaves running is stopped.
	t.Cleanup(func() {
		runCmdEnv(t, dir, st.env, binary, "--top-dir", dir, "--allow-root", "unstack")
		if pid, err := st.pid(); err == nil && !processGone(pid) {
			syscall.Kill(-pid, syscall.SIGKILL)
		}
	})
	return st
}

// run runs devstack on the tree with the tree's environment.
func (st *serviceTree) run(t *testing.T, args ...string) result {
	t.Helper()
	return runCmdEnv(t, st.dir, st.env, binary, append([]string{"--top-dir", st.dir, "--allow-root"}, args...)...)
}

func (st *serviceTree) url() string {
	return "http://127.0.0.1:" + st.port + "/"
}

// pid is the template server's process id, from the supervisor's pid file.
func (st *serviceTree) pid() (int, error) {
	data, err := os.ReadFile(filepath.Join(st.dest, "status", "template.pid"))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(data)))
}

// fakePackages puts testdata/fakebin's apt-get and dpkg first on the
// tree's PATH, with the packages named already installed, and
// returns the file they record their calls in.
func (st *serviceTree) fakePackages(t *testing.T, installed ...string) string {
	t.Helper()
	env, calls := fakePackagesEnv(t, installed...)
	st.env = append(st.env, env...)
	return calls
}

// fakePackagesEnv is the environment that puts testdata/fakebin's apt-get
// and dpkg first on PATH, with the packages named already installed, and
// the file they record their calls in.
func fakePackagesEnv(t *testing.T, installed ...string) (env []string, calls string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bin")
	state := filepath.Join(filepath.Dir(bin), "installed")
	calls = filepath.Join(filepath.Dir(bin), "calls")
	for _, dir := range []string{bin, state} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	src := filepath.Join(repoRoot(t), "testdata", "fakebin")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		// The copy makes the scripts executable whatever the checkout
		// kept of their mode.
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bin, e.Name()), data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range installed {
		writeFile(t, state, name, "")
	}
	return []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"FAKEBIN_CALLS=" + calls,
		"FAKEBIN_INSTALLED=" + state,
	}, calls
}

// needsRoot skips a test that stacks the template service: for anyone
// but root, install_package runs apt-get through sudo, which passes over
// the stand-in on PATH, and the service's directories are made with sudo.
func needsRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("stacks the template service: needs root, as CI runs")
	}
}

// freePort is a TCP port nothing listens on at the moment of asking.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// waitFor polls cond until it holds; the deadline is generous, for loaded
// CI machines, and only bounds a failure.
func waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %s after 60s", what, state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// get fetches a URL: status and body, or an error.
func get(url string) (int, string, error) {
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// processGone says whether a process has exited. A zombie counts as gone:
// the supervisor's children are reparented, and not every PID 1 reaps.
func processGone(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if err != nil {
		return syscall.Kill(pid, 0) != nil
	}
	// The state follows the command, which is in parentheses.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	return len(fields) > 0 && (fields[0] == "Z" || fields[0] == "X")
}

// calledWith says whether a stand-in recorded a call of program with all
// of words among its arguments.
func calledWith(t *testing.T, calls, program string, words ...string) bool {
	t.Helper()
	data, err := os.ReadFile(calls)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || fields[0] != program {
			continue
		}
		found := true
		for _, w := range words {
			found = found && slices.Contains(fields[1:], w)
		}
		if found {
			return true
		}
	}
	return false
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func readString(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// assertServing waits for the service to answer 200 with its status page.
func (st *serviceTree) assertServing(t *testing.T) string {
	t.Helper()
	var body string
	waitFor(t, "template at "+st.url(), func() (bool, string) {
		status, b, err := get(st.url())
		if err != nil {
			return false, err.Error()
		}
		body = b
		return status == http.StatusOK, fmt.Sprintf("status %d", status)
	})
	if !strings.Contains(body, "template: running") {
		t.Errorf("status page lacks its heading:\n%s", body)
	}
	return body
}

// assertStopped checks that unstack left nothing listening or running.
func (st *serviceTree) assertStopped(t *testing.T, pid int) {
	t.Helper()
	waitFor(t, "port "+st.port+" closed", func() (bool, string) {
		conn, err := net.DialTimeout("tcp", "127.0.0.1:"+st.port, time.Second)
		if err != nil {
			return true, ""
		}
		conn.Close()
		return false, "accepting connections"
	})
	if !processGone(pid) {
		t.Errorf("the template server, pid %d, is still running after unstack", pid)
	}
}

func TestTemplateServiceStackUnstackClean(t *testing.T) {
	needsRoot(t)
	t.Parallel()
	st := newServiceTree(t)
	calls := st.fakePackages(t)

	res := st.run(t, "stack")
	mustSucceed(t, res, "stack")
	if !strings.Contains(res.stderr, st.url()) {
		t.Errorf("stack did not say where the service is (%s):\n%s", st.url(), res.stderr)
	}
	if !calledWith(t, calls, "apt-get", "install", "cowsay") {
		t.Errorf("apt-get was not asked to install cowsay; calls:\n%s", readString(t, calls))
	}
	st.assertServing(t)
	pid, err := st.pid()
	if err != nil {
		t.Fatalf("no pid file for the template server: %v", err)
	}
	if processGone(pid) {
		t.Fatalf("pid %d from the pid file is not running", pid)
	}

	nova := readString(t, filepath.Join(st.dest, "etc", "nova", "nova.conf"))
	for _, want := range []string{"compute_driver = fake.FakeDriverWithoutFakeNodes", "[quota]", "driver = nova.quota.NoopQuotaDriver"} {
		if !strings.Contains(nova, want) {
			t.Errorf("nova.conf lacks %q:\n%s", want, nova)
		}
	}
	conf := filepath.Join(st.dest, "etc", "template", "template.conf")
	if c := readString(t, conf); !strings.Contains(c, "port = "+st.port) {
		t.Errorf("template.conf lacks the port:\n%s", c)
	}

	mustSucceed(t, st.run(t, "unstack"), "unstack")
	st.assertStopped(t, pid)
	mustSucceed(t, st.run(t, "unstack"), "second unstack")

	mustSucceed(t, st.run(t, "clean"), "clean")
	for _, gone := range []string{
		filepath.Join(st.dest, "data"),
		filepath.Join(st.dest, "status"),
		filepath.Join(st.dir, ".stackenv"),
		filepath.Join(st.dest, "etc", "template"),
		filepath.Join(st.dest, "etc", "nova"),
	} {
		if exists(gone) {
			t.Errorf("clean left %s behind", gone)
		}
	}
	onlyCleanLog(t, filepath.Join(st.dest, "logs"))
	mustSucceed(t, st.run(t, "clean"), "second clean")
}

func TestTemplateStackTwiceKeepsOneServer(t *testing.T) {
	needsRoot(t)
	t.Parallel()
	st := newServiceTree(t)
	st.fakePackages(t)
	mustSucceed(t, st.run(t, "stack"), "stack")
	first, err := st.pid()
	if err != nil {
		t.Fatal(err)
	}
	mustSucceed(t, st.run(t, "stack"), "second stack")
	st.assertServing(t)
	second, err := st.pid()
	if err != nil {
		t.Fatal(err)
	}
	if second != first && !processGone(first) {
		t.Errorf("the first server, pid %d, still runs beside the second, pid %d", first, second)
	}
	mustSucceed(t, st.run(t, "unstack"), "unstack")
	st.assertStopped(t, second)
}

func TestOfflineStackMakesNoAptCall(t *testing.T) {
	needsRoot(t)
	t.Parallel()
	st := newServiceTree(t, "OFFLINE=True")
	calls := st.fakePackages(t, "python3", "cowsay")
	mustSucceed(t, st.run(t, "stack"), "stack with OFFLINE=True")
	st.assertServing(t)
	if !calledWith(t, calls, "dpkg", "-s", "cowsay") {
		t.Errorf("the installed packages were not checked; calls:\n%s", readString(t, calls))
	}
	if calledWith(t, calls, "apt-get") {
		t.Errorf("OFFLINE=True, yet apt-get ran; calls:\n%s", readString(t, calls))
	}
	mustSucceed(t, st.run(t, "unstack"), "unstack")
}

func TestLibvirtRefusedWithoutSystemd(t *testing.T) {
	if exists("/run/systemd/system") {
		t.Skip("systemd is PID 1 here; the refusal is for machines without it")
	}
	t.Parallel()
	st := newServiceTree(t, "VIRT_DRIVER=libvirt", "ENABLED_SERVICES=n-cpu")
	calls := st.fakePackages(t)
	res := st.run(t, "stack")
	mustFail(t, res, "stack with VIRT_DRIVER=libvirt", "install_nova_hypervisor", "systemd as PID 1")
	if calledWith(t, calls, "apt-get", "install") {
		t.Errorf("packages were installed before the refusal; calls:\n%s", readString(t, calls))
	}
}

// TestTemplateInstallsARealPackage runs the default tree with the
// machine's own apt-get: cowsay is really installed, and draws the
// status page.
func TestTemplateInstallsARealPackage(t *testing.T) {
	needsRoot(t)
	if _, err := exec.LookPath("apt-get"); err != nil {
		t.Skip("needs apt-get")
	}
	t.Parallel()
	st := newServiceTree(t, "ENABLED_SERVICES=template")
	mustSucceed(t, st.run(t, "stack"), "stack with the real apt-get")
	if out, err := exec.Command("dpkg", "-s", "cowsay").CombinedOutput(); err != nil {
		t.Errorf("cowsay is not installed after stack: %v\n%s", err, out)
	}
	if body := st.assertServing(t); !strings.Contains(body, "(oo)") {
		t.Errorf("no cow on the status page:\n%s", body)
	}
	mustSucceed(t, st.run(t, "unstack"), "unstack")
	mustSucceed(t, st.run(t, "clean"), "clean")
}

func TestTemplatePortTakenIsNamed(t *testing.T) {
	needsRoot(t)
	t.Parallel()
	st := newServiceTree(t)
	st.fakePackages(t)
	taken, err := net.Listen("tcp", "127.0.0.1:"+st.port)
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	res := st.run(t, "stack")
	mustFail(t, res, "stack with TEMPLATE_PORT taken", "start_template", "127.0.0.1:"+st.port+" is taken", "TEMPLATE_PORT")
}
