package funcs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitIn runs git in dir for a test, with a fixed identity.
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func commit(t *testing.T, repo, content, message string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(repo, "file"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn(t, repo, "add", "file")
	gitIn(t, repo, "commit", "-q", "-m", message)
	return gitIn(t, repo, "rev-parse", "HEAD")
}

func TestGitClone(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := t.TempDir()
	gitIn(t, repo, "init", "-q", "-b", "main")
	commit(t, repo, "one\n", "first")
	gitIn(t, repo, "tag", "v1")
	gitIn(t, repo, "branch", "feature")
	// A change under review, as Gerrit keeps it: a ref outside branches.
	gitIn(t, repo, "checkout", "-q", "-b", "review")
	change := commit(t, repo, "review\n", "under review")
	gitIn(t, repo, "update-ref", "refs/changes/01/1/1", change)
	gitIn(t, repo, "checkout", "-q", "main")
	gitIn(t, repo, "branch", "-D", "review")

	work := t.TempDir()
	systemConfig := filepath.Join(work, "gitconfig")
	env := []string{"HOME=" + work, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=" + systemConfig}
	dest := filepath.Join(work, "dest")
	head := func(dir string) string { return gitIn(t, dir, "log", "-1", "--format=%s") }
	clone := func(extra []string, args string) (string, error) {
		t.Helper()
		return script(t, work, append(append([]string{}, env...), extra...), "git_clone "+args)
	}

	steps := []struct {
		name    string
		env     []string
		args    string
		before  func()
		dir     string // the clone to look at, dest if empty
		head    string // its commit's subject afterwards
		branch  string // its branch afterwards, "HEAD" when detached
		failure string
	}{
		{name: "clone a local path at a branch", args: repo + " " + dest + " main", head: "first", branch: "HEAD"},
		{name: "clone a file:// URL without a ref", args: "file://" + repo + " " + filepath.Join(work, "noref"), dir: filepath.Join(work, "noref"), head: "first"},
		{name: "an existing clone is left alone", args: repo + " " + dest + " main",
			before: func() { commit(t, repo, "two\n", "second") }, head: "first", branch: "HEAD"},
		{name: "RECLONE brings a branch up to date", env: []string{"RECLONE=True"}, args: repo + " " + dest + " main", head: "second", branch: "main"},
		{name: "RECLONE again resets the local branch", env: []string{"RECLONE=yes"}, args: repo + " " + dest + " main",
			before: func() { commit(t, repo, "three\n", "third") }, head: "third", branch: "main"},
		{name: "RECLONE to a tag", env: []string{"RECLONE=True"}, args: repo + " " + dest + " v1", head: "first", branch: "HEAD"},
		{name: "RECLONE to a branch only the remote has", env: []string{"RECLONE=True"}, args: repo + " " + dest + " feature", head: "first", branch: "feature"},
		{name: "RECLONE to no branch or tag", env: []string{"RECLONE=True"}, args: repo + " " + dest + " nosuchref", failure: "neither a tag nor a branch"},
		{name: "a Gerrit ref is fetched into an existing clone", args: repo + " " + dest + " refs/changes/01/1/1", head: "under review", branch: "HEAD"},
		{name: "OFFLINE uses the clone there is", env: []string{"OFFLINE=True", "RECLONE=True"}, args: "/nonexistent " + dest + " main", head: "under review"},
		{name: "OFFLINE without a clone stops", env: []string{"OFFLINE=True"}, args: repo + " " + filepath.Join(work, "offline") + " main", failure: "OFFLINE=True"},
		{name: "ERROR_ON_CLONE refuses to clone", env: []string{"ERROR_ON_CLONE=True"}, args: repo + " " + filepath.Join(work, "refused") + " main", failure: "ERROR_ON_CLONE"},
		{name: "a clone that fails stops the run", args: filepath.Join(work, "norepo") + " " + filepath.Join(work, "failed") + " main", failure: "git clone"},
	}
	for _, step := range steps {
		if step.before != nil {
			step.before()
		}
		out, err := clone(step.env, step.args)
		if step.failure != "" {
			if err == nil || !strings.Contains(out, step.failure) {
				t.Fatalf("%s: err = %v, output %q; want a failure saying %q", step.name, err, out, step.failure)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v\n%s", step.name, err, out)
		}
		dir := step.dir
		if dir == "" {
			dir = dest
		}
		if got := head(dir); got != step.head {
			t.Errorf("%s: at %q, want %q\n%s", step.name, got, step.head, out)
		}
		if !strings.HasSuffix(strings.TrimSpace(out), step.head) {
			t.Errorf("%s: the output does not end with the commit: %q", step.name, out)
		}
		if step.branch != "" {
			if got := gitIn(t, dir, "rev-parse", "--abbrev-ref", "HEAD"); got != step.branch {
				t.Errorf("%s: on %q, want %q", step.name, got, step.branch)
			}
		}
	}
	for _, dir := range []string{"offline", "refused", "failed"} {
		if _, err := os.Stat(filepath.Join(work, dir)); err == nil {
			t.Errorf("%s was created", dir)
		}
	}
	data, err := os.ReadFile(systemConfig)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "directory = "+dest+"\n"); n != 1 {
		t.Errorf("%s is a safe.directory %d times, want once:\n%s", dest, n, data)
	}
}

func TestGitCloneDepth(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := t.TempDir()
	gitIn(t, repo, "init", "-q", "-b", "main")
	commit(t, repo, "one\n", "first")
	commit(t, repo, "two\n", "second")
	work := t.TempDir()
	dest := filepath.Join(work, "dest")
	env := []string{"HOME=" + work, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=" + filepath.Join(work, "gitconfig"), "GIT_DEPTH=1"}
	if out, err := script(t, work, env, "git_clone file://"+repo+" "+dest+" main"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := gitIn(t, dest, "rev-list", "--count", "HEAD"); got != "1" {
		t.Errorf("%s commits in a GIT_DEPTH=1 clone", got)
	}
}
