package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pausedStack starts a stack on a copy of the basic tree that pauses in
// its stack install phase (pausingHook), and waits until it does.
func pausedStack(t *testing.T) (string, *startedRun) {
	t.Helper()
	dir := copyTree(t, "basic")
	writeFile(t, dir, "extras.d/40-pause.sh", pausingHook)
	run := startDevstack(t, dir, "stack")
	waitForFile(t, filepath.Join(dir, "paused"), "", run)
	return dir, run
}

// TestSecondRunOnTheTreeIsRefused: while a stack runs, a stack, unstack or
// clean of the same tree is refused at once, naming the running one, and
// changes nothing; the first goes on unharmed.
func TestSecondRunOnTheTreeIsRefused(t *testing.T) {
	dir, first := pausedStack(t)
	pid := strconv.Itoa(first.cmd.Process.Pid)
	for _, command := range []string{"stack", "unstack", "clean"} {
		start := time.Now()
		res := runDevstack(t, dir, command)
		mustFail(t, res, "a second "+command, "another devstack run (pid "+pid+", `devstack stack`, started ",
			"is working on the tree "+dir, "--wait")
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("the refusal of %s took %s", command, took)
		}
	}
	if !exists(filepath.Join(dir, "opt", "data")) {
		t.Errorf("the second runs' clean removed the first's DATA_DIR")
	}
	writeFile(t, dir, "resume", "")
	if status := first.wait(t); status != 0 {
		t.Fatalf("the first stack failed (%d):\n%s", status, first.output.String())
	}
	if exists(filepath.Join(dir, ".devstack.lock")) {
		t.Errorf("the lock's file outlives the run")
	}
	mustSucceed(t, runDevstack(t, dir, "unstack"), "unstack once the stack is over")
}

// TestSecondRunOnTheDestIsRefused: a run of another tree with the same
// DEST is refused too, naming DEST.
func TestSecondRunOnTheDestIsRefused(t *testing.T) {
	dir, first := pausedStack(t)
	other := copyTree(t, "basic")
	conf := readString(t, filepath.Join(other, "local.conf"))
	writeFile(t, other, "local.conf", strings.Replace(conf, "DEST=$TOP_DIR/opt", "DEST="+filepath.Join(dir, "opt"), 1))
	res := runDevstack(t, other, "stack")
	mustFail(t, res, "a stack of another tree on the same DEST", "another devstack run (pid "+strconv.Itoa(first.cmd.Process.Pid),
		"is working on DEST "+filepath.Join(dir, "opt"))
	if len(record(t, other)) != 0 {
		t.Errorf("the refused stack ran hooks: %v", record(t, other))
	}
	writeFile(t, dir, "resume", "")
	first.wait(t)
	mustSucceed(t, runDevstack(t, other, "stack"), "the other tree's stack once the first is over")
}

// TestWaitWaitsForTheRunningOne: with --wait, the second run says whom it
// waits for, and runs once the first has ended.
func TestWaitWaitsForTheRunningOne(t *testing.T) {
	dir, first := pausedStack(t)
	second := startDevstack(t, dir, "unstack", "--wait")
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(second.output.String(), "waiting: another devstack run (pid "+strconv.Itoa(first.cmd.Process.Pid)) {
		if time.Now().After(deadline) {
			t.Fatalf("the second run does not say it waits:\n%s", second.output.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case <-second.done:
		t.Fatalf("the second run did not wait:\n%s", second.output.String())
	case <-time.After(300 * time.Millisecond):
	}
	writeFile(t, dir, "resume", "")
	if status := first.wait(t); status != 0 {
		t.Fatalf("the first stack failed:\n%s", first.output.String())
	}
	if status := second.wait(t); status != 0 {
		t.Fatalf("the waiting unstack failed:\n%s", second.output.String())
	}
	if !strings.Contains(readString(t, filepath.Join(dir, "opt", "logs", "unstack.sh.log")), "==> unstack\n") {
		t.Errorf("the waiting unstack did not run")
	}
}

// TestKilledRunLeavesNoLock: a stack killed with KILL leaves no lock
// behind, though the background job its hook started still runs: the lock
// is the run's own, not its children's.
func TestKilledRunLeavesNoLock(t *testing.T) {
	dir, first := pausedStack(t)
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.wait(t)
	if err := syscall.Kill(-first.cmd.Process.Pid, 0); err != nil {
		t.Fatalf("the hook's background job is gone, the test proves nothing: %v", err)
	}
	start := time.Now()
	mustSucceed(t, runDevstack(t, dir, "unstack"), "unstack after a killed stack")
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("unstack took %s", took)
	}
	if _, err := os.Stat(filepath.Join(dir, ".devstack.lock")); !os.IsNotExist(err) {
		t.Errorf("the lock's file is still there after the next run: %v", err)
	}
}
