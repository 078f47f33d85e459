package cli

import (
	"context"

	"github.com/spf13/cobra"

	"devstack/internal/funcs"
	"devstack/internal/shell"
)

// ShOptions are what `devstack sh` takes.
type ShOptions struct {
	Deps   Deps
	Script string
	Args   []string
}

// NewCmdSh builds `devstack sh`, which runs one script with the interpreter
// and function library of a run, for plugin authors and for comparing with
// bash.
func NewCmdSh(deps Deps, runF func(context.Context, *ShOptions) error) *cobra.Command {
	opts := &ShOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "sh SCRIPT [ARGS...]",
		Short: "Run one bash script with devstack's interpreter and functions",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Script, opts.Args = args[0], args[1:]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return shRun(cmd.Context(), opts)
		},
	}
	// The script's own arguments may look like flags.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

func shRun(ctx context.Context, opts *ShOptions) error {
	session, err := shell.New(shell.Options{
		Env:    opts.Deps.Environ,
		Stdout: opts.Deps.Stdout,
		Stderr: opts.Deps.Stderr,
		Params: opts.Args,
		// Background jobs get the library again.
		Extensions: []shell.Extension{{Name: funcs.Extension}},
	})
	if err != nil {
		return err
	}
	funcs.Register(session, funcs.Options{})
	if opts.Deps.Signals != nil {
		// A signal the script traps runs its trap, as in bash.
		take := session.Signal
		opts.Deps.Signals.Store(&take)
		defer opts.Deps.Signals.Store(nil)
	}
	status, err := session.RunScript(ctx, opts.Script)
	if err != nil {
		return &ExitError{Status: int(status), Err: err}
	}
	if status != 0 {
		return &ExitError{Status: int(status), Err: ErrReported}
	}
	return nil
}
