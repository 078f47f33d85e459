package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"devstack/internal/config"
	"devstack/internal/status"
	"devstack/internal/tree"
)

// StatusOptions are what `devstack status` takes.
type StatusOptions struct {
	Deps     Deps
	Settings config.Settings
	Output   string
}

// NewCmdStatus builds `devstack status`.
func NewCmdStatus(deps Deps, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show whether each service of the last stack still runs, and where it listens",
		Long: `status reads what the tree's last stack recorded (.stackenv, the pid files
run_process wrote with the identity of each process, the devstack@NAME
systemd units) and shows each enabled service: its process, whether that
process still runs and is the one the stack started, and the TCP addresses
it and its children listen on. It changes nothing.

The exit status is 1 when a service the stack started is dead.`,
		Example: `  devstack --top-dir /tmp/cloud status
  devstack --top-dir ~/devstack status --output json | jq '.services[] | select(.state == "dead")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := settings(cmd, deps)
			if err != nil {
				return err
			}
			opts.Settings = s
			if opts.Output != "text" && opts.Output != "json" {
				return &config.UsageError{Err: fmt.Errorf("--output %q: want text or json", opts.Output)}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "text", "text, or json for a machine")
	return cmd
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	t, err := tree.Open(opts.Settings.TopDir, opts.Deps.DefaultTree)
	if err != nil {
		return err
	}
	rep, err := status.Collect(ctx, status.Options{
		Tree:    t,
		Env:     opts.Deps.Environ,
		Systemd: status.DetectSystemd(opts.Deps.Getenv("PATH")),
	})
	var noStack *status.NoStackError
	if errors.As(err, &noStack) && opts.Output == "json" {
		// A machine gets an answer it can read: no services.
		rep = &status.Report{Tree: t.Top, Kind: t.Kind(), Stackenv: noStack.Path, Services: []status.Service{}}
		writeJSON(opts.Deps.Stdout, rep)
		return err
	}
	if err != nil {
		return err
	}
	if opts.Output == "json" {
		if err := writeJSON(opts.Deps.Stdout, rep); err != nil {
			return err
		}
	} else {
		writeStatus(opts.Deps.Stdout, rep)
	}
	if dead := rep.Dead(); len(dead) > 0 {
		return &ExitError{Status: 1, Err: fmt.Errorf("%d service(s) dead: %s", len(dead), strings.Join(dead, ", "))}
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeStatus prints the report as a table, and why each service that
// is not well is so.
func writeStatus(w io.Writer, rep *status.Report) {
	fmt.Fprintf(w, "%s (%s)\n", rep.Tree, rep.Kind)
	if rep.Stacked != "" {
		fmt.Fprintf(w, "%s: %s\n", rep.Stackenv, rep.Stacked)
	}
	fmt.Fprintf(w, "systemd: %s\n\n", rep.Systemd)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tSTATE\tPID\tBY\tLISTENING")
	for _, s := range rep.Services {
		pid := "-"
		if s.PID > 0 {
			pid = fmt.Sprint(s.PID)
		}
		listen := "-"
		if len(s.Listen) > 0 {
			listen = strings.Join(s.Listen, " ")
		}
		by := s.Manager
		if s.Unit != "" {
			by = s.Unit
		}
		if by == "" {
			by = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.State, pid, by, listen)
	}
	tw.Flush()
	for _, s := range rep.Services {
		if s.Why != "" {
			fmt.Fprintf(w, "\n%s %s: %s", s.Name, s.State, s.Why)
			if s.PIDFile != "" {
				fmt.Fprintf(w, " (%s)", s.PIDFile)
			}
		}
	}
	if len(rep.Services) == 0 {
		fmt.Fprintln(w, "(the stack enabled no services)")
	}
	for _, s := range rep.Services {
		if s.Why != "" {
			fmt.Fprintln(w)
			break
		}
	}
}
