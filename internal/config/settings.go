package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
	// Warnings are what the settings file holds that the tool does not
	// know (a misspelt key), for the command to show.
	Warnings []string
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

// EnvName is the environment variable of a setting: DEVSTACK_ and the
// key in capitals, - as _.
func EnvName(key string) string {
	return "DEVSTACK_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
}

// LoadSettings reads the settings: flags, then DEVSTACK_* environment
// variables, then the config file, then defaults. Yes-or-no settings
// take the words DevStack's trueorfalse takes (True, yes, 1, ...; False,
// no, 0, ...) and on or off; anything else is an error naming where it
// was read.
func LoadSettings(flags *pflag.FlagSet, getenv func(string) string) (Settings, error) {
	v := viper.New()
	// where tells, by key, where a value that is not a flag's came from.
	where := map[string]string{}
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
		if value := getenv(EnvName(key)); value != "" {
			v.Set(key, value)
			where[key] = EnvName(key)
			if f := flags.Lookup(key); f != nil && f.Changed {
				v.Set(key, f.Value.String())
				where[key] = "--" + key
			}
		}
	}
	var warnings []string
	path, explicit := configFile(flags, getenv)
	if path != "" {
		v.SetConfigFile(path)
		if err := v.ReadInConfig(); err != nil {
			var notFound *os.PathError
			if explicit || !errors.As(err, &notFound) {
				return Settings{}, fmt.Errorf("reading settings file %s: %w", path, err)
			}
		} else {
			warnings = unknownKeys(path)
			for _, key := range settingKeys {
				if _, set := where[key]; !set {
					where[key] = path + ": " + key
				}
			}
		}
	}
	flag := func(key string) (bool, error) {
		if f := flags.Lookup(key); f != nil && f.Changed {
			return v.GetBool(key), nil
		}
		return truth(where[key], v.Get(key))
	}
	s := Settings{TopDir: v.GetString("top-dir"), Warnings: warnings, Output: v.GetString("output")}
	for key, dst := range map[string]*bool{"allow-root": &s.AllowRoot, "strict": &s.Strict, "verbose": &s.Verbose, "wait": &s.Wait, "quiet": &s.Quiet} {
		var err error
		if *dst, err = flag(key); err != nil {
			return Settings{}, err
		}
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

// truth reads a yes-or-no setting as DevStack's trueorfalse reads one,
// and on and off besides; where names where the value was read, for the
// error.
func truth(where string, value any) (bool, error) {
	switch value := value.(type) {
	case nil:
		return false, nil
	case bool:
		return value, nil
	case int:
		if value == 0 || value == 1 {
			return value == 1, nil
		}
	case string:
		switch value {
		case "", "0", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
			return false, nil
		case "1", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
			return true, nil
		}
	}
	return false, fmt.Errorf("%s=%v is neither true nor false: use True or False (yes, no, 1, 0, on and off are read too)", where, value)
}

// unknownKeys names the keys of a settings file that are no setting, a
// misspelt one as often as not.
func unknownKeys(path string) []string {
	file := viper.New()
	file.SetConfigFile(path)
	if err := file.ReadInConfig(); err != nil {
		return nil
	}
	var warnings []string
	keys := file.AllKeys()
	slices.Sort(keys)
	for _, key := range keys {
		if !slices.Contains(settingKeys, key) {
			warnings = append(warnings, fmt.Sprintf("%s: unknown setting %q is ignored; the settings are %s", path, key, strings.Join(settingKeys, ", ")))
		}
	}
	return warnings
}
