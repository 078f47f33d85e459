package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/interp"

	"devstack/internal/bash"
)

// What a plan's session runs: the configuration is evaluated as the run
// would evaluate it, but for the commands that could change something,
// which are listed instead of run (planIntercept).

// planLibraryFunctions are the library's functions a plan's session runs:
// those that change nothing outside the session.
var planLibraryFunctions = []string{
	"is_service_enabled", "enable_service", "disable_service", "echo_summary", "warn",
	"trueorfalse", "load_localrc", "enable_plugin", "is_plugin_enabled",
	"iniget", "iniget_multiline", "ini_has_option", "is_running",
	"is_ubuntu", "is_fedora", "is_openeuler", "GetOSVersion", "GetDistro", "get_field",
	"time_start", "time_stop",
}

// planPrograms are the programs the plan's session runs, as the
// configuration asks (what distribution this is, the host's address,
// the lists DevStack's functions clean with sed), each given the
// arguments it was called with and returning those to run it with, or
// false to run it not: with those it reads and prints, and changes
// nothing.
var planPrograms = map[string]func(args []string) ([]string, bool){
	"lsb_release": always, "uname": always, "id": always, "whoami": always, "nproc": always,
	"which": always, "getent": always, "readlink": always, "realpath": always,
	"cat": always, "head": always, "wc": always, "cut": always, "tr": always, "seq": always, "grep": always,
	"sort": func(args []string) ([]string, bool) { return args, noArg(args, "-o", "--output") },
	"tail": func(args []string) ([]string, bool) { return args, noArg(args, "-f", "-F", "--follow") },
	"hostname": func(args []string) ([]string, bool) {
		// Any other word names the host anew.
		for _, a := range args {
			if !slices.Contains([]string{"-f", "--fqdn", "--long", "-s", "--short", "-i", "--ip-address", "-I", "--all-ip-addresses", "-d", "--domain", "-A", "--all-fqdns"}, a) {
				return nil, false
			}
		}
		return args, true
	},
	"date": func(args []string) ([]string, bool) {
		// Only formats: any other word may set the clock.
		for _, a := range args {
			if !strings.HasPrefix(a, "+") && a != "-u" && a != "--utc" && a != "-R" {
				return nil, false
			}
		}
		return args, true
	},
	// GNU sed's sandbox refuses the commands that read, write or run
	// (e, r, w); -i is refused here.
	"sed": func(args []string) ([]string, bool) {
		return append([]string{"--sandbox"}, args...), noArg(args, "-i", "--in-place", "-s", "--separate")
	},
	"awk": awkArgs,
	"ip": func(args []string) ([]string, bool) {
		// ip [-4|-6|-f FAMILY|...] route|addr|link [list|show ...]
		i := 0
		for i < len(args) && strings.HasPrefix(args[i], "-") {
			if args[i] == "-f" || args[i] == "-family" {
				i++
			}
			i++
		}
		if i >= len(args) || !slices.Contains([]string{"route", "r", "ro", "addr", "a", "address", "link", "l"}, args[i]) {
			return nil, false
		}
		if i+1 < len(args) && !slices.Contains([]string{"list", "show", "ls", "lst", "sh"}, args[i+1]) {
			return nil, false
		}
		return args, true
	},
}

func always(args []string) ([]string, bool) { return args, true }

// noArg is true when none of args is one of options, or starts with one
// (-ofile, --output=file).
func noArg(args []string, options ...string) bool {
	for _, a := range args {
		for _, o := range options {
			if strings.HasPrefix(a, o) {
				return false
			}
		}
	}
	return true
}

// awkArgs lets awk run a program given on its command line that prints
// only to its output: no redirection or pipe (>, |), no system(),
// getline, close or fflush.
func awkArgs(args []string) ([]string, bool) {
	i := 0
	for i < len(args) {
		switch a := args[i]; {
		case a == "-F" || a == "-v":
			i += 2
			continue
		case strings.HasPrefix(a, "-F") || strings.HasPrefix(a, "-v"):
			i++
			continue
		case a == "--":
			i++
		case strings.HasPrefix(a, "-"):
			return nil, false
		}
		break
	}
	if i >= len(args) || strings.ContainsAny(args[i], ">|") {
		return nil, false
	}
	for _, word := range []string{"system", "getline", "close", "fflush"} {
		if strings.Contains(args[i], word) {
			return nil, false
		}
	}
	return args, true
}

// runPlanProgram runs a program of planPrograms with the arguments it
// allowed, in the calling shell's directory, environment and files.
func runPlanProgram(ctx context.Context, name string, args []string) error {
	hc := interp.HandlerCtx(ctx)
	path, err := interp.LookPathDir(hc.Dir, hc.Env, name)
	if err != nil {
		fmt.Fprintf(hc.Stderr, "%s: command not found\n", name)
		return interp.ExitStatus(127)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir, cmd.Env = hc.Dir, bash.Environ(hc.Env)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = hc.Stdin, hc.Stdout, hc.Stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return interp.ExitStatus(uint8(exit.ExitCode()))
	}
	return err
}

// planIntercept stands in for every command of the plan's session but
// the library's harmless functions: dirname and basename are answered,
// err and die are reported, and anything else is listed as not run.
func (r *Run) planIntercept(p *Plan) func(ctx context.Context, args []string) (bool, error) {
	return func(ctx context.Context, args []string) (bool, error) {
		name := args[0]
		if strings.HasPrefix(name, "__devstack_") || (r.lib != nil && slices.Contains(planLibraryFunctions, name)) {
			return false, nil
		}
		if name == "dirname" || name == "basename" {
			return dryCommand(ctx, args)
		}
		if allow, ok := planPrograms[name]; ok {
			if run, ok := allow(args[1:]); ok {
				return true, runPlanProgram(ctx, name, run)
			}
		}
		hc := interp.HandlerCtx(ctx)
		where := fmt.Sprintf("%s:%d", r.session.LastFile(), hc.Pos.Line())
		switch name {
		case "err", "die":
			msg := strings.Join(args[1:], " ")
			if len(args) > 1 {
				msg = fmt.Sprintf("%s:%s %s", r.session.LastFile(), args[1], strings.Join(args[2:], " "))
			}
			if name == "err" {
				r.Log.Warning(msg)
				return true, nil
			}
			p.addError(fmt.Errorf("the configuration dies: %s", msg))
			return true, r.session.Exit(ctx, 1)
		}
		p.mu.Lock()
		if line := where + ": " + strings.Join(args, " "); !slices.Contains(p.NotRun, line) {
			p.NotRun = append(p.NotRun, line)
		}
		p.mu.Unlock()
		return true, interp.ExitStatus(127)
	}
}

// tailWriter keeps the last line written to it that is not blank.
type tailWriter struct {
	mu   sync.Mutex
	line string
	rest string
}

func (w *tailWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	lines := strings.Split(w.rest+string(b), "\n")
	w.rest = lines[len(lines)-1]
	for _, l := range lines[:len(lines)-1] {
		w.keep(l)
	}
	return len(b), nil
}

// keep keeps a line if it says more than the last one kept: an error
// wins over other lines, which win over nothing.
func (w *tailWriter) keep(l string) {
	l = strings.TrimSpace(l)
	if l != "" && (strings.Contains(l, "ERROR") || !strings.Contains(w.line, "ERROR")) {
		w.line = l
	}
}

func (w *tailWriter) last() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.keep(w.rest)
	w.rest = ""
	return w.line
}
