// Package status tells what became of the services of a tree's last
// stack: each one's process, whether it is still the one the stack
// started, and where it listens. It reads what the run left behind and
// changes nothing.
package status

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"devstack/internal/bash"
	"devstack/internal/funcs"
	"devstack/internal/proc"
	"devstack/internal/tree"
)

// The states of a service.
const (
	// Running: its process (or unit) runs, and is the one started.
	Running = "running"
	// Dead: the stack started it, and it no longer runs.
	Dead = "dead"
	// Stopped: unstack stopped it (a disabled unit).
	Stopped = "stopped"
	// NoProcess: nothing records a process for it: a service that runs
	// none (n-cpu with the fake driver), or one unstack stopped.
	NoProcess = "no process"
	// Unknown: its unit cannot be asked about (no systemd here).
	Unknown = "unknown"
)

// Service is one enabled service of the last stack.
type Service struct {
	Name string `json:"name"`
	// State is one of Running, Dead, Stopped, NoProcess, Unknown.
	State string `json:"state"`
	// Manager is what runs it: "devstack" (run_process's supervisor,
	// a pid file), "pid file" (a DevStack tree's own), "systemd", or "".
	Manager string `json:"manager,omitempty"`
	// PID is the process (group leader, or the unit's main process).
	PID     int    `json:"pid,omitempty"`
	PIDFile string `json:"pid_file,omitempty"`
	Unit    string `json:"unit,omitempty"`
	// Listen are the TCP addresses its processes listen on.
	Listen []string `json:"listen,omitempty"`
	// Why says what is wrong, or why the state is not known.
	Why string `json:"why,omitempty"`
}

// Report is the status of a tree's last stack.
type Report struct {
	Tree string `json:"tree"`
	Kind string `json:"kind"`
	// Stackenv is the file the stack recorded its settings in, and
	// Stacked its first line's comment (when it was written).
	Stackenv string    `json:"stackenv"`
	Stacked  string    `json:"stacked,omitempty"`
	Systemd  string    `json:"systemd"`
	Services []Service `json:"services"`
}

// Dead are the names of the services that died.
func (r *Report) Dead() []string {
	var dead []string
	for _, s := range r.Services {
		if s.State == Dead {
			dead = append(dead, s.Name)
		}
	}
	return dead
}

// NoStackError is a tree with no record of a stack.
type NoStackError struct{ Path string }

func (e *NoStackError) Error() string {
	return fmt.Sprintf("no stack recorded: %s does not exist (a stack writes it when it ends; clean removes it)", e.Path)
}

// Options are what Collect looks at.
type Options struct {
	Tree *tree.Tree
	// Env is the environment, for PATH and the defaults of a DevStack
	// tree's .stackenv that lacks DEST.
	Env     []string
	Systemd Systemd
}

// Collect reads the services of the tree's last stack.
func Collect(ctx context.Context, opts Options) (*Report, error) {
	stackenv := opts.Tree.Path(".stackenv")
	vars, stamp, err := readStackenv(stackenv)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NoStackError{Path: stackenv}
	}
	if err != nil {
		return nil, err
	}
	rep := &Report{Tree: opts.Tree.Top, Kind: opts.Tree.Kind(), Stackenv: stackenv, Stacked: stamp, Systemd: Running}
	if why := opts.Systemd.Unavailable(); why != "" {
		rep.Systemd = why
	}
	get := func(name, def string) string {
		if v := vars[name]; v != "" {
			return v
		}
		for _, kv := range opts.Env {
			if v, ok := strings.CutPrefix(kv, name+"="); ok && v != "" {
				return v
			}
		}
		return def
	}
	dest := get("DEST", "/opt/stack")
	serviceDir := get("SERVICE_DIR", filepath.Join(dest, "status"))
	systemdDir := get("SYSTEMD_DIR", "/etc/systemd/system")
	home := get("HOME", "")
	ps := readProcesses()
	var names []string
	for _, name := range strings.Split(vars["ENABLED_SERVICES"], ",") {
		if name = strings.TrimSpace(name); name != "" && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	units := map[string]unitState{}
	userUnits := map[string]bool{}
	for _, name := range names {
		unit := unitName(name)
		if home != "" && exists(filepath.Join(home, ".local/share/systemd/user", unit)) {
			userUnits[unit] = true
		}
	}
	if opts.Systemd.Unavailable() == "" && len(names) > 0 {
		var system, user []string
		for _, name := range names {
			if userUnits[unitName(name)] {
				user = append(user, unitName(name))
			} else {
				system = append(system, unitName(name))
			}
		}
		for _, group := range []struct {
			user  bool
			units []string
		}{{false, system}, {true, user}} {
			if len(group.units) == 0 {
				continue
			}
			found, err := opts.Systemd.showUnits(ctx, group.user, group.units)
			if err != nil {
				rep.Systemd = "systemd could not be asked: " + err.Error()
				break
			}
			for k, v := range found {
				units[k] = v
			}
		}
	}
	for _, name := range names {
		svc := Service{Name: name, State: NoProcess}
		pidFiles := []string{filepath.Join(serviceDir, name+".pid")}
		if opts.Tree.DevStack {
			// Trees of 2014 kept them under the screen session's name.
			pidFiles = append([]string{filepath.Join(serviceDir, get("SCREEN_NAME", "stack"), name+".pid")}, pidFiles...)
		}
		unit := unitName(name)
		unitFile := filepath.Join(systemdDir, unit)
		if userUnits[unit] {
			unitFile = filepath.Join(home, ".local/share/systemd/user", unit)
		}
		switch pidFile := firstExisting(pidFiles); {
		case pidFile != "":
			svc.PIDFile = pidFile
			checkPidFile(&svc, pidFile, opts.Tree.DevStack, ps)
		case units[unit].Load == "loaded":
			svc.Unit = unit
			checkUnit(&svc, units[unit], ps)
		case exists(unitFile) && rep.Systemd != Running:
			svc.Manager, svc.Unit, svc.State = "systemd", unit, Unknown
			svc.Why = rep.Systemd + ": the state of " + unit + " cannot be read"
		}
		rep.Services = append(rep.Services, svc)
	}
	return rep, nil
}

func unitName(service string) string {
	return "devstack@" + service + ".service"
}

// checkPidFile fills in a service a pid file names. run_process's files
// are trusted only with the identity it recorded beside them; a DevStack
// tree's own have none, and are trusted if the process started before
// the file was written, as `cmd & echo $! >FILE` writes it: a process
// that got the number later started after.
func checkPidFile(svc *Service, path string, devstackTree bool, ps processes) {
	svc.Manager = "devstack"
	var st funcs.PidFileState
	if devstackTree && !exists(path+".identity") {
		svc.Manager = "pid file"
		st = checkUnrecorded(path)
	} else {
		st = funcs.CheckPidFile(path)
	}
	svc.PID = st.PID
	if !st.Alive {
		svc.State, svc.Why = Dead, st.Why
		return
	}
	svc.State = Running
	// The group's processes, the leader first, and what they started.
	svc.Listen = proc.ListeningBy(ps.withDescendants(append([]int{st.PID}, ps.groups[st.PID]...)))
}

// checkUnrecorded checks a pid file written without an identity.
func checkUnrecorded(path string) funcs.PidFileState {
	st := funcs.PidFileState{}
	data, err := os.ReadFile(path)
	if err != nil {
		st.Why = err.Error()
		return st
	}
	if _, err := fmt.Sscan(string(data), &st.PID); err != nil || st.PID <= 1 {
		st.Why = fmt.Sprintf("%s holds no process id", path)
		return st
	}
	info, err := os.Stat(path)
	if err != nil {
		st.Why = err.Error()
		return st
	}
	started, ok := startTime(st.PID)
	switch {
	case !ok:
		st.Why = fmt.Sprintf("process %d is not running", st.PID)
	case started.After(info.ModTime().Add(time.Second)):
		st.Why = fmt.Sprintf("process %d started %s, after %s was written: it is another program", st.PID, started.Format(time.RFC3339), path)
	default:
		st.Alive = true
	}
	return st
}

// startTime is when a process started, from its start in clock ticks
// after boot and the boot time.
func startTime(pid int) (time.Time, bool) {
	st, ok := proc.Read(pid)
	if !ok || st.State == 'Z' {
		return time.Time{}, false
	}
	boot, ok := bootTime()
	if !ok {
		return time.Time{}, false
	}
	// Linux's USER_HZ is 100 on every architecture it exports.
	return boot.Add(time.Duration(st.Started) * (time.Second / 100)), true
}

func bootTime() (time.Time, bool) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "btime "); ok {
			var secs int64
			if _, err := fmt.Sscan(rest, &secs); err == nil {
				return time.Unix(secs, 0), true
			}
		}
	}
	return time.Time{}, false
}

// checkUnit fills in a service systemd runs.
func checkUnit(svc *Service, u unitState, ps processes) {
	svc.Manager = "systemd"
	svc.PID = u.MainPID
	switch {
	case u.Active == "active" || u.Active == "reloading" || u.Active == "activating":
		svc.State = Running
		pids := cgroupProcesses(u.ControlGroup)
		if len(pids) == 0 && u.MainPID > 0 {
			pids = []int{u.MainPID}
		}
		svc.Listen = proc.ListeningBy(ps.withDescendants(pids))
	case u.UnitFile == "disabled":
		// unstack stops and disables the units.
		svc.State = Stopped
	default:
		svc.State = Dead
		svc.Why = fmt.Sprintf("%s is %s (%s)", svc.Unit, u.Active, u.Sub)
	}
}

// readStackenv reads the settings a stack recorded: NAME=VALUE lines, as
// the tool and DevStack's stack.sh write them, and the comment on top.
func readStackenv(path string) (map[string]string, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	vars := map[string]string{}
	stamp := ""
	for i, line := range strings.Split(string(data), "\n") {
		if i == 0 && strings.HasPrefix(line, "#") {
			stamp = strings.TrimSpace(strings.TrimPrefix(line, "#"))
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || strings.ContainsAny(name, " \t#") || name == "" {
			continue
		}
		// The tool quotes values as bash would read them; stack.sh
		// writes them bare.
		if script, err := bash.Parse(path, ".stackenv", []byte(line)); err == nil {
			if v, ok := script.LiteralAssign(name); ok {
				value = v
			}
		}
		vars[name] = value
	}
	return vars, stamp, nil
}

func firstExisting(paths []string) string {
	for _, p := range paths {
		if exists(p) {
			return p
		}
	}
	return ""
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
