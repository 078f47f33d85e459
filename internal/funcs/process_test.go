package funcs

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// waitGone waits, generously, for a process group to end.
func waitGone(t *testing.T, pgid int) {
	t.Helper()
	if !waitGroup(pgid, 30*time.Second) {
		t.Fatalf("process group %d still running", pgid)
	}
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func TestRunAndStopProcess(t *testing.T) {
	dest := t.TempDir()
	logdir := filepath.Join(dest, "logs")
	env := []string{"USE_SYSTEMD=False", "DEST=" + dest, "LOGDIR=" + logdir, "ENABLED_SERVICES=sleeper,other"}
	pidPath := filepath.Join(dest, "status", "sleeper.pid")

	// The command is shell text: a child in the background, output, and
	// a variable from ENV_VARS.
	s, out, err := runScript(t, dest, env, `
run_process sleeper 'sleep 300 & echo "hello $GREETING"; sleep 301' "" "" "GREETING=world"
run_process sleeper 'sleep 300'
run_process disabled 'sleep 300'
is_running sleeper && echo "sleeper running"
is_running no-such-service-anywhere || echo "nothing running"
`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "sleeper is running already") || !strings.Contains(out, "sleeper running\nnothing running\n") {
		t.Errorf("output %q", out)
	}
	if _, ok := s.lib.Timings()["run_process"]; !ok {
		t.Errorf("run_process is not timed: %v", s.lib.Timings())
	}
	if _, err := os.Stat(filepath.Join(dest, "status", "disabled.pid")); err == nil {
		t.Error("a disabled service was started")
	}
	pgid := readPid(t, pidPath)
	t.Cleanup(func() { syscall.Kill(-pgid, syscall.SIGKILL) })
	if !groupRunning(pgid) {
		t.Fatalf("process group %d is not running", pgid)
	}
	if got, err := syscall.Getpgid(pgid); err != nil || got != pgid {
		t.Errorf("the service's process group is %d (%v), want its own, %d", got, err, pgid)
	}
	if pgid == syscall.Getpgrp() {
		t.Error("the service shares the test's process group")
	}
	logFile := filepath.Join(logdir, "sleeper.log")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if data, _ := os.ReadFile(logFile); string(data) == "hello world\n" {
			break
		}
		if time.Now().After(deadline) {
			data, _ := os.ReadFile(logFile)
			t.Fatalf("%s holds %q", logFile, data)
		}
		time.Sleep(20 * time.Millisecond)
	}

	for i := 1; i <= 2; i++ {
		if out, err := script(t, dest, env, "stop_process sleeper"); err != nil {
			t.Fatalf("stop_process #%d: %v\n%s", i, err, out)
		}
		waitGone(t, pgid)
		if _, err := os.Stat(pidPath); err == nil {
			t.Fatalf("stop_process #%d left the pid file", i)
		}
	}
}

// TestStopProcessStalePidFile checks that a pid file run_process did not
// write for the process that now has its number leaves that process
// alone: one without a recorded identity (another program's, fresh or
// old), and one whose recorded identity is another process's.
func TestStopProcessStalePidFile(t *testing.T) {
	dest := t.TempDir()
	env := []string{"USE_SYSTEMD=False", "DEST=" + dest, "ENABLED_SERVICES=stalesvc"}
	bystander := exec.Command("sleep", "300")
	bystander.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := bystander.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bystander.Process.Kill(); bystander.Wait() })
	pid := bystander.Process.Pid
	pidPath := filepath.Join(dest, "status", "stalesvc.pid")
	if err := os.MkdirAll(filepath.Dir(pidPath), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, identity := range []string{"", "started=1 boot=another\n"} {
		if err := os.WriteFile(pidPath, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if identity != "" {
			if err := os.WriteFile(identityFile(pidPath), []byte(identity), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if out, err := script(t, dest, env, "is_running stalesvc || echo stale"); err != nil || out != "stale\n" {
			t.Errorf("is_running, identity %q: %v %q", identity, err, out)
		}
		if out, err := script(t, dest, env, "stop_process stalesvc"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if !groupRunning(pid) {
			t.Fatalf("stop_process killed a process it did not start (identity %q)", identity)
		}
		for _, file := range []string{pidPath, identityFile(pidPath)} {
			if _, err := os.Stat(file); err == nil {
				t.Errorf("%s is still there", file)
			}
		}
	}
}

// asSystemd makes the library see systemd as PID 1 for the rest of the
// test.
func asSystemd(t *testing.T) {
	t.Helper()
	comm := filepath.Join(t.TempDir(), "comm")
	if err := os.WriteFile(comm, []byte("systemd\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := pid1Comm
	pid1Comm = comm
	t.Cleanup(func() { pid1Comm = saved })
}

func TestRunProcessUnderSystemd(t *testing.T) {
	asSystemd(t)

	killPath, err := exec.LookPath("kill")
	if err != nil {
		killPath = "/bin/kill"
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		script  string
		unit    string // the file devstack@svc.service holds afterwards, with the session's $PATH
		calls   []string
		failure string
	}{
		{
			name:   "a service",
			script: `run_process svc "/usr/bin/sleep   300"`,
			unit: "\n[Unit]\nDescription = Devstack devstack@svc.service\n\n[Service]\n" +
				"ExecReload = " + killPath + " -HUP $MAINPID\nTimeoutStopSec = 300\nKillMode = process\nExecStart = /usr/bin/sleep 300\n" +
				"User = stack\nEnvironment = \"PATH=$PATH\"\n\n[Install]\nWantedBy = multi-user.target\n",
			calls: []string{"systemctl daemon-reload", "systemctl enable devstack@svc.service", "systemctl start devstack@svc.service"},
		},
		{
			name:   "with a group, a user and variables, which replace PATH as in DevStack",
			script: `SYSTEMD_ENV_VARS[svc]="A=1"; run_process svc "/usr/bin/sleep 300" adm ` + me.Username + ` "B=2"`,
			unit: "\n[Unit]\nDescription = Devstack devstack@svc.service\n\n[Service]\n" +
				"Group = adm\nExecReload = " + killPath + " -HUP $MAINPID\nTimeoutStopSec = 300\nKillMode = process\nExecStart = /usr/bin/sleep 300\n" +
				"User = " + me.Username + "\nEnvironment = A=1 B=2\n\n[Install]\nWantedBy = multi-user.target\n",
			calls: []string{"systemctl daemon-reload", "systemctl enable devstack@svc.service", "systemctl start devstack@svc.service"},
		},
		{
			name:   "a uWSGI service in the global venv",
			script: `GLOBAL_VENV=True; DEVSTACK_VENV=/opt/stack/data/venv; run_process svc "/usr/bin/uwsgi --ini /etc/svc/uwsgi.ini"`,
			unit: "\n[Unit]\nDescription = Devstack devstack@svc.service\n\n[Service]\n" +
				"RestartForceExitStatus = 100\nNotifyAccess = all\nRestart = always\nKillMode = process\nType = notify\n" +
				"ExecReload = " + killPath + " -HUP $MAINPID\nExecStart = /usr/bin/uwsgi --ini /etc/svc/uwsgi.ini --venv /opt/stack/data/venv\n" +
				"User = stack\nSyslogIdentifier = devstack@svc.service\nEnvironment = \"PATH=$PATH\"\n\n[Install]\nWantedBy = multi-user.target\n",
			calls: []string{"systemctl daemon-reload", "systemctl enable devstack@svc.service", "systemctl start devstack@svc.service"},
		},
		{
			name:    "a relative command",
			script:  `run_process svc "sleep 300"`,
			failure: "absolute path",
		},
		{
			name:    "sudo in the command",
			script:  `run_process svc "/usr/bin/sudo sleep 300"`,
			failure: "sudo",
		},
		{
			name:   "a disabled service",
			script: `run_process other "/usr/bin/sleep 300"`,
		},
		{
			name:   "stop_process stops and disables an enabled unit",
			script: `stop_process svc`,
			calls:  []string{"systemctl is-enabled --quiet devstack@svc.service", "systemctl stop devstack@svc.service", "systemctl disable devstack@svc.service"},
		},
		{
			name:   "$SYSTEMCTL",
			script: `SYSTEMCTL="systemctl --user"; stop_process svc`,
			calls:  []string{"systemctl --user is-enabled --quiet devstack@svc.service", "systemctl --user stop devstack@svc.service", "systemctl --user disable devstack@svc.service"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := newFakeBin(t)
			bin.add(t, "systemctl", "exit 0")
			systemdDir := filepath.Join(t.TempDir(), "system")
			pathVar := bin.dir + ":/usr/local/bin:/usr/bin:/bin"
			env := []string{"PATH=" + pathVar, "STACK_USER=stack", "ENABLED_SERVICES=svc", "SYSTEMD_DIR=" + systemdDir, "DEST=" + t.TempDir()}
			out, err := script(t, t.TempDir(), env, "declare -A SYSTEMD_ENV_VARS\n"+tt.script)
			if tt.failure != "" {
				if err == nil || !strings.Contains(out, tt.failure) {
					t.Fatalf("err = %v, output %q; want a failure saying %q", err, out, tt.failure)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			data, err := os.ReadFile(filepath.Join(systemdDir, "devstack@svc.service"))
			if tt.unit == "" && err == nil {
				t.Errorf("a unit was written: %q", data)
			}
			if want := strings.ReplaceAll(tt.unit, "$PATH", pathVar); tt.unit != "" && string(data) != want {
				t.Errorf("unit:\n%s\nwant:\n%s", data, want)
			}
			if got := bin.calls(t); strings.Join(got, "\n") != strings.Join(tt.calls, "\n") {
				t.Errorf("calls %q, want %q", got, tt.calls)
			}
		})
	}
}

// TestRunProcessUpdatesUnit checks that a unit left by an earlier run is
// updated line by line, as DevStack's iniset calls do.
func TestRunProcessUpdatesUnit(t *testing.T) {
	asSystemd(t)
	bin := newFakeBin(t)
	bin.add(t, "systemctl", "exit 0")
	systemdDir := t.TempDir()
	unit := filepath.Join(systemdDir, "devstack@svc.service")
	if err := os.WriteFile(unit, []byte("[Service]\nExecStart = /old\nLimitNOFILE = 4096\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{bin.pathVar(), "STACK_USER=stack", "ENABLED_SERVICES=svc", "SYSTEMD_DIR=" + systemdDir}
	if out, err := script(t, t.TempDir(), env, `run_process svc /new`); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	data, _ := os.ReadFile(unit)
	if !strings.Contains(string(data), "ExecStart = /new\n") || !strings.Contains(string(data), "LimitNOFILE = 4096\n") {
		t.Errorf("unit %q", data)
	}
}
