package shell

import (
	"context"
	"fmt"
	"os"
	"strings"

	"mvdan.cc/sh/v3/interp"
)

// gitClone is git_clone REPO DEST [REF], as DevStack's: clone REPO into
// DEST at REF if DEST is absent; with RECLONE=True, bring an existing DEST
// to REF from REPO; with OFFLINE=True, use DEST as it is and never fetch.
// ERROR_ON_CLONE=True refuses to clone. REPO may be a URL, a local path
// or a file:// URL. It ends by printing DEST's current commit.
func (s *Session) gitClone(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 2 {
		return s.dieHere(ctx, "git_clone needs a repository and a destination")
	}
	remote, dest, ref := args[0], absolute(hc.Dir, args[1]), ""
	if len(args) > 2 {
		ref = args[2]
	}
	git := func(dir string, gitArgs ...string) error {
		cmd, err := command(ctx, false, "git", gitArgs...)
		if cmd != nil {
			cmd.Dir = dir
		}
		return run(ctx, cmd, err)
	}
	_, statErr := os.Stat(dest)
	exists := statErr == nil
	switch {
	case hc.Env.Get("OFFLINE").String() == "True":
		if !exists {
			return s.dieHere(ctx, fmt.Sprintf("OFFLINE=True, and %s has not been cloned: clone it first, or set OFFLINE=False", dest))
		}
		fmt.Fprintln(hc.Stdout, "Running in offline mode, clones already exist")
	case !exists:
		if hc.Env.Get("ERROR_ON_CLONE").String() == "True" {
			return s.dieHere(ctx, fmt.Sprintf("%s was not found, and ERROR_ON_CLONE=True does not allow cloning it", dest))
		}
		depth := []string{}
		if d := hc.Env.Get("GIT_DEPTH").String(); d != "" && d != "0" {
			depth = []string{"--depth", d}
		}
		if ref == "" {
			if err := git(hc.Dir, append(append([]string{"clone"}, depth...), remote, dest)...); err != nil {
				return err
			}
			break
		}
		if err := git(hc.Dir, append(append([]string{"clone", "--no-checkout"}, depth...), remote, dest)...); err != nil {
			return err
		}
		if err := git(dest, append(append([]string{"fetch"}, depth...), "origin", ref)...); err != nil {
			return err
		}
		if err := git(dest, "checkout", "FETCH_HEAD"); err != nil {
			return err
		}
	case isTrue(hc.Env.Get("RECLONE").String()):
		if err := git(dest, "remote", "set-url", "origin", remote); err != nil {
			return err
		}
		if err := git(dest, "fetch", "origin", "--tags"); err != nil {
			return err
		}
		if ref == "" {
			ref = "HEAD"
		}
		target := ref
		if s.gitHasRef(ctx, dest, "refs/remotes/origin/"+ref) {
			target = "origin/" + ref
		}
		if err := git(dest, "checkout", "-f", target); err != nil {
			return err
		}
		if target != ref && !strings.HasPrefix(ref, "refs/") {
			if err := git(dest, "checkout", "-B", ref); err != nil {
				return err
			}
		}
	}
	return git(dest, "log", "-1", "--oneline")
}

// gitHasRef reports whether the repository at dir has ref.
func (s *Session) gitHasRef(ctx context.Context, dir, ref string) bool {
	cmd, err := command(ctx, false, "git", "show-ref", "--quiet", "--verify", ref)
	if err != nil {
		return false
	}
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = nil, nil
	return cmd.Run() == nil
}

// isTrue reads a setting as trueorfalse would.
func isTrue(value string) bool {
	switch value {
	case "1", "yes", "Yes", "YES", "true", "True", "TRUE":
		return true
	}
	return false
}
