package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBashCompat runs each snippet of testdata/bashcompat under bash and
// under `devstack sh`: standard output and error (together) and the exit
// status must be the same.
func TestBashCompat(t *testing.T) {
	snippets, err := filepath.Glob(filepath.Join(repoRoot(t), "testdata", "bashcompat", "*.sh"))
	if err != nil || len(snippets) == 0 {
		t.Fatalf("no snippets: %v", err)
	}
	for _, snippet := range snippets {
		t.Run(strings.TrimSuffix(filepath.Base(snippet), ".sh"), func(t *testing.T) {
			t.Parallel()
			wantOut, wantStatus := runSnippet(t, "bash", snippet)
			gotOut, gotStatus := runSnippet(t, binary, "sh", snippet)
			if gotOut != wantOut || gotStatus != wantStatus {
				t.Errorf("devstack sh (status %d):\n%s\nbash (status %d):\n%s", gotStatus, gotOut, wantStatus, wantOut)
			}
		})
	}
}

// runSnippet runs a snippet with its own TMPDIR, both output streams into
// one file, as `2>&1` would, and returns what it wrote and its status.
func runSnippet(t *testing.T, name string, args ...string) (string, int) {
	t.Helper()
	dir := t.TempDir()
	out, err := os.Create(filepath.Join(dir, "output"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(name, args...)
	cmd.Dir = filepath.Dir(args[len(args)-1])
	cmd.Env = append(testEnv(), "TMPDIR="+dir)
	cmd.Stdout, cmd.Stderr = out, out
	status := 0
	if err := cmd.Run(); err != nil {
		exitErr, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s: %v", name, err)
		}
		status = exitErr.ExitCode()
	}
	data, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(data), status
}

// TestTrapOnSignalFromOutside sends TERM to a script that traps it, under
// bash and under devstack sh: both run the trap once the command under way
// ends, and exit as it says.
func TestTrapOnSignalFromOutside(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "trap.sh")
	marker := filepath.Join(dir, "waiting")
	writeFile(t, dir, "trap.sh", `trap 'echo "TERM trapped"; exit 7' TERM
touch "$1"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do sleep 0.2; done
echo "not reached"
`)
	for _, shell := range [][]string{{"bash"}, {binary, "sh"}} {
		os.Remove(marker)
		cmd := exec.Command(shell[0], append(shell[1:], script, marker)...)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 500; i++ {
			if _, err := os.Stat(marker); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		err := cmd.Wait()
		exitErr, ok := err.(*exec.ExitError)
		if !ok || exitErr.ExitCode() != 7 || out.String() != "TERM trapped\n" {
			t.Errorf("%s: %v, output %q; want status 7 and the trap's line", shell[0], err, out.String())
		}
	}
}

// TestUntrappedSignalEndsScript: TERM to a script that does not trap it
// ends it at once, silently, with 128+15, under bash and devstack sh.
func TestUntrappedSignalEndsScript(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "started")
	writeFile(t, dir, "wait.sh", "touch \"$1\"\nread -r line < <(sleep 30)\necho \"not reached\"\n")
	for _, shell := range [][]string{{"bash"}, {binary, "sh"}} {
		os.Remove(marker)
		cmd := exec.Command(shell[0], append(shell[1:], filepath.Join(dir, "wait.sh"), marker)...)
		// A file, not a pipe: the sleep left behind keeps a pipe open.
		out, err := os.Create(filepath.Join(dir, "output"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		out.Close()
		for i := 0; i < 500; i++ {
			if _, err := os.Stat(marker); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		start := time.Now()
		cmd.Process.Signal(syscall.SIGTERM)
		err = cmd.Wait()
		output, _ := os.ReadFile(filepath.Join(dir, "output"))
		exitErr, ok := err.(*exec.ExitError)
		status := -1
		if ok {
			status = exitErr.ExitCode()
			if ws, wok := exitErr.Sys().(syscall.WaitStatus); wok && ws.Signaled() {
				status = 128 + int(ws.Signal())
			}
		}
		if status != 143 || len(output) != 0 || time.Since(start) > 5*time.Second {
			t.Errorf("%s: %v, output %q; want status 143, at once, silently", shell[0], err, output)
		}
	}
}
