package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
