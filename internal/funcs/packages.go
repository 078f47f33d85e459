package funcs

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"mvdan.cc/sh/v3/interp"
)

// aptUpdateTimeout and aptUpdateRetry bound the retries of apt-get update:
// mirrors fail transiently, and DevStack keeps trying for five minutes.
var (
	aptUpdateTimeout = 300 * time.Second
	aptUpdateRetry   = 30 * time.Second
)

// isPackageInstalled is is_package_installed: whether every package named
// is installed, by dpkg -s or rpm -q as os_PACKAGE says.
func (l *Library) isPackageInstalled(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return interp.ExitStatus(1)
	}
	v, err := l.osFacts(ctx, "os_PACKAGE")
	if err != nil {
		return err
	}
	var name string
	var query []string
	switch v.packaging {
	case "deb":
		name, query = "dpkg", append([]string{"-s"}, args...)
	case "rpm":
		name, query = "rpm", append([]string{"--quiet", "-q"}, args...)
	default:
		return l.distroNotSupported(ctx, "finding if a package is installed")
	}
	cmd, err := command(ctx, name, query...)
	if err != nil {
		return interp.ExitStatus(1)
	}
	cmd.Stdout, cmd.Stderr = nil, nil
	return run(ctx, cmd, nil)
}

// installPackage is install_package: apt-get on Debian and Ubuntu, dnf on
// Fedora and RHEL, as root and without questions. apt-get's package lists
// are updated once per session (never with NO_UPDATE_REPOS=True or
// REPOS_UPDATED=True), and an install that fails is tried once more after
// a fresh update.
//
// OFFLINE=True never touches the network: the packages must be installed
// already, or the run stops saying which are missing (DevStack skips the
// install and lets whatever needs the package fail later).
func (l *Library) installPackage(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if hc.Env.Get("OFFLINE").String() == "True" {
		var missing []string
		for _, pkg := range args {
			if l.isPackageInstalled(ctx, []string{packageName(pkg)}) != nil {
				missing = append(missing, pkg)
			}
		}
		if len(missing) > 0 {
			return l.dieHere(ctx, fmt.Sprintf("install_package: OFFLINE=True and %s not installed: install %s first, or set OFFLINE=False",
				strings.Join(missing, ", "), strings.Join(missing, " ")))
		}
		return nil
	}
	v, err := l.osFacts(ctx, "os_PACKAGE")
	if err != nil {
		return err
	}
	ubuntu := v.packaging == "deb"
	if !ubuntu && l.isFedora(ctx, nil) != nil {
		return l.distroNotSupported(ctx, "installing packages")
	}
	install := func() error {
		if len(args) == 0 {
			return nil
		}
		if ubuntu {
			return l.aptGet(ctx, []string{"install"}, args)
		}
		return l.timed("yum_install", func() error {
			cmd, err := asRoot(ctx, proxies(hc.Env), "dnf", append([]string{"install", "-y"}, args...)...)
			return run(ctx, cmd, err)
		})
	}
	if ubuntu {
		if err := l.updatePackageLists(ctx, false); err != nil {
			return err
		}
	}
	if install() == nil {
		return nil
	}
	// The lists may be stale, or a mirror was having a bad moment.
	if ubuntu {
		if err := l.updatePackageLists(ctx, true); err != nil {
			return err
		}
	}
	return install()
}

// packageName drops the version or release an apt-get argument may carry
// (pkg=1.0, pkg/bookworm-backports), which dpkg -s does not take.
func packageName(arg string) string {
	if i := strings.IndexAny(arg, "=/"); i > 0 {
		return arg[:i]
	}
	return arg
}

// updatePackageLists runs apt-get update, once per session unless again,
// retrying for a while before it gives up and stops the run.
func (l *Library) updatePackageLists(ctx context.Context, again bool) error {
	env := interp.HandlerCtx(ctx).Env
	if env.Get("NO_UPDATE_REPOS").String() == "True" || env.Get("OFFLINE").String() == "True" {
		return nil
	}
	l.mu.Lock()
	done := l.packagesUpdated || env.Get("REPOS_UPDATED").String() == "True"
	l.mu.Unlock()
	if done && !again {
		return nil
	}
	err := l.timed("apt-get-update", func() error {
		updateCtx, cancel := context.WithTimeout(ctx, aptUpdateTimeout)
		defer cancel()
		giveUp := time.Now().Add(aptUpdateTimeout)
		for attempt := 1; ; attempt++ {
			cmd, err := asRoot(updateCtx, proxies(env), "apt-get", "update")
			if err != nil {
				return run(ctx, nil, err)
			}
			if err = run(updateCtx, cmd, nil); err == nil {
				return nil
			}
			if updateCtx.Err() == nil {
				// Retries take minutes: the user sees each as it happens.
				l.report(ctx, false, fmt.Sprintf("apt-get update failed (attempt %d: %v); trying again in %s, until %s",
					attempt, err, aptUpdateRetry, giveUp.Format("15:04:05")))
			}
			select {
			case <-updateCtx.Done():
				return err
			case <-time.After(aptUpdateRetry):
			}
		}
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return l.dieHere(ctx, fmt.Sprintf("apt-get update kept failing for %s; check the package sources in /etc/apt and the network (or set OFFLINE=True with every package installed)", aptUpdateTimeout))
	}
	l.mu.Lock()
	l.packagesUpdated = true
	l.mu.Unlock()
	return nil
}

// aptGet runs apt-get OPERATION PACKAGES as root, without questions and
// keeping changed configuration files, standard input closed. Nothing
// happens with OFFLINE=True or without packages.
func (l *Library) aptGet(ctx context.Context, operation, packages []string) error {
	env := interp.HandlerCtx(ctx).Env
	if env.Get("OFFLINE").String() == "True" || len(packages) == 0 {
		return nil
	}
	args := append(append([]string{"--option", "Dpkg::Options::=--force-confold", "--assume-yes"}, operation...), packages...)
	return l.timed("apt-get", func() error {
		vars := append([]string{"DEBIAN_FRONTEND=noninteractive"}, proxies(env)...)
		cmd, err := asRoot(ctx, vars, "apt-get", args...)
		if err != nil {
			return run(ctx, nil, err)
		}
		devNull, err := os.Open(os.DevNull)
		if err != nil {
			return run(ctx, nil, err)
		}
		defer devNull.Close()
		cmd.Stdin = devNull
		return run(ctx, cmd, nil)
	})
}

// uninstallPackage is uninstall_package: apt-get purge, or dnf remove,
// whose failure (a package not installed) is ignored.
func (l *Library) uninstallPackage(ctx context.Context, args []string) error {
	v, err := l.osFacts(ctx, "os_PACKAGE")
	if err != nil {
		return err
	}
	if v.packaging == "deb" {
		return l.aptGet(ctx, []string{"purge"}, args)
	}
	if l.isFedora(ctx, nil) != nil {
		return l.distroNotSupported(ctx, "uninstalling packages")
	}
	cmd, err := asRoot(ctx, nil, "dnf", append([]string{"remove", "-y"}, args...)...)
	run(ctx, cmd, err)
	return nil
}
