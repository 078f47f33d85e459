package funcs

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// PidFileState is what a pid file run_process wrote tells of its service
// now.
type PidFileState struct {
	// PID is the number the file holds, 0 if it holds none.
	PID int
	// Alive is true when the process group still runs and its leader is
	// the process run_process started.
	Alive bool
	// Why says why the service is not alive.
	Why string
}

// CheckPidFile reads a pid file and its NAME.pid.identity, and tells
// whether the process group it names still runs the service it was
// written for (see liveGroup).
func CheckPidFile(path string) PidFileState {
	data, err := os.ReadFile(path)
	if err != nil {
		return PidFileState{Why: err.Error()}
	}
	pgid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pgid <= 1 {
		return PidFileState{Why: fmt.Sprintf("%s holds no process id: %q", path, strings.TrimSpace(string(data)))}
	}
	st := PidFileState{PID: pgid}
	if !groupRunning(pgid) {
		st.Why = fmt.Sprintf("no process of group %d is running", pgid)
		return st
	}
	recorded, err := os.ReadFile(identityFile(path))
	if err != nil {
		st.Why = fmt.Sprintf("the identity of process %d was not recorded (%v): it is not trusted to be the service", pgid, err)
		return st
	}
	current, ok := processIdentity(pgid)
	switch {
	case !ok:
		st.Why = fmt.Sprintf("process %d is gone", pgid)
	case current != strings.TrimSpace(string(recorded)):
		st.Why = fmt.Sprintf("process %d is another program than the one started (its start time or boot differs from %s)", pgid, identityFile(path))
	default:
		st.Alive = true
	}
	return st
}
