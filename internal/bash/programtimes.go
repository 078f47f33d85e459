package bash

import (
	"path/filepath"
	"sync"
	"sync/atomic"
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
	on    atomic.Bool // read before every program: no lock
	mu    sync.Mutex
	times []ProgramTime
}

// RecordProgramTimes starts collecting program times for this process.
func RecordProgramTimes() {
	programTimes.on.Store(true)
}

// ProgramTimes returns the times collected so far, in the order the
// programs ended.
func ProgramTimes() []ProgramTime {
	programTimes.mu.Lock()
	defer programTimes.mu.Unlock()
	return append([]ProgramTime(nil), programTimes.times...)
}

// timeProgram runs a program through run and records its time when
// collecting. Only the name is kept: arguments may hold passwords.
func timeProgram(name string, run func() error) error {
	if !programTimes.on.Load() {
		return run()
	}
	start := time.Now()
	err := run()
	end := time.Now()
	programTimes.mu.Lock()
	programTimes.times = append(programTimes.times, ProgramTime{Name: filepath.Base(name), Start: start, End: end})
	programTimes.mu.Unlock()
	return err
}
