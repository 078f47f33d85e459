package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"devstack/internal/bash"
	"devstack/internal/funcs"
	"devstack/internal/hypervisor"
	"devstack/internal/report"
)

// A DevStack tree is its own program: stack, unstack and clean run the
// tree's stack.sh, unstack.sh and clean.sh in a session, with the same
// effects as under bash. The tool adds what CONTRACT.md marks: every
// script parsed before anything runs, its own extras.d dispatcher, the
// hypervisor plugin's check, --allow-root, and phases and timings on the
// console.

// treeScripts are the scripts a DevStack tree runs for each command.
var treeScripts = map[string]string{"stack": "stack.sh", "unstack": "unstack.sh", "clean": "clean.sh"}

// treeRun is what a run on a DevStack tree keeps beside Run.
type treeRun struct {
	mu sync.Mutex
	// phase is the phase under way and phaseStart when it began; prefix
	// names the nested script (clean.sh's unstack.sh) running it.
	phase      string
	phaseStart time.Time
	prefix     string
	// failedHook is the last hook that ended with a non-zero status.
	failedHook string
	// lastHook is the hook sourced last, which the pass of the extras.d
	// loop that sourced it need not source again.
	lastHook string
	// refusal is why the tool stopped the script, if it did.
	refusal error
	// dest is DEST as local.conf sets it, if it does with a literal.
	dest string
}

// executeTree runs the tree's own script for the command.
func (r *Run) executeTree() error {
	script := treeScripts[r.Command]
	if script == "" || !r.Tree.Exists(script) {
		return fmt.Errorf("%s has no %s", r.Tree.Top, script)
	}
	// The tree's own stack.sh writes its LOGFILE, as under bash; the tool
	// keeps none beside it.
	r.Log.NoFile()
	r.step = "parse"
	start := time.Now()
	err := r.preflightTree()
	r.timings = append(r.timings, Timing{Step: "parse", Duration: time.Since(start)})
	if err != nil {
		return &StepError{Command: r.Command, Step: "parse", Err: err}
	}
	if err := r.lockDest(r.treeDest()); err != nil {
		return err
	}
	var params []string
	if r.Command == "unstack" && r.All {
		params = []string{"--all"}
	}
	r.startPhase("configuration")
	// As a user runs it, from the tree: $0 and BASH_SOURCE are ./stack.sh.
	status, session, err := r.runTreeScript(r.ctx, "./"+script, params, r.Env, r.Tree.Top, r.Log.Output(), r.Log.Output())
	r.startPhase("")
	if session != nil {
		if logfile := session.Var("LOGFILE"); logfile != "" {
			r.Log.Infof("%s's log: %s", script, logfile)
		}
	}
	if r.ctx.Err() != nil {
		r.session = session
		return r.interrupted(script)
	}
	if err == nil && status != 0 {
		err = &bash.ScriptError{Script: script, At: session.EndedAt(), Status: status, Exited: true}
	}
	if err != nil {
		if r.tree.refusal != nil {
			err = fmt.Errorf("%w (%v)", r.tree.refusal, err)
		}
		what := script
		hook := r.tree.failedHook
		if session != nil && hook == "" {
			if at := session.EndedAt(); strings.HasPrefix(at.File, "extras.d/") {
				hook = at.File
			}
		}
		if hook != "" {
			what = hook + ", sourced by " + script
		}
		if !r.bestEffort() {
			return &StepError{Command: r.Command, Step: r.step, What: what, Err: err}
		}
		r.failures = append(r.failures, Failure{Step: r.step, What: what, Err: err})
	}
	if len(r.failures) > 0 {
		return &FailuresError{Command: r.Command, Failures: r.failures}
	}
	return nil
}

// treeDest is the DEST the tree's run will use, as far as it is known
// before it runs: local.conf's literal setting, else the environment's,
// else DevStack's default.
func (r *Run) treeDest() string {
	if r.tree.dest != "" {
		return r.tree.dest
	}
	for _, kv := range r.Env {
		if dest, ok := strings.CutPrefix(kv, "DEST="); ok && dest != "" {
			return dest
		}
	}
	return "/opt/stack"
}

// preflightTree parses local.conf and every script the run can source, and
// warns of (or under --strict refuses) user scripts in reserved ranges.
func (r *Run) preflightTree() error {
	if err := r.readLocalConf(); err != nil {
		return err
	}
	if err := r.checkHooks(); err != nil {
		return err
	}
	driver := make(chan error, 1)
	go func() { driver <- r.checkVirtDriver() }()
	err := r.parseTree()
	if driverErr := <-driver; err == nil {
		err = driverErr
	}
	return err
}

// parseTree parses the tree's scripts and the enabled plugins' files.
func (r *Run) parseTree() error {
	scripts, err := r.Tree.Scripts()
	if err != nil {
		return fatalError{err}
	}
	if err := r.checkTrust(scripts); err != nil {
		return err
	}
	var required, alternatives []string
	for _, rel := range scripts {
		if strings.HasPrefix(rel, "lib/") && strings.Count(rel, "/") > 1 {
			alternatives = append(alternatives, rel)
		} else {
			required = append(required, rel)
		}
	}
	if err := r.parseAll(required); err != nil {
		return err
	}
	// The files in lib/'s subdirectories are alternatives (drivers,
	// backends, plugins) a setting chooses among: one that does not parse
	// stops only a run that sources it, as under bash. Juno's own
	// lib/neutron_plugins/cisco is one.
	_, errs := r.parseEach(alternatives)
	for _, err := range errs {
		if err != nil {
			r.Log.Warning(fmt.Sprintf("%v; a run that sources it will fail there", errors.Unwrap(errors.Unwrap(err))))
		}
	}
	return r.parsePlugins()
}

// checkVirtDriver refuses a stack whose VIRT_DRIVER has no plugin while
// n-cpu is enabled, before anything runs. The settings are those stack.sh
// reaches, the tree's functions and stackrc with local.conf's, evaluated
// in a session that runs no program and writes no file (dryCommand); if
// they cannot be evaluated so, the check is left to lib/nova's own.
func (r *Run) checkVirtDriver() error {
	if r.Command != "stack" {
		return nil
	}
	session, err := r.treeSettingsSession(dryCommand, nil)
	if err != nil {
		return err
	}
	evalErr := r.evalTreeSettings(session)
	driver := session.Var("VIRT_DRIVER")
	if evalErr != nil && driver == "" {
		// stackrc stopped before VIRT_DRIVER was known (HOST_IP is often
		// what it cannot work out this way): lib/nova will tell.
		r.Log.Debugf("the tree's settings could not be evaluated before the run: %v", evalErr)
		return nil
	}
	if _, found := hypervisor.Resolve(r.Tree, driver); found {
		return nil
	}
	if enabled, err := funcs.IsServiceEnabled(r.ctx, session, "n-cpu"); err != nil || !enabled {
		return nil
	}
	return fatalError{hypervisor.Missing(r.Tree, driver)}
}

// treeSettingsSession is a session for the settings stack.sh reaches
// (evalTreeSettings) that writes no file and whose programs intercept
// runs (dryCommand runs none); what it prints goes to out (nowhere if
// nil).
func (r *Run) treeSettingsSession(intercept func(context.Context, []string) (bool, error), out io.Writer) (*bash.Session, error) {
	virtual := map[string]string{}
	if text, ok := r.localrcText(); ok && !r.Tree.Exists("localrc") {
		// What stack.sh extracts from local.conf before stackrc reads it.
		virtual[r.Tree.Path(".localrc.auto")] = text
	}
	return bash.New(bash.Options{
		Dir:       r.Tree.Top,
		Env:       r.Env,
		Stdin:     strings.NewReader(""),
		Stdout:    out,
		Stderr:    out,
		Dry:       true,
		Virtual:   virtual,
		Intercept: intercept,
	})
}

// evalTreeSettings evaluates the tree's functions and stackrc with
// local.conf's settings.
func (r *Run) evalTreeSettings(session *bash.Session) error {
	q, err := syntax.Quote(r.Tree.Top, syntax.LangBash)
	if err != nil {
		return err
	}
	settings := "TOP_DIR=" + q + "\nsource $TOP_DIR/functions\nsource $TOP_DIR/stackrc\n"
	return session.Eval(r.ctx, "settings", settings)
}

// runTreeScript runs one of the tree's scripts in a session of its own, as
// bash runs it: script named as the command line named it, in dir, with
// env, and params as its arguments.
func (r *Run) runTreeScript(ctx context.Context, script string, params, env []string, dir string, stdout, stderr io.Writer) (uint8, *bash.Session, error) {
	var session *bash.Session
	session, err := bash.New(bash.Options{
		Dir:     dir,
		Env:     env,
		Stdout:  stdout,
		Stderr:  stderr,
		Params:  params,
		Rewrite: r.rewrite,
		Intercept: func(ctx context.Context, args []string) (bool, error) {
			return r.intercept(ctx, session, args)
		},
		Observe:    r.observe,
		Overlay:    r.Tree,
		Extensions: []bash.Extension{treeExtension(r.Tree)},
		Source: func(ctx context.Context, path string, args []string, source func() error) error {
			// What the tool writes (phases, errors) hides the secrets
			// set so far; the tree's own LOGFILE is the tree's.
			r.updateSecretsFrom(interp.HandlerCtx(ctx).Env)
			return r.sourceTreeFile(session, path, args, source)
		},
	})
	if err != nil {
		return 1, nil, err
	}
	if r.session == nil {
		r.session = session
	}
	// The tree's files parsed up front are not rewritten again when
	// sourced.
	session.Preparsed(slices.Collect(maps.Values(r.scripts))...)
	status, err := session.RunScript(ctx, script)
	return status, session, err
}

// rewrite applies the tree rewrites to the tree's own files.
func (r *Run) rewrite(abs string, src []byte) []byte {
	rel, inside := r.Tree.Rel(abs)
	if !inside {
		return src
	}
	src = rewriteExtrasLoops(rel, src)
	if r.AllowRoot && (rel == "stack.sh" || rel == "unstack.sh") {
		src = rewriteRootRefusal(rel, src)
	}
	return src
}

// intercept runs the end of each pass of an extras.d loop (ensureHook),
// and the tree's own scripts when one runs another (clean.sh runs
// unstack.sh), in a session of their own as bash would run them in a
// process of their own.
func (r *Run) intercept(ctx context.Context, session *bash.Session, args []string) (bool, error) {
	if refused, err := r.guardRemoval(ctx, args); refused {
		return true, err
	}
	if args[0] == ensureCommand {
		return true, r.ensureHook(ctx, session, args[1:])
	}
	if !strings.Contains(args[0], "/") {
		return false, nil
	}
	hc := interp.HandlerCtx(ctx)
	abs := args[0]
	if !path.IsAbs(abs) {
		abs = path.Join(hc.Dir, abs)
	}
	rel, inside := r.Tree.Rel(abs)
	if !inside || !slices.Contains([]string{"stack.sh", "unstack.sh", "clean.sh"}, rel) || unix.Access(abs, unix.X_OK) != nil {
		// A script that cannot be run fails as bash reports it.
		return false, nil
	}
	r.tree.mu.Lock()
	outer, outerPrefix := r.tree.phase, r.tree.prefix
	r.tree.prefix = outerPrefix + rel + ": "
	r.tree.mu.Unlock()
	r.startPhase("configuration")
	status, _, err := r.runTreeScript(ctx, args[0], args[1:], bash.Environ(hc.Env), hc.Dir, hc.Stdout, hc.Stderr)
	r.resumePhase(outer, outerPrefix)
	if err != nil {
		return true, err
	}
	if status != 0 {
		return true, interp.ExitStatus(status)
	}
	return true, nil
}

// ensureHook ends a pass of an extras.d loop: it sources the pass's file,
// with the loop's arguments, if the loop's own body passed over it (as
// master's run_phase does all but 80-tempest.sh), so that every
// extras.d/*.sh is sourced, in the loop's order. Passing over, it succeeds:
// the loop never fails on its account.
func (r *Run) ensureHook(ctx context.Context, session *bash.Session, args []string) error {
	file := args[0]
	if !path.IsAbs(file) {
		file = path.Join(interp.HandlerCtx(ctx).Dir, file)
	}
	r.tree.mu.Lock()
	sourced := r.tree.lastHook == file
	r.tree.lastHook = ""
	r.tree.mu.Unlock()
	if sourced || unix.Access(file, unix.R_OK) != nil {
		return nil
	}
	if rel, ok := r.Tree.Rel(file); !ok || !isHook(rel) {
		return nil
	}
	return session.SourceHere(ctx, file, args[1:]...)
}

// isHook tells an extras.d script by its tree-relative path.
func isHook(rel string) bool {
	return path.Dir(rel) == "extras.d" && strings.HasSuffix(rel, ".sh")
}

// sourceTreeFile runs every `source` of the tree's scripts. An extras.d script is
// a hook: it starts the phase its arguments name, is timed, and is named
// when it fails. The hypervisor plugin is checked as soon as lib/nova has
// sourced it: a stack stops there; unstack and clean go on with what they
// can do.
func (r *Run) sourceTreeFile(session *bash.Session, file string, args []string, source func() error) error {
	rel, inside := r.Tree.Rel(file)
	switch {
	case inside && isHook(rel):
		if len(args) > 0 {
			r.startPhase(strings.Join(args, " "))
		}
		start := r.hookStart(rel, args)
		err := source()
		r.hookEnd(rel, args, start, err)
		r.Log.Debugf("%s %s: %s", rel, strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
		r.tree.mu.Lock()
		r.tree.lastHook = file
		failed := err != nil || session.Exited()
		if failed {
			r.tree.failedHook = rel
		}
		r.tree.mu.Unlock()
		var exit interp.ExitStatus
		if errors.As(err, &exit) && r.bestEffort() && !session.Exited() {
			r.failures = append(r.failures, Failure{Step: r.currentPhase(), What: rel,
				Err: fmt.Errorf("status %d at %s", uint8(exit), session.Last())})
		}
		return err
	case inside && strings.HasPrefix(rel, "lib/nova_plugins/hypervisor-"):
		if err := source(); err != nil {
			return err
		}
		return r.checkTreePlugin(session, rel)
	}
	return source()
}

// observe follows the tree's phases and summaries on the console.
func (r *Run) observe(args []string) {
	switch args[0] {
	case "run_phase":
		r.startPhase(strings.Join(args[1:], " "))
	case "echo_summary":
		r.Log.Summary(strings.Join(args[1:], " "))
	}
}

// checkTreePlugin checks the five functions of the hypervisor plugin just
// sourced.
func (r *Run) checkTreePlugin(session *bash.Session, rel string) error {
	err := hypervisor.Check(rel, session.HasFunc)
	if err == nil {
		return nil
	}
	if r.bestEffort() {
		r.failures = append(r.failures, Failure{Step: r.currentPhase(), What: rel, Err: err})
		r.Log.Error(fmt.Sprintf("%s (going on)", err))
		return nil
	}
	r.tree.mu.Lock()
	r.tree.refusal = err
	r.tree.mu.Unlock()
	return interp.ExitStatus(1)
}

// startPhase ends the phase under way, recording its time, and starts
// name; "" only ends it. A phase already under way goes on.
func (r *Run) startPhase(name string) {
	r.tree.mu.Lock()
	defer r.tree.mu.Unlock()
	if name != "" {
		name = r.tree.prefix + name
	}
	if name == r.tree.phase {
		return
	}
	r.endPhaseLocked()
	r.tree.phase, r.tree.phaseStart = name, time.Now()
	if name != "" {
		r.step = name
		r.Log.Phase(name)
		r.Log.MarkStep()
		r.Log.Event(report.Event{Type: report.PhaseStart, Phase: name})
	}
}

// resumePhase goes back to the phase a nested script interrupted; its
// time adds to the same row.
func (r *Run) resumePhase(name, prefix string) {
	r.tree.mu.Lock()
	defer r.tree.mu.Unlock()
	r.endPhaseLocked()
	r.tree.prefix = prefix
	r.tree.phase, r.tree.phaseStart = name, time.Now()
	r.step = name
}

// endPhaseLocked records the time of the phase under way.
func (r *Run) endPhaseLocked() {
	if r.tree.phase == "" {
		return
	}
	took := time.Since(r.tree.phaseStart)
	d := report.Seconds(took)
	r.Log.Event(report.Event{Type: report.PhaseEnd, Phase: r.tree.phase, Duration: &d})
	for i := range r.timings {
		if r.timings[i].Step == r.tree.phase {
			r.timings[i].Duration += took
			return
		}
	}
	r.timings = append(r.timings, Timing{Step: r.tree.phase, Duration: took})
}

func (r *Run) currentPhase() string {
	r.tree.mu.Lock()
	defer r.tree.mu.Unlock()
	return r.tree.phase
}

// parsePlugins parses the devstack/ files of the plugins local.conf
// enables that are already on disk, in $DEST/NAME as DevStack clones them.
// What local.conf sets is read without running it: its literal
// enable_plugin calls and DEST.
func (r *Run) parsePlugins() error {
	name, text := "local.conf", ""
	if data, err := os.ReadFile(r.Tree.Path("localrc")); err == nil {
		name, text = "localrc", string(data)
	} else if t, ok := r.localrcText(); ok {
		text = t
	}
	settings, err := bash.Parse(r.Tree.Path(name), name, []byte(text))
	if err != nil {
		return fatalError{fmt.Errorf("syntax error, nothing was run: %w", err)}
	}
	dest, ok := settings.LiteralAssign("DEST")
	r.tree.dest = dest
	if !ok {
		dest = "/opt/stack"
	}
	var files []string
	for _, call := range settings.LiteralCalls("enable_plugin") {
		if len(call) >= 3 {
			files = append(files, pluginFiles(funcs.Plugin{Name: call[1], Dir: filepath.Join(dest, call[1])})...)
		}
	}
	return r.parsePluginFiles(files)
}

// dryCommand stands in for every program a dry session would run, so
// that the settings' evaluation runs none that the run itself would not:
// dirname and basename, which settings use to find their files, are
// answered here; every other program is missing.
func dryCommand(ctx context.Context, args []string) (bool, error) {
	if strings.HasPrefix(args[0], "__devstack_") {
		return false, nil
	}
	hc := interp.HandlerCtx(ctx)
	switch {
	case args[0] == "dirname" && len(args) == 2:
		fmt.Fprintln(hc.Stdout, path.Dir(args[1]))
		return true, nil
	case args[0] == "basename" && len(args) == 2:
		fmt.Fprintln(hc.Stdout, path.Base(args[1]))
		return true, nil
	}
	return true, interp.ExitStatus(127)
}
