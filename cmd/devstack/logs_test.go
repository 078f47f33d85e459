package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startedRun is the binary running in the background, in a process group
// of its own, so that what its scripts left running can be ended with it.
type startedRun struct {
	cmd    *exec.Cmd
	output *lockedBuffer
	done   chan struct{}
	status int
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (lb *lockedBuffer) Write(p []byte) (int, error) {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return lb.b.Write(p)
}

func (lb *lockedBuffer) String() string {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return lb.b.String()
}

// startDevstack starts the binary on a tree; the test ends it, and its
// process group, if it is still running.
func startDevstack(t *testing.T, dir string, args ...string) *startedRun {
	t.Helper()
	full := append([]string{"--top-dir", dir, "--allow-root"}, args...)
	cmd := exec.Command(binary, full...)
	cmd.Dir = dir
	cmd.Env = testEnv()
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	run := &startedRun{cmd: cmd, output: out, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		run.status = cmd.ProcessState.ExitCode()
		close(run.done)
	}()
	pgid := cmd.Process.Pid
	t.Cleanup(func() {
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-run.done
	})
	return run
}

// wait waits for the run to end, at most a generous delay.
func (r *startedRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-r.done:
		return r.status
	case <-time.After(60 * time.Second):
		t.Fatalf("still running after 60s:\n%s", r.output.String())
	}
	return 0
}

// pausingHook is an extras.d script that, at stack install, says so on its
// output, leaves a background job behind, writes TOP_DIR/paused and waits
// until TOP_DIR/resume exists.
const pausingHook = `if [[ "$1" == stack && "$2" == install ]]; then
    echo "said before the pause"
    sleep 30 &
    touch "$TOP_DIR/paused"
    while [[ ! -e "$TOP_DIR/resume" ]]; do
        sleep 0.05
    done
fi
`

// waitForFile waits until path exists and, if want is not empty, holds it.
func waitForFile(t *testing.T, path, want string, run *startedRun) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(data), want) {
			return string(data)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never held %q (%v); it holds:\n%.3000s\nthe run's output:\n%s", path, want, err, data, run.output.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestKilledRunLeavesItsLog: a run killed by KILL (a CI timeout, the OOM
// killer), HUP (a lost terminal) or QUIT leaves in stack.sh.log everything
// it had said, each line whole.
func TestKilledRunLeavesItsLog(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			dir := copyTree(t, "basic")
			writeFile(t, dir, "extras.d/40-pause.sh", pausingHook)
			run := startDevstack(t, dir, "stack")
			log := filepath.Join(dir, "opt", "logs", "stack.sh.log")
			// The log has the line while the run goes on: nothing waits in
			// a buffer.
			waitForFile(t, log, "said before the pause\n", run)
			waitForFile(t, filepath.Join(dir, "paused"), "", run)
			if err := run.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			run.wait(t)
			data := readString(t, log)
			for _, want := range []string{
				"==> configuration\n",
				"+ extras.d/10-alpha.sh:3 echo '10-alpha 2 stack install'\n",
				"==> stack install\n",
				"| said before the pause\n",
			} {
				if !strings.Contains(data, want) {
					t.Errorf("after %v the log lacks %q:\n%s", sig, want, data)
				}
			}
			if !strings.HasSuffix(data, "\n") {
				t.Errorf("after %v the log ends mid-line: %q", sig, data[max(0, len(data)-200):])
			}
		})
	}
}

// TestLongLineNeitherHangsNorIsLost: a hook printing one line of 2 MiB,
// more than any buffer on the way, does not stop stack, unstack or clean,
// and the line is in each one's log, whole.
func TestLongLineNeitherHangsNorIsLost(t *testing.T) {
	dir := copyTree(t, "basic")
	writeFile(t, dir, "extras.d/40-long.sh", `case "$*" in
    "stack install"|unstack|clean)
        head -c 2097152 /dev/zero | tr '\0' x
        echo " end of the long line"
        echo "after the long line"
        ;;
esac
`)
	// The trace of the next command may come between the x's, which reach
	// the log through a pipe, and the end of their line.
	long := regexp.MustCompile(`(?m)^[-0-9 :.]+ \| (x+)( end of the long line)?$`)
	for _, command := range []string{"stack", "unstack", "clean"} {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, binary, "--top-dir", dir, "--allow-root", command)
		cmd.Env = testEnv()
		out, err := cmd.CombinedOutput()
		timedOut := ctx.Err() != nil
		cancel()
		if timedOut {
			t.Fatalf("%s hangs on a 2 MiB line:\n%s", command, out)
		}
		if err != nil {
			t.Fatalf("%s: %v\n%s", command, err, out)
		}
		log := readString(t, filepath.Join(dir, "opt", "logs", command+".sh.log"))
		m := long.FindStringSubmatch(log)
		if !strings.Contains(log, "| after the long line\n") {
			t.Errorf("%s's log lacks the line after the long line", command)
		}
		if m == nil || len(m[1]) != 2097152 {
			got := 0
			if m != nil {
				got = len(m[1])
			}
			t.Errorf("%s's log lacks the 2 MiB line whole (%d bytes of it)", command, got)
		}
	}
}

// TestLogfileNamingAFileLeavesIt: a LOGFILE naming a file of the user's
// does not replace it; the log goes beside it, and the console says so.
func TestLogfileNamingAFileLeavesIt(t *testing.T) {
	dir := copyTree(t, "basic")
	writeFile(t, dir, "notes.txt", "the user's notes\n")
	appendLocalrc(t, dir, "LOGFILE=$TOP_DIR/notes.txt")
	res := runDevstack(t, dir, "stack")
	mustSucceed(t, res, "stack")
	if got := readString(t, filepath.Join(dir, "notes.txt")); got != "the user's notes\n" {
		t.Errorf("notes.txt is now %q", got)
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "notes.txt.2*"))
	if len(logs) != 1 || !strings.Contains(readString(t, logs[0]), "==> stack install") {
		t.Fatalf("no log beside notes.txt: %v", logs)
	}
	if !strings.Contains(res.stderr, "LOGFILE "+filepath.Join(dir, "notes.txt")+" is not a link") || !strings.Contains(res.stderr, logs[0]) {
		t.Errorf("the console does not say where the log went:\n%s", res.stderr)
	}
}

// TestEachCommandKeepsItsOwnLog: unstack and clean write logs of their
// own and leave stack.sh.log pointing at the stack's; every log is for
// its owner only (mode 0640 at most).
func TestEachCommandKeepsItsOwnLog(t *testing.T) {
	dir := copyTree(t, "basic")
	logdir := filepath.Join(dir, "opt", "logs")
	mustSucceed(t, runDevstack(t, dir, "stack"), "stack")
	stackLog, err := os.Readlink(filepath.Join(logdir, "stack.sh.log"))
	if err != nil {
		t.Fatal(err)
	}
	mustSucceed(t, runDevstack(t, dir, "unstack"), "unstack")
	if now, _ := os.Readlink(filepath.Join(logdir, "stack.sh.log")); now != stackLog {
		t.Errorf("unstack repointed stack.sh.log from %s to %s", stackLog, now)
	}
	for _, name := range []string{"stack.sh.log", "unstack.sh.log"} {
		target, err := os.Readlink(filepath.Join(logdir, name))
		if err != nil || !strings.HasPrefix(target, name+".") {
			t.Errorf("%s: %q, %v", name, target, err)
			continue
		}
		info, err := os.Stat(filepath.Join(logdir, target))
		if err != nil || info.Mode().Perm()&0o027 != 0 {
			t.Errorf("%s is readable or writable by others: %v %v", target, info.Mode(), err)
		}
	}
	if log := readString(t, filepath.Join(logdir, "unstack.sh.log")); !strings.Contains(log, "==> unstack\n") {
		t.Errorf("unstack.sh.log lacks the unstack phase:\n%s", log)
	}
	mustSucceed(t, runDevstack(t, dir, "clean"), "clean")
	onlyCleanLog(t, logdir)
}

// TestRunsInTheSameSecondGetAFileEach: a log file already there for this
// second (another run's) is neither written nor replaced.
func TestRunsInTheSameSecondGetAFileEach(t *testing.T) {
	dir := copyTree(t, "basic")
	logdir := filepath.Join(dir, "opt", "logs")
	// Every second the run may start in, taken.
	now := time.Now()
	var taken []string
	for s := range 10 {
		path := filepath.Join(logdir, "stack.sh.log."+now.Add(time.Duration(s)*time.Second).Format("2006-01-02-150405"))
		writeFile(t, logdir, filepath.Base(path), "another run's log\n")
		taken = append(taken, path)
	}
	mustSucceed(t, runDevstack(t, dir, "stack"), "stack")
	for _, path := range taken {
		if got := readString(t, path); got != "another run's log\n" {
			t.Fatalf("%s was written by this run", filepath.Base(path))
		}
	}
	target, err := os.Readlink(filepath.Join(logdir, "stack.sh.log"))
	if err != nil || !regexp.MustCompile(`^stack\.sh\.log\.\d{4}-\d\d-\d\d-\d{6}-1$`).MatchString(target) {
		t.Errorf("stack.sh.log points at %q (%v), want a file of its own with a -1 suffix", target, err)
	}
}

// TestLogDaysRemovesOldLogs: LOGDAYS removes the logs of the same name
// older than that many days, as stack.sh does, and nothing else.
func TestLogDaysRemovesOldLogs(t *testing.T) {
	day := 24 * time.Hour
	files := []struct {
		name string
		age  time.Duration
	}{
		{"stack.sh.log.2020-01-01-000000", 10 * day},
		{"stack.sh.log.2020-01-05-000000", 3 * day},
		{"stack.sh.log.summary.2020-01-01-000000", 10 * day},
		{"keystone.log", 10 * day},
	}
	tests := []struct {
		name    string
		setting string
		gone    []string
	}{
		{"LOGDAYS=2", "LOGDAYS=2", []string{"stack.sh.log.2020-01-01-000000", "stack.sh.log.2020-01-05-000000", "stack.sh.log.summary.2020-01-01-000000"}},
		{"default, 7 days", "", []string{"stack.sh.log.2020-01-01-000000", "stack.sh.log.summary.2020-01-01-000000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyTree(t, "basic")
			if tt.setting != "" {
				appendLocalrc(t, dir, tt.setting)
			}
			logdir := filepath.Join(dir, "opt", "logs")
			for _, f := range files {
				writeFile(t, logdir, f.name, "old\n")
				then := time.Now().Add(-f.age)
				if err := os.Chtimes(filepath.Join(logdir, f.name), then, then); err != nil {
					t.Fatal(err)
				}
			}
			mustSucceed(t, runDevstack(t, dir, "stack"), "stack")
			for _, f := range files {
				gone := !exists(filepath.Join(logdir, f.name))
				want := false
				for _, g := range tt.gone {
					want = want || g == f.name
				}
				if gone != want {
					t.Errorf("%s (%s old): removed %v, want %v", f.name, f.age, gone, want)
				}
			}
		})
	}
}

// TestFullDiskIsNamed: a log directory that fills up is named on the
// console, and the run fails, rather than the log being cut silently. The
// log directory is a small tmpfs in a mount namespace of the run's own.
func TestFullDiskIsNamed(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounts a tmpfs: needs root")
	}
	if err := exec.Command("unshare", "-m", "true").Run(); err != nil {
		t.Skipf("unshare -m: %v", err)
	}
	dir := copyTree(t, "basic")
	logdir := filepath.Join(dir, "opt", "logs")
	mustMkdir(t, logdir)
	writeFile(t, dir, "extras.d/40-chatty.sh", `if [[ "$1" == stack && "$2" == install ]]; then
    head -c 600000 /dev/zero | tr '\0' '\n' | sed 's/^/a line of output/'
    echo "after the output"
fi
`)
	script := `mount -t tmpfs -o size=256k tmpfs "$1" && shift && exec "$@"`
	res := runCmd(t, dir, "unshare", "-m", "sh", "-c", script, "sh", logdir, binary, "--top-dir", dir, "--allow-root", "stack")
	out := res.stdout + res.stderr
	if res.status == 0 || !strings.Contains(out, "no space left on device") || !strings.Contains(out, "ERROR: the log "+logdir+"/stack.sh.log.") {
		t.Errorf("a full log directory is not named (status %d):\n%.3000s", res.status, out)
	}
	if strings.Count(out, "no space left on device") > 2 {
		t.Errorf("the full disk is told over and over:\n%.3000s", out)
	}
}

// TestCleanDoesNotHoldItsOutput: clean passes its hooks' output on to its
// log rather than holding it: 32 MiB of output leave the process below
// that in memory (it used to hold four times as much), and all of it in
// the log.
func TestCleanDoesNotHoldItsOutput(t *testing.T) {
	dir := copyTree(t, "basic")
	writeFile(t, dir, "extras.d/40-chatty.sh", `if [[ "$1" == clean ]]; then
    head -c 1048576 /dev/zero | tr '\0' '\n' | sed 's/^/thirty-one bytes of clean output/'
fi
`)
	mustSucceed(t, runDevstack(t, dir, "stack"), "stack")
	cmd := exec.Command(binary, "--top-dir", dir, "--allow-root", "clean")
	cmd.Env = testEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("clean: %v\n%s", err, out)
	}
	usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Skip("no resource usage on this system")
	}
	// Linux gives the peak resident size in KiB.
	if peak := usage.Maxrss * 1024; peak > 32<<20 {
		t.Errorf("clean peaked at %d MiB for 32 MiB of output", peak>>20)
	}
	log := readString(t, filepath.Join(dir, "opt", "logs", "clean.sh.log"))
	if n := strings.Count(log, "| thirty-one bytes of clean output\n"); n != 1048576 {
		t.Errorf("clean's log has %d of the 1048576 lines of output", n)
	}
}
