package config

import (
	"os"
	"path/filepath"
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
			if got != tt.want {
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
