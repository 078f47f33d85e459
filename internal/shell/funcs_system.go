package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// devstackFunctions are DevStack's functions-common that scripts rely on,
// run in Go.
func (s *Session) devstackFunctions() map[string]libraryFunc {
	return map[string]libraryFunc{
		"iniset":               iniFunc(iniSet),
		"iniget":               iniFunc(iniGet),
		"iniget_multiline":     iniFunc(iniGetMultiline),
		"ini_has_option":       iniFunc(iniHasOption),
		"inicomment":           iniFunc(iniComment),
		"iniuncomment":         iniFunc(iniUncomment),
		"iniadd":               iniFunc(iniAdd),
		"iniadd_literal":       iniFunc(iniAddLiteral),
		"inidelete":            iniFunc(iniDelete),
		"iniset_multiline":     iniFunc(iniSetMultiline),
		"install_package":      s.installPackage,
		"is_package_installed": s.isPackageInstalled,
		"uninstall_package":    s.uninstallPackage,
		"git_clone":            s.gitClone,
		"run_process":          s.runProcess,
		"stop_process":         s.stopProcess,
		"is_ubuntu":            s.isUbuntu,
		"is_fedora":            s.isFedora,
		"GetOSVersion":         s.getOSVersion,
		"GetDistro":            s.getDistro,
		"get_field":            getField,
		"safe_chown":           s.safePermission("chown"),
		"safe_chmod":           s.safePermission("chmod"),
		"time_start":           s.timeStart,
		"time_stop":            s.timeStop,
	}
}

// environ is what a program started by a library function gets: the
// shell's exported variables.
func environ(env expand.Environ) []string {
	var list []string
	env.Each(func(name string, vr expand.Variable) bool {
		if vr.Exported && vr.IsSet() {
			list = append(list, name+"="+vr.String())
		}
		return true
	})
	return list
}

// command builds a program run from a library function: found on the
// shell's PATH, with its environment, directory and streams. Root needs
// no sudo; anyone else gets it when asSudo.
func command(ctx context.Context, asSudo bool, name string, args ...string) (*exec.Cmd, error) {
	hc := interp.HandlerCtx(ctx)
	if asSudo && os.Geteuid() != 0 {
		args = append([]string{name}, args...)
		name = "sudo"
	}
	path, err := interp.LookPathDir(hc.Dir, hc.Env, name)
	if err != nil {
		return nil, fmt.Errorf("%s: command not found", name)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = environ(hc.Env)
	cmd.Dir = hc.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = hc.Stdin, hc.Stdout, hc.Stderr
	return cmd, nil
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
		if errors.As(err, &exitErr) {
			return interp.ExitStatus(uint8(exitErr.ExitCode()))
		}
		fmt.Fprintln(interp.HandlerCtx(ctx).Stderr, err)
		return interp.ExitStatus(1)
	}
	return nil
}

// osRelease reads /etc/os-release.
func osRelease() map[string]string {
	values := map[string]string{}
	f, err := os.Open("/etc/os-release")
	if err != nil {
		return values
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		key, value, ok := strings.Cut(scanner.Text(), "=")
		if ok {
			values[key] = strings.Trim(value, `"'`)
		}
	}
	return values
}

// osVersion is GetOSVersion's answer: the vendor as lsb_release -i names
// it, the release, the codename and the package format.
func osVersion() (vendor, release, codename, packaging string) {
	rel := osRelease()
	switch rel["ID"] {
	case "debian":
		vendor = "Debian"
	case "ubuntu":
		vendor = "Ubuntu"
	case "fedora":
		vendor = "Fedora"
	default:
		vendor = strings.Join(strings.Fields(rel["NAME"]), "")
	}
	release, codename = rel["VERSION_ID"], rel["VERSION_CODENAME"]
	if codename == "" {
		codename = "n/a"
	}
	packaging = "rpm"
	if vendor == "Debian" || vendor == "Ubuntu" || strings.Contains(" "+rel["ID_LIKE"]+" ", " debian ") {
		packaging = "deb"
	}
	return vendor, release, codename, packaging
}

func (s *Session) getOSVersion(ctx context.Context, args []string) error {
	vendor, release, codename, packaging := osVersion()
	return assign(ctx, "os_VENDOR", vendor, "os_RELEASE", release, "os_CODENAME", codename, "os_PACKAGE", packaging)
}

func (s *Session) getDistro(ctx context.Context, args []string) error {
	vendor, release, codename, _ := osVersion()
	var distro string
	switch {
	case vendor == "Debian" || vendor == "Ubuntu":
		distro = codename
	case vendor == "Fedora":
		distro = "f" + release
	case regexp.MustCompile(`Red.*Hat|CentOS|AlmaLinux|Scientific|OracleServer|RockyLinux|Virtuozzo`).MatchString(vendor):
		major, _, _ := strings.Cut(release, ".")
		distro = "rhel" + major
	case strings.Contains(vendor, "openEuler"):
		distro = "openEuler-" + release
	default:
		return s.dieHere(ctx, "Unable to determine DISTRO, can not continue.")
	}
	if err := s.getOSVersion(ctx, nil); err != nil {
		return err
	}
	return assign(ctx, "DISTRO", distro)
}

func status(ok bool) error {
	if ok {
		return nil
	}
	return interp.ExitStatus(1)
}

func (s *Session) isUbuntu(ctx context.Context, args []string) error {
	_, _, _, packaging := osVersion()
	return status(packaging == "deb")
}

var fedoraVendors = []string{"Fedora", "Red Hat", "openEuler", "RedHatEnterpriseServer", "RedHatEnterprise",
	"RedHatEnterpriseLinux", "RockyLinux", "CentOS", "CentOSStream", "AlmaLinux", "OracleServer", "Virtuozzo"}

func (s *Session) isFedora(ctx context.Context, args []string) error {
	vendor, _, _, _ := osVersion()
	for _, v := range fedoraVendors {
		if vendor == v {
			return nil
		}
	}
	return interp.ExitStatus(1)
}

// getField prints field N of each line of standard input, the fields
// separated by "|" and the blanks around it, as OpenStack clients' tables
// are; a negative N counts from the end.
func getField(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) != 1 {
		fmt.Fprintln(hc.Stderr, "get_field: usage: get_field N")
		return interp.ExitStatus(2)
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		fmt.Fprintf(hc.Stderr, "get_field: %s: not a number\n", args[0])
		return interp.ExitStatus(2)
	}
	separator := regexp.MustCompile(`[ \t]*\|[ \t]*`)
	in := bufio.NewReader(hc.Stdin)
	for {
		line, err := in.ReadString('\n')
		if line = strings.TrimSuffix(line, "\n"); line != "" || err == nil {
			fields := separator.Split(line, -1)
			i := n
			if n < 0 {
				i = len(fields) + n - 1
			}
			if i >= 0 && i < len(fields) {
				fmt.Fprintln(hc.Stdout, fields[i])
			} else {
				fmt.Fprintln(hc.Stdout)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return interp.ExitStatus(1)
		}
	}
}

// safePermission is safe_chown and safe_chmod: the change, through sudo
// when not root.
func (s *Session) safePermission(program string) libraryFunc {
	return func(ctx context.Context, args []string) error {
		cmd, err := command(ctx, true, program, args...)
		return run(ctx, cmd, err)
	}
}

// timeStart and timeStop keep DevStack's per-name timers.
func (s *Session) timeStart(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return s.dieHere(ctx, "time_start needs a name")
	}
	s.mu.Lock()
	_, running := s.timerStarts[args[0]]
	if !running {
		s.timerStarts[args[0]] = time.Now()
	}
	s.mu.Unlock()
	if running {
		return s.dieHere(ctx, fmt.Sprintf("Trying to start the clock on %s, but it's already been started", args[0]))
	}
	return nil
}

func (s *Session) timeStop(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return s.dieHere(ctx, "time_stop needs a name")
	}
	s.mu.Lock()
	start, running := s.timerStarts[args[0]]
	if running {
		delete(s.timerStarts, args[0])
		s.timerTotals[args[0]] += time.Since(start)
	}
	s.mu.Unlock()
	if !running {
		return s.dieHere(ctx, fmt.Sprintf("Trying to stop the clock on %s, but it was never started", args[0]))
	}
	return nil
}

// Timers returns the totals time_start and time_stop measured, by name.
func (s *Session) Timers() map[string]time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	totals := make(map[string]time.Duration, len(s.timerTotals))
	for name, d := range s.timerTotals {
		totals[name] = d
	}
	return totals
}
