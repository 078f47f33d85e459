package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"devstack/internal/bash"
	"devstack/internal/config"
	"devstack/internal/funcs"
	"devstack/internal/logging"
	"devstack/internal/report"
	"devstack/internal/tree"
)

// Options describe one command's run.
type Options struct {
	Tree *tree.Tree
	// Command is "stack", "unstack" or "clean".
	Command string
	// All stops the shared services too (unstack --all).
	All bool
	// Strict refuses a user's scripts in reserved ranges.
	Strict bool
	// AllowRoot passes over a DevStack tree's own refusal of root.
	AllowRoot bool
	// Wait waits for another run holding the tree or DEST to end, rather
	// than refusing.
	Wait bool
	// Log is where the run reports.
	Log *logging.Logger
	// Env is the environment the scripts start with.
	Env []string
	// nested marks the unstack a clean runs.
	nested bool
}

// Run is one session working through a command's steps.
type Run struct {
	Options
	ctx context.Context
	// hookOrigins are the hooks' names as shown (Tree.Origin, which
	// stats the file), looked up once per run, not once per phase.
	hookOrigins map[string]string
	session     *bash.Session
	// lib is the function library registered on session.
	lib   *funcs.Library
	conf  *config.LocalConf
	hooks []tree.Hook
	libs  []string
	// scripts holds the hooks parsed before the run, by tree-relative path.
	scripts map[string]*bash.Script
	// plugin is the hypervisor plugin the session sourced, "" if none.
	plugin string
	// brokenPlugins are hypervisor plugins that do not parse, which
	// unstack and clean pass over.
	brokenPlugins []string
	// plugins are the enable_plugin plugins on disk, in enable order
	// (plugins.go).
	plugins []funcs.Plugin
	// step is the step under way, for messages.
	step     string
	failures []Failure
	timings  []Timing
	// tree is the state of a run of a DevStack tree's own script.
	tree treeRun
	// started is when the run started, and locks what it holds (lock.go).
	started time.Time
	locks   []*dirLock
}

// Timing is how long a step took.
type Timing struct {
	Step     string
	Duration time.Duration
}

// Failure is a step of a best-effort command (unstack, clean) that did not
// succeed; the command goes on.
type Failure struct {
	Step string
	What string
	Err  error
	// Output is the step's own output when it failed.
	Output []string
}

func (f Failure) String() string {
	return fmt.Sprintf("[%s] %s: %v", f.Step, f.What, f.Err)
}

// StepError stops a stack: it names the phase, the script and, through Err,
// the line.
type StepError struct {
	Command string
	Step    string
	What    string
	Err     error
}

func (e *StepError) Error() string {
	msg := fmt.Sprintf("%s failed in phase %q", e.Command, e.Step)
	if e.What != "" && !strings.HasPrefix(e.Err.Error(), e.What) {
		msg += ": " + e.What
	}
	return msg + ": " + e.Err.Error()
}

func (e *StepError) Unwrap() error { return e.Err }

// FailuresError ends a best-effort command some of whose steps failed.
type FailuresError struct {
	Command  string
	Failures []Failure
}

func (e *FailuresError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s ran every step, but %d failed:", e.Command, len(e.Failures))
	for _, f := range e.Failures {
		b.WriteString("\n  - " + f.String())
	}
	return b.String()
}

// Result is what a finished run reports.
type Result struct {
	Timings  []Timing
	Failures []Failure
	// What the end of the run shows (progress.go): HOST_IP, the services
	// run_process started, the library's timers (time_start/time_stop and
	// its own), the failure and each failed step of unstack and clean
	// described, and the worlddump a failed stack wrote.
	HostIP       string
	Services     []report.Service
	Timers       []report.Timing
	Error        *report.ErrorInfo
	FailureInfos []report.ErrorInfo
	Worlddump    string
	// TreeLog is the LOGFILE a DevStack tree's own script wrote.
	TreeLog string
}

// Execute runs a command's steps in a new session.
func Execute(ctx context.Context, opts Options) (*Result, error) {
	steps := Steps(opts.Command)
	if steps == nil {
		return nil, fmt.Errorf("unknown command %q", opts.Command)
	}
	r := &Run{Options: opts, ctx: ctx, started: time.Now()}
	if err := r.lockTree(); err != nil {
		return &Result{}, err
	}
	defer r.unlock()
	var err error
	if opts.Tree.DevStack {
		err = r.executeTree()
	} else {
		err = r.execute(steps)
	}
	res := &Result{Timings: r.timings, Failures: r.failures}
	r.finish(res, err)
	return res, err
}

// bestEffort is true for the commands that run every step even after one
// fails, so that every cleanup step gets its chance.
func (r *Run) bestEffort() bool {
	return r.Command != "stack"
}

func (r *Run) execute(steps []Step) error {
	for _, step := range steps {
		r.step = step.Name
		r.updateSecrets()
		start := r.beginStep(step.Name)
		failuresBefore := len(r.failures)
		err := step.Do(r)
		r.timings = append(r.timings, Timing{Step: step.Name, Duration: time.Since(start)})
		r.updateSecrets()
		r.endStep(step.Name, start, failuresBefore, err)
		if err != nil {
			return err
		}
		if err := r.ctx.Err(); err != nil {
			return r.interrupted("")
		}
	}
	if len(r.failures) > 0 {
		return &FailuresError{Command: r.Command, Failures: r.failures}
	}
	return nil
}

func (r *Run) phaseName(step string) string {
	if r.nested {
		return "unstack --all: " + step
	}
	return step
}

// ErrInterrupted is the cause of a run stopped by a signal.
var ErrInterrupted = errors.New("interrupted")

func (r *Run) interrupted(what string) error {
	err := fmt.Errorf("%w (%v)", ErrInterrupted, context.Cause(r.ctx))
	if r.session != nil {
		if at := r.session.Last(); at.Line > 0 {
			err = fmt.Errorf("%w at %s (%s)", err, at, at.Command)
		}
	}
	return &StepError{Command: r.Command, Step: r.step, What: what, Err: err}
}

// fail handles a failed part of a step: a stack stops with a StepError, a
// best-effort command records it and goes on. Interruption always stops.
func (r *Run) fail(what string, err error) error {
	if r.ctx.Err() != nil {
		return r.interrupted(what)
	}
	var scriptErr *bash.ScriptError
	if r.bestEffort() && (errors.As(err, &scriptErr) || !isFatal(err)) {
		output, _ := r.Log.StepOutput()
		r.failures = append(r.failures, Failure{Step: r.step, What: what, Err: err, Output: output})
		r.Log.Error(fmt.Sprintf("%s: %v (going on)", what, err))
		return nil
	}
	return &StepError{Command: r.Command, Step: r.step, What: what, Err: err}
}

// fatalError marks an error that stops even a best-effort command, such as
// a script that cannot be parsed.
type fatalError struct{ error }

func (e fatalError) Unwrap() error { return e.error }

func isFatal(err error) bool {
	var f fatalError
	return errors.As(err, &f)
}

// ExitStatus is the status a command ends with after err: a script's own
// status where a script failed, as bash would end, else 1.
func ExitStatus(err error) int {
	var scriptErr *bash.ScriptError
	if errors.As(err, &scriptErr) && scriptErr.Status != 0 {
		return int(scriptErr.Status)
	}
	return 1
}
