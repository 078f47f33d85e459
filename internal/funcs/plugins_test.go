package funcs

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"devstack/internal/bash"
)

func TestEnablePlugin(t *testing.T) {
	s, out := newTestSession(t)
	ctx := context.Background()
	err := s.Eval(ctx, "t", `enable_plugin first ./plugins/first
enable_plugin second https://opendev.org/x/second stable/2024.1
enable_plugin third git@example.com:x/third
DEST=/opt/stack
is_plugin_enabled nosuch third && echo third-enabled
is_plugin_enabled nosuch || echo nosuch-disabled
`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if got := s.Var("DEVSTACK_PLUGINS"); got != "first,second,third" {
		t.Errorf("DEVSTACK_PLUGINS = %q", got)
	}
	if got := out.String(); got != "third-enabled\nnosuch-disabled\n" {
		t.Errorf("is_plugin_enabled printed %q", got)
	}
	want := []Plugin{
		{Name: "first", URL: "./plugins/first", Dir: filepath.Join(s.Var("PWD"), "plugins", "first"), Local: true},
		{Name: "second", URL: "https://opendev.org/x/second", Ref: "stable/2024.1", Dir: "/opt/stack/second"},
		{Name: "third", URL: "git@example.com:x/third", Dir: "/opt/stack/third"},
	}
	if got := s.lib.Plugins(); !reflect.DeepEqual(got, want) {
		t.Errorf("Plugins() =\n %+v\nwant\n %+v", got, want)
	}
}

func TestEnablePluginRefusals(t *testing.T) {
	tests := []struct {
		script string
		want   string
	}{
		{"enable_plugin a /a\nenable_plugin a /b", "Plugin attempted to be enabled twice: a /b"},
		{"enable_plugin a", "usage: enable_plugin NAME URL [REF]"},
		{"enable_plugin a,b /a", "not a plugin name"},
		{"enable_plugin a /a\nplugin_requires a b", "Plugin a requires b, but it is not enabled"},
		{"plugin_requires a", "usage: plugin_requires NAME OTHER"},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			s, out := newTestSession(t)
			err := s.Eval(context.Background(), "t", tt.script)
			if err == nil {
				t.Fatal("succeeded, want a failure")
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("output %q lacks %q", out.String(), tt.want)
			}
		})
	}
	s, out := newTestSession(t)
	if err := s.Eval(context.Background(), "t", "enable_plugin a /a\nenable_plugin b /b\nplugin_requires a b"); err != nil {
		t.Errorf("plugin_requires with both enabled: %v\n%s", err, out.String())
	}
}

func TestIsLocalPath(t *testing.T) {
	for url, want := range map[string]bool{
		"/opt/plugins/x":                  true,
		"plugins/x":                       true,
		"../x":                            true,
		"./dir:with-colon":                true,
		"file:///srv/git/x":               false,
		"https://opendev.org/openstack/x": false,
		"git@github.com:org/x.git":        false,
		"host:x":                          false,
	} {
		if got := isLocalPath(url); got != want {
			t.Errorf("isLocalPath(%q) = %v, want %v", url, got, want)
		}
	}
}

func TestLoadLocalrc(t *testing.T) {
	ctx := context.Background()
	t.Run("local.conf text keeps its line numbers", func(t *testing.T) {
		s, _ := newTestSession(t)
		s.lib.SetLocalSettings(LocalSettings{Text: "\nA=1\nB=$A$A\nfalse\nC=never\n", Path: "/x/local.conf", Name: "local.conf"})
		if err := s.SetErrexit(true); err != nil {
			t.Fatal(err)
		}
		if s.lib.LocalSettingsLoaded() {
			t.Error("loaded before load_localrc ran")
		}
		err := s.Eval(ctx, "stackrc", "X=before\nload_localrc\nY=after")
		var se *bash.ScriptError
		if !errors.As(err, &se) || se.At.String() != "local.conf:4" {
			t.Fatalf("error %v, want one at local.conf:4", err)
		}
		if s.Var("B") != "11" || s.Var("C") != "" || s.Var("Y") != "" {
			t.Errorf("B=%q C=%q Y=%q: the text did not run up to its failing line only", s.Var("B"), s.Var("C"), s.Var("Y"))
		}
		if !s.lib.LocalSettingsLoaded() {
			t.Error("not marked loaded")
		}
	})
	t.Run("a legacy file wins", func(t *testing.T) {
		s, _ := newTestSession(t)
		file := writeScript(t, "FROM=file\n")
		s.lib.SetLocalSettings(LocalSettings{File: file, Text: "FROM=text\n", Name: "local.conf"})
		if err := s.Eval(ctx, "stackrc", "load_localrc"); err != nil {
			t.Fatal(err)
		}
		if got := s.Var("FROM"); got != "file" {
			t.Errorf("FROM = %q, want file", got)
		}
	})
	t.Run("nothing given", func(t *testing.T) {
		s, _ := newTestSession(t)
		if err := s.Eval(ctx, "stackrc", "load_localrc"); err != nil {
			t.Errorf("load_localrc with no settings: %v", err)
		}
	})
	t.Run("functions defined there are local.conf's", func(t *testing.T) {
		s, out := newTestSession(t)
		s.lib.SetLocalSettings(LocalSettings{Text: "\n\nfunction where {\n    echo \"${BASH_SOURCE[0]}\"\n}\n", Path: "/x/local.conf", Name: "local.conf"})
		if err := s.Eval(ctx, "stackrc", "load_localrc\nwhere"); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != "/x/local.conf\n" {
			t.Errorf("BASH_SOURCE in a function local.conf defined = %q", got)
		}
	})
}
