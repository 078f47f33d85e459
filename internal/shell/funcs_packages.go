package shell

import (
	"context"
	"fmt"
	"os"
	"strings"

	"mvdan.cc/sh/v3/interp"
)

// isPackageInstalled is is_package_installed: dpkg -s or rpm -q of every
// package named, quietly.
func (s *Session) isPackageInstalled(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return interp.ExitStatus(1)
	}
	_, _, _, packaging := osVersion()
	name, query := "rpm", append([]string{"--quiet", "-q"}, args...)
	if packaging == "deb" {
		name, query = "dpkg", append([]string{"-s"}, args...)
	}
	cmd, err := command(ctx, false, name, query...)
	if err != nil {
		return interp.ExitStatus(1)
	}
	cmd.Stdout, cmd.Stderr = nil, nil
	return run(ctx, cmd, nil)
}

// installPackage is install_package: apt-get on Debian and Ubuntu, dnf
// elsewhere, without questions. The package lists are updated once per
// session (not with NO_UPDATE_REPOS=True), and again if an install fails.
// With OFFLINE=True nothing is fetched: the packages must be installed
// already.
func (s *Session) installPackage(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) == 0 {
		return nil
	}
	if hc.Env.Get("OFFLINE").String() == "True" {
		var missing []string
		for _, pkg := range args {
			if s.isPackageInstalled(ctx, []string{pkg}) != nil {
				missing = append(missing, pkg)
			}
		}
		if len(missing) > 0 {
			return s.dieHere(ctx, fmt.Sprintf("OFFLINE=True, and %s not installed: install it first, or set OFFLINE=False", strings.Join(missing, ", ")))
		}
		return nil
	}
	_, _, _, packaging := osVersion()
	if packaging != "deb" {
		cmd, err := command(ctx, true, "dnf", append([]string{"install", "-y"}, args...)...)
		return run(ctx, cmd, err)
	}
	if err := s.updatePackageLists(ctx, false); err != nil {
		return err
	}
	if err := s.aptGet(ctx, append([]string{"install"}, args...)...); err == nil {
		return nil
	}
	// The lists may be stale: update them and try once more.
	if err := s.updatePackageLists(ctx, true); err != nil {
		return err
	}
	return s.aptGet(ctx, append([]string{"install"}, args...)...)
}

// updatePackageLists runs apt-get update, once per session unless again.
func (s *Session) updatePackageLists(ctx context.Context, again bool) error {
	hc := interp.HandlerCtx(ctx)
	if hc.Env.Get("NO_UPDATE_REPOS").String() == "True" {
		return nil
	}
	s.mu.Lock()
	done := s.packagesUpdated
	s.mu.Unlock()
	if done && !again {
		return nil
	}
	if err := s.aptGet(ctx, "update"); err != nil {
		return err
	}
	s.mu.Lock()
	s.packagesUpdated = true
	s.mu.Unlock()
	return nil
}

// aptGet runs apt-get as DevStack's apt_get does: non-interactive, keeping
// changed configuration files, standard input closed.
func (s *Session) aptGet(ctx context.Context, args ...string) error {
	words := append([]string{"apt-get", "--option", "Dpkg::Options::=--force-confold", "--assume-yes"}, args...)
	if os.Geteuid() != 0 {
		// sudo resets the environment: pass the setting on its command line.
		words = append([]string{"sudo", "DEBIAN_FRONTEND=noninteractive"}, words...)
	}
	cmd, err := command(ctx, false, words[0], words[1:]...)
	if err != nil {
		return run(ctx, cmd, err)
	}
	cmd.Env = append(cmd.Env, "DEBIAN_FRONTEND=noninteractive")
	if devNull, err := os.Open(os.DevNull); err == nil {
		defer devNull.Close()
		cmd.Stdin = devNull
	}
	return run(ctx, cmd, nil)
}

// uninstallPackage is uninstall_package: apt-get purge, or dnf remove.
func (s *Session) uninstallPackage(ctx context.Context, args []string) error {
	if len(args) == 0 || interp.HandlerCtx(ctx).Env.Get("OFFLINE").String() == "True" {
		return nil
	}
	_, _, _, packaging := osVersion()
	if packaging != "deb" {
		cmd, err := command(ctx, true, "dnf", append([]string{"remove", "-y"}, args...)...)
		run(ctx, cmd, err)
		return nil
	}
	return s.aptGet(ctx, append([]string{"purge"}, args...)...)
}
