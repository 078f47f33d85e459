package shell

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// libraryFunc is a function every script may call. It runs only when no
// shell function of the same name is defined, so a DevStack tree's own
// definitions win.
type libraryFunc func(ctx context.Context, args []string) error

func (s *Session) newLibrary() map[string]libraryFunc {
	// The session's own commands, which stand in for bash's builtins.
	library := s.builtins()
	maps.Copy(library, s.getoptsBuiltins())
	if s.opts.NoFunctions {
		return library
	}
	maps.Copy(library, map[string]libraryFunc{
		"is_service_enabled": s.isServiceEnabled,
		"enable_service":     s.enableService,
		"disable_service":    s.disableService,
		"echo_summary":       s.echoSummary,
		"warn":               s.warn,
		"err":                s.err,
		"die":                s.die,
		"trueorfalse":        s.trueOrFalse,
	})
	maps.Copy(library, s.devstackFunctions())
	maps.Copy(library, s.pluginFunctions())
	return library
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
func (s *Session) serviceEnabled(ctx context.Context, services ...string) bool {
	return serviceEnabled(s.Var("ENABLED_SERVICES"), services, func(name string) bool {
		return s.HasFunc(name) && s.Call(ctx, name) == nil
	})
}

// funcAsker answers is_NAME_enabled functions from inside a command.
func (s *Session) funcAsker(ctx context.Context) func(string) bool {
	return func(name string) bool {
		if !s.HasFunc(name) {
			return false
		}
		return interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", name}) == nil
	}
}

func (s *Session) isServiceEnabled(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if serviceEnabled(hc.Env.Get("ENABLED_SERVICES").String(), args, s.funcAsker(ctx)) {
		return nil
	}
	return interp.ExitStatus(1)
}

// assign sets shell variables in the running shell's current scope.
func assign(ctx context.Context, pairs ...string) error {
	var b strings.Builder
	for i := 0; i < len(pairs); i += 2 {
		q, err := syntax.Quote(pairs[i+1], syntax.LangBash)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s=%s ", pairs[i], q)
	}
	return interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", b.String()})
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

func (s *Session) enableService(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	enabled := hc.Env.Get("ENABLED_SERVICES").String()
	disabled := hc.Env.Get("DISABLED_SERVICES").String()
	items := strings.Split(enabled, ",")
	for _, service := range args {
		if contains(disabled, service) {
			s.report(ctx, false, fmt.Sprintf("Attempt to enable_service %s when it has been disabled", service))
			continue
		}
		if !serviceEnabled(strings.Join(items, ","), []string{service}, s.funcAsker(ctx)) {
			items = append(items, service)
		}
	}
	return assign(ctx, "ENABLED_SERVICES", cleanList(negate(items)))
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

func (s *Session) disableService(ctx context.Context, args []string) error {
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
	return assign(ctx, "DISABLED_SERVICES", cleanList(disabled), "ENABLED_SERVICES", cleanList(enabled))
}

func (s *Session) echoSummary(ctx context.Context, args []string) error {
	if s.opts.Reporter != nil {
		s.opts.Reporter.Summary(strings.Join(args, " "))
	} else {
		fmt.Fprintln(interp.HandlerCtx(ctx).Stdout, strings.Join(args, " "))
	}
	return nil
}

// where renders "file:line" for a message, from the LINENO a script passes
// as the first argument of warn, err and die.
func (s *Session) where(line string) string {
	s.mu.Lock()
	file := s.last.File
	s.mu.Unlock()
	if file == "" {
		return line
	}
	return file + ":" + line
}

// report hands a message to the Reporter, or writes it to the command's
// stderr when the session has none.
func (s *Session) report(ctx context.Context, isError bool, msg string) {
	switch {
	case s.opts.Reporter == nil && isError:
		fmt.Fprintln(interp.HandlerCtx(ctx).Stderr, "[ERROR] "+msg)
	case s.opts.Reporter == nil:
		fmt.Fprintln(interp.HandlerCtx(ctx).Stderr, "[WARNING] "+msg)
	case isError:
		s.opts.Reporter.Error(msg)
	default:
		s.opts.Reporter.Warning(msg)
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
func (s *Session) message(args []string) string {
	if len(args) == 0 {
		return s.where("")
	}
	return strings.TrimSpace(s.where(args[0]) + " " + strings.Join(args[1:], " "))
}

func (s *Session) warn(ctx context.Context, args []string) error {
	status := lastStatus(ctx)
	s.report(ctx, false, s.message(args))
	return status
}

func (s *Session) err(ctx context.Context, args []string) error {
	status := lastStatus(ctx)
	msg := s.message(args)
	s.report(ctx, true, msg)
	s.appendErrorLog(interp.HandlerCtx(ctx).Env, "[ERROR] "+msg)
	return status
}

// appendErrorLog keeps errors in LOGDIR/error.log, where DevStack keeps
// them for CI to collect.
func (s *Session) appendErrorLog(env expand.Environ, msg string) {
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
func (s *Session) die(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	status := hc.LastExitStatus
	if status == 0 {
		status = 1
	}
	s.err(ctx, args)
	return s.exitShell(ctx, []string{strconv.Itoa(status)})
}

// dieHere is die for a library function's own failure, at the line of the
// command that called it.
func (s *Session) dieHere(ctx context.Context, msg string) error {
	line := strconv.Itoa(int(interp.HandlerCtx(ctx).Pos.Line()))
	return s.die(ctx, []string{line, msg})
}

// trueOrFalse prints True or False for the value of the variable named by
// the second argument, or the default when it is neither.
func (s *Session) trueOrFalse(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 2 || args[1] == "" {
		return s.die(ctx, []string{"", "variable to normalize required"})
	}
	out := args[0]
	if value, known := truth(hc.Env.Get(args[1]).String()); known {
		out = "False"
		if value {
			out = "True"
		}
	}
	fmt.Fprintln(hc.Stdout, out)
	return nil
}

// truth reads a setting as trueorfalse does; known is false for a value
// that is neither true nor false, which takes the default.
func truth(value string) (v, known bool) {
	switch value {
	case "1", "yes", "Yes", "YES", "true", "True", "TRUE":
		return true, true
	case "0", "no", "No", "NO", "false", "False", "FALSE":
		return false, true
	}
	return false, false
}
