package shell

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/interp"
)

// Services run with run_process live as systemd units devstack@NAME where
// systemd runs the machine, as DevStack's do. Elsewhere (containers, CI
// machines without systemd) the session supervises them itself: each in a
// process group of its own, detached from the run's output, its output in
// $LOGDIR/NAME.log and its process group id in $SERVICE_DIR/NAME.pid
// (SERVICE_DIR defaults to $DEST/status), so that stop_process, even in a
// later run, stops the whole group.

// useSystemd reports whether services run as systemd units.
func useSystemd(hc interp.HandlerContext) bool {
	if hc.Env.Get("USE_SYSTEMD").String() == "False" {
		return false
	}
	comm, err := os.ReadFile("/proc/1/comm")
	return err == nil && strings.TrimSpace(string(comm)) == "systemd"
}

func serviceDir(hc interp.HandlerContext) string {
	if dir := hc.Env.Get("SERVICE_DIR").String(); dir != "" {
		return dir
	}
	return filepath.Join(hc.Env.Get("DEST").String(), "status")
}

func pidFile(hc interp.HandlerContext, name string) string {
	return filepath.Join(serviceDir(hc), name+".pid")
}

// runProcess is run_process NAME COMMAND [GROUP] [USER]: start a
// long-running service if it is enabled, and return at once.
func (s *Session) runProcess(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 2 {
		return s.dieHere(ctx, "run_process needs a service name and a command")
	}
	name, command := args[0], args[1]
	group, userName := "", ""
	if len(args) > 2 {
		group = args[2]
	}
	if len(args) > 3 {
		userName = args[3]
	}
	if s.isServiceEnabled(ctx, []string{name}) != nil {
		return nil
	}
	if useSystemd(hc) {
		return s.runUnderSystemd(ctx, name, command, group, userName)
	}
	return s.supervise(ctx, name, command, group, userName)
}

// supervise starts command in a process group of its own.
func (s *Session) supervise(ctx context.Context, name, command, group, userName string) error {
	hc := interp.HandlerCtx(ctx)
	fail := func(err error) error {
		return s.dieHere(ctx, fmt.Sprintf("run_process %s: %v", name, err))
	}
	// A service already running is left as it is: stack twice starts it
	// once.
	if pgid, alive := runningGroup(pidFile(hc, name)); alive {
		fmt.Fprintf(hc.Stdout, "%s is already running (process group %d)\n", name, pgid)
		return nil
	}
	logdir := hc.Env.Get("LOGDIR").String()
	if logdir == "" {
		logdir = serviceDir(hc)
	}
	for _, dir := range []string{logdir, serviceDir(hc)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fail(err)
		}
	}
	logFile, err := os.OpenFile(filepath.Join(logdir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fail(err)
	}
	defer logFile.Close()
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		return fail(err)
	}
	defer devNull.Close()
	cmd := exec.Command("/bin/sh", "-c", "exec "+command)
	cmd.Env = environ(hc.Env)
	cmd.Dir = hc.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devNull, logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if cred, err := credential(userName, group); err != nil {
		return fail(err)
	} else if cred != nil {
		cmd.SysProcAttr.Credential = cred
	}
	if err := cmd.Start(); err != nil {
		return fail(err)
	}
	pid := cmd.Process.Pid
	// Reap it if it ends while the run goes on; it outlives the run
	// otherwise.
	go cmd.Wait()
	if err := os.WriteFile(pidFile(hc, name), []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		return fail(err)
	}
	fmt.Fprintf(hc.Stdout, "started %s (process group %d), log %s\n", name, pid, logFile.Name())
	return nil
}

// credential is the user and group a service runs as, nil for the
// tool's own.
func credential(userName, group string) (*syscall.Credential, error) {
	if userName == "" && group == "" {
		return nil, nil
	}
	current, err := user.Current()
	if err != nil {
		return nil, err
	}
	if userName == "" {
		userName = current.Username
	}
	u, err := user.Lookup(userName)
	if err != nil {
		return nil, err
	}
	if u.Uid == current.Uid && group == "" {
		return nil, nil
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if group != "" {
		g, err := user.LookupGroup(group)
		if err != nil {
			return nil, err
		}
		gid, _ = strconv.Atoi(g.Gid)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// runningGroup reads a pid file and reports whether its process group is
// alive.
func runningGroup(path string) (int, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	pgid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pgid <= 1 {
		return 0, false
	}
	return pgid, syscall.Kill(-pgid, 0) == nil
}

// stopProcess is stop_process NAME: stop the service's unit, or its whole
// process group (TERM, then KILL after a grace period). A service that is
// not running is already stopped.
func (s *Session) stopProcess(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 1 {
		return s.dieHere(ctx, "stop_process needs a service name")
	}
	name := args[0]
	if s.isServiceEnabled(ctx, []string{name}) != nil {
		return nil
	}
	if useSystemd(hc) {
		unit := "devstack@" + name + ".service"
		cmd, err := command(ctx, true, "systemctl", "is-enabled", "--quiet", unit)
		if err == nil && cmd.Run() == nil {
			for _, action := range []string{"stop", "disable"} {
				cmd, err := command(ctx, true, "systemctl", action, unit)
				if err := run(ctx, cmd, err); err != nil {
					return err
				}
			}
		}
		return nil
	}
	path := pidFile(hc, name)
	pgid, alive := runningGroup(path)
	if alive {
		if err := stopGroup(pgid, 10*time.Second); err != nil {
			return s.dieHere(ctx, fmt.Sprintf("stop_process %s: %v", name, err))
		}
		fmt.Fprintf(hc.Stdout, "stopped %s (process group %d)\n", name, pgid)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return s.dieHere(ctx, fmt.Sprintf("stop_process %s: %v", name, err))
	}
	return nil
}

// stopGroup sends TERM to a process group and KILL once grace has passed.
func stopGroup(pgid int, grace time.Duration) error {
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if syscall.Kill(-pgid, 0) != nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	for i := 0; i < 100 && syscall.Kill(-pgid, 0) == nil; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// runUnderSystemd writes the unit as DevStack does and starts it.
func (s *Session) runUnderSystemd(ctx context.Context, name, execStart, group, userName string) error {
	hc := interp.HandlerCtx(ctx)
	systemdDir := hc.Env.Get("SYSTEMD_DIR").String()
	if systemdDir == "" {
		systemdDir = "/etc/systemd/system"
	}
	if userName == "" {
		userName = hc.Env.Get("STACK_USER").String()
	}
	if userName == "" {
		if u, err := user.Current(); err == nil {
			userName = u.Username
		}
	}
	unit := "devstack@" + name + ".service"
	var b strings.Builder
	fmt.Fprintf(&b, "[Unit]\nDescription = Devstack %s\n\n[Service]\n", unit)
	fmt.Fprintf(&b, "Environment = \"PATH=%s\"\nUser = %s\nExecStart = %s\nKillMode = process\nTimeoutStopSec = 300\nExecReload = /bin/kill -HUP $MAINPID\n",
		hc.Env.Get("PATH").String(), userName, execStart)
	if group != "" {
		fmt.Fprintf(&b, "Group = %s\n", group)
	}
	b.WriteString("\n[Install]\nWantedBy = multi-user.target\n")
	if err := writeAsRoot(ctx, filepath.Join(systemdDir, unit), b.String()); err != nil {
		return s.dieHere(ctx, fmt.Sprintf("run_process %s: %v", name, err))
	}
	for _, step := range [][]string{{"daemon-reload"}, {"enable", unit}, {"start", unit}} {
		cmd, err := command(ctx, true, "systemctl", step...)
		if err := run(ctx, cmd, err); err != nil {
			return err
		}
	}
	return nil
}

// writeAsRoot writes a system file: directly as root, through sudo
// otherwise.
func writeAsRoot(ctx context.Context, path, content string) error {
	if os.Geteuid() == 0 {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, []byte(content), 0o644)
	}
	mkdir, err := command(ctx, true, "mkdir", "-p", filepath.Dir(path))
	if err != nil {
		return err
	}
	if err := mkdir.Run(); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	tee, err := command(ctx, true, "tee", path)
	if err != nil {
		return err
	}
	tee.Stdin, tee.Stdout = strings.NewReader(content), nil
	if err := tee.Run(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
