package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// rootRefusal is DevStack's refusal to run as root; the bash side (and
// `devstack sh`) runs with it rewritten, line numbers kept, as
// scripts/compare-stack.sh does, since tests run as root in CI.
var rootRefusal = regexp.MustCompile(`(?m)^if \[\[ \$EUID -eq 0 \]\]; then$`)

// jobIDs finds what `$!` names in a traced `wait` or `kill`: a process id
// under bash, the job's name (g1, g2, ...) under devstack, whose jobs run
// in-process. Both depend on the run, not on the script.
var jobIDs = regexp.MustCompile(`(?m)^(\++ \S+ (?:wait|kill)(?: -\S+)*) (?:[0-9]+|g[0-9]+)$`)

// tracePrefix is the start of an xtrace line: PS4 (+, ++, ...) and the
// fixture's FILE:LINE.
var tracePrefix = regexp.MustCompile(`^\++ \S+:[0-9]+ `)

// normalise makes what a run wrote comparable between runs: the job ids of
// jobIDs, and the order of the trace lines of one pipeline. Its commands
// start at once and are traced as they start; bash, too, traces
// `a | b` as `b` then `a` on a loaded machine. So adjacent trace lines of
// the same file and line are sorted.
func normalise(data []byte) []byte {
	lines := strings.Split(string(jobIDs.ReplaceAll(data, []byte("${1}JOB"))), "\n")
	for i := 0; i < len(lines); {
		prefix := tracePrefix.FindString(lines[i])
		j := i + 1
		for prefix != "" && j < len(lines) && tracePrefix.FindString(lines[j]) == prefix {
			j++
		}
		sort.Strings(lines[i:j])
		i = j
	}
	return []byte(strings.Join(lines, "\n"))
}

// treeRun is what one command did: its status, the record of the stubbed
// commands, and the files under the tree and DEST with their contents.
type treeRun struct {
	status int
	output string
	record []string
	files  []string
	// contents are the texts of the files written, normalised as hashed.
	contents map[string]string
}

// treeRunner runs one of stack, unstack and clean on a tree at top, with
// DEST at dest and the stubs of scripts/stubs first on PATH.
type treeRunner func(t *testing.T, top, dest, command string) treeRun

// bashRunner runs the tree's own scripts under bash.
func bashRunner(t *testing.T, top, dest, command string) treeRun {
	script := "./" + command + ".sh"
	if command == "stack" {
		return runTreeCommand(t, top, dest, "bash", script)
	}
	return runTreeCommand(t, top, dest, script)
}

// shRunner runs the tree's own scripts with `devstack sh`.
func shRunner(t *testing.T, top, dest, command string) treeRun {
	return runTreeCommand(t, top, dest, binary, "sh", "./"+command+".sh")
}

// devstackRunner runs `devstack stack|unstack|clean --allow-root`.
func devstackRunner(t *testing.T, top, dest, command string) treeRun {
	return runTreeCommand(t, top, dest, binary, "--top-dir", top, command, "--allow-root")
}

func runTreeCommand(t *testing.T, top, dest, name string, args ...string) treeRun {
	t.Helper()
	stubs := stubDir(t, filepath.Dir(dest))
	record := filepath.Join(filepath.Dir(dest), "record")
	cmd := exec.Command(name, args...)
	cmd.Dir = top
	// A fixed environment, the same for both sides (as compare-stack.sh).
	cmd.Env = []string{
		"HOME=" + os.Getenv("HOME"), "USER=root", "LOGNAME=root", "TERM=dumb", "LANG=C.UTF-8",
		"PATH=" + stubs + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"COMPARE_STUBS=" + stubs, "COMPARE_RECORD=" + record,
		"COMPARE_STATE=" + filepath.Join(filepath.Dir(dest), "state"),
		"DEST=" + dest, "XDG_CONFIG_HOME=/nonexistent",
	}
	out, err := os.CreateTemp(t.TempDir(), "output")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	// A child left behind by a failed run must not hold the test.
	cmd.WaitDelay = 10 * time.Second
	run := treeRun{}
	err = cmd.Run()
	if exitErr, ok := err.(*exec.ExitError); ok {
		run.status = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", name, err)
	}
	output, _ := os.ReadFile(out.Name())
	run.output = string(output)
	if data, err := os.ReadFile(record); err == nil {
		run.record = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	}
	os.Remove(record)
	return run
}

// stubDir makes the recording stubs of scripts/stubs, with the links its
// links file lists, in base/stubs, once per base.
func stubDir(t *testing.T, base string) string {
	t.Helper()
	dir := filepath.Join(base, "stubs")
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	src := filepath.Join(repoRoot(t), "scripts", "stubs")
	if out, err := exec.Command("cp", "-a", src, dir).CombinedOutput(); err != nil {
		t.Fatalf("copying the stubs: %v\n%s", err, out)
	}
	links, err := os.ReadFile(filepath.Join(dir, "links"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(links), "\n") {
		fields := strings.Fields(line)
		if len(fields) != 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if err := os.Symlink(fields[1], filepath.Join(dir, fields[0])); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// eventsFile matches devstack's events file beside a DevStack tree's log
// and the file it links to, which bash has no counterpart of; they are
// left out of the comparison, as compare-stack.sh leaves them out.
var eventsFile = regexp.MustCompile(`\.events(\.[0-9-]+)?$`)

// listFiles lists the files under each root: path, kind, mode and content
// (a hash for a file, the target for a symlink), sorted. The rewritten
// stack.sh and unstack.sh are left out: they differ by the rewrite; so
// are devstack's events files (eventsFile).
func listFiles(t *testing.T, roots ...string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, root := range roots {
		if _, err := os.Lstat(root); err != nil {
			continue
		}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if eventsFile.MatchString(path) {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			var entry string
			switch {
			case d.Type()&fs.ModeSymlink != 0:
				target, err := os.Readlink(path)
				if err != nil {
					return err
				}
				entry = "link " + target
			case d.IsDir():
				entry = fmt.Sprintf("dir %o", info.Mode().Perm())
			default:
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				sum := sha256.Sum256(normalise(data))
				entry = fmt.Sprintf("file %o %s", info.Mode().Perm(), hex.EncodeToString(sum[:8]))
			}
			files[path] = entry
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, script := range []string{"stack.sh", "unstack.sh"} {
		delete(files, filepath.Join(roots[0], script))
	}
	return files
}

// changedFiles describes the paths whose entries differ between two
// listings, one line each, sorted.
func changedFiles(before, after map[string]string) []string {
	var changed []string
	for path, entry := range after {
		if before[path] != entry {
			changed = append(changed, path+" "+entry)
		}
	}
	for path := range before {
		if _, ok := after[path]; !ok {
			changed = append(changed, path+" deleted")
		}
	}
	sort.Strings(changed)
	return changed
}

// runTreeSide copies the devstack-shaped tree to base/tree (rewriting the
// root refusal if asked), then runs stack, unstack and clean with runner,
// each step's files being those it changed.
func runTreeSide(t *testing.T, base string, rewrite bool, runner treeRunner) map[string]treeRun {
	t.Helper()
	if err := os.RemoveAll(base); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	top, dest := filepath.Join(base, "tree"), filepath.Join(base, "dest")
	src := filepath.Join(repoRoot(t), "testdata", "trees", "devstack-shaped")
	if out, err := exec.Command("cp", "-a", src, top).CombinedOutput(); err != nil {
		t.Fatalf("copying the tree: %v\n%s", err, out)
	}
	if rewrite {
		for _, script := range []string{"stack.sh", "unstack.sh"} {
			path := filepath.Join(top, script)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !rootRefusal.Match(data) {
				t.Fatalf("%s has no root refusal to rewrite", path)
			}
			if err := os.WriteFile(path, rootRefusal.ReplaceAll(data, []byte("if false; then")), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	runs := map[string]treeRun{}
	before := listFiles(t, top, dest)
	for _, command := range []string{"stack", "unstack", "clean"} {
		run := runner(t, top, dest, command)
		after := listFiles(t, top, dest)
		run.files = changedFiles(before, after)
		run.contents = map[string]string{}
		for _, entry := range run.files {
			path := strings.Fields(entry)[0]
			if data, err := os.ReadFile(path); err == nil {
				run.contents[path] = string(normalise(data))
			}
		}
		before = after
		runs[command] = run
	}
	return runs
}

// compareTreeRuns runs the devstack-shaped tree under bash and under
// another runner, at the same paths (paths are in the records), and
// compares every step's status, record and files.
func compareTreeRuns(t *testing.T, rewrite, files bool, runner treeRunner) {
	base := filepath.Join(t.TempDir(), "run")
	want := runTreeSide(t, base, true, bashRunner)
	got := runTreeSide(t, base, rewrite, runner)
	for _, command := range []string{"stack", "unstack", "clean"} {
		w, g := want[command], got[command]
		if w.status != 0 {
			t.Fatalf("bash %s: exit status %d\n%s", command, w.status, w.output)
		}
		if len(w.record) < 3 || len(w.files) < 1 {
			t.Fatalf("bash %s recorded %d commands and wrote %d files; the tree should do more",
				command, len(w.record), len(w.files))
		}
		if g.status != w.status {
			t.Errorf("%s: exit status %d, bash %d\n%s", command, g.status, w.status, g.output)
		}
		if d := diffLines(w.record, g.record); d != "" {
			t.Errorf("%s: the record differs from bash's: %s", command, d)
		}
		if !files {
			continue
		}
		if d := diffLines(w.files, g.files); d != "" {
			t.Errorf("%s: the files written differ from bash's: %s%s", command, d, contentDiffs(w, g))
		}
	}
}

// TestDevstackShapedTree runs the devstack-shaped tree's own stack.sh,
// unstack.sh and clean.sh under bash, and compares what they do with the
// interpreter running the same scripts, and with `devstack stack`.
func TestDevstackShapedTree(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	t.Run("devstack sh", func(t *testing.T) {
		compareTreeRuns(t, true, true, shRunner)
	})
	t.Run("devstack stack", func(t *testing.T) {
		// The pristine tree: --allow-root passes over its root refusal.
		compareTreeRuns(t, false, true, devstackRunner)
	})
}

// contentDiffs shows, for each file both sides wrote with different
// contents, the first line that differs.
func contentDiffs(want, got treeRun) string {
	var b strings.Builder
	for path, w := range want.contents {
		g, ok := got.contents[path]
		if !ok || w == g {
			continue
		}
		if i, wl, gl, differ := firstDifference(strings.Split(w, "\n"), strings.Split(g, "\n")); differ {
			fmt.Fprintf(&b, "\n%s line %d: bash %q, got %q", path, i+1, wl, gl)
		}
	}
	return b.String()
}
