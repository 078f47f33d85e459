package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestLoadSettingsPrecedence(t *testing.T) {
	dir := t.TempDir()
	configPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(configPath, []byte("top-dir: /from/config\nstrict: true\nverbose: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		want  Settings
		noCfg bool
	}{
		{
			name:  "defaults",
			noCfg: true,
			want:  Settings{TopDir: "CWD"},
		},
		{
			name: "config file",
			want: Settings{TopDir: "/from/config", Strict: true, Verbose: true},
		},
		{
			name: "environment over config file",
			env:  map[string]string{"DEVSTACK_TOP_DIR": "/from/env", "DEVSTACK_STRICT": "false", "DEVSTACK_ALLOW_ROOT": "true"},
			want: Settings{TopDir: "/from/env", AllowRoot: true, Verbose: true},
		},
		{
			name: "flags over environment",
			args: []string{"--top-dir", "/from/flag", "--strict", "-v=false"},
			env:  map[string]string{"DEVSTACK_TOP_DIR": "/from/env", "DEVSTACK_STRICT": "false"},
			want: Settings{TopDir: "/from/flag", Strict: true},
		},
	}
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flags := pflag.NewFlagSet("test", pflag.ContinueOnError)
			AddFlags(flags)
			if err := flags.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"DEVSTACK_CONFIG": configPath}
			if tt.noCfg {
				env = map[string]string{"HOME": dir}
			}
			for k, v := range tt.env {
				env[k] = v
			}
			got, err := LoadSettings(flags, func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.TopDir == "CWD" {
				tt.want.TopDir = cwd
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLoadSettingsNamedConfigMustExist(t *testing.T) {
	flags := pflag.NewFlagSet("test", pflag.ContinueOnError)
	AddFlags(flags)
	if err := flags.Parse([]string{"--config", "/nonexistent/devstack.yaml"}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSettings(flags, func(string) string { return "" }); err == nil {
		t.Error("a missing settings file named by --config was accepted")
	}
}

// Yes-or-no settings read as DevStack's trueorfalse reads them, from the
// environment and from the settings file; a value that is neither is
// refused, naming where it was read.
func TestLoadSettingsTruthValues(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		env, file string
		want      bool
		bad       string
	}{
		{env: "yes", want: true},
		{env: "Yes", want: true},
		{env: "YES", want: true},
		{env: "True", want: true},
		{env: "TRUE", want: true},
		{env: "1", want: true},
		{env: "on", want: true},
		{env: "no"},
		{env: "False"},
		{env: "0"},
		{env: "off"},
		{file: "yes", want: true},
		{file: "True", want: true},
		{file: "true", want: true},
		{file: "no"},
		{file: "1", want: true},
		{env: "maybe", bad: "DEVSTACK_ALLOW_ROOT=maybe"},
		{file: "sometimes", bad: "allow-root=sometimes"},
	}
	for i, tt := range tests {
		flags := pflag.NewFlagSet("test", pflag.ContinueOnError)
		AddFlags(flags)
		env := map[string]string{"HOME": dir, "DEVSTACK_ALLOW_ROOT": tt.env}
		if tt.file != "" {
			path := filepath.Join(dir, fmt.Sprintf("c%d.yaml", i))
			if err := os.WriteFile(path, []byte("allow-root: "+tt.file+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			env["DEVSTACK_CONFIG"] = path
		}
		got, err := LoadSettings(flags, func(k string) string { return env[k] })
		if tt.bad != "" {
			if err == nil || !strings.Contains(err.Error(), tt.bad) {
				t.Errorf("env %q file %q: err = %v, want one naming %q", tt.env, tt.file, err, tt.bad)
			}
			continue
		}
		if err != nil || got.AllowRoot != tt.want {
			t.Errorf("env %q file %q: AllowRoot = %v, err = %v; want %v", tt.env, tt.file, got.AllowRoot, err, tt.want)
		}
	}
}

func TestLoadSettingsWarnsOfUnknownKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("strict: true\nallow_root: true\nverbos: yes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	flags := pflag.NewFlagSet("test", pflag.ContinueOnError)
	AddFlags(flags)
	got, err := LoadSettings(flags, func(k string) string { return map[string]string{"DEVSTACK_CONFIG": path}[k] })
	if err != nil {
		t.Fatal(err)
	}
	if !got.Strict || got.AllowRoot || got.Verbose {
		t.Errorf("settings %+v: only strict is a known key", got)
	}
	if len(got.Warnings) != 2 {
		t.Fatalf("warnings %q, want one for each of allow_root and verbos", got.Warnings)
	}
	for i, key := range []string{`"allow_root"`, `"verbos"`} {
		if !strings.Contains(got.Warnings[i], path) || !strings.Contains(got.Warnings[i], key) {
			t.Errorf("warning %q does not name %s and %s", got.Warnings[i], path, key)
		}
	}
}
