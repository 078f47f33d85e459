package main

import (
	"cmp"
	"fmt"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"devstack/internal/bash"
)

// profileVar names a file to write a CPU profile of the run into, for
// `go tool pprof`; background jobs, processes of their own, are not in it.
const profileVar = "DEVSTACK_CPUPROFILE"

// programTimesVar names a file to write, at the end of the run, how long
// the run waited for each program its scripts ran in the foreground: the
// part of its time that no shell can shorten.
const programTimesVar = "DEVSTACK_PROGRAMTIMES"

// startProfile starts the CPU profile and the program times the
// environment asks for, and returns what writes them.
func startProfile() func() {
	stops := []func(){startCPUProfile()}
	if path := os.Getenv(programTimesVar); path != "" {
		bash.RecordProgramTimes()
		start := time.Now()
		stops = append(stops, func() {
			if err := writeProgramTimes(path, time.Since(start), bash.ProgramTimes()); err != nil {
				fmt.Fprintf(os.Stderr, "devstack: %s: %v\n", programTimesVar, err)
			}
		})
	}
	return func() {
		for _, stop := range stops {
			stop()
		}
	}
}

func startCPUProfile() func() {
	path := os.Getenv(profileVar)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "devstack: %s: %v\n", profileVar, err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// writeProgramTimes appends to path the command line, the run's time,
// the time during which at least one program ran (the commands of a
// pipeline or of a $( ) run at once with the shell's), and one line per
// program name with its summed time, the longest first.
func writeProgramTimes(path string, run time.Duration, times []bash.ProgramTime) error {
	type total struct {
		name  string
		count int
		time  time.Duration
	}
	byName := map[string]*total{}
	for _, t := range times {
		tt := byName[t.Name]
		if tt == nil {
			tt = &total{name: t.Name}
			byName[t.Name] = tt
		}
		tt.count++
		tt.time += t.End.Sub(t.Start)
	}
	totals := make([]*total, 0, len(byName))
	for _, t := range byName {
		totals = append(totals, t)
	}
	slices.SortFunc(totals, func(a, b *total) int {
		return cmp.Or(cmp.Compare(b.time, a.time), cmp.Compare(a.name, b.name))
	})
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(f, "# %s\n", strings.Join(os.Args, " "))
	fmt.Fprintf(f, "%-24s %9.3f s\n", "run", run.Seconds())
	fmt.Fprintf(f, "%-24s %9.3f s %6d runs\n", "in programs", busyTime(times).Seconds(), len(times))
	for _, t := range totals {
		fmt.Fprintf(f, "  %-22s %9.3f s %6d runs\n", t.name, t.time.Seconds(), t.count)
	}
	return f.Close()
}

// busyTime is the length of the union of the programs' run times.
func busyTime(times []bash.ProgramTime) time.Duration {
	times = slices.Clone(times)
	slices.SortFunc(times, func(a, b bash.ProgramTime) int { return a.Start.Compare(b.Start) })
	var busy time.Duration
	var end time.Time
	for _, t := range times {
		switch {
		case t.Start.After(end):
			busy += t.End.Sub(t.Start)
			end = t.End
		case t.End.After(end):
			busy += t.End.Sub(end)
			end = t.End
		}
	}
	return busy
}
