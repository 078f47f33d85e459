package status

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Systemd is how status reaches systemd, where it runs the machine.
type Systemd struct {
	// Running is true where systemd is the machine's init, as
	// sd_booted(3) tells: /run/systemd/system exists.
	Running bool
	// Init names the machine's PID 1, for saying why systemd cannot be
	// asked.
	Init string
	// Command is the systemctl to run, found on the environment's PATH.
	Command string
}

// DetectSystemd finds out whether systemd can be asked about units.
func DetectSystemd(path string) Systemd {
	sd := Systemd{Init: "unknown"}
	if comm, err := os.ReadFile("/proc/1/comm"); err == nil {
		sd.Init = strings.TrimSpace(string(comm))
	}
	if info, err := os.Stat("/run/systemd/system"); err == nil && info.IsDir() {
		sd.Running = true
	}
	for _, dir := range filepath.SplitList(path) {
		candidate := filepath.Join(dir, "systemctl")
		if info, err := os.Stat(candidate); err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0 {
			sd.Command = candidate
			break
		}
	}
	return sd
}

// Unavailable says why systemd cannot be asked, "" when it can.
func (sd Systemd) Unavailable() string {
	switch {
	case !sd.Running:
		return fmt.Sprintf("systemd is not running on this machine (PID 1 is %s)", sd.Init)
	case sd.Command == "":
		return "systemctl is not on PATH"
	}
	return ""
}

// unitState is what systemctl show tells of a unit.
type unitState struct {
	Load, Active, Sub string
	MainPID           int
	ControlGroup      string
	// UnitFile is UnitFileState: enabled while the stack wants it,
	// disabled once unstack stopped it.
	UnitFile string
}

// showUnits asks systemctl about units, user units with user set.
func (sd Systemd) showUnits(ctx context.Context, user bool, units []string) (map[string]unitState, error) {
	args := []string{"show", "--property=Id,LoadState,ActiveState,SubState,MainPID,ControlGroup,UnitFileState"}
	if user {
		args = append([]string{"--user"}, args...)
	}
	cmd := exec.CommandContext(ctx, sd.Command, append(args, units...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v %s", sd.Command, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return parseShow(out), nil
}

// parseShow reads systemctl show's output: blocks of KEY=VALUE lines, one
// block a unit, separated by blank lines.
func parseShow(out []byte) map[string]unitState {
	units := map[string]unitState{}
	var id string
	var cur unitState
	flush := func() {
		if id != "" {
			units[id] = cur
		}
		id, cur = "", unitState{}
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			flush()
			continue
		}
		key, value, _ := strings.Cut(line, "=")
		switch key {
		case "Id":
			id = value
		case "LoadState":
			cur.Load = value
		case "ActiveState":
			cur.Active = value
		case "SubState":
			cur.Sub = value
		case "MainPID":
			cur.MainPID, _ = strconv.Atoi(value)
		case "ControlGroup":
			cur.ControlGroup = value
		case "UnitFileState":
			cur.UnitFile = value
		}
	}
	flush()
	return units
}

// cgroupProcesses are the processes of a unit's control group, nil if
// they cannot be read (cgroup v1, or none).
func cgroupProcesses(group string) []int {
	if group == "" {
		return nil
	}
	data, err := os.ReadFile(filepath.Join("/sys/fs/cgroup", group, "cgroup.procs"))
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}
