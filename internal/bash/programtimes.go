package bash

import (
	"path/filepath"
	"sync"
	"time"
)

// ProgramTime is the time the shell spent waiting for one program.
type ProgramTime struct {
	Name       string // the program's base name, never its arguments
	Start, End time.Time
}

// programTimes, once RecordProgramTimes is called, collects how long each
// program run in the foreground took from start to end, so that the time
// a run spends in its own work can be told from the time it waits for
// the programs a script runs, which no shell can make faster.
var programTimes struct {
	sync.Mutex
	on    bool
	times []ProgramTime
}

// RecordProgramTimes starts collecting program times for this process.
func RecordProgramTimes() {
	programTimes.Lock()
	programTimes.on = true
	programTimes.Unlock()
}

// ProgramTimes returns the times collected so far, in the order the
// programs ended.
func ProgramTimes() []ProgramTime {
	programTimes.Lock()
	defer programTimes.Unlock()
	return append([]ProgramTime(nil), programTimes.times...)
}

// timeProgram runs a program through run and records its time when
// collecting. Only the name is kept: arguments may hold passwords.
func timeProgram(name string, run func() error) error {
	programTimes.Lock()
	on := programTimes.on
	programTimes.Unlock()
	if !on {
		return run()
	}
	start := time.Now()
	err := run()
	end := time.Now()
	programTimes.Lock()
	programTimes.times = append(programTimes.times, ProgramTime{Name: filepath.Base(name), Start: start, End: end})
	programTimes.Unlock()
	return err
}
