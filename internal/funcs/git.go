package funcs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"mvdan.cc/sh/v3/interp"

	"devstack/internal/bash"
)

// gitRetryPause is how long git_clone waits before trying a git command
// that timed out again.
const gitRetryPause = 5 * time.Second

// gitClone is git_clone REPO DEST [REF], as DevStack's:
//
//   - DEST missing: clone REPO and check out REF (ERROR_ON_CLONE=True
//     refuses to clone);
//   - DEST present: leave it as it is, unless RECLONE=True, which fetches
//     from REPO and brings DEST to the tag or branch REF;
//   - REF a Gerrit-style refs/... : fetch it from REPO and check it out,
//     into DEST as it is;
//   - OFFLINE=True: no fetch or clone at all, DEST is used as it is, and a
//     missing DEST stops the run (DevStack goes on without it).
//
// GIT_DEPTH > 0 makes shallow clones; GIT_TIMEOUT bounds every fetch or
// clone, retried three times. REPO may be a URL, a local path or a file://
// URL. DEST is marked a safe.directory in the system git configuration, so
// that git run as another user (root, or the stack user) accepts it. The
// last line printed is DEST's commit.
func (l *Library) gitClone(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 2 {
		return l.dieHere(ctx, "git_clone: usage: git_clone REPOSITORY DESTINATION [REF]")
	}
	remote, dest, ref := args[0], bash.Absolute(hc.Dir, args[1]), ""
	if len(args) > 2 {
		ref = args[2]
	}
	var depth []string
	if d, err := strconv.Atoi(hc.Env.Get("GIT_DEPTH").String()); err == nil && d > 0 {
		depth = []string{"--depth", strconv.Itoa(d)}
	}
	g := gitRunner{lib: l, ctx: ctx, dir: dest}
	info, err := os.Stat(dest)
	exists := err == nil && info.IsDir()

	if hc.Env.Get("OFFLINE").String() == "True" {
		if !exists {
			return l.dieHere(ctx, fmt.Sprintf("git_clone: OFFLINE=True and %s has not been cloned: clone %s there first, or set OFFLINE=False", dest, remote))
		}
		fmt.Fprintln(hc.Stdout, "OFFLINE=True: using the existing clone", dest)
		return g.showHead()
	}
	if !exists && hc.Env.Get("ERROR_ON_CLONE").String() == "True" {
		fmt.Fprintf(hc.Stdout, "%s is not there, and must be cloned beforehand; in a CI job, list the project among the job's projects.\n", dest)
		return l.dieHere(ctx, "git_clone: ERROR_ON_CLONE=True does not allow cloning "+remote)
	}
	outside := gitRunner{lib: l, ctx: ctx, dir: hc.Dir}
	switch {
	case strings.HasPrefix(ref, "refs"):
		if !exists {
			if err := outside.timed(append(append([]string{"clone"}, depth...), remote, dest)...); err != nil {
				return err
			}
		}
		if err := g.timed("fetch", remote, ref); err != nil {
			return err
		}
		if err := g.run("checkout", "FETCH_HEAD"); err != nil {
			return err
		}
	case !exists:
		if err := outside.timed(append(append([]string{"clone", "--no-checkout"}, depth...), remote, dest)...); err != nil {
			return err
		}
		fetch := append(append([]string{"fetch"}, depth...), "origin")
		if ref != "" {
			fetch = append(fetch, ref)
		}
		if err := g.timed(fetch...); err != nil {
			return err
		}
		if err := g.timed("checkout", "FETCH_HEAD"); err != nil {
			return err
		}
	case isTrue(hc.Env.Get("RECLONE").String()):
		if err := g.reclone(remote, ref); err != nil {
			return err
		}
	}
	if err := markSafe(ctx, dest); err != nil {
		return err
	}
	return g.showHead()
}

// reclone brings an existing clone to ref as fetched from remote: a tag is
// fetched again and checked out, a local branch is reset to the remote's,
// and a branch only the remote has is checked out tracking it.
func (g gitRunner) reclone(remote, ref string) error {
	if err := g.run("remote", "set-url", "origin", remote); err != nil {
		return err
	}
	if err := g.timed("fetch", "origin"); err != nil {
		return err
	}
	// Byte-compiled files left from the old sources would be taken for
	// the new ones where their timestamps are newer.
	find, err := asRoot(g.ctx, nil, "find", g.dir, "-name", "*.pyc", "-delete")
	if err := run(g.ctx, find, err); err != nil {
		return err
	}
	switch {
	case g.hasRef("refs/tags/" + ref):
		if err := g.run("tag", "-d", ref); err != nil {
			return err
		}
		if err := g.timed("fetch", "origin", "tag", ref); err != nil {
			return err
		}
		return g.run("checkout", "-f", ref)
	case g.hasRef("refs/heads/" + ref):
		if err := g.run("checkout", "-f", "origin/"+ref); err != nil {
			return err
		}
		g.quiet("branch", "-D", ref)
		return g.run("checkout", "-b", ref)
	case g.hasRef("refs/remotes/origin/" + ref):
		return g.run("checkout", "-b", ref, "-t", "origin/"+ref)
	}
	return g.lib.dieHere(g.ctx, fmt.Sprintf("git_clone: RECLONE=True and %q is neither a tag nor a branch of %s", ref, remote))
}

// gitRunner runs git in dir for git_clone.
type gitRunner struct {
	lib *Library
	ctx context.Context
	dir string
}

func (g gitRunner) command(ctx context.Context, args ...string) (*exec.Cmd, error) {
	cmd, err := command(ctx, "git", args...)
	if err == nil {
		cmd.Dir = g.dir
	}
	return cmd, err
}

// run runs git with the run's output.
func (g gitRunner) run(args ...string) error {
	cmd, err := g.command(g.ctx, args...)
	return run(g.ctx, cmd, err)
}

// quiet runs git without output, for its status.
func (g gitRunner) quiet(args ...string) error {
	cmd, err := g.command(g.ctx, args...)
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = nil, nil
	return cmd.Run()
}

func (g gitRunner) hasRef(ref string) bool {
	return g.quiet("show-ref", "--quiet", "--verify", ref) == nil
}

// timed runs a git command that may talk to a remote, as DevStack's
// git_timed: bounded by GIT_TIMEOUT seconds if set (interrupted as
// timeout -s SIGINT does), tried three times when it times out, and the
// run stopped when it fails.
func (g gitRunner) timed(args ...string) error {
	hc := interp.HandlerCtx(g.ctx)
	timeout, _ := strconv.Atoi(hc.Env.Get("GIT_TIMEOUT").String())
	return g.lib.timed("git_timed", func() error {
		for attempt := 1; ; attempt++ {
			ctx, cancel := g.ctx, context.CancelFunc(func() {})
			if timeout > 0 {
				ctx, cancel = context.WithTimeout(g.ctx, time.Duration(timeout)*time.Second)
			}
			cmd, err := g.command(ctx, args...)
			if err == nil {
				cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
				cmd.WaitDelay = 10 * time.Second
			}
			err = run(g.ctx, cmd, err)
			timedOut := ctx.Err() != nil && g.ctx.Err() == nil
			cancel()
			if err == nil {
				return nil
			}
			if g.ctx.Err() != nil {
				return g.ctx.Err()
			}
			if !timedOut {
				return g.lib.dieHere(g.ctx, fmt.Sprintf("git_clone: git %s failed", strings.Join(args, " ")))
			}
			if attempt == 3 {
				return g.lib.dieHere(g.ctx, fmt.Sprintf("git_clone: git %s timed out (GIT_TIMEOUT=%d) three times", strings.Join(args, " "), timeout))
			}
			g.lib.report(g.ctx, false, fmt.Sprintf("git %s timed out after %ds (attempt %d of 3)", strings.Join(args, " "), timeout, attempt))
			select {
			case <-g.ctx.Done():
				return g.ctx.Err()
			case <-time.After(gitRetryPause):
			}
		}
	})
}

// showHead prints the commit checked out, so that the log says which
// change a run used.
func (g gitRunner) showHead() error {
	return g.run("show", "--no-patch", "--oneline", "--no-decorate")
}

// markSafe adds dest to the system git configuration's safe.directory
// list, once: its owner and those who run git in it may differ.
func markSafe(ctx context.Context, dest string) error {
	list, err := asRoot(ctx, nil, "git", "config", "--system", "--get-all", "safe.directory")
	if err != nil {
		return run(ctx, nil, err)
	}
	var out bytes.Buffer
	list.Stdout, list.Stderr = &out, nil
	if err := list.Run(); err != nil {
		// Status 1 is an empty list; anything else, a configuration git
		// cannot read, is for the add to report.
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
			out.Reset()
		}
	}
	for _, dir := range strings.Split(out.String(), "\n") {
		if dir == dest || dir == "*" {
			return nil
		}
	}
	add, err := asRoot(ctx, nil, "git", "config", "--system", "--add", "safe.directory", dest)
	return run(ctx, add, err)
}

// isTrue reads a setting as trueorfalse does, false by default.
func isTrue(value string) bool {
	v, _ := Truth(value)
	return v
}
