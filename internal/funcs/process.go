package funcs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"

	"devstack/internal/ini"

	"devstack/internal/bash"
	"devstack/internal/proc"
)

// Services started with run_process run as systemd units devstack@NAME
// where systemd runs the machine and USE_SYSTEMD is not False, as
// DevStack's do. Elsewhere (containers, CI machines without systemd) the
// session supervises them itself: each in a process group of its own,
// detached from the run's terminal and output, its output appended to
// $LOGDIR/NAME.log and its process group id in $SERVICE_DIR/NAME.pid
// (SERVICE_DIR defaults to $DEST/status, where DevStack kept pid files
// before systemd), so that stop_process, in this run or a later one, stops
// the whole group.

// pid1Comm names the machine's init process; tests point it elsewhere.
var pid1Comm = "/proc/1/comm"

// stopGrace is how long a supervised service has to end after SIGTERM
// before its process group is killed.
const stopGrace = 5 * time.Second

func useSystemd(env expand.Environ) bool {
	if env.Get("USE_SYSTEMD").String() == "False" {
		return false
	}
	comm, err := os.ReadFile(pid1Comm)
	return err == nil && strings.TrimSpace(string(comm)) == "systemd"
}

func serviceDir(env expand.Environ) string {
	if dir := env.Get("SERVICE_DIR").String(); dir != "" {
		return dir
	}
	return filepath.Join(env.Get("DEST").String(), "status")
}

func pidFile(env expand.Environ, name string) string {
	return filepath.Join(serviceDir(env), name+".pid")
}

// runProcess is run_process NAME COMMAND [GROUP] [USER] [ENV_VARS]: start a
// long-running service, if it is enabled, and return at once. ENV_VARS
// (and SYSTEMD_ENV_VARS[NAME]) are KEY=VALUE words set for the service.
func (l *Library) runProcess(ctx context.Context, args []string) error {
	if len(args) < 2 {
		return l.dieHere(ctx, "run_process: usage: run_process NAME COMMAND [GROUP] [USER] [ENV_VARS]")
	}
	for len(args) < 5 {
		args = append(args, "")
	}
	name, command, group, userName := args[0], args[1], args[2], args[3]
	env := interp.HandlerCtx(ctx).Env
	envVars := args[4]
	if vr := env.Get("SYSTEMD_ENV_VARS"); vr.Kind == expand.Associative {
		if extra, ok := vr.Map[name]; ok {
			envVars = extra + " " + envVars
		}
	}
	return l.timed("run_process", func() error {
		if l.isServiceEnabled(ctx, []string{name}) != nil {
			return nil
		}
		if useSystemd(env) {
			return l.runUnderSystemd(ctx, name, command, group, userName, envVars)
		}
		return l.supervise(ctx, name, command, group, userName, strings.Fields(envVars))
	})
}

// supervise starts command with sh -c in a process group of its own.
func (l *Library) supervise(ctx context.Context, name, command, group, userName string, envVars []string) error {
	hc := interp.HandlerCtx(ctx)
	fail := func(err error) error {
		return l.dieHere(ctx, fmt.Sprintf("run_process %s: %v", name, err))
	}
	pidPath := pidFile(hc.Env, name)
	// A service already running is left as it is: stack twice starts it
	// once.
	logdir := hc.Env.Get("LOGDIR").String()
	if logdir == "" {
		logdir = serviceDir(hc.Env)
	}
	if pgid, alive := liveGroup(pidPath); alive {
		fmt.Fprintf(hc.Stdout, "%s is running already (process group %d)\n", name, pgid)
		l.recordService(Service{Name: name, Pid: pgid, Log: filepath.Join(logdir, name+".log")})
		return nil
	}
	for _, dir := range []string{logdir, serviceDir(hc.Env)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fail(err)
		}
	}
	logFile, err := os.OpenFile(filepath.Join(logdir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return fail(err)
	}
	defer logFile.Close()
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		return fail(err)
	}
	defer devNull.Close()
	cred, err := credential(userName, group)
	if err != nil {
		return fail(err)
	}
	// Not bound to ctx: the service outlives the run that started it.
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Env = append(bash.Environ(hc.Env), envVars...)
	cmd.Dir = hc.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devNull, logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred}
	if err := cmd.Start(); err != nil {
		return fail(err)
	}
	pid := cmd.Process.Pid
	// Reap it should it end while the run goes on.
	go cmd.Wait()
	identity, ok := processIdentity(pid)
	if !ok {
		syscall.Kill(-pid, syscall.SIGKILL)
		return fail(fmt.Errorf("process %d ended as it started", pid))
	}
	if err := os.WriteFile(identityFile(pidPath), []byte(identity+"\n"), 0o644); err != nil {
		syscall.Kill(-pid, syscall.SIGKILL)
		return fail(err)
	}
	if err := os.WriteFile(pidPath, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		syscall.Kill(-pid, syscall.SIGKILL)
		return fail(err)
	}
	fmt.Fprintf(hc.Stdout, "%s started (process group %d), output in %s\n", name, pid, logFile.Name())
	l.recordService(Service{Name: name, Pid: pid, Log: logFile.Name()})
	return nil
}

// credential is the user and group a service runs as, with the user's
// groups as systemd would give them; nil for the tool's own.
func credential(userName, group string) (*syscall.Credential, error) {
	if userName == "" && group == "" {
		return nil, nil
	}
	u, err := user.Current()
	if userName != "" {
		u, err = user.Lookup(userName)
	}
	if err != nil {
		return nil, err
	}
	if u.Uid == strconv.Itoa(geteuid()) && group == "" {
		return nil, nil
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, err
	}
	if group != "" {
		g, err := user.LookupGroup(group)
		if err != nil {
			return nil, err
		}
		if gid, err = strconv.ParseUint(g.Gid, 10, 32); err != nil {
			return nil, err
		}
	}
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	ids, err := u.GroupIds()
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if n, err := strconv.ParseUint(id, 10, 32); err == nil {
			cred.Groups = append(cred.Groups, uint32(n))
		}
	}
	return cred, nil
}

// liveGroup reads a pid file and reports whether the process group it
// names still runs the service it was written for. After a reboot, or
// once the service has died, the number may have gone to an unrelated
// process, which must not be signalled; nor may a pid file some other
// program wrote be believed. Beside the pid file, which holds the number
// alone as DevStack's do, run_process records the identity of the process
// it started (processIdentity): the group's leader must still be that
// process.
func liveGroup(path string) (int, bool) {
	st := CheckPidFile(path)
	if !st.Alive {
		return 0, false
	}
	return st.PID, true
}

// identityFile is where run_process records who a pid file names.
func identityFile(pidPath string) string {
	return pidPath + ".identity"
}

// processIdentity tells one process from any other that may get its
// number later: its start time, in clock ticks after boot, and the boot.
func processIdentity(pid int) (string, bool) {
	st, ok := proc.Read(pid)
	if !ok {
		return "", false
	}
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return "", false
	}
	return fmt.Sprintf("started=%d boot=%s", st.Started, strings.TrimSpace(string(boot))), true
}

// groupRunning reports whether a process of the group is alive; zombies,
// which a signal no longer ends, do not count.
func groupRunning(pgid int) bool {
	for _, pid := range proc.List() {
		if st, ok := proc.Read(pid); ok && st.PGRP == pgid && st.State != 'Z' {
			return true
		}
	}
	return false
}

// stopProcess is stop_process NAME: stop an enabled service, whether the
// session's supervisor or systemd runs it. A service that is not running
// is stopped already.
func (l *Library) stopProcess(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 1 {
		return l.dieHere(ctx, "stop_process: usage: stop_process NAME")
	}
	name := args[0]
	if l.isServiceEnabled(ctx, []string{name}) != nil {
		return nil
	}
	path := pidFile(hc.Env, name)
	if pgid, alive := liveGroup(path); alive {
		if err := stopGroup(pgid); err != nil {
			return l.dieHere(ctx, fmt.Sprintf("stop_process %s: %v", name, err))
		}
		fmt.Fprintf(hc.Stdout, "%s stopped (process group %d)\n", name, pgid)
	}
	for _, file := range []string{path, identityFile(path)} {
		if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return l.dieHere(ctx, fmt.Sprintf("stop_process %s: %v", name, err))
		}
	}
	if !useSystemd(hc.Env) {
		return nil
	}
	unit := "devstack@" + name + ".service"
	// Only units that are enabled: a service may have no unit at all.
	check, err := l.systemctl(ctx, "is-enabled", "--quiet", unit)
	if err != nil || check.Run() != nil {
		return nil
	}
	for _, action := range []string{"stop", "disable"} {
		cmd, err := l.systemctl(ctx, action, unit)
		if err := run(ctx, cmd, err); err != nil {
			return err
		}
	}
	return nil
}

// stopGroup sends SIGTERM to a process group, and SIGKILL once stopGrace
// has passed.
func stopGroup(pgid int) error {
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	if waitGroup(pgid, stopGrace) {
		return nil
	}
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	if !waitGroup(pgid, 5*time.Second) {
		return fmt.Errorf("process group %d is still running after SIGKILL", pgid)
	}
	return nil
}

// waitGroup waits up to limit for a process group to end.
func waitGroup(pgid int, limit time.Duration) bool {
	for deadline := time.Now().Add(limit); groupRunning(pgid); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// isRunning is is_running NAME: whether the supervisor runs the service
// NAME or, as DevStack asks ps, any process's command line holds NAME.
func (l *Library) isRunning(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "" {
		return interp.ExitStatus(1)
	}
	name := args[0]
	if _, alive := liveGroup(pidFile(interp.HandlerCtx(ctx).Env, name)); alive {
		return nil
	}
	self := os.Getpid()
	for _, pid := range proc.List() {
		if pid == self {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
		if err == nil && strings.Contains(strings.ReplaceAll(string(cmdline), "\x00", " "), name) {
			return nil
		}
	}
	return interp.ExitStatus(1)
}

// systemctl builds a systemctl command: $SYSTEMCTL when the scripts set it
// (as DevStack's stackrc does, "sudo systemctl" or "systemctl --user"),
// else systemctl as root.
func (l *Library) systemctl(ctx context.Context, args ...string) (*exec.Cmd, error) {
	if words := strings.Fields(interp.HandlerCtx(ctx).Env.Get("SYSTEMCTL").String()); len(words) > 0 {
		return command(ctx, words[0], append(words[1:], args...)...)
	}
	return asRoot(ctx, nil, "systemctl", args...)
}

// unitSetting is one line DevStack's iniset writes into a unit file.
type unitSetting struct{ section, option, value string }

// runUnderSystemd writes the unit devstack@NAME as DevStack does, setting
// its lines one by one with iniset's rules (so that a unit left by an
// earlier run is updated, not replaced, and the file is byte for byte
// DevStack's), and enables and starts it.
func (l *Library) runUnderSystemd(ctx context.Context, name, command, group, userName, envVars string) error {
	hc := interp.HandlerCtx(ctx)
	if strings.Contains(command, "sudo") {
		return l.dieHere(ctx, fmt.Sprintf("run_process %s: the command uses sudo, which does not work under systemd; pass the user to run it as instead: run_process NAME COMMAND GROUP USER", name))
	}
	if !strings.HasPrefix(command, "/") {
		return l.dieHere(ctx, fmt.Sprintf("run_process %s: systemd needs the command's absolute path: %q", name, command))
	}
	unit := "devstack@" + name + ".service"
	if userName == "" {
		userName = hc.Env.Get("STACK_USER").String()
	}
	if userName == "" {
		if u, err := user.Current(); err == nil {
			userName = u.Username
		}
	}
	killPath, err := interp.LookPathDir(hc.Dir, hc.Env, "kill")
	if err != nil {
		killPath = "/bin/kill"
	}
	settings := []unitSetting{
		{"Unit", "Description", "Devstack " + unit},
		{"Service", "Environment", `"PATH=` + hc.Env.Get("PATH").String() + `"`},
	}
	// uWSGI tells systemd when it is ready, and exits with 100 to be
	// restarted.
	if strings.Contains(command, "uwsgi") {
		if hc.Env.Get("GLOBAL_VENV").String() == "True" {
			command += " --venv " + hc.Env.Get("DEVSTACK_VENV").String()
		}
		settings = append(settings,
			unitSetting{"Service", "SyslogIdentifier", unit},
			unitSetting{"Service", "User", userName},
			unitSetting{"Service", "ExecStart", command},
			unitSetting{"Service", "ExecReload", killPath + " -HUP $MAINPID"},
			unitSetting{"Service", "Type", "notify"},
			unitSetting{"Service", "KillMode", "process"},
			unitSetting{"Service", "Restart", "always"},
			unitSetting{"Service", "NotifyAccess", "all"},
			unitSetting{"Service", "RestartForceExitStatus", "100"})
	} else {
		settings = append(settings,
			unitSetting{"Service", "User", userName},
			unitSetting{"Service", "ExecStart", command},
			unitSetting{"Service", "KillMode", "process"},
			unitSetting{"Service", "TimeoutStopSec", "300"},
			unitSetting{"Service", "ExecReload", killPath + " -HUP $MAINPID"})
	}
	// As in DevStack, ENV_VARS take the place of the PATH line: iniset
	// sets the one Environment line there is.
	if strings.TrimSpace(envVars) != "" {
		settings = append(settings, unitSetting{"Service", "Environment", envVars})
	}
	if group != "" {
		settings = append(settings, unitSetting{"Service", "Group", group})
	}
	settings = append(settings, unitSetting{"Install", "WantedBy", "multi-user.target"})

	systemdDir := hc.Env.Get("SYSTEMD_DIR").String()
	if systemdDir == "" {
		systemdDir = "/etc/systemd/system"
	}
	if err := os.MkdirAll(systemdDir, 0o755); err != nil {
		mkdir, err := asRoot(ctx, nil, "mkdir", "-p", systemdDir)
		if err := run(ctx, mkdir, err); err != nil {
			return err
		}
	}
	file := filepath.Join(systemdDir, unit)
	write := func(path string) error {
		for _, setting := range settings {
			if err := ini.Set(path, setting.section, setting.option, setting.value); err != nil {
				return err
			}
		}
		return nil
	}
	if needsSudo(file, true) {
		err = editAsRoot(ctx, file, true, write)
	} else {
		err = write(file)
	}
	if err != nil {
		return l.dieHere(ctx, fmt.Sprintf("run_process %s: writing %s: %v", name, file, err))
	}
	for _, step := range [][]string{{"daemon-reload"}, {"enable", unit}, {"start", unit}} {
		cmd, err := l.systemctl(ctx, step...)
		if err := run(ctx, cmd, err); err != nil {
			return err
		}
	}
	l.recordService(Service{Name: name, Unit: unit})
	return nil
}
