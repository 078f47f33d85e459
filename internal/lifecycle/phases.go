package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"mvdan.cc/sh/v3/syntax"

	"devstack/internal/bash"
	"devstack/internal/config"
	"devstack/internal/funcs"
	"devstack/internal/hypervisor"
	"devstack/internal/logging"
	"devstack/internal/tree"
)

// readConfiguration checks every script the run will source, then starts
// the session and evaluates the configuration: the tree's functions, then
// stackrc, which loads the user's settings (local.conf's [[local|localrc]]
// or a legacy localrc) where DevStack's stackrc does, after the default
// ENABLED_SERVICES; after a stack, .stackenv. Then the enabled plugins are
// fetched and parsed, and enabled names nothing knows are warned about.
func readConfiguration(r *Run) error {
	if err := r.preflight(); err != nil {
		return err
	}
	session, err := bash.New(bash.Options{
		Dir:     r.Tree.Top,
		Env:     r.Env,
		Stdout:  r.Log.Output(),
		Stderr:  r.Log.Output(),
		Trace:   r.Log.Trace(),
		Overlay: r.Tree,
		Intercept: func(ctx context.Context, args []string) (bool, error) {
			return r.guardRemoval(ctx, args)
		},
		// Background jobs get the tree and the library again.
		Extensions: []bash.Extension{treeExtension(r.Tree), {Name: funcs.Extension}},
	})
	if err != nil {
		return err
	}
	r.session = session
	// The files parsed up front are not rewritten again when sourced.
	session.Preparsed(slices.Collect(maps.Values(r.scripts))...)
	r.lib = funcs.Register(session, funcs.Options{Reporter: r.Log})
	if !r.bestEffort() {
		if err := session.SetErrexit(true); err != nil {
			return err
		}
	}
	if err := r.evaluateSettings(); err != nil {
		return err
	}
	if r.All {
		// As unstack.sh --all tells the stop functions of shared services.
		if err := session.Eval(r.ctx, "unstack --all", "UNSTACK_ALL=${UNSTACK_ALL:-1}"); err != nil {
			return err
		}
	}
	if err := r.lockDest(session.Var("DEST")); err != nil {
		return err
	}
	if err := r.openLogFile(); err != nil {
		return err
	}
	r.Log.Debugf("%s on %s (%s), ENABLED_SERVICES=%s", r.Command, r.Tree.Top, r.Tree.Kind(), session.Var("ENABLED_SERVICES"))
	if err := r.checkPlugin(); err != nil {
		return err
	}
	if err := r.preparePlugins(); err != nil {
		return err
	}
	r.warnUnknownServices()
	return nil
}

// evaluateSettings evaluates the configuration in the session: the
// tree's functions, then stackrc, which loads the user's settings; after
// a stack, .stackenv.
func (r *Run) evaluateSettings() error {
	q, err := syntax.Quote(r.Tree.Top, syntax.LangBash)
	if err != nil {
		return err
	}
	if err := r.session.Eval(r.ctx, "TOP_DIR", "TOP_DIR="+q); err != nil {
		return err
	}
	if r.Tree.Exists("functions") {
		if err := r.source("functions"); err != nil {
			return err
		}
	}
	r.feedLocalSettings()
	if !r.Tree.Exists("stackrc") {
		return fatalError{fmt.Errorf("%s has no stackrc", r.Tree.Top)}
	}
	if err := r.source("stackrc"); err != nil {
		return err
	}
	if !r.lib.LocalSettingsLoaded() {
		// A tree's own stackrc that never calls load_localrc: the user's
		// settings still count, after its defaults.
		if !r.nested && !r.Tree.DevStack {
			r.Log.Warning(r.Tree.Origin("stackrc") + " does not call load_localrc; local.conf's [[local|localrc]] is evaluated after it")
		}
		if err := r.session.Call(r.ctx, "load_localrc"); err != nil {
			return r.fail("local.conf [[local|localrc]]", err)
		}
	}
	if r.Command != "stack" {
		if _, err := os.Stat(r.Tree.Path(".stackenv")); err == nil {
			if err := r.source(".stackenv"); err != nil {
				return err
			}
		}
	}
	return nil
}

// preflight parses local.conf and every script the run sources before
// anything runs, and refuses reserved sequence numbers under --strict.
func (r *Run) preflight() error {
	if err := r.readLocalConf(); err != nil {
		return err
	}
	if err := r.checkHooks(); err != nil {
		return err
	}
	var err error
	if r.libs, err = r.Tree.LibFiles(); err != nil {
		return fatalError{err}
	}
	if text, ok := r.localrcText(); ok {
		if _, err := bash.Parse(r.Tree.Path("local.conf"), "local.conf", []byte(text)); err != nil {
			return fatalError{err}
		}
	}
	scripts := []string{"functions", "localrc", "stackrc"}
	for _, h := range r.hooks {
		scripts = append(scripts, h.Rel)
	}
	scripts = append(scripts, r.libs...)
	if err := r.checkTrust(scripts); err != nil {
		return err
	}
	return r.parseAll(scripts)
}

// readLocalConf parses local.conf, refusing a malformed one before
// anything runs.
func (r *Run) readLocalConf() error {
	conf, err := config.ParseLocalConf(r.Tree.Path("local.conf"))
	if err != nil {
		return fatalError{err}
	}
	if err := conf.Validate(); err != nil {
		return fatalError{err}
	}
	if !r.nested {
		for _, msg := range conf.UnknownPhases() {
			r.Log.Warning(msg)
		}
	}
	r.conf = conf
	return nil
}

// checkHooks lists the extras.d scripts and warns of a user's script in a
// range reserved for the tool's own, or refuses it under --strict.
func (r *Run) checkHooks() error {
	hooks, err := r.Tree.Hooks()
	if err != nil {
		return fatalError{err}
	}
	r.hooks = hooks
	var reserved []tree.Hook
	for _, h := range hooks {
		if h.Reserved() {
			reserved = append(reserved, h)
		}
	}
	if len(reserved) == 0 || r.nested {
		return nil
	}
	if r.Strict {
		return fatalError{&tree.ReservedError{Hooks: reserved}}
	}
	for _, h := range reserved {
		r.Log.Warning(fmt.Sprintf("%s uses sequence number %02d, reserved (%s) for the tool's own scripts; it runs, but rename it into 10-89 (--strict refuses it)",
			h.Rel, h.Seq, tree.ReservedRange(h.Seq)))
	}
	return nil
}

// parseAll parses scripts into r.scripts; the first error in scripts'
// order is returned.
func (r *Run) parseAll(scripts []string) error {
	parsed, errs := r.parseEach(scripts)
	r.scripts = map[string]*bash.Script{}
	for i, rel := range scripts {
		if errs[i] != nil {
			if r.passOverBrokenPlugin(rel, errs[i]) {
				continue
			}
			return errs[i]
		}
		r.scripts[rel] = parsed[i]
	}
	return nil
}

// parseEach parses scripts, spread over the machine's cores.
func (r *Run) parseEach(scripts []string) ([]*bash.Script, []error) {
	parsed := make([]*bash.Script, len(scripts))
	errs := make([]error, len(scripts))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(scripts))
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(scripts); i += workers {
				parsed[i], errs[i] = r.parse(scripts[i])
			}
		})
	}
	wg.Wait()
	return parsed, errs
}

// parse checks that a tree-relative script, if present, is valid bash,
// and returns it parsed; nil if absent.
func (r *Run) parse(rel string) (*bash.Script, error) {
	if !r.Tree.Exists(rel) {
		return nil, nil
	}
	data, err := r.Tree.ReadFile(rel)
	if err != nil {
		return nil, fatalError{err}
	}
	script, err := bash.Parse(r.Tree.Path(rel), rel, data)
	if err != nil {
		return nil, fatalError{fmt.Errorf("syntax error, nothing was run: %w", err)}
	}
	return script, nil
}

// localrcText is local.conf's [[local|localrc]] sections as one script
// whose lines keep their local.conf line numbers, so errors point there.
func (r *Run) localrcText() (string, bool) {
	var lines []string
	for _, sec := range r.conf.Phase("local") {
		if sec.File != "localrc" {
			continue
		}
		for _, l := range sec.Body {
			for len(lines) < l.Num-1 {
				lines = append(lines, "")
			}
			lines = append(lines, l.Text)
		}
	}
	if lines == nil {
		return "", false
	}
	return strings.Join(lines, "\n") + "\n", true
}

// feedLocalSettings hands the session the user's settings, for stackrc's
// load_localrc: a legacy localrc file, with a warning, instead of
// local.conf's [[local|localrc]] section.
func (r *Run) feedLocalSettings() {
	if _, err := os.Stat(r.Tree.Path("localrc")); err == nil {
		if !r.nested {
			r.Log.Warning("using the legacy localrc file; local.conf's [[local|localrc]] section is ignored. Move its settings into local.conf")
		}
		r.lib.SetLocalSettings(funcs.LocalSettings{File: r.Tree.Path("localrc")})
		return
	}
	text, _ := r.localrcText()
	r.lib.SetLocalSettings(funcs.LocalSettings{Text: text, Path: r.Tree.Path("local.conf"), Name: "local.conf"})
}

// source sources a tree-relative file with no arguments.
func (r *Run) source(rel string) error {
	if err := r.session.Source(r.ctx, r.Tree.Path(rel)); err != nil {
		return r.fail(r.Tree.Origin(rel), err)
	}
	return nil
}

// openLogFile starts the run's own log once LOGDIR and LOGFILE are known.
// stack's is LOGFILE (default LOGDIR/stack.sh.log); unstack and clean
// keep theirs, unstack.sh.log and clean.sh.log, in the same directory, and
// leave stack.sh.log alone, as unstack.sh and clean.sh do. LOGDAYS (7 by
// default, as stack.sh has it) says how long older logs of the same name
// are kept.
func (r *Run) openLogFile() error {
	if r.nested {
		return nil
	}
	logfile := r.session.Var("LOGFILE")
	logdir := r.session.Var("LOGDIR")
	switch {
	case logfile == "" && logdir == "":
		r.Log.NoFile()
		return nil
	case logfile == "":
		logfile = filepath.Join(logdir, "stack.sh.log")
	case !strings.Contains(logfile, "/") && logdir != "":
		logfile = filepath.Join(logdir, logfile)
	}
	if !filepath.IsAbs(logfile) {
		// As the scripts, which run from the tree, would reach it.
		logfile = filepath.Join(r.Tree.Top, logfile)
	}
	if r.Command != "stack" {
		logfile = filepath.Join(filepath.Dir(logfile), r.Command+".sh.log")
	}
	if err := r.Log.OpenFile(logging.LogFile{Path: logfile, KeepDays: r.logDays(), Summary: r.Command == "stack"}); err != nil {
		return fatalError{err}
	}
	return nil
}

// defaultLogDays is stack.sh's LOGDAYS.
const defaultLogDays = 7

// logDays is LOGDAYS, a number of days; anything else is warned about and
// taken as the default.
func (r *Run) logDays() int {
	value := r.session.Var("LOGDAYS")
	if value == "" {
		return defaultLogDays
	}
	days, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || days < 0 {
		r.Log.Warning(fmt.Sprintf("LOGDAYS=%q is not a number of days; logs older than %d days are removed", value, defaultLogDays))
		return defaultLogDays
	}
	return days
}

// enabled answers is_service_enabled in the session.
func (r *Run) enabled(services ...string) bool {
	ok, err := funcs.IsServiceEnabled(r.ctx, r.session, services...)
	return ok && err == nil
}

// pluginToLoad is the hypervisor plugin the session sources: none unless
// nova is enabled. A VIRT_DRIVER with no plugin is refused while n-cpu is
// enabled, and passed over otherwise, as DevStack does.
func (r *Run) pluginToLoad() (string, error) {
	if !r.enabled("nova") {
		return "", nil
	}
	driver := r.session.Var("VIRT_DRIVER")
	if rel, found := hypervisor.Resolve(r.Tree, driver); found {
		return rel, nil
	}
	if r.enabled("n-cpu") {
		return "", r.fail("hypervisor plugin", hypervisor.Missing(r.Tree, driver))
	}
	return "", nil
}

// checkPlugin refuses a missing plugin and parses the one that will be
// sourced, before any hook runs.
func (r *Run) checkPlugin() error {
	rel, err := r.pluginToLoad()
	if rel == "" || err != nil {
		return err
	}
	if _, err = r.parse(rel); err != nil && r.passOverBrokenPlugin(rel, err) {
		return nil
	}
	return err
}

// passOverBrokenPlugin lets unstack and clean go on without a hypervisor
// plugin that does not parse: what is left running must still be stopped.
// It reports whether rel is such a plugin, recorded as a failure.
func (r *Run) passOverBrokenPlugin(rel string, err error) bool {
	if !r.bestEffort() || !strings.HasPrefix(rel, hypervisor.Dir+"/") {
		return false
	}
	if parseErr := errors.Unwrap(errors.Unwrap(err)); parseErr != nil {
		err = fmt.Errorf("syntax error: %w", parseErr)
	}
	if !slices.Contains(r.brokenPlugins, rel) {
		r.brokenPlugins = append(r.brokenPlugins, rel)
		r.failures = append(r.failures, Failure{Step: r.step, What: r.Tree.Origin(rel), Err: err})
		r.Log.Error(fmt.Sprintf("%v; the hypervisor plugin is passed over, the rest of the %s runs", err, r.Command))
	}
	return true
}

// sourceLibraries sources the service libraries, then the hypervisor plugin
// if nova is enabled, and checks the plugin's functions.
func sourceLibraries(r *Run) error {
	for _, lib := range r.libs {
		if err := r.source(lib); err != nil {
			return err
		}
	}
	rel, err := r.pluginToLoad()
	if rel == "" || err != nil {
		return err
	}
	if slices.Contains(r.brokenPlugins, rel) {
		return nil
	}
	// override_defaults may have changed VIRT_DRIVER since the check.
	if _, err := r.parse(rel); err != nil {
		return err
	}
	if err := r.source(rel); err != nil {
		return err
	}
	if err := hypervisor.Check(r.Tree.Origin(rel), r.session.HasFunc); err != nil {
		if !r.bestEffort() {
			return r.fail(r.Tree.Origin(rel), fatalError{err})
		}
		// unstack and clean call what the plugin does define.
		if err := r.fail(r.Tree.Origin(rel), err); err != nil {
			return err
		}
	}
	r.plugin = rel
	return nil
}

// hook sources every extras.d script with the phase's arguments, from
// inside a function as DevStack's run_phase does, then the enabled
// plugins' file for the phase. The scripts are sourced in one run of the
// session as long as they succeed (bash.Session.SourceEach).
func hook(mode string, phase ...string) func(r *Run) error {
	args := append([]string{mode}, phase...)
	return func(r *Run) error {
		scripts := make([]*bash.Script, len(r.hooks))
		for i, h := range r.hooks {
			scripts[i] = r.scripts[h.Rel]
		}
		for done := 0; done < len(scripts); {
			// Each script's start and end are the run's events and the
			// live line's, and mark where the output of a failing one
			// starts. origin is the started script's.
			var start time.Time
			var origin string
			started, ended := -1, -1
			n, err := r.session.SourceEach(r.ctx, scripts[done:], args, bash.Each{
				Start: func(i int) {
					started = i
					origin = r.hookOrigin(r.hooks[done+i].Rel)
					start = r.hookStart(origin, args)
				},
				Pause: func(i int) bool {
					ended = i
					r.hookEnd(origin, args, start, nil)
					return r.errexitLost()
				},
			})
			if started >= 0 && ended < started {
				r.hookEnd(origin, args, start, err)
			}
			if n == 0 {
				n = 1
			}
			done += n
			if started != n-1 {
				origin = r.hookOrigin(r.hooks[done-1].Rel)
			}
			if err := r.afterHook(origin, err); err != nil {
				if err := r.fail(origin, err); err != nil {
					return err
				}
			}
		}
		return r.runPlugins(args)
	}
}

// hookOrigin is Tree.Origin of a hook, looked up once per run.
func (r *Run) hookOrigin(rel string) string {
	origin, ok := r.hookOrigins[rel]
	if !ok {
		if r.hookOrigins == nil {
			r.hookOrigins = map[string]string{}
		}
		origin = r.Tree.Origin(rel)
		r.hookOrigins[rel] = origin
	}
	return origin
}

// sourceHook sources a hook or plugin file, as hook does.
func (r *Run) sourceHook(name string, script *bash.Script, args []string) error {
	start := r.hookStart(name, args)
	err := r.session.SourceInFunction(r.ctx, script, args...)
	r.hookEnd(name, args, start, err)
	return r.afterHook(name, err)
}

// errexitLost reports whether a stack's script has turned errexit off.
func (r *Run) errexitLost() bool {
	return !r.bestEffort() && !r.session.Option("errexit")
}

// afterHook follows a script sourced as a hook, which ended with err. stack
// runs with errexit: a script that turns it off (set +e) gets it back when
// it ends, with a warning, so that the rest of the run still stops at a
// failure.
func (r *Run) afterHook(name string, err error) error {
	if r.errexitLost() {
		r.Log.Warning(fmt.Sprintf("%s turned errexit off (set +e) and left it so; it is on again for the rest of the %s", name, r.Command))
		if serr := r.session.SetErrexit(true); serr != nil && err == nil {
			err = serr
		}
	}
	return err
}

// call runs a shell function if the session defines it.
func (r *Run) call(fn string, args ...string) error {
	if !r.session.HasFunc(fn) {
		return nil
	}
	start := r.hookStart(fn, args)
	err := r.session.Call(r.ctx, fn, args...)
	r.hookEnd(fn, args, start, err)
	if err != nil {
		return r.fail(fn, err)
	}
	return nil
}

// hypervisorStep calls one of the hypervisor plugin's functions if the plugin
// was sourced and gate is enabled.
func hypervisorStep(gate, fn string) func(r *Run) error {
	return func(r *Run) error {
		if r.plugin == "" || !r.enabled(gate) {
			return nil
		}
		return r.call(fn)
	}
}

// unstackAll runs a whole unstack --all in a session of its own; its
// failures count as clean's.
func unstackAll(r *Run) error {
	nested := &Run{Options: r.Options, ctx: r.ctx}
	nested.Command = "unstack"
	nested.All = true
	nested.nested = true
	// unstack.sh inherits what clean.sh exported.
	nested.Env = r.session.Environ()
	err := nested.execute(unstackSteps)
	r.failures = append(r.failures, nested.failures...)
	var failures *FailuresError
	if err != nil && !errors.As(err, &failures) {
		return r.fail("unstack --all", err)
	}
	return nil
}

// removeState removes DATA_DIR, LOGDIR and .stackenv, but not clean's own
// log.
func removeState(r *Run) error {
	for _, name := range []string{"DATA_DIR", "LOGDIR"} {
		dir := r.session.Var(name)
		if dir == "" {
			continue
		}
		// A relative setting is the scripts', which run from the tree.
		dir = resolvePath(r.Tree.Top, dir)
		if why := refuseRemoval(dir, r.protected(r.session.Var("DEST"))); why != "" {
			if err := r.fail("removing "+name, fmt.Errorf("refusing to remove %s: %s", name, why)); err != nil {
				return err
			}
			continue
		}
		if err := removeKeeping(dir, r.ownLog()); err != nil {
			if err := r.fail("removing "+name, err); err != nil {
				return err
			}
		}
	}
	if err := os.Remove(r.Tree.Path(".stackenv")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return r.fail("removing .stackenv", err)
	}
	return nil
}

// systemSetUp creates DEST, DATA_DIR and LOGDIR, and installs the
// packages the tree lists for the enabled services.
func systemSetUp(r *Run) error {
	for _, name := range []string{"DEST", "DATA_DIR", "LOGDIR"} {
		dir := r.session.Var(name)
		if dir == "" {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return r.fail("creating "+name, err)
		}
	}
	pkgs, err := r.packages()
	if err != nil {
		return r.fail("package lists", err)
	}
	if len(pkgs) == 0 {
		return nil
	}
	if err := r.session.Call(r.ctx, "install_package", pkgs...); err != nil {
		return r.fail("install_package", err)
	}
	return nil
}

// packages reads the tree's package lists, files/debs/NAME on Debian and
// Ubuntu, files/rpms/NAME elsewhere, for "general" and each enabled
// service library. Lines hold one package; # starts a comment.
func (r *Run) packages() ([]string, error) {
	dir := "files/rpms"
	if _, err := os.Stat("/etc/debian_version"); err == nil {
		dir = "files/debs"
	}
	names := []string{"general"}
	for _, lib := range r.libs {
		if name := tree.ServiceName(lib); r.enabled(name) {
			names = append(names, name)
		}
	}
	var pkgs []string
	for _, name := range names {
		rel := dir + "/" + name
		if !r.Tree.Exists(rel) {
			continue
		}
		data, err := r.Tree.ReadFile(rel)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(data), "\n") {
			line, _, _ = strings.Cut(line, "#")
			if fields := strings.Fields(line); len(fields) > 0 && !slices.Contains(pkgs, fields[0]) {
				pkgs = append(pkgs, fields[0])
			}
		}
	}
	return pkgs, nil
}

// merge merges local.conf's sections of a phase into their files. All
// sections naming one file are one fragment, as DevStack reads them, and
// every section, option and value is expanded by the shell.
func merge(phase string) func(r *Run) error {
	return func(r *Run) error {
		for _, name := range r.conf.Files(phase) {
			what := fmt.Sprintf("local.conf [[%s|%s]]", phase, name)
			file, err := r.session.Expand(name)
			if err != nil {
				return r.fail(what, err)
			}
			if file == "" {
				return r.fail(what, fmt.Errorf("%s expands to nothing: set it in [[local|localrc]] or name the file", name))
			}
			opts, err := r.conf.FileOptions(phase, name)
			if err == nil {
				opts, err = config.ExpandOptions(opts, r.session.ExpandQuoted)
			}
			if err == nil {
				err = config.Merge(file, opts)
			}
			if err != nil {
				return r.fail(what, err)
			}
			r.Log.Debugf("merged %s into %s", what, file)
		}
		return nil
	}
}

// stackenvVars are the settings a stack leaves in .stackenv for unstack
// and clean.
var stackenvVars = []string{
	"DEST", "DATA_DIR", "LOGDIR", "LOGFILE", "ENABLED_SERVICES", "DISABLED_SERVICES",
	"SERVICE_HOST", "SERVICE_PROTOCOL", "HOST_IP", "VIRT_DRIVER", "SERVICE_DIR", "SYSTEMD_DIR",
}

// writeStackenv records the settings of the finished stack, the state
// directories resolved.
func writeStackenv(r *Run) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# settings of the stack finished %s\n", time.Now().Format(time.RFC3339))
	for _, name := range stackenvVars {
		value := r.session.Var(name)
		if name == "LOGFILE" && value == "" {
			value = r.Log.Path()
		}
		if value == "" {
			continue
		}
		if name == "DEST" || name == "DATA_DIR" || name == "LOGDIR" || name == "SERVICE_DIR" {
			// What clean removes is what this stack used, wherever
			// clean runs from and whatever a link points at by then.
			value = resolvePath(r.Tree.Top, value)
		}
		q, err := syntax.Quote(value, syntax.LangBash)
		if err != nil {
			return r.fail(".stackenv", err)
		}
		fmt.Fprintf(&b, "%s=%s\n", name, q)
	}
	if err := os.WriteFile(r.Tree.Path(".stackenv"), []byte(b.String()), 0o644); err != nil {
		return r.fail(".stackenv", err)
	}
	return nil
}
