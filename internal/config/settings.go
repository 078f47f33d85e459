package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Settings are the tool's own settings, as opposed to the shell variables
// of local.conf.
type Settings struct {
	// TopDir is the tree to work on.
	TopDir string
	// AllowRoot lets the tool run as root.
	AllowRoot bool
	// Strict refuses a user's extras.d scripts in reserved ranges.
	Strict bool
	// Verbose shows the scripts' output on the console.
	Verbose bool
	// Wait waits for another run on the same tree or DEST to end, where
	// stack, unstack and clean otherwise refuse to start.
	Wait bool
	// Quiet shows only errors and the end of a run on the console.
	Quiet bool
	// Output is "json" for a summary of the run on standard output;
	// "text" or "" for none.
	Output string
}

// settingKeys are the settings' names: the flags' names, DEVSTACK_* in the
// environment with - as _, and keys of the config file.
var settingKeys = []string{"top-dir", "allow-root", "strict", "verbose", "wait", "quiet", "output"}

// AddFlags declares the settings' flags.
func AddFlags(flags *pflag.FlagSet) {
	flags.String("top-dir", "", "the tree to work on (default: the current directory)")
	flags.Bool("allow-root", false, "run as root, which DevStack refuses by default")
	flags.Bool("strict", false, "refuse a user's extras.d scripts in the reserved ranges 00-09 and 90-99")
	flags.BoolP("verbose", "v", false, "show the scripts' output on the console")
	flags.BoolP("quiet", "q", false, "show only errors and the end of the run")
	flags.String("config", "", "settings file (default: $XDG_CONFIG_HOME/devstack/config.yaml, if present)")
}

// AddRunFlags declares the flags of the commands that run a tree (stack,
// unstack, clean).
func AddRunFlags(flags *pflag.FlagSet) {
	flags.Bool("wait", false, "if another run is working on the tree or its DEST, wait for it to end rather than refuse")
	flags.String("output", "text", "text, or json: a summary of the run on standard output (the console goes to standard error)")
}

// LoadSettings reads the settings: flags, then DEVSTACK_* environment
// variables, then the config file, then defaults.
func LoadSettings(flags *pflag.FlagSet, getenv func(string) string) (Settings, error) {
	v := viper.New()
	for _, key := range settingKeys {
		if flags.Lookup(key) == nil {
			// A setting of other commands than this one.
			continue
		}
		if err := v.BindPFlag(key, flags.Lookup(key)); err != nil {
			return Settings{}, err
		}
		// viper's AutomaticEnv reads the real environment; bind through
		// getenv so callers (and tests) choose the environment.
		if value := getenv("DEVSTACK_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))); value != "" {
			v.Set(key, value)
			if f := flags.Lookup(key); f != nil && f.Changed {
				v.Set(key, f.Value.String())
			}
		}
	}
	path, explicit := configFile(flags, getenv)
	if path != "" {
		v.SetConfigFile(path)
		if err := v.ReadInConfig(); err != nil {
			var notFound *os.PathError
			if explicit || !errors.As(err, &notFound) {
				return Settings{}, fmt.Errorf("reading settings file %s: %w", path, err)
			}
		}
	}
	s := Settings{
		TopDir:    v.GetString("top-dir"),
		AllowRoot: v.GetBool("allow-root"),
		Strict:    v.GetBool("strict"),
		Verbose:   v.GetBool("verbose"),
		Wait:      v.GetBool("wait"),
		Quiet:     v.GetBool("quiet"),
		Output:    v.GetString("output"),
	}
	switch s.Output {
	case "", "text", "json":
	default:
		return Settings{}, &UsageError{Err: fmt.Errorf("--output %q: it is text or json", s.Output)}
	}
	if s.TopDir == "" {
		dir, err := os.Getwd()
		if err != nil {
			return Settings{}, err
		}
		s.TopDir = dir
	}
	return s, nil
}

// configFile is the settings file to read and whether the user named it.
func configFile(flags *pflag.FlagSet, getenv func(string) string) (string, bool) {
	if f := flags.Lookup("config"); f != nil && f.Value.String() != "" {
		return f.Value.String(), true
	}
	if path := getenv("DEVSTACK_CONFIG"); path != "" {
		return path, true
	}
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return "", false
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "devstack", "config.yaml"), false
}

// UsageError is a command line or setting that cannot be used: devstack
// exits with status 2, as shells and most tools do.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }
