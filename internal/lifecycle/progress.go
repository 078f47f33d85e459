package lifecycle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"devstack/internal/bash"
	"devstack/internal/proc"
	"devstack/internal/report"
	"devstack/internal/worlddump"
)

// What a run tells as it goes (the console's phases and live line, the
// events file) and what it gathers for its end (services, host, timers,
// the failure and the worlddump).

// beginStep announces a step of the table: console, live line and event.
// The step's own output starts here.
func (r *Run) beginStep(name string) time.Time {
	phase := r.phaseName(name)
	r.Log.Phase(phase)
	r.Log.MarkStep()
	r.Log.Event(report.Event{Type: report.PhaseStart, Phase: phase})
	return time.Now()
}

// endStep ends a step: failed if it returned an error or recorded a
// failure since failuresBefore.
func (r *Run) endStep(name string, start time.Time, failuresBefore int, err error) {
	d := report.Seconds(time.Since(start))
	e := report.Event{Type: report.PhaseEnd, Phase: r.phaseName(name), Status: r.status(err, failuresBefore), Duration: &d}
	if err != nil {
		e.Error = &report.ErrorInfo{Message: r.Log.Mask(err.Error())}
	}
	r.Log.Event(e)
}

// hookStart announces a hook (an extras.d script, a plugin's file, a
// hypervisor function) on the live line and in the events.
func (r *Run) hookStart(name string, args []string) time.Time {
	r.Log.Activity(name)
	r.Log.MarkStep()
	r.Log.Event(report.Event{Type: report.HookStart, Phase: r.step, Hook: name, Args: args})
	return time.Now()
}

func (r *Run) hookEnd(name string, args []string, start time.Time, err error) {
	r.Log.Activity("")
	d := report.Seconds(time.Since(start))
	e := report.Event{Type: report.HookEnd, Phase: r.step, Hook: name, Args: args, Status: r.status(err, -1), Duration: &d}
	if err != nil {
		e.Error = &report.ErrorInfo{Message: r.Log.Mask(err.Error())}
	}
	r.Log.Event(e)
}

// status is an end event's status.
func (r *Run) status(err error, failuresBefore int) string {
	switch {
	case r.ctx.Err() != nil:
		return report.StatusInterrupted
	case err != nil, failuresBefore >= 0 && len(r.failures) > failuresBefore:
		return report.StatusFailed
	}
	return report.StatusOK
}

// finish gathers what the end of the run shows.
func (r *Run) finish(res *Result, err error) {
	if r.session != nil {
		res.HostIP = r.session.Var("HOST_IP")
		if r.Tree.DevStack {
			res.TreeLog = r.session.Var("LOGFILE")
			if base := r.treeEventsBase(); base != "" {
				if err := r.Log.EventsBeside(base); err != nil {
					r.Log.Warning(err.Error())
				}
			}
		}
	}
	if r.lib != nil {
		res.Services = r.services()
		timers := r.lib.Timings()
		for name, d := range timers {
			res.Timers = append(res.Timers, report.Timing{Name: name, Duration: report.Seconds(d)})
		}
	}
	for _, f := range r.failures {
		res.FailureInfos = append(res.FailureInfos, *r.errorInfo(&StepError{Command: r.Command, Step: f.Step, What: f.What, Err: f.Err}, f.Output))
	}
	if err == nil {
		return
	}
	var failures *FailuresError
	if errors.As(err, &failures) {
		return
	}
	output, dropped := r.Log.StepOutput()
	if dropped > 0 {
		output = append([]string{fmt.Sprintf("[%d earlier lines of this step are in the log]", dropped)}, output...)
	}
	res.Error = r.errorInfo(err, output)
	if r.Command == "stack" && !r.Tree.DevStack && len(r.timings) > 0 {
		res.Worlddump = r.worlddump()
	}
}

// treeEventsBase is where the events of a DevStack tree's run go, the
// tree writing its log itself: beside its LOGFILE for a stack, else as
// COMMAND.sh.log in LOGDIR (or LOGFILE's directory); "" where the tree
// sets neither.
func (r *Run) treeEventsBase() string {
	logfile, dir := r.session.Var("LOGFILE"), r.session.Var("LOGDIR")
	if r.Command == "stack" && logfile != "" {
		return logfile
	}
	if dir == "" && logfile != "" {
		dir = filepath.Dir(logfile)
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, r.Command+".sh.log")
}

// services are the services run_process started, with where they
// listen.
func (r *Run) services() []report.Service {
	var list []report.Service
	protocol := r.session.Var("SERVICE_PROTOCOL")
	if protocol == "" {
		protocol = "http"
	}
	host := r.session.Var("SERVICE_HOST")
	for _, s := range r.lib.Services() {
		svc := report.Service{Name: s.Name, Pid: s.Pid, Unit: s.Unit, Log: s.Log}
		if s.Pid > 0 {
			st, alive := proc.Read(s.Pid)
			live := alive && st.State != 'Z'
			svc.Alive = &live
			svc.Listen = proc.ListeningOf(s.Pid)
		}
		if len(svc.Listen) > 0 {
			svc.URL = serviceURL(protocol, svc.Listen[0], host)
		}
		list = append(list, svc)
	}
	return list
}

// serviceURL is where a service listening on addr answers; one listening
// on every address is reached at SERVICE_HOST.
func serviceURL(protocol, addr, host string) string {
	h, port, ok := strings.Cut(addr, "]:")
	if ok {
		h = strings.TrimPrefix(h, "[")
	} else {
		h, port, _ = strings.Cut(addr, ":")
	}
	switch {
	case (h == "0.0.0.0" || h == "::") && host != "":
		h = host
	case strings.Contains(h, ":"):
		h = "[" + h + "]"
	}
	return protocol + "://" + h + ":" + port + "/"
}

// errorInfo describes a failure for the error block and the JSON.
func (r *Run) errorInfo(err error, output []string) *report.ErrorInfo {
	info := &report.ErrorInfo{Message: r.Log.Mask(err.Error()), Output: output}
	var stepErr *StepError
	if errors.As(err, &stepErr) {
		// The phase and hook have fields of their own.
		info.Phase, info.Hook = stepErr.Step, stepErr.What
		info.Message = r.Log.Mask(stepErr.Err.Error())
	}
	var scriptErr *bash.ScriptError
	if errors.As(err, &scriptErr) {
		at := scriptErr.At
		info.File, info.Line, info.Function = at.File, int(at.Line), at.Function
		info.Command = r.Log.Mask(at.Command)
		info.Source = r.Log.Mask(r.sourceLine(at.File, int(at.Line)))
		info.ExitStatus = int(scriptErr.Status)
		info.Reason = statusReason(info.ExitStatus)
	}
	return info
}

// sourceLine is line n of a script the run sourced, trimmed; "" if it
// cannot be read.
func (r *Run) sourceLine(file string, n int) string {
	if file == "" || n <= 0 {
		return ""
	}
	var data []byte
	var err error
	if !filepath.IsAbs(file) && r.Tree.Exists(file) {
		data, err = r.Tree.ReadFile(file)
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return ""
	}
	lines := strings.Split(string(data), "\n")
	if n > len(lines) {
		return ""
	}
	return strings.TrimSpace(lines[n-1])
}

// statusReason says what an exit status means, as a shell reports it.
func statusReason(status int) string {
	switch {
	case status == 127:
		return "command not found"
	case status == 126:
		return "command not executable"
	case status > 128 && status < 128+65:
		if name := unix.SignalName(syscall.Signal(status - 128)); name != "" {
			return "killed by " + name
		}
	}
	return ""
}

// worlddump writes the state of the machine into LOGDIR; its path, "" if
// it could not be written (said on the console).
func (r *Run) worlddump() string {
	if r.session == nil {
		return ""
	}
	logdir := r.session.Var("LOGDIR")
	if logdir == "" {
		if path := r.Log.File(); path != "" {
			logdir = filepath.Dir(path)
		}
	}
	if logdir == "" {
		return ""
	}
	logdir = resolvePath(r.Tree.Top, logdir)
	serviceDir := r.session.Var("SERVICE_DIR")
	if serviceDir == "" {
		serviceDir = filepath.Join(r.session.Var("DEST"), "status")
	}
	path, err := worlddump.Write(worlddump.Options{
		Dir:     logdir,
		PidDirs: []string{resolvePath(r.Tree.Top, serviceDir)},
		LogDir:  logdir,
		Skip:    r.Log.Files(),
		Mask:    r.Log.Mask,
	})
	if err != nil {
		r.Log.Warning(err.Error())
	}
	return path
}
