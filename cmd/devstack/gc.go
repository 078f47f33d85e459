package main

import (
	"os"
	"runtime/debug"
)

// A run is short and its heap small: with the collector's default, a
// cycle each time the heap doubles, collection takes a large share of
// the CPU of sourcing DevStack's libraries. A cycle each time it triples
// costs a few megabytes (40 to 48 MB of RSS there); a higher setting
// saved no more time measurably, for much more memory. The soft limit
// makes the collector work harder should a long run's heap grow large.
// A run of many hooks keeps every hook's parsed script, most of its heap:
// at 1000 hooks, 100 takes the RSS from 91 to 70 MB for 8% more time,
// and a limit below the live heap (48 or 64 MiB) keeps the collector
// running, for twice the time; the time is what counts here.
// GOGC and GOMEMLIMIT, when set, are the user's choice and left alone.
const (
	gcPercent   = 200
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
