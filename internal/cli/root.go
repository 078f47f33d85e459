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
	"path/filepath"
	"strings"
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
		Example:       rootExamples,
		Version:       deps.Version,
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
	root.SetVersionTemplate("devstack {{.Version}}\n")
	root.SetHelpTemplate(rootHelpTemplate)
	root.AddCommand(
		NewCmdStack(deps, nil),
		NewCmdUnstack(deps, nil),
		NewCmdClean(deps, nil),
		NewCmdSh(deps, nil),
		NewCmdStatus(deps, nil),
		NewCmdPlan(deps, nil),
		NewCmdVersion(deps),
	)
	return root
}

// settings reads the tool's settings for a command, and shows what the
// settings file holds that is no setting.
func settings(cmd *cobra.Command, deps Deps) (config.Settings, error) {
	s, err := config.LoadSettings(cmd.Flags(), deps.Getenv)
	for _, w := range s.Warnings {
		fmt.Fprintf(deps.Stderr, "WARNING: %s\n", w)
	}
	return s, err
}

// checkRoot refuses root unless allowed, as stack.sh does.
func checkRoot(deps Deps, s config.Settings) error {
	if deps.Geteuid() != 0 || s.AllowRoot {
		return nil
	}
	return fmt.Errorf("refusing to run as root: DevStack's scripts install and start services as a normal user and use sudo where they need it; " +
		"run as that user, or pass --allow-root (or set DEVSTACK_ALLOW_ROOT=yes) on a throwaway VM or CI machine")
}

// checkSudo refuses to start, as a user other than root, where there is
// no sudo: the scripts run what needs root (installing packages, writing
// under /etc) through it, and would fail at the first such command, far
// from the cause.
func checkSudo(deps Deps, env []string) error {
	if deps.Geteuid() == 0 {
		return nil
	}
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		if info, err := os.Stat(filepath.Join(dir, "sudo")); err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0 {
			return nil
		}
	}
	return fmt.Errorf("sudo is not installed (not found on PATH=%s): run as a user other than root, the scripts use sudo for what needs root (installing packages, writing under /etc). "+
		"Install it (as root: apt-get install sudo, or dnf install sudo) and give this user the right to use it, or run as root with --allow-root on a throwaway VM or CI machine", path)
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
