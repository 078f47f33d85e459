package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// profileVar names a file to write a CPU profile of the run into, for
// `go tool pprof`; background jobs, processes of their own, are not in it.
const profileVar = "DEVSTACK_CPUPROFILE"

// startProfile starts the CPU profile profileVar asks for, and returns
// what stops it.
func startProfile() func() {
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
