package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"devstack/internal/config"
	"devstack/internal/lifecycle"
	"devstack/internal/tree"
)

// PlanOptions are what `devstack plan` takes.
type PlanOptions struct {
	Deps     Deps
	Settings config.Settings
	Command  string
	Output   string
}

// NewCmdPlan builds `devstack plan`.
func NewCmdPlan(deps Deps, runF func(context.Context, *PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "plan [stack|unstack|clean]",
		Short: "Show what a stack (or unstack, clean) would do, running nothing",
		Long: `plan shows what a stack would do on the tree, without running it: the kind
of tree, the steps or phases with the extras.d scripts and plugins each
sources, in order, the enable_plugin plugins, the hypervisor plugin
VIRT_DRIVER names, the enabled services, the local.conf sections and the
files they merge into, and the warnings and errors the run would give.

The checks a run makes before anything runs are made (syntax, trust,
reserved numbers, the hypervisor plugin, the plugins on disk); the tree's
functions, stackrc and local.conf's settings are evaluated in a session
that writes no file and runs no program (the commands it would have run
are listed). No hook is sourced, nothing is fetched or installed.

The exit status is 1 when the run would be refused.`,
		Example: `  devstack --top-dir /tmp/cloud plan
  devstack --top-dir ~/devstack plan unstack
  devstack --top-dir ~/devstack plan --output json | jq .enabled_services`,
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: []string{"stack", "unstack", "clean"},
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := settings(cmd, deps)
			if err != nil {
				return err
			}
			opts.Settings = s
			opts.Command = "stack"
			if len(args) == 1 {
				opts.Command = args[0]
			}
			if lifecycle.Steps(opts.Command) == nil {
				return &config.UsageError{Err: fmt.Errorf("plan %q: want stack, unstack or clean", opts.Command)}
			}
			if opts.Output != "text" && opts.Output != "json" {
				return &config.UsageError{Err: fmt.Errorf("--output %q: want text or json", opts.Output)}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return planRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "text", "text, or json for a machine")
	return cmd
}

func planRun(ctx context.Context, opts *PlanOptions) error {
	t, err := tree.Open(opts.Settings.TopDir, opts.Deps.DefaultTree)
	if err != nil {
		return err
	}
	plan, err := lifecycle.MakePlan(ctx, lifecycle.PlanOptions{
		Tree:    t,
		Command: opts.Command,
		Strict:  opts.Settings.Strict,
		Env:     opts.Deps.Environ,
	})
	if err != nil {
		return err
	}
	if opts.Output == "json" {
		if err := writeJSON(opts.Deps.Stdout, plan); err != nil {
			return err
		}
	} else {
		writePlan(opts.Deps.Stdout, plan, opts.Deps.Version)
	}
	if len(plan.Errors) > 0 {
		// The plan says why, on its output.
		return &ExitError{Status: 1, Err: ErrReported}
	}
	return nil
}

// writePlan prints a plan for a person.
func writePlan(w io.Writer, p *lifecycle.Plan, version string) {
	kind := p.Kind
	if p.Kind == "plugin tree" {
		kind += ", over the default tree built into devstack " + version
	}
	if p.Branch != "" {
		kind += ", branch " + p.Branch + " (" + p.BranchFrom + ")"
	}
	fmt.Fprintf(w, "plan of a %s of %s\n%s\nnothing was run: no hook sourced, no program started, no file written\n", p.Command, p.Tree, kind)

	fmt.Fprintf(w, "\nenabled services: %s\n", listOrNone(p.EnabledServices, ", "))
	if len(p.DisabledServices) > 0 {
		fmt.Fprintf(w, "disabled services: %s\n", strings.Join(p.DisabledServices, ", "))
	}
	h := p.Hypervisor
	plugin := h.Plugin
	if plugin == "" {
		plugin = "no plugin"
	}
	fmt.Fprintf(w, "hypervisor: VIRT_DRIVER=%s, %s", h.Driver, plugin)
	if h.Note != "" {
		fmt.Fprintf(w, " (%s)", h.Note)
	}
	fmt.Fprintln(w)
	if len(p.Settings) > 0 {
		fmt.Fprintln(w, "settings:")
		for _, s := range p.Settings {
			fmt.Fprintf(w, "  %s=%s\n", s.Name, s.Value)
		}
	}
	fmt.Fprintln(w, "plugins (enable_plugin, in order):")
	if len(p.Plugins) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, pl := range p.Plugins {
		ref := pl.Ref
		if ref == "" {
			ref = "default branch"
		}
		state := "present"
		if !pl.Present {
			state = "not there yet: a stack clones it"
		}
		fmt.Fprintf(w, "  %s  %s (%s) in %s, %s\n", pl.Name, pl.URL, ref, pl.Dir, state)
	}

	fmt.Fprintln(w, "\nsteps:")
	for i, step := range p.Steps {
		fmt.Fprintf(w, "%3d. %s\n", i+1, step.Name)
		for _, run := range step.Runs {
			fmt.Fprintf(w, "       %s\n", run)
		}
	}

	fmt.Fprintln(w, "\nlocal.conf sections:")
	if len(p.Sections) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, s := range p.Sections {
		target := ""
		if s.Target != "" && s.Target != s.File {
			target = " -> " + s.Target
		}
		fmt.Fprintf(w, "  line %d: [[%s|%s]]%s: %s\n", s.Line, s.Phase, s.File, target, s.When)
	}
	if len(p.NotRun) > 0 {
		fmt.Fprintln(w, "\ncommands of the configuration that were not run (the run runs them):")
		for _, c := range p.NotRun {
			fmt.Fprintf(w, "  %s\n", c)
		}
	}
	fmt.Fprintln(w, "\nwarnings the run would give:")
	fmt.Fprintf(w, "  %s\n", listOrNone(p.Warnings, "\n  "))
	if len(p.Errors) > 0 {
		fmt.Fprintln(w, "\nthe run would be refused:")
		fmt.Fprintf(w, "  %s\n", strings.Join(p.Errors, "\n  "))
	}
}

func listOrNone(items []string, sep string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, sep)
}
