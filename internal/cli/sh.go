package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"devstack/internal/bash"
	"devstack/internal/funcs"
	"devstack/internal/lifecycle"
	"devstack/internal/logging"
)

// ShOptions are what `devstack sh` takes: bash's own command line, so that
// it can stand where bash is run.
type ShOptions struct {
	Deps Deps
	// Script is the file to run; "" when the script is Command, or is read
	// from standard input.
	Script string
	// Command is the script given with -c, when HasCommand is set.
	Command    string
	HasCommand bool
	// Name is $0: the script's path, the NAME after -c's text, or the name
	// the binary was started as.
	Name string
	Args []string
	// Startup are the commands the options stand for (set -e, set -o
	// pipefail, shopt -s extglob), run in order before the script.
	Startup [][]string
}

// NewCmdSh builds `devstack sh`, which runs one script with the interpreter
// and function library of a run, for plugin authors and for comparing with
// bash.
func NewCmdSh(deps Deps, runF func(context.Context, *ShOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sh [OPTIONS] [SCRIPT | -c COMMAND [NAME]] [ARGS...]",
		Short: "Run one bash script with devstack's interpreter and functions",
		Long: `Run one bash script with devstack's interpreter and functions.

The command line is bash's: the script is a file, the text after -c (with
$0 the word after it), or standard input when neither is given (or with
-s). Options before the script: set's one-letter flags (-e, -u, -x, ...,
and +e to turn one off), -o NAME and +o NAME, -O NAME and +O NAME for
shopt, --posix; --norc, --noprofile and --noediting are accepted and do
nothing, as devstack reads no startup files. -- or - ends the options.`,
		Args:               cobra.ArbitraryArgs,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && args[0] == "--help" {
				return cmd.Help()
			}
			argv0 := deps.Argv0
			if argv0 == "" {
				argv0 = cmd.Root().Name()
			}
			opts, err := parseShArgs(args, argv0)
			if err != nil {
				fmt.Fprintf(deps.Stderr, "devstack sh: %v\n", err)
				return &ExitError{Status: 2, Err: ErrReported}
			}
			opts.Deps = deps
			if opts.Script == "" && !opts.HasCommand && logging.IsTerminal(deps.Stdin) {
				fmt.Fprintln(deps.Stderr, "devstack sh: no script: give a file, -c COMMANDS, or the script on standard input (a terminal here: interactive shells are not supported)")
				return &ExitError{Status: 2, Err: ErrReported}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return shRun(cmd.Context(), opts)
		},
	}
	return cmd
}

// setFlags are the one-letter options bash takes on its command line as
// set takes them.
const setFlags = "abefhkmnptuvxBCEHPT"

// parseShArgs reads bash's command line: options up to the first word that
// is not one, then the script (or -c's text) and its arguments.
func parseShArgs(args []string, argv0 string) (*ShOptions, error) {
	opts := &ShOptions{}
	stdin := false
	i := 0
options:
	for ; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--" || arg == "-":
			i++
			break options
		case arg == "--norc" || arg == "--noprofile" || arg == "--noediting":
			// Startup files: devstack reads none.
			continue
		case arg == "--posix":
			opts.Startup = append(opts.Startup, []string{"set", "-o", "posix"})
			continue
		case strings.HasPrefix(arg, "--"):
			return nil, fmt.Errorf("%s: invalid option", arg)
		case len(arg) < 2 || (arg[0] != '-' && arg[0] != '+'):
			break options
		}
		sign := arg[:1]
		for _, letter := range arg[1:] {
			switch {
			case letter == 'c' && sign == "-":
				opts.HasCommand = true
			case letter == 's' && sign == "-":
				stdin = true
			case letter == 'o' || letter == 'O':
				if i+1 >= len(args) {
					return nil, fmt.Errorf("%s%c: option requires an argument", sign, letter)
				}
				i++
				if letter == 'o' {
					opts.Startup = append(opts.Startup, []string{"set", sign + "o", args[i]})
				} else {
					opts.Startup = append(opts.Startup, []string{"shopt", map[string]string{"-": "-s", "+": "-u"}[sign], args[i]})
				}
			case strings.ContainsRune("ilrD", letter):
				return nil, fmt.Errorf("%s%c: interactive, login and restricted shells are not supported", sign, letter)
			case strings.ContainsRune(setFlags, letter):
				opts.Startup = append(opts.Startup, []string{"set", sign + string(letter)})
			default:
				return nil, fmt.Errorf("%s%c: invalid option", sign, letter)
			}
		}
	}
	rest := args[i:]
	switch {
	case opts.HasCommand:
		if len(rest) == 0 {
			return nil, fmt.Errorf("-c: option requires an argument")
		}
		opts.Command, opts.Name, rest = rest[0], argv0, rest[1:]
		if len(rest) > 0 {
			opts.Name, rest = rest[0], rest[1:]
		}
	case stdin || len(rest) == 0:
		opts.Name = argv0
	default:
		opts.Script, opts.Name, rest = rest[0], rest[0], rest[1:]
	}
	opts.Args = rest
	return opts, nil
}

func shRun(ctx context.Context, opts *ShOptions) error {
	session, err := bash.New(bash.Options{
		Env:    opts.Deps.Environ,
		Stdin:  opts.Deps.Stdin,
		Stdout: opts.Deps.Stdout,
		Stderr: opts.Deps.Stderr,
		Params: opts.Args,
		// Background jobs get the library again.
		Extensions: []bash.Extension{{Name: funcs.Extension}},
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
	for _, command := range opts.Startup {
		if err := session.Call(ctx, command[0], command[1:]...); err != nil {
			// set or shopt has said what is wrong with the option.
			return &ExitError{Status: 2, Err: ErrReported}
		}
	}
	var status uint8
	switch {
	case opts.HasCommand:
		status, err = session.RunString(ctx, opts.Name, opts.Command)
	case opts.Script == "":
		status, err = session.RunStdin(ctx, opts.Name)
		if err != nil {
			err = fmt.Errorf("reading the script from standard input: %w", err)
		}
	default:
		status, err = session.RunScript(ctx, opts.Script)
	}
	var sigErr *lifecycle.SignalError
	if ctx.Err() != nil && errors.As(context.Cause(ctx), &sigErr) {
		// A signal the script did not trap ends it as it ends bash:
		// silently, with 128 + the signal's number.
		return &ExitError{Status: 128 + int(sigErr.Signal), Err: ErrReported}
	}
	if err != nil {
		return &ExitError{Status: int(status), Err: err}
	}
	if status != 0 {
		return &ExitError{Status: int(status), Err: ErrReported}
	}
	return nil
}
