package lifecycle

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"devstack/internal/proc"
)

// SignalError is the cause of a run a signal stopped.
type SignalError struct{ Signal syscall.Signal }

func (e *SignalError) Error() string { return fmt.Sprintf("%v signal received", e.Signal) }

// AdoptOrphans makes this process the reaper of the processes its
// children leave behind (a hook's `( cmd & )`, nohup), so that they stay
// its descendants and EndChildren finds them.
func AdoptOrphans() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// EndChildren ends what the run started that still runs: every descendant
// in this process's group, with sig, then, after grace, with SIGKILL.
// Services run_process started lead process groups of their own, and
// stay. It returns how many processes it signalled.
func EndChildren(sig syscall.Signal, grace time.Duration) int {
	targets := runChildren()
	for _, pid := range targets {
		syscall.Kill(pid, sig)
	}
	if len(targets) == 0 {
		return 0
	}
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if len(runChildren()) == 0 {
			return len(targets)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, pid := range runChildren() {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	return len(targets)
}

// runChildren lists the live descendants of this process that share its
// process group.
func runChildren() []int {
	self, group := os.Getpid(), syscall.Getpgrp()
	groups := map[int]int{}
	children := map[int][]int{}
	for _, pid := range proc.List() {
		st, ok := proc.Read(pid)
		if !ok || st.State == 'Z' {
			continue
		}
		groups[pid] = st.PGRP
		children[st.PPID] = append(children[st.PPID], pid)
	}
	var found []int
	queue := children[self]
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if groups[pid] == group {
			found = append(found, pid)
		}
		queue = append(queue, children[pid]...)
	}
	return found
}
