// Package report holds what a run leaves for machines and people once it
// ends: the schema of the events file and of the summary `--output json`
// prints (one place, documented in the README), and the text of the end
// of a run and of its error block.
package report

import "time"

// SchemaVersion is the version of Event and Summary. It changes only
// when a field changes meaning or goes away; new fields may be added.
const SchemaVersion = 1

// Event types, the "type" of an Event.
const (
	RunStart   = "run_start"
	RunEnd     = "run_end"
	PhaseStart = "phase_start"
	PhaseEnd   = "phase_end"
	HookStart  = "hook_start"
	HookEnd    = "hook_end"
	Warning    = "warning"
	Error      = "error"
)

// Statuses of an *_end Event and of a Summary.
const (
	StatusOK          = "ok"
	StatusFailed      = "failed"
	StatusInterrupted = "interrupted"
)

// Event is one line of the events file, LOGFILE.events: a JSON object per
// line, written as the run goes.
type Event struct {
	Schema int       `json:"schema"`
	Time   time.Time `json:"time"`
	Type   string    `json:"type"`
	// Command is stack, unstack or clean (run_start, run_end).
	Command string `json:"command,omitempty"`
	// Tree and TreeKind ("plugin tree", "DevStack tree") are run_start's.
	Tree     string `json:"tree,omitempty"`
	TreeKind string `json:"tree_kind,omitempty"`
	Version  string `json:"version,omitempty"`
	// Phase is the phase an event happened in.
	Phase string `json:"phase,omitempty"`
	// Hook is the extras.d script, plugin file or hypervisor function of
	// hook_start and hook_end; Args the arguments it was sourced with.
	Hook string   `json:"hook,omitempty"`
	Args []string `json:"args,omitempty"`
	// Status is ok, failed or interrupted (*_end events).
	Status string `json:"status,omitempty"`
	// ExitStatus is run_end's: the status devstack exits with.
	ExitStatus *int `json:"exit_status,omitempty"`
	// Duration is an *_end event's, in seconds.
	Duration *float64 `json:"duration_s,omitempty"`
	// Message is a warning's or an error's text.
	Message string `json:"message,omitempty"`
	// Error is the failure of a failed run_end, phase_end or hook_end.
	Error *ErrorInfo `json:"error,omitempty"`
}

// Seconds is a duration as the schema has them: seconds, to the millisecond.
func Seconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond).Milliseconds()) / 1000
}

// Summary is what `--output json` prints on standard output when a run
// ends.
type Summary struct {
	Schema   int    `json:"schema"`
	Command  string `json:"command"`
	Tree     string `json:"tree"`
	TreeKind string `json:"tree_kind"`
	Version  string `json:"version"`
	// Status is ok, failed or interrupted; ExitStatus is devstack's own.
	Status     string    `json:"status"`
	ExitStatus int       `json:"exit_status"`
	Started    time.Time `json:"started"`
	Ended      time.Time `json:"ended"`
	Duration   float64   `json:"duration_s"`
	// HostIP is HOST_IP, when the run got as far as knowing it.
	HostIP string `json:"host_ip,omitempty"`
	// Services are those run_process started or found running.
	Services []Service `json:"services"`
	// Phases are the phases in the order they ran, each with its time.
	Phases []Timing `json:"phases"`
	// Timers are DevStack's time_totals: time_start/time_stop totals and
	// the library's own (apt-get, git_timed, run_process).
	Timers []Timing `json:"timers"`
	Logs   Logs     `json:"logs"`
	// Error is why a run failed; Failures the steps unstack and clean
	// went on past.
	Error    *ErrorInfo  `json:"error,omitempty"`
	Failures []ErrorInfo `json:"failures,omitempty"`
}

// Service is a service a run started.
type Service struct {
	Name string `json:"name"`
	// URL is where it answers: SERVICE_PROTOCOL://ADDRESS/ for the first
	// address it listens on, "" if none.
	URL string `json:"url,omitempty"`
	// Listen are its listening TCP addresses.
	Listen []string `json:"listen,omitempty"`
	// Pid is its process (group) id; Unit its systemd unit, if it runs
	// under systemd.
	Pid  int    `json:"pid,omitempty"`
	Unit string `json:"unit,omitempty"`
	// Alive tells whether its process group lives; absent for a systemd
	// unit (systemctl status tells).
	Alive *bool `json:"alive,omitempty"`
	// Log is its log file, "" under systemd (journalctl -u UNIT).
	Log string `json:"log,omitempty"`
}

// Timing is a phase's or timer's time.
type Timing struct {
	Name     string  `json:"name"`
	Duration float64 `json:"duration_s"`
}

// Logs are the files a run wrote, "" for those it did not.
type Logs struct {
	Log       string `json:"log,omitempty"`
	Summary   string `json:"summary,omitempty"`
	Events    string `json:"events,omitempty"`
	Worlddump string `json:"worlddump,omitempty"`
}

// ErrorInfo is a failure: where the run was, what failed and what it
// said.
type ErrorInfo struct {
	// Message is the error in one line.
	Message string `json:"message"`
	Phase   string `json:"phase,omitempty"`
	// Hook is the extras.d script, plugin or function that was running.
	Hook string `json:"hook,omitempty"`
	// File, Line and Function are where the failing command is.
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Function string `json:"function,omitempty"`
	// Command is the failing command, whole, secrets masked; Source the
	// line of the file it is on.
	Command string `json:"command,omitempty"`
	Source  string `json:"source,omitempty"`
	// ExitStatus is the failing command's status, 0 if it has none; Reason
	// says what the status means where it says something ("command not
	// found").
	ExitStatus int    `json:"exit_status,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// Output is the failing step's own output, its last lines.
	Output []string `json:"output,omitempty"`
}
