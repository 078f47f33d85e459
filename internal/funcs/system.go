package funcs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"

	"devstack/internal/bash"
)

// devstackFunctions are the functions of DevStack's functions-common and
// inc/ini-config that scripts rely on, run in Go.
func (l *Library) devstackFunctions() map[string]bash.Func {
	return map[string]bash.Func{
		"iniset":               iniFunc("iniset", iniSet),
		"iniget":               iniFunc("iniget", iniGet),
		"iniget_multiline":     iniFunc("iniget_multiline", iniGetMultiline),
		"ini_has_option":       iniFunc("ini_has_option", iniHasOption),
		"inicomment":           iniFunc("inicomment", iniComment),
		"iniuncomment":         iniFunc("iniuncomment", iniUncomment),
		"iniadd":               iniFunc("iniadd", iniAdd),
		"iniadd_literal":       iniFunc("iniadd_literal", iniAddLiteral),
		"inidelete":            iniFunc("inidelete", iniDelete),
		"iniset_multiline":     iniFunc("iniset_multiline", iniSetMultiline),
		"install_package":      l.installPackage,
		"is_package_installed": l.isPackageInstalled,
		"uninstall_package":    l.uninstallPackage,
		"git_clone":            l.gitClone,
		"run_process":          l.runProcess,
		"stop_process":         l.stopProcess,
		"is_running":           l.isRunning,
		"is_ubuntu":            l.isUbuntu,
		"is_fedora":            l.isFedora,
		"is_openeuler":         l.isOpenEuler,
		"GetOSVersion":         l.getOSVersion,
		"GetDistro":            l.getDistro,
		"get_field":            getField,
		"safe_chown":           l.safePermission("chown"),
		"safe_chmod":           l.safePermission("chmod"),
		"time_start":           l.timeStart,
		"time_stop":            l.timeStop,
	}
}

// geteuid is os.Geteuid; tests replace it to take the paths a user
// without root takes.
var geteuid = os.Geteuid

// command builds a program run from a library function: found on the
// shell's PATH, with its environment, directory and streams.
func command(ctx context.Context, name string, args ...string) (*exec.Cmd, error) {
	hc := interp.HandlerCtx(ctx)
	path, err := interp.LookPathDir(hc.Dir, hc.Env, name)
	if err != nil {
		return nil, fmt.Errorf("%s: command not found", name)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = bash.Environ(hc.Env)
	cmd.Dir = hc.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = hc.Stdin, hc.Stdout, hc.Stderr
	// An interrupted run asks the program to stop, as a signal to the
	// shell would (apt-get then stops dpkg cleanly), and kills it only if
	// it has not after stopGrace.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = stopGrace
	return cmd, nil
}

// asRoot builds a program run that needs root: as it is when the tool is
// root, through sudo otherwise. vars (KEY=VALUE) are set for the program;
// sudo would drop them from its environment, so they go on its command
// line.
func asRoot(ctx context.Context, vars []string, name string, args ...string) (*exec.Cmd, error) {
	if geteuid() != 0 {
		return command(ctx, "sudo", append(append(append([]string{}, vars...), name), args...)...)
	}
	cmd, err := command(ctx, name, args...)
	if err != nil {
		return nil, err
	}
	cmd.Env = append(cmd.Env, vars...)
	return cmd, nil
}

// proxies are the proxy settings DevStack hands to the programs it runs
// as root, whether or not the shell exports them.
func proxies(env expand.Environ) []string {
	var vars []string
	for _, name := range []string{"http_proxy", "https_proxy", "no_proxy"} {
		vars = append(vars, name+"="+env.Get(name).String())
	}
	return vars
}

// run runs a program as command builds it and turns its end into a shell
// status.
func run(ctx context.Context, cmd *exec.Cmd, err error) error {
	if err != nil {
		fmt.Fprintln(interp.HandlerCtx(ctx).Stderr, err)
		return interp.ExitStatus(127)
	}
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && exitErr.ExitCode() >= 0 {
			return interp.ExitStatus(uint8(exitErr.ExitCode()))
		}
		fmt.Fprintln(interp.HandlerCtx(ctx).Stderr, err)
		return interp.ExitStatus(1)
	}
	return nil
}

func status(ok bool) error {
	if ok {
		return nil
	}
	return interp.ExitStatus(1)
}

// osReleaseFiles are where os-release(5) may be, in the order it is read.
var osReleaseFiles = []string{"/etc/os-release", "/usr/lib/os-release"}

// readOSRelease reads the system's os-release file.
func readOSRelease() map[string]string {
	for _, path := range osReleaseFiles {
		if data, err := os.ReadFile(path); err == nil {
			return parseOSRelease(data)
		}
	}
	return map[string]string{}
}

// parseOSRelease reads os-release's shell-style assignments, which DevStack
// sources.
func parseOSRelease(data []byte) map[string]string {
	values := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		key, value, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || strings.HasPrefix(key, "#") {
			continue
		}
		switch {
		case len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"':
			var b strings.Builder
			inner := value[1 : len(value)-1]
			for i := 0; i < len(inner); i++ {
				if inner[i] == '\\' && i+1 < len(inner) && strings.IndexByte("\"\\$`", inner[i+1]) >= 0 {
					i++
				}
				b.WriteByte(inner[i])
			}
			value = b.String()
		case len(value) >= 2 && value[0] == '\'' && value[len(value)-1] == '\'':
			value = value[1 : len(value)-1]
		}
		values[key] = value
	}
	return values
}

// osVersion holds GetOSVersion's os_* variables.
type osVersion struct {
	vendor, release, codename, packaging string
}

var (
	rhelFamily   = regexp.MustCompile(`almalinux|centos|rocky|rhel`)
	parenthesed  = regexp.MustCompile(`\(([^)]*)\)`)
	debianVendor = regexp.MustCompile(`Debian|Ubuntu`)
)

// osVersionFrom is GetOSVersion's answer for an os-release file. RHEL and
// its rebuilds ship no lsb_release, and DevStack reads os-release for them;
// for the others the values are lsb_release's, which Debian's lsb_release
// derives from os-release as lsbRelease does.
func osVersionFrom(rel map[string]string) osVersion {
	var v osVersion
	if rhelFamily.MatchString(rel["ID"]) {
		v.release = rel["VERSION_ID"]
		v.codename = "n/a"
		if m := parenthesed.FindStringSubmatch(rel["VERSION"]); m != nil {
			v.codename = m[1]
		}
		v.vendor = strings.Join(strings.Fields(rel["NAME"]), "")
	} else {
		v.vendor, v.release, v.codename = lsbRelease(rel)
	}
	v.packaging = "rpm"
	if debianVendor.MatchString(v.vendor) {
		v.packaging = "deb"
	}
	return v
}

// lsbRelease is what lsb_release -i, -r and -c print: the ID capitalized
// (or NAME, when it is the ID in other case), VERSION_ID and
// VERSION_CODENAME, "n/a" for what is missing.
func lsbRelease(rel map[string]string) (id, release, codename string) {
	id = rel["ID"]
	if id != "" {
		id = strings.ToUpper(id[:1]) + id[1:]
	}
	if name, ok := rel["NAME"]; ok && strings.EqualFold(name, id) {
		id = name
	}
	orNA := func(s string) string {
		if s == "" {
			return "n/a"
		}
		return s
	}
	return orNA(id), orNA(rel["VERSION_ID"]), orNA(rel["VERSION_CODENAME"])
}

// setOSVersion sets the os_* variables in the shell, as plain globals:
// DevStack's typeset -xr applies to a local copy and vanishes with it.
func setOSVersion(ctx context.Context, v osVersion) error {
	return bash.Assign(ctx, "os_VENDOR", v.vendor, "os_RELEASE", v.release, "os_CODENAME", v.codename, "os_PACKAGE", v.packaging)
}

// osFacts returns the os_* variables, detecting them first (as DevStack's
// is_* functions call GetOSVersion) when the one asked about is empty. A
// script may set them itself, and the shell's values win.
func (l *Library) osFacts(ctx context.Context, asked string) (osVersion, error) {
	env := interp.HandlerCtx(ctx).Env
	if env.Get(asked).String() == "" {
		v := osVersionFrom(readOSRelease())
		return v, setOSVersion(ctx, v)
	}
	return osVersion{
		vendor:    env.Get("os_VENDOR").String(),
		release:   env.Get("os_RELEASE").String(),
		codename:  env.Get("os_CODENAME").String(),
		packaging: env.Get("os_PACKAGE").String(),
	}, nil
}

func (l *Library) getOSVersion(ctx context.Context, args []string) error {
	return setOSVersion(ctx, osVersionFrom(readOSRelease()))
}

var (
	redHatVendors   = regexp.MustCompile(`Red.*Hat|CentOS|AlmaLinux|Scientific|OracleServer|RockyLinux|Virtuozzo`)
	errUnknownDistr = errors.New("unknown distribution")
)

// distro is GetDistro's DISTRO for a system: the codename for Debian and
// Ubuntu, fNN for Fedora, rhelN for RHEL and its rebuilds.
func distro(v osVersion) (string, error) {
	switch {
	case strings.Contains(v.vendor, "Ubuntu") || strings.Contains(v.vendor, "Debian"):
		return v.codename, nil
	case strings.Contains(v.vendor, "Fedora"):
		return "f" + v.release, nil
	case redHatVendors.MatchString(v.vendor):
		major, _, _ := strings.Cut(v.release, ".")
		return "rhel" + major, nil
	case strings.Contains(v.vendor, "openEuler"):
		return "openEuler-" + v.release, nil
	}
	return "", errUnknownDistr
}

func (l *Library) getDistro(ctx context.Context, args []string) error {
	v := osVersionFrom(readOSRelease())
	if err := setOSVersion(ctx, v); err != nil {
		return err
	}
	name, err := distro(v)
	if err != nil {
		return l.dieHere(ctx, fmt.Sprintf("GetDistro: %s %s is not a distribution DevStack knows (Debian, Ubuntu, Fedora, RHEL and its rebuilds, openEuler)", v.vendor, v.release))
	}
	return bash.Assign(ctx, "DISTRO", name)
}

// distroNotSupported is exit_distro_not_supported: what is missing, for
// the system at hand.
func (l *Library) distroNotSupported(ctx context.Context, what string) error {
	v, err := l.osFacts(ctx, "os_VENDOR")
	if err != nil {
		return err
	}
	name := interp.HandlerCtx(ctx).Env.Get("DISTRO").String()
	if name == "" {
		name = strings.TrimSpace(v.vendor + " " + v.release)
	}
	return l.dieHere(ctx, fmt.Sprintf("Support for %s is incomplete: no support for %s", name, what))
}

func (l *Library) isUbuntu(ctx context.Context, args []string) error {
	v, err := l.osFacts(ctx, "os_PACKAGE")
	if err != nil {
		return err
	}
	return status(v.packaging == "deb")
}

var fedoraVendors = []string{"Fedora", "Red Hat", "openEuler", "RedHatEnterpriseServer", "RedHatEnterprise",
	"RedHatEnterpriseLinux", "RockyLinux", "CentOS", "CentOSStream", "AlmaLinux", "OracleServer", "Virtuozzo"}

func (l *Library) isFedora(ctx context.Context, args []string) error {
	v, err := l.osFacts(ctx, "os_VENDOR")
	if err != nil {
		return err
	}
	for _, vendor := range fedoraVendors {
		if v.vendor == vendor {
			return nil
		}
	}
	return interp.ExitStatus(1)
}

func (l *Library) isOpenEuler(ctx context.Context, args []string) error {
	v, err := l.osFacts(ctx, "os_PACKAGE")
	if err != nil {
		return err
	}
	return status(v.vendor == "openEuler")
}

// tableSeparator is how OpenStack clients' tables separate their columns.
var tableSeparator = regexp.MustCompile(`[ \t]*\|[ \t]*`)

// getField is get_field N: field N of every line of standard input, counted
// from 1 after the table's left border, or from the end when negative
// (-1 is the last field before the right border).
//
// Lines are read as `read` without -r reads them: backslashes escape the
// next character, a backslash-newline joins two lines, blanks around the
// line are dropped, and a last line without a newline is not read at all.
func getField(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) == 0 {
		fmt.Fprintln(hc.Stderr, "get_field: usage: get_field N")
		return interp.ExitStatus(2)
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		fmt.Fprintf(hc.Stderr, "get_field: %s: integer expression expected\n", args[0])
		return interp.ExitStatus(2)
	}
	if hc.Stdin == nil {
		return nil
	}
	in := bufio.NewReader(hc.Stdin)
	// As for DevStack's loop, the status is that of the last line: 2 when
	// it had no such field.
	var last error
	for {
		line, ok, err := readLine(in)
		if err != nil && !errors.Is(err, io.EOF) {
			return interp.ExitStatus(1)
		}
		if !ok {
			return last
		}
		last = nil
		var fields []string
		if line != "" {
			fields = tableSeparator.Split(line, -1)
		}
		// awk's numbering: $0 is the line, $1 the first field.
		k := n + 1
		if n < 0 {
			k = len(fields) + n
		}
		switch {
		case k == 0:
			fmt.Fprintln(hc.Stdout, line)
		case k < 0:
			fmt.Fprintf(hc.Stderr, "get_field: no field %d in %q\n", n, line)
			last = interp.ExitStatus(2)
		case k > len(fields):
			fmt.Fprintln(hc.Stdout)
		default:
			fmt.Fprintln(hc.Stdout, fields[k-1])
		}
	}
}

// readLine reads one line as bash's `read` without -r and the default IFS
// does; ok is false when no complete line was left.
func readLine(in *bufio.Reader) (line string, ok bool, err error) {
	var b strings.Builder
	for {
		c, err := in.ReadByte()
		if err != nil {
			return "", false, err
		}
		switch c {
		case '\n':
			return strings.Trim(b.String(), " \t\n"), true, nil
		case '\\':
			next, err := in.ReadByte()
			if err != nil {
				return "", false, err
			}
			if next != '\n' {
				b.WriteByte(next)
			}
		default:
			b.WriteByte(c)
		}
	}
}

// nfsSuperMagic is statfs(2)'s f_type of an NFS file system.
const nfsSuperMagic = 0x6969

// onNFS reports whether dir is on NFS, where root squashing makes a
// change of ownership or mode by root fail.
func onNFS(dir string) bool {
	var st syscall.Statfs_t
	return syscall.Statfs(dir, &st) == nil && st.Type == nfsSuperMagic
}

// safePermission is safe_chown and safe_chmod: the change, as root, unless
// the target (the last argument, or the directory holding it when it is
// not a directory itself) is on NFS.
func (l *Library) safePermission(program string) bash.Func {
	return func(ctx context.Context, args []string) error {
		hc := interp.HandlerCtx(ctx)
		if len(args) > 0 {
			target := bash.Absolute(hc.Dir, args[len(args)-1])
			if info, err := os.Stat(target); err != nil || !info.IsDir() {
				target = filepath.Dir(target)
			}
			if onNFS(target) {
				return nil
			}
		}
		cmd, err := asRoot(ctx, nil, program, args...)
		return run(ctx, cmd, err)
	}
}

// timeStart and timeStop are DevStack's per-name timers: a timer runs
// once at a time, and every stop adds to its name's total.
func (l *Library) timeStart(ctx context.Context, args []string) error {
	name := ""
	if len(args) > 0 {
		name = args[0]
	}
	l.mu.Lock()
	_, running := l.timerStarts[name]
	if !running {
		l.timerStarts[name] = time.Now()
	}
	l.mu.Unlock()
	if running {
		return l.dieHere(ctx, fmt.Sprintf("time_start %s: the timer is running already; time_stop %s first", name, name))
	}
	return nil
}

func (l *Library) timeStop(ctx context.Context, args []string) error {
	name := ""
	if len(args) > 0 {
		name = args[0]
	}
	l.mu.Lock()
	start, running := l.timerStarts[name]
	if running {
		delete(l.timerStarts, name)
		l.timerTotals[name] += time.Since(start)
	}
	l.mu.Unlock()
	if !running {
		return l.dieHere(ctx, fmt.Sprintf("time_stop %s: the timer was not started; time_start %s first", name, name))
	}
	return nil
}

// timed runs f and adds its duration to the total of name, as DevStack
// times the package manager, git and run_process.
func (l *Library) timed(name string, f func() error) error {
	if d, ok := l.reporter.(detailReporter); ok {
		// These take long: the live line says which runs.
		d.Detail(name)
		defer d.Detail("")
	}
	start := time.Now()
	err := f()
	l.mu.Lock()
	l.timerTotals[name] += time.Since(start)
	l.mu.Unlock()
	return err
}

// Timings returns the totals of the library's timers by name: those of
// time_start and time_stop, and those the library functions keep (apt-get,
// apt-get-update, yum_install, git_timed, run_process), as DevStack's
// time_totals reports them.
func (l *Library) Timings() map[string]time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.timerTotals)
}
