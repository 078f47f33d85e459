package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// binary is the devstack binary built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "devstack-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "devstack")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0") // as make build
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building devstack:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the repository's top: the default tree the binary embeds.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// copyTree copies testdata/trees/NAME into a new temporary directory.
func copyTree(t testing.TB, name string) string {
	t.Helper()
	dst := t.TempDir()
	copyDir(t, filepath.Join(repoRoot(t), "testdata", "trees", name), dst)
	return dst
}

// copyDir copies a directory tree. Executable bits are kept: a DevStack
// tree's clean.sh runs unstack.sh.
func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm()|0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// writeFile writes a file into a tree, creating directories.
func writeFile(t testing.TB, dir, rel, content string) {
	t.Helper()
	path := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

type result struct {
	stdout, stderr string
	status         int
}

// testEnv is the environment the binary and the bash driver run with:
// the test's, without settings that would change the tool's behaviour.
func testEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "DEVSTACK_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "XDG_CONFIG_HOME=/nonexistent")
}

// runDevstack runs the binary on a tree. --allow-root is added since CI runs
// as root.
func runDevstack(t testing.TB, dir string, args ...string) result {
	t.Helper()
	full := append([]string{"--top-dir", dir, "--allow-root"}, args...)
	return runCmd(t, dir, binary, full...)
}

func runCmd(t testing.TB, dir, name string, args ...string) result {
	t.Helper()
	return runCmdEnv(t, dir, nil, name, args...)
}

// runCmdEnv runs a program with extra environment variables.
func runCmdEnv(t testing.TB, dir string, extraEnv []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(testEnv(), extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		res.status = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("running %s: %v", name, err)
	}
	return res
}

// record reads what the fixture scripts recorded, nil if nothing ran.
func record(t testing.TB, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "record.txt"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func resetRecord(t testing.TB, dir string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, "record.txt")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
}

// diffLines describes the first difference between two records.
func diffLines(want, got []string) string {
	i, w, g, differ := firstDifference(want, got)
	if !differ {
		return ""
	}
	return fmt.Sprintf("line %d: want %q, got %q\nwant:\n  %s\ngot:\n  %s", i+1, w, g,
		strings.Join(want, "\n  "), strings.Join(got, "\n  "))
}

// firstDifference finds the first line where two texts differ: its index
// and each side's line ("" past the end).
func firstDifference(want, got []string) (int, string, string, bool) {
	for i := 0; i < len(want) || i < len(got); i++ {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			return i, w, g, true
		}
	}
	return 0, "", "", false
}

func mustSucceed(t testing.TB, res result, what string) {
	t.Helper()
	if res.status != 0 {
		t.Fatalf("%s: exit status %d\nstdout:\n%s\nstderr:\n%s", what, res.status, res.stdout, res.stderr)
	}
}

func mustFail(t testing.TB, res result, what string, wantInStderr ...string) {
	t.Helper()
	if res.status == 0 {
		t.Fatalf("%s: succeeded, want a failure\nstderr:\n%s", what, res.stderr)
	}
	for _, want := range wantInStderr {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("%s: stderr does not mention %q:\n%s", what, want, res.stderr)
		}
	}
	if strings.Contains(res.stderr, "goroutine ") || strings.Contains(res.stderr, "panic:") {
		t.Errorf("%s: a Go panic reached the user:\n%s", what, res.stderr)
	}
}
