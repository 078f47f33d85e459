package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/interp"
)

// systemDirs are directories no run may remove recursively, whatever
// DATA_DIR or a script says: the base system, and what holds the users'
// and the services' data.
var systemDirs = []string{
	"/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32",
	"/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/snap", "/srv",
	"/sys", "/tmp", "/usr", "/usr/bin", "/usr/include", "/usr/lib", "/usr/lib64",
	"/usr/libexec", "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/sbin",
	"/usr/share", "/usr/src", "/var", "/var/cache", "/var/lib", "/var/log", "/var/spool",
	"/var/tmp",
}

// protectedPath is a directory a run must not remove, with why.
type protectedPath struct {
	path string
	what string
}

// protected lists what a recursive removal must leave alone: /, the system
// directories, the users' homes, DEST and the tree, each as the kernel
// finds it (symlinks resolved).
func (r *Run) protected(dest string) []protectedPath {
	list := []protectedPath{{"/", "the root directory"}}
	for _, dir := range systemDirs {
		list = append(list, protectedPath{dir, "a system directory"})
	}
	homes := []string{os.Getenv("HOME")}
	for _, kv := range r.Env {
		if v, ok := strings.CutPrefix(kv, "HOME="); ok {
			homes = append(homes, v)
		}
	}
	if u, err := user.Current(); err == nil {
		homes = append(homes, u.HomeDir)
	}
	if name := os.Getenv("SUDO_USER"); name != "" {
		if u, err := user.Lookup(name); err == nil {
			homes = append(homes, u.HomeDir)
		}
	}
	for _, home := range homes {
		if home != "" {
			list = append(list, protectedPath{home, "a home directory"})
		}
	}
	if dest != "" {
		list = append(list, protectedPath{dest, "DEST"})
	}
	list = append(list, protectedPath{r.Tree.Top, "the tree"})
	for i := range list {
		list[i].path = resolvePath("/", list[i].path)
	}
	return list
}

// resolvePath is path, made absolute against dir, as a removal would reach
// it: every directory on the way resolved, and the last element too when
// it is "." or "..", or the path ends in a slash (rm -r LINK/ empties the
// link's target); a last element that is a symlink is removed itself, and
// stays.
func resolvePath(dir, path string) string {
	abs := path
	if !filepath.IsAbs(abs) {
		abs = dir + "/" + abs
	}
	base := filepath.Base(abs)
	if strings.HasSuffix(path, "/") || base == "." || base == ".." {
		return resolveExisting(abs)
	}
	parent := resolveExisting(filepath.Dir(abs))
	return filepath.Join(parent, base)
}

// resolveExisting resolves the symlinks of the longest part of path that
// exists, and cleans the rest as text.
func resolveExisting(path string) string {
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		return resolved
	}
	parent := filepath.Dir(path)
	if parent == path {
		return filepath.Clean(path)
	}
	return filepath.Join(resolveExisting(parent), filepath.Base(path))
}

// refuseRemoval says why removing path recursively would destroy what a
// run must not, or "" when it may go.
func refuseRemoval(path string, protected []protectedPath) string {
	for _, p := range protected {
		if path == p.path {
			return fmt.Sprintf("%s is %s", path, p.what)
		}
	}
	for _, p := range protected {
		if strings.HasPrefix(p.path, path+"/") {
			return fmt.Sprintf("%s holds %s (%s)", path, p.what, p.path)
		}
	}
	return ""
}

// removalTargets returns the operands of a recursive rm, also run through
// sudo; nil for any other command.
func removalTargets(args []string) []string {
	for len(args) > 0 && filepath.Base(args[0]) == "sudo" {
		args = args[1:]
		// sudo's own options, and VAR=VALUE words.
		for len(args) > 0 && (strings.HasPrefix(args[0], "-") || strings.Contains(args[0], "=")) {
			takesValue := strings.Contains(" -u -g -C -D -p -r -t -U -T ", " "+args[0]+" ")
			args = args[1:]
			if takesValue && len(args) > 0 {
				args = args[1:]
			}
		}
	}
	if len(args) == 0 || filepath.Base(args[0]) != "rm" {
		return nil
	}
	recursive := false
	var operands []string
	options := true
	for _, a := range args[1:] {
		switch {
		case options && a == "--":
			options = false
		case options && a == "--recursive":
			recursive = true
		case options && strings.HasPrefix(a, "--"):
		case options && strings.HasPrefix(a, "-") && len(a) > 1:
			recursive = recursive || strings.ContainsAny(a[1:], "rR")
		case rmRefuses(a):
			// rm itself refuses . and .., whatever they are.
		default:
			operands = append(operands, a)
		}
	}
	if !recursive {
		return nil
	}
	return operands
}

// rmRefuses reports whether rm leaves an operand alone whatever it is:
// one whose last element is . or .. (GNU rm: "refusing to remove '.' or
// '..' directory").
func rmRefuses(operand string) bool {
	base := path.Base(strings.TrimRight(operand, "/"))
	return operand != "" && strings.Trim(operand, "/") != "" && (base == "." || base == "..")
}

// guardRemoval refuses, before it runs, a recursive rm of a protected
// path: the command does not run, its status is 1, and the refusal is
// named on the console and in the failures of the run.
func (r *Run) guardRemoval(ctx context.Context, args []string) (bool, error) {
	targets := removalTargets(args)
	if len(targets) == 0 {
		return false, nil
	}
	hc := interp.HandlerCtx(ctx)
	protected := r.protected(hc.Env.Get("DEST").String())
	for _, target := range targets {
		if why := refuseRemoval(resolvePath(hc.Dir, target), protected); why != "" {
			msg := fmt.Sprintf("refusing `%s`: %s", strings.Join(args, " "), why)
			fmt.Fprintf(hc.Stderr, "devstack: %s\n", msg)
			r.Log.Error(msg)
			r.failures = append(r.failures, Failure{Step: r.step, What: "rm", Err: errors.New(msg)})
			return true, interp.ExitStatus(1)
		}
	}
	return false, nil
}

// geteuid is os.Geteuid; tests take root's path with it.
var geteuid = os.Geteuid

// checkTrust refuses, when the run is root's, a script anyone may change:
// world-writable, or in a world-writable directory without the sticky bit
// (anyone could replace it). A script of the tree reached through a
// symlink that leads out of the tree is named in a warning. Paths are
// tree-relative or absolute; what is not on disk (the embedded default
// tree) is left out.
func (r *Run) checkTrust(paths []string) error {
	top := resolveExisting(r.Tree.Top)
	for _, p := range paths {
		abs := p
		if !filepath.IsAbs(abs) {
			abs = r.Tree.Path(p)
		}
		info, err := os.Stat(abs)
		if err != nil {
			continue
		}
		resolved := resolveExisting(abs)
		if geteuid() == 0 {
			if info.Mode().Perm()&0o002 != 0 {
				return fatalError{fmt.Errorf("refusing to run as root %s: anyone may write to it (chmod o-w %s)", r.displayPath(abs), resolved)}
			}
			dir := filepath.Dir(resolved)
			if dinfo, err := os.Stat(dir); err == nil && dinfo.Mode().Perm()&0o002 != 0 && dinfo.Mode()&os.ModeSticky == 0 {
				return fatalError{fmt.Errorf("refusing to run as root %s: anyone may replace it, its directory %s is world-writable (chmod o-w %s)", r.displayPath(abs), dir, dir)}
			}
		}
		if !filepath.IsAbs(p) && resolved != top && !strings.HasPrefix(resolved, top+"/") {
			r.Log.Warning(fmt.Sprintf("%s is a symlink out of the tree, to %s", p, resolved))
		}
	}
	return nil
}
