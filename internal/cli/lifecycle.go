package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"devstack/internal/config"
	"devstack/internal/lifecycle"
	"devstack/internal/logging"
	"devstack/internal/report"
	"devstack/internal/tree"
)

// LifecycleOptions are what stack, unstack and clean take.
type LifecycleOptions struct {
	Deps     Deps
	Settings config.Settings
	Command  string
	All      bool
}

func newLifecycleCmd(deps Deps, use, short string, runF func(context.Context, *LifecycleOptions) error) (*cobra.Command, *LifecycleOptions) {
	opts := &LifecycleOptions{Deps: deps, Command: use}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  short + ".\n\n" + runHelp,
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := settings(cmd, deps)
			if err != nil {
				return err
			}
			opts.Settings = s
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return lifecycleRun(cmd.Context(), opts)
		},
	}
	config.AddRunFlags(cmd.Flags())
	return cmd, opts
}

// NewCmdStack builds `devstack stack`.
func NewCmdStack(deps Deps, runF func(context.Context, *LifecycleOptions) error) *cobra.Command {
	cmd, _ := newLifecycleCmd(deps, "stack", "Bring the cloud up, as stack.sh", runF)
	return cmd
}

// NewCmdUnstack builds `devstack unstack`.
func NewCmdUnstack(deps Deps, runF func(context.Context, *LifecycleOptions) error) *cobra.Command {
	cmd, opts := newLifecycleCmd(deps, "unstack", "Stop the cloud's services, as unstack.sh", runF)
	cmd.Flags().BoolVarP(&opts.All, "all", "a", false, "also stop the shared services (database, message queue)")
	return cmd
}

// NewCmdClean builds `devstack clean`.
func NewCmdClean(deps Deps, runF func(context.Context, *LifecycleOptions) error) *cobra.Command {
	cmd, _ := newLifecycleCmd(deps, "clean", "Stop everything and remove the cloud's state, as clean.sh", runF)
	return cmd
}

// lifecycleRun runs a command's steps on the tree and reports the outcome.
func lifecycleRun(ctx context.Context, opts *LifecycleOptions) error {
	if err := checkRoot(opts.Deps, opts.Settings); err != nil {
		return err
	}
	if err := checkSudo(opts.Deps, opts.Deps.Environ); err != nil {
		return err
	}
	t, err := tree.Open(opts.Settings.TopDir, opts.Deps.DefaultTree)
	if err != nil {
		return err
	}
	consoleOpts := logging.TerminalOptions(opts.Deps.Stderr, opts.Deps.Getenv)
	consoleOpts.Quiet, consoleOpts.Verbose = opts.Settings.Quiet, opts.Settings.Verbose
	log, err := logging.NewConsole(opts.Deps.Stderr, consoleOpts)
	if err != nil {
		return err
	}
	start := time.Now()
	log.Infof("devstack %s: %s (%s)", opts.Command, t.Top, t.Kind())
	log.Event(report.Event{Type: report.RunStart, Command: opts.Command, Tree: t.Top, TreeKind: t.Kind(), Version: opts.Deps.Version})
	// What the scripts start is the run's to end: orphans stay its
	// descendants, a signal reaches all of them, and what a hook left
	// running in the background is ended with the run, as stack.sh's
	// exit trap does. Services run_process started lead groups of their
	// own, and stay.
	if err := lifecycle.AdoptOrphans(); err != nil {
		log.Debugf("orphaned processes will not be found: %v", err)
	}
	stopForwarding := context.AfterFunc(ctx, func() {
		var sigErr *lifecycle.SignalError
		if errors.As(context.Cause(ctx), &sigErr) {
			lifecycle.EndChildren(sigErr.Signal, childGrace)
		}
	})
	defer stopForwarding()
	result, runErr := lifecycle.Execute(ctx, lifecycle.Options{
		Tree:      t,
		Command:   opts.Command,
		All:       opts.All,
		Strict:    opts.Settings.Strict,
		AllowRoot: opts.Settings.AllowRoot,
		Wait:      opts.Settings.Wait,
		Log:       log,
		Env:       opts.Deps.Environ,
	})
	if n := lifecycle.EndChildren(syscall.SIGTERM, childGrace); n > 0 {
		log.Warning(fmt.Sprintf("ended %d background process(es) the scripts left running", n))
	}
	status := exitStatus(ctx, runErr)
	summary := newSummary(opts, t, log, result, start, runErr, status)
	showEnd(log, summary, runErr)
	d := summary.Duration
	end := report.Event{Type: report.RunEnd, Command: opts.Command, Status: summary.Status, ExitStatus: &status, Duration: &d, Error: summary.Error}
	log.Event(end)
	closeErr := log.Close()
	if opts.Settings.Output == "json" {
		out := json.NewEncoder(opts.Deps.Stdout)
		out.SetIndent("", "  ")
		if err := out.Encode(summary); err != nil && runErr == nil {
			return err
		}
	}
	if closeErr != nil && runErr == nil {
		return closeErr
	}
	if runErr != nil {
		return &ExitError{Status: status, Err: ErrReported}
	}
	return nil
}

// exitStatus is the status a run ends with: the failing command's, 128 +
// the signal that stopped it, else 1; 0 for a run that succeeded.
func exitStatus(ctx context.Context, runErr error) int {
	switch {
	case runErr == nil:
		return 0
	case errors.Is(runErr, lifecycle.ErrInterrupted):
		// As a shell reports a run a signal ended: 128 + its number.
		var sigErr *lifecycle.SignalError
		if errors.As(context.Cause(ctx), &sigErr) {
			return 128 + int(sigErr.Signal)
		}
		return 128 + int(syscall.SIGINT)
	}
	return lifecycle.ExitStatus(runErr)
}

// runHelp is the end of the help of stack, unstack and clean: the exit
// statuses and the machine-readable results.
const runHelp = ExitStatusHelp + `

With --output json, a summary of the run (schema: internal/report/schema.go,
README "Machine-readable results") is printed on standard output; the events
of the run are in LOGDIR, beside the log, as NAME.events (JSON lines).`

// childGrace is how long what the scripts started has to end after a
// signal, before SIGKILL.
const childGrace = 3 * time.Second

// newSummary gathers the run's outcome, for the console's last lines and
// --output json.
func newSummary(opts *LifecycleOptions, t *tree.Tree, log *logging.Logger, result *lifecycle.Result, start time.Time, runErr error, status int) *report.Summary {
	ended := time.Now()
	s := &report.Summary{
		Schema: report.SchemaVersion, Command: opts.Command, Tree: t.Top, TreeKind: t.Kind(), Version: opts.Deps.Version,
		Status: report.StatusOK, ExitStatus: status, Started: start, Ended: ended, Duration: report.Seconds(ended.Sub(start)),
		HostIP: result.HostIP, Services: result.Services, Timers: result.Timers,
		Logs:     report.Logs{Log: log.Path(), Summary: log.SummaryFile(), Events: log.EventsFile(), Worlddump: result.Worlddump},
		Failures: result.FailureInfos,
		Phases:   []report.Timing{},
	}
	if s.Logs.Log == "" {
		s.Logs.Log = result.TreeLog
	}
	if s.Services == nil {
		s.Services = []report.Service{}
	}
	if s.Timers == nil {
		s.Timers = []report.Timing{}
	}
	for _, tm := range result.Timings {
		s.Phases = append(s.Phases, report.Timing{Name: tm.Step, Duration: report.Seconds(tm.Duration)})
	}
	sort.Slice(s.Timers, func(i, j int) bool { return s.Timers[i].Name < s.Timers[j].Name })
	switch {
	case errors.Is(runErr, lifecycle.ErrInterrupted):
		s.Status = report.StatusInterrupted
	case runErr != nil:
		s.Status = report.StatusFailed
	}
	if runErr != nil {
		s.Error = result.Error
		if s.Error == nil {
			s.Error = &report.ErrorInfo{Message: log.Mask(runErr.Error())}
		}
	}
	return s
}

// showEnd writes the end of the run on the console: the timing table,
// then for a run that succeeded the services, logs, host and version, and
// last how long it took; for one that failed, the one error block.
func showEnd(log *logging.Logger, s *report.Summary, runErr error) {
	log.EndConsole()
	if table := report.TimingTable(s); table != nil {
		log.Infof("%s", strings.Join(table, "\n"))
	}
	if runErr == nil {
		log.Final(strings.Join(report.EndLines(s), "\n"))
		log.Last(report.LastLine(s))
		return
	}
	var failures *lifecycle.FailuresError
	if errors.As(runErr, &failures) {
		if s.Logs.Log != "" {
			log.Final("Log: " + s.Logs.Log)
		}
		log.Error(runErr.Error())
		return
	}
	log.Error(report.ErrorBlock(s))
}
