package funcs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"devstack/internal/bash"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// Reporter receives what the library's functions tell the user.
type Reporter interface {
	Summary(msg string)
	Warning(msg string)
	Error(msg string)
}

// detailReporter is a Reporter that also shows what a long function is
// doing (apt-get, git), on the console's live line.
type detailReporter interface {
	Detail(what string)
}

// Options configure a Library.
type Options struct {
	// Reporter receives echo_summary, warn, err and die messages; without
	// one, they go to the calling command's standard error (echo_summary
	// to its standard output).
	Reporter Reporter
}

// Library is DevStack's function library, run in Go, registered on one
// bash session, with the state its functions keep between calls.
type Library struct {
	sh       *bash.Session
	reporter Reporter

	// mu guards what follows, which background jobs may reach.
	mu sync.Mutex
	// packagesUpdated is set once install_package has updated the lists.
	packagesUpdated bool
	// timerStarts and timerTotals are time_start's and time_stop's.
	timerStarts map[string]time.Time
	timerTotals map[string]time.Duration
	// local is the user's settings and the enabled plugins (plugins.go).
	local localState
	// services are those run_process started (services.go).
	services []Service
}

// Register defines the library's functions on a session. A shell function
// of the same name, such as a DevStack tree's own, wins over the library's.
func Register(sh *bash.Session, opts Options) *Library {
	l := &Library{sh: sh, reporter: opts.Reporter, timerStarts: map[string]time.Time{}, timerTotals: map[string]time.Duration{}}
	functions := map[string]bash.Func{
		"is_service_enabled": l.isServiceEnabled,
		"enable_service":     l.enableService,
		"disable_service":    l.disableService,
		"echo_summary":       l.echoSummary,
		"warn":               l.warn,
		"err":                l.err,
		"die":                l.die,
		"trueorfalse":        l.trueOrFalse,
	}
	maps.Copy(functions, l.devstackFunctions())
	maps.Copy(functions, l.pluginFunctions())
	sh.Define(functions)
	return l
}

// IsServiceEnabled answers as the session's is_service_enabled would: a
// shell definition (a DevStack tree's) wins over the library's, which
// answers even on a session without the library.
func IsServiceEnabled(ctx context.Context, sh *bash.Session, services ...string) (bool, error) {
	if sh.HasFunc("is_service_enabled") {
		err := sh.Call(ctx, "is_service_enabled", services...)
		var se *bash.ScriptError
		if errors.As(err, &se) && !se.Exited {
			return false, nil
		}
		return err == nil, err
	}
	l := &Library{sh: sh}
	return l.serviceEnabled(ctx, services...), nil
}

// ServiceAnswers reports whether is_service_enabled asked for any of
// asked would answer yes with only service enabled: by name or by group
// (nova for n-cpu).
func ServiceAnswers(service string, asked []string) bool {
	return serviceEnabled(service, asked, nil)
}

// serviceGroups maps a group name to the prefixes of the services in it.
var serviceGroups = map[string][]string{
	"nova":    {"n-"},
	"glance":  {"g-"},
	"cinder":  {"c-"},
	"neutron": {"q-", "neutron-"},
	"swift":   {"s-"},
}

// serviceEnabled reports whether any of services is enabled in list (a
// comma list), by name, by group, or by an is_NAME_enabled function
// (askFunc answers those; it may be nil).
func serviceEnabled(list string, services []string, askFunc func(name string) bool) bool {
	enabled := strings.Split(list, ",")
	for _, service := range services {
		for _, e := range enabled {
			if e == service {
				return true
			}
			for _, prefix := range serviceGroups[service] {
				if strings.HasPrefix(e, prefix) {
					return true
				}
			}
			// swift's services answer for the group name as well.
			if e == "swift" && strings.HasPrefix(service, "s-") {
				return true
			}
			if strings.HasPrefix(service, "n-cpu-") && e == "n-cpu" {
				return true
			}
		}
		if askFunc != nil && askFunc("is_"+service+"_enabled") {
			return true
		}
	}
	return false
}

// serviceEnabled answers is_service_enabled from Go, outside any command.
func (l *Library) serviceEnabled(ctx context.Context, services ...string) bool {
	return serviceEnabled(l.sh.Var("ENABLED_SERVICES"), services, func(name string) bool {
		return l.sh.HasFunc(name) && l.sh.Call(ctx, name) == nil
	})
}

// funcAsker answers is_NAME_enabled functions from inside a command.
func (l *Library) funcAsker(ctx context.Context) func(string) bool {
	return func(name string) bool {
		if !l.sh.HasFunc(name) {
			return false
		}
		return interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", name}) == nil
	}
}

func (l *Library) isServiceEnabled(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if serviceEnabled(hc.Env.Get("ENABLED_SERVICES").String(), args, l.funcAsker(ctx)) {
		return nil
	}
	return interp.ExitStatus(1)
}

// cleanList drops empty items from a comma list.
func cleanList(items []string) string {
	kept := items[:0:0]
	for _, item := range items {
		if item != "" {
			kept = append(kept, item)
		}
	}
	return strings.Join(kept, ",")
}

func contains(list, item string) bool {
	for _, e := range strings.Split(list, ",") {
		if e == item {
			return true
		}
	}
	return false
}

func (l *Library) enableService(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	enabled := hc.Env.Get("ENABLED_SERVICES").String()
	disabled := hc.Env.Get("DISABLED_SERVICES").String()
	items := strings.Split(enabled, ",")
	for _, service := range args {
		if contains(disabled, service) {
			l.report(ctx, false, fmt.Sprintf("Attempt to enable_service %s when it has been disabled", service))
			continue
		}
		if !serviceEnabled(strings.Join(items, ","), []string{service}, l.funcAsker(ctx)) {
			items = append(items, service)
		}
	}
	return bash.Assign(ctx, "ENABLED_SERVICES", cleanList(negate(items)))
}

// negate applies "-name" items of an ENABLED_SERVICES list: both the
// negation and the service it names are dropped.
func negate(items []string) []string {
	negated := map[string]bool{}
	for _, item := range items {
		if name, ok := strings.CutPrefix(item, "-"); ok {
			negated[name] = true
		}
	}
	if len(negated) == 0 {
		return items
	}
	var kept []string
	for _, item := range items {
		if !strings.HasPrefix(item, "-") && !negated[item] {
			kept = append(kept, item)
		}
	}
	return kept
}

func (l *Library) disableService(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	enabled := strings.Split(hc.Env.Get("ENABLED_SERVICES").String(), ",")
	disabled := strings.Split(hc.Env.Get("DISABLED_SERVICES").String(), ",")
	for _, service := range args {
		disabled = append(disabled, service)
		kept := enabled[:0:0]
		for _, e := range enabled {
			if e != service {
				kept = append(kept, e)
			}
		}
		enabled = kept
	}
	return bash.Assign(ctx, "DISABLED_SERVICES", cleanList(disabled), "ENABLED_SERVICES", cleanList(enabled))
}

func (l *Library) echoSummary(ctx context.Context, args []string) error {
	if l.reporter != nil {
		l.reporter.Summary(strings.Join(args, " "))
	} else {
		fmt.Fprintln(interp.HandlerCtx(ctx).Stdout, strings.Join(args, " "))
	}
	return nil
}

// where renders "file:line" for a message, from the LINENO a script passes
// as the first argument of warn, err and die.
func (l *Library) where(line string) string {
	file := l.sh.LastFile()
	if file == "" {
		return line
	}
	return file + ":" + line
}

// report hands a message to the Reporter, or writes it to the command's
// stderr when the session has none.
func (l *Library) report(ctx context.Context, isError bool, msg string) {
	switch {
	case l.reporter == nil && isError:
		fmt.Fprintln(interp.HandlerCtx(ctx).Stderr, "[ERROR] "+msg)
	case l.reporter == nil:
		fmt.Fprintln(interp.HandlerCtx(ctx).Stderr, "[WARNING] "+msg)
	case isError:
		l.reporter.Error(msg)
	default:
		l.reporter.Warning(msg)
	}
}

// lastStatus is the status a message function hands back: that of the
// command before it, as DevStack's warn and err return.
func lastStatus(ctx context.Context) error {
	if status := interp.HandlerCtx(ctx).LastExitStatus; status != 0 {
		return interp.ExitStatus(uint8(status))
	}
	return nil
}

// message splits the LINENO-first arguments of warn, err and die.
func (l *Library) message(args []string) string {
	if len(args) == 0 {
		return l.where("")
	}
	return strings.TrimSpace(l.where(args[0]) + " " + strings.Join(args[1:], " "))
}

func (l *Library) warn(ctx context.Context, args []string) error {
	status := lastStatus(ctx)
	l.report(ctx, false, l.message(args))
	return status
}

func (l *Library) err(ctx context.Context, args []string) error {
	status := lastStatus(ctx)
	msg := l.message(args)
	l.report(ctx, true, msg)
	l.appendErrorLog(interp.HandlerCtx(ctx).Env, "[ERROR] "+msg)
	return status
}

// appendErrorLog keeps errors in LOGDIR/error.log, where DevStack keeps
// them for CI to collect.
func (l *Library) appendErrorLog(env expand.Environ, msg string) {
	logdir := env.Get("LOGDIR").String()
	if logdir == "" {
		return
	}
	f, err := os.OpenFile(filepath.Join(logdir, "error.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintln(f, msg)
}

// die reports an error and exits the shell with the status of the command
// before it, or 1.
func (l *Library) die(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	status := hc.LastExitStatus
	if status == 0 {
		status = 1
	}
	l.err(ctx, args)
	return l.sh.Exit(ctx, status)
}

// dieHere is die for a library function's own failure, at the line of the
// command that called it.
func (l *Library) dieHere(ctx context.Context, msg string) error {
	line := strconv.Itoa(int(interp.HandlerCtx(ctx).Pos.Line()))
	return l.die(ctx, []string{line, msg})
}

// trueOrFalse prints True or False for the value of the variable named by
// the second argument, or the default when it is neither.
func (l *Library) trueOrFalse(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 2 || args[1] == "" {
		return l.die(ctx, []string{"", "variable to normalize required"})
	}
	out := args[0]
	if value, known := Truth(hc.Env.Get(args[1]).String()); known {
		out = "False"
		if value {
			out = "True"
		}
	}
	fmt.Fprintln(hc.Stdout, out)
	return nil
}

// Truth reads a setting as trueorfalse does; known is false for a value
// that is neither true nor false, which takes the default.
func Truth(value string) (v, known bool) {
	switch value {
	case "1", "yes", "Yes", "YES", "true", "True", "TRUE":
		return true, true
	case "0", "no", "No", "NO", "false", "False", "FALSE":
		return false, true
	}
	return false, false
}
