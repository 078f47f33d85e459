// Package cli builds the devstack command line: one file per command, each
// reading its flags and settings and making one call into the packages
// that do the work.
package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync/atomic"

	"github.com/spf13/cobra"

	"devstack/internal/config"
)

// Deps is what the commands need from the outside world, so tests can
// provide their own.
type Deps struct {
	// Stdin is standard input, which `devstack sh` may read its script
	// from; the process's if nil.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Argv0 is the name the binary was started as, $0 of `devstack sh -c`
	// as bash's is its own.
	Argv0 string
	// Environ is the process environment, KEY=VALUE.
	Environ []string
	Getenv  func(string) string
	// Geteuid tells whether the tool runs as root.
	Geteuid func() int
	// DefaultTree is the embedded tree under plugin trees.
	DefaultTree fs.FS
	// Version is the build's version.
	Version string
	// Signals, if set, takes a handler for INT and TERM: one that returns
	// true has dealt with the signal, which then does not stop the run.
	Signals *SignalHandler
}

// SignalHandler holds the function a command installs to take signals.
type SignalHandler = atomic.Pointer[func(os.Signal) bool]

// ExitError carries an exit status for a failure already reported to the
// user.
type ExitError struct {
	Status int
	Err    error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// ErrReported marks an error the command already showed the user.
var ErrReported = errors.New("reported")

// NewCmdRoot builds the devstack command.
func NewCmdRoot(deps Deps) *cobra.Command {
	root := &cobra.Command{
		Use:   "devstack",
		Short: "Bring up, stop and clean an OpenStack development cloud",
		Long: `devstack runs a DevStack tree (a checkout with stackrc and functions) or a
plugin tree (your extras.d scripts and lib/ plugins over the default tree
built into this binary) the way stack.sh, unstack.sh and clean.sh do.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// The flags before a command are the root's: `devstack sh` reads
		// the words after it as bash would, and takes none of them.
		TraverseChildren: true,
	}
	config.AddFlags(root.PersistentFlags())
	// A command line that cannot be used ends with status 2.
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &config.UsageError{Err: err} })
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return &config.UsageError{Err: fmt.Errorf("unknown command %q; see devstack --help", args[0])}
		}
		return cmd.Help()
	}
	root.AddCommand(
		NewCmdStack(deps, nil),
		NewCmdUnstack(deps, nil),
		NewCmdClean(deps, nil),
		NewCmdSh(deps, nil),
		NewCmdVersion(deps),
	)
	return root
}

// settings reads the tool's settings for a command.
func settings(cmd *cobra.Command, deps Deps) (config.Settings, error) {
	return config.LoadSettings(cmd.Flags(), deps.Getenv)
}

// checkRoot refuses root unless allowed, as stack.sh does.
func checkRoot(deps Deps, s config.Settings) error {
	if deps.Geteuid() != 0 || s.AllowRoot {
		return nil
	}
	return fmt.Errorf("refusing to run as root: DevStack's scripts install and start services as a normal user and use sudo where they need it; " +
		"run as that user, or pass --allow-root (or set DEVSTACK_ALLOW_ROOT=true) on a throwaway VM or CI machine")
}

// usageArgs makes the errors of an argument check usage errors.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &config.UsageError{Err: err}
		}
		return nil
	}
}
