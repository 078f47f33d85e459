package main

import (
	"os"
	"runtime/debug"
)

// A run is short and its heap small: the collector's default, a cycle
// each time the heap doubles, spends a third of the run's CPU on a heap
// of tens of megabytes. Collecting when it grows fivefold, within a
// ceiling that brings the default pace back should a long run's heap
// grow large, trades a few megabytes for that time. GOGC and GOMEMLIMIT,
// when set, are the user's choice and left alone.
const (
	gcPercent   = 400
	memoryLimit = 512 << 20
)

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
