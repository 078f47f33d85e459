package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"devstack/internal/config"
	"devstack/internal/lifecycle"
	"devstack/internal/logging"
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
		Args:  cobra.NoArgs,
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
	log, err := logging.New(opts.Deps.Stderr, opts.Settings.Verbose)
	if err != nil {
		return err
	}
	start := time.Now()
	log.Infof("devstack %s: %s (%s)", opts.Command, t.Top, t.Kind())
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
	report(log, opts, result, time.Since(start), runErr)
	if err := log.Close(); err != nil && runErr == nil {
		return err
	}
	switch {
	case errors.Is(runErr, lifecycle.ErrInterrupted):
		// As a shell reports a run a signal ended: 128 + its number.
		status := 128 + int(syscall.SIGINT)
		var sigErr *lifecycle.SignalError
		if errors.As(context.Cause(ctx), &sigErr) {
			status = 128 + int(sigErr.Signal)
		}
		return &ExitError{Status: status, Err: ErrReported}
	case runErr != nil:
		return &ExitError{Status: lifecycle.ExitStatus(runErr), Err: ErrReported}
	}
	return nil
}

// childGrace is how long what the scripts started has to end after a
// signal, before SIGKILL.
const childGrace = 3 * time.Second

// report prints the per-step times and, on failure, the error with the
// scripts' last lines of output.
func report(log *logging.Logger, opts *LifecycleOptions, result *lifecycle.Result, took time.Duration, runErr error) {
	if len(result.Timings) == 0 && runErr != nil {
		// Refused before anything ran.
		log.Error(runErr.Error())
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s timings (total %s):", opts.Command, took.Round(time.Millisecond))
	width := 22
	for _, t := range result.Timings {
		width = max(width, len(t.Step))
	}
	for _, t := range result.Timings {
		fmt.Fprintf(&b, "\n  %-*s %8s", width, t.Step, t.Duration.Round(time.Millisecond))
	}
	log.Infof("%s", b.String())
	if path := log.Path(); path != "" {
		log.Infof("log: %s", path)
	}
	if runErr == nil {
		log.Infof("%s finished", opts.Command)
		return
	}
	if tail := log.Tail(); len(tail) > 0 && !opts.Settings.Verbose {
		log.Infof("last lines of output:\n  %s", strings.Join(tail, "\n  "))
	}
	log.Error(runErr.Error())
}
