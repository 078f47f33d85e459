package funcs

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"devstack/internal/bash"
)

// packageTools are stand-ins for the package managers: cowsay is
// installed; apt-get records the environment it got as "apt-env", fails for packages named fail-*, its first install
// fails when $FLAKY names a file that is not there yet, and update fails
// when $UPDATE_FAILS is set.
func packageTools(t *testing.T) *fakeBin {
	t.Helper()
	bin := newFakeBin(t)
	bin.add(t, "sudo", fakeSudo)
	bin.add(t, "apt-get", `echo "apt-env DEBIAN_FRONTEND=$DEBIAN_FRONTEND http_proxy=$http_proxy" >> '`+bin.record+`'
case "$*" in
*update) [ -z "$UPDATE_FAILS" ] ;;
*fail-*) exit 100 ;;
*install*) if [ -n "$FLAKY" ] && [ ! -e "$FLAKY" ]; then : > "$FLAKY"; exit 100; fi ;;
esac`)
	bin.add(t, "dpkg", `[ "$2" = cowsay ]`)
	bin.add(t, "rpm", `[ "$3" = cowsay ]`)
	bin.add(t, "dnf", `case "$*" in *fail-*) exit 1 ;; esac`)
	return bin
}

func TestPackages(t *testing.T) {
	saved := [2]time.Duration{aptUpdateTimeout, aptUpdateRetry}
	aptUpdateTimeout, aptUpdateRetry = 500*time.Millisecond, 50*time.Millisecond
	t.Cleanup(func() { aptUpdateTimeout, aptUpdateRetry = saved[0], saved[1] })

	const (
		apt    = "apt-get --option Dpkg::Options::=--force-confold --assume-yes"
		aptEnv = "apt-env DEBIAN_FRONTEND=noninteractive http_proxy="
		update = "apt-get update"
		upEnv  = "apt-env DEBIAN_FRONTEND= http_proxy="
	)
	tests := []struct {
		name    string
		nonRoot bool
		env     []string
		scripts []string // each in a session of its own
		calls   []string // of sudo, apt-get, dnf
		out     string
		failure string
		timers  []string
	}{
		{
			name:    "one update per session",
			scripts: []string{"install_package figlet; install_package jq curl", "install_package vim"},
			calls: []string{
				update, upEnv, apt + " install figlet", aptEnv,
				apt + " install jq curl", aptEnv,
				update, upEnv, apt + " install vim", aptEnv,
			},
			timers: []string{"apt-get", "apt-get-update"},
		},
		{
			name:    "NO_UPDATE_REPOS",
			env:     []string{"NO_UPDATE_REPOS=True"},
			scripts: []string{"install_package figlet"},
			calls:   []string{apt + " install figlet", aptEnv},
		},
		{
			name:    "REPOS_UPDATED set by the scripts",
			scripts: []string{"REPOS_UPDATED=True; install_package figlet"},
			calls:   []string{apt + " install figlet", aptEnv},
		},
		{
			name:    "proxies reach apt-get unexported",
			scripts: []string{"http_proxy=http://proxy:3128; NO_UPDATE_REPOS=True; install_package figlet"},
			calls:   []string{apt + " install figlet", aptEnv + "http://proxy:3128"},
		},
		{
			name:    "OFFLINE with the packages installed touches nothing",
			env:     []string{"OFFLINE=True"},
			scripts: []string{"install_package cowsay"},
		},
		{
			name:    "OFFLINE with a package missing stops",
			env:     []string{"OFFLINE=True"},
			scripts: []string{"install_package cowsay figlet=1.0"},
			failure: "OFFLINE=True and figlet=1.0 not installed",
		},
		{
			name:    "a failed install is retried after a fresh update",
			scripts: []string{`FLAKY=$TMPDIR/flaky; export FLAKY; install_package figlet`},
			calls: []string{
				update, upEnv, apt + " install figlet", aptEnv,
				update, upEnv, apt + " install figlet", aptEnv,
			},
		},
		{
			name:    "an install that keeps failing fails",
			scripts: []string{"install_package fail-me"},
			calls: []string{
				update, upEnv, apt + " install fail-me", aptEnv,
				update, upEnv, apt + " install fail-me", aptEnv,
			},
			failure: "status 100",
		},
		{
			name:    "an update that keeps failing stops the run",
			env:     []string{"UPDATE_FAILS=1"},
			scripts: []string{"install_package figlet"},
			failure: "apt-get update kept failing",
		},
		{
			name:    "without root, through sudo",
			nonRoot: true,
			scripts: []string{"install_package figlet"},
			calls: []string{
				"sudo http_proxy= https_proxy= no_proxy= apt-get update", update, upEnv,
				"sudo DEBIAN_FRONTEND=noninteractive http_proxy= https_proxy= no_proxy= " + apt + " install figlet",
				apt + " install figlet", aptEnv,
			},
		},
		{
			name:    "dnf on Fedora",
			env:     []string{"os_PACKAGE=rpm", "os_VENDOR=Fedora"},
			scripts: []string{"install_package figlet"},
			calls:   []string{"dnf install -y figlet"},
			timers:  []string{"yum_install"},
		},
		{
			name:    "an unknown distribution",
			env:     []string{"os_PACKAGE=rpm", "os_VENDOR=Plan9", "os_RELEASE=4"},
			scripts: []string{"install_package figlet"},
			failure: "Support for Plan9 4 is incomplete: no support for installing packages",
		},
		{
			name:    "is_package_installed",
			scripts: []string{"is_package_installed cowsay && echo yes; is_package_installed figlet || echo no; is_package_installed || echo none"},
			out:     "yes\nno\nnone\n",
		},
		{
			name:    "is_package_installed with rpm",
			env:     []string{"os_PACKAGE=rpm", "os_VENDOR=Fedora"},
			scripts: []string{"is_package_installed cowsay && echo yes; is_package_installed figlet || echo no"},
			out:     "yes\nno\n",
		},
		{
			name:    "uninstall_package",
			scripts: []string{"uninstall_package cowsay"},
			calls:   []string{apt + " purge cowsay", aptEnv},
		},
		{
			name:    "uninstall_package with dnf ignores failures",
			env:     []string{"os_PACKAGE=rpm", "os_VENDOR=CentOSStream"},
			scripts: []string{"uninstall_package fail-me && echo ok"},
			calls:   []string{"dnf remove -y fail-me"},
			out:     "ok\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.nonRoot {
				asNonRoot(t)
			}
			bin := packageTools(t)
			dir := t.TempDir()
			env := append([]string{bin.pathVar(), "TMPDIR=" + dir}, tt.env...)
			// Debian's detection, unless the case names a system.
			env = append([]string{"os_PACKAGE=deb", "os_VENDOR=Debian"}, env...)
			var out string
			var err error
			var s *session
			for _, text := range tt.scripts {
				var o string
				s, o, err = runScript(t, dir, env, text)
				out += o
				if err != nil {
					break
				}
			}
			if tt.failure != "" {
				if err == nil || !strings.Contains(out+err.Error(), tt.failure) {
					t.Fatalf("err = %v, output %q; want a failure saying %q", err, out, tt.failure)
				}
			} else if err != nil {
				t.Fatalf("%v\n%s", err, out)
			} else if out != tt.out {
				t.Errorf("output %q, want %q", out, tt.out)
			}
			got := bin.calls(t, "sudo", "apt-get", "apt-env", "dnf")
			if tt.name == "an update that keeps failing stops the run" {
				// Tried until the deadline, never installed.
				if len(got) < 4 || strings.Contains(strings.Join(got, "\n"), "install") {
					t.Errorf("calls %q, want repeated updates only", got)
				}
				// Each retry is told as it happens.
				if !strings.Contains(out, "[WARNING] apt-get update failed (attempt 1: ") || !strings.Contains(out, "attempt 2: ") {
					t.Errorf("retries not told: %q", out)
				}
				return
			}
			if strings.Join(got, "\n") != strings.Join(tt.calls, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.calls, "\n"))
			}
			timings := s.lib.Timings()
			for _, name := range tt.timers {
				if _, ok := timings[name]; !ok {
					t.Errorf("no %s timing in %v", name, timings)
				}
			}
		})
	}
}

// TestIsUbuntuDetects checks that the is_* functions detect the system
// when the scripts have not, and leave the os_* variables behind as
// DevStack's GetOSVersion does.
func TestIsUbuntuDetects(t *testing.T) {
	rel := readOSRelease()
	out, err := script(t, t.TempDir(), nil, `is_ubuntu && echo deb || echo other; echo "$os_PACKAGE $os_RELEASE"`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	v := osVersionFrom(rel)
	want := "other"
	if v.packaging == "deb" {
		want = "deb"
	}
	if out != want+"\n"+v.packaging+" "+v.release+"\n" {
		t.Errorf("output %q, want %s and %s %s", out, want, v.packaging, v.release)
	}
}

// TestInterruptedPackageManagerIsAskedToStop: a run interrupted while
// apt-get works sends it TERM, which it can handle (and stop dpkg), not
// KILL.
func TestInterruptedPackageManagerIsAskedToStop(t *testing.T) {
	bin := newFakeBin(t)
	bin.add(t, "sudo", fakeSudo)
	started := filepath.Join(bin.dir, "started")
	bin.add(t, "apt-get", `trap 'echo "apt-get got TERM" >> '`+bin.record+`'; exit 143' TERM
: > '`+started+`'
while :; do sleep 0.05; done`)
	bin.add(t, "dpkg", `exit 1`)
	out := &syncBuffer{}
	s, err := newSession(bash.Options{Dir: t.TempDir(), Env: []string{bin.pathVar(), "os_PACKAGE=deb", "OFFLINE=False"}, Stdout: out, Stderr: out})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for i := 0; i < 500; i++ {
			if _, err := os.Stat(started); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	s.Eval(ctx, "test", "install_package cowsay")
	if calls := bin.calls(t); !slices.Contains(calls, "apt-get got TERM") {
		t.Errorf("apt-get was not asked to stop: %q\n%s", calls, out)
	}
}
