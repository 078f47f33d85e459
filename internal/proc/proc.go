// Package proc reads what Linux's /proc tells about processes: enough to
// find a run's children and to tell one process from a later one with the
// same number.
package proc

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Stat is what /proc/PID/stat tells about a process.
type Stat struct {
	// State is R, S, D, Z, T, ...
	State byte
	PPID  int
	PGRP  int
	// Started is in clock ticks after boot.
	Started uint64
}

// Read returns a process's Stat; false if it is gone.
func Read(pid int) (Stat, bool) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return Stat{}, false
	}
	// The command name may hold blanks and parentheses: the fields start
	// after the last ")".
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return Stat{}, false
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 20 {
		return Stat{}, false
	}
	ppid, err1 := strconv.Atoi(fields[1])
	pgrp, err2 := strconv.Atoi(fields[2])
	started, err3 := strconv.ParseUint(fields[19], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return Stat{}, false
	}
	return Stat{State: fields[0][0], PPID: ppid, PGRP: pgrp, Started: started}, true
}

// List returns the ids of the processes running.
func List() []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var list []int
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			list = append(list, pid)
		}
	}
	return list
}
