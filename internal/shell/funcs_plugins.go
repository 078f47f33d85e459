package shell

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/interp"
)

// LocalSettings are the user's settings, which stackrc evaluates with
// load_localrc at the place DevStack's stackrc sources localrc: after the
// default ENABLED_SERVICES, before the other defaults.
type LocalSettings struct {
	// File is a legacy localrc file, sourced as it is; it wins over Text.
	File string
	// Text is local.conf's [[local|localrc]] section, padded with blank
	// lines so that its lines keep their local.conf line numbers.
	Text string
	// Path is local.conf's path, as BASH_SOURCE names it while Text runs.
	Path string
	// Name is how messages name Text's file, e.g. "local.conf".
	Name string
}

// localState is what the plugin functions keep between calls in one
// session.
type localState struct {
	settings LocalSettings
	// loaded is set once load_localrc has run.
	loaded bool
	// plugins holds each enable_plugin call's URL and REF by name; the
	// order is DEVSTACK_PLUGINS', which scripts may read.
	plugins map[string]Plugin
}

// Plugin is one plugin enabled with enable_plugin NAME URL [REF].
type Plugin struct {
	Name string
	URL  string
	// Ref is the branch, tag or ref to check out; "" for the remote's
	// default branch.
	Ref string
	// Dir is where the plugin's tree is: URL itself for a local path,
	// else $DEST/NAME.
	Dir string
	// Local is true for a URL that is a local path, used in place.
	Local bool
}

// pluginFunctions are DevStack's plugin functions of functions-common,
// and the loader of the user's settings that stackrc calls.
func (s *Session) pluginFunctions() map[string]libraryFunc {
	return map[string]libraryFunc{
		"load_localrc":      s.loadLocalrc,
		"enable_plugin":     s.enablePlugin,
		"is_plugin_enabled": isPluginEnabled,
		"plugin_requires":   s.pluginRequires,
	}
}

// SetLocalSettings gives the session the user's settings for stackrc's
// load_localrc.
func (s *Session) SetLocalSettings(ls LocalSettings) {
	s.mu.Lock()
	s.local.settings = ls
	s.mu.Unlock()
}

// LocalSettingsLoaded reports whether load_localrc has run, so that a run
// whose tree has a stackrc of its own that never calls it can still
// evaluate the user's settings.
func (s *Session) LocalSettingsLoaded() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.local.loaded
}

// loadLocalrc is load_localrc: it evaluates the user's settings in the
// calling scope, a legacy localrc file if one was given, else local.conf's
// [[local|localrc]] text, whose failures name local.conf and its line.
func (s *Session) loadLocalrc(ctx context.Context, args []string) error {
	s.mu.Lock()
	ls := s.local.settings
	s.local.loaded = true
	s.mu.Unlock()
	if ls.File != "" {
		return s.source(ctx, []string{ls.File})
	}
	if ls.Text == "" {
		return nil
	}
	f := frame{function: "source", source: ls.Path, display: ls.Name}
	s.push(f)
	defer s.pop()
	err := interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", ls.Text})
	s.claimFunctions(f)
	return err
}

// enablePlugin is enable_plugin NAME URL [REF], as DevStack's: the plugin
// joins DEVSTACK_PLUGINS, in the order of the calls; enabling a name twice
// is an error.
func (s *Session) enablePlugin(ctx context.Context, args []string) error {
	if len(args) < 2 || args[0] == "" || args[1] == "" {
		return s.dieHere(ctx, "enable_plugin: usage: enable_plugin NAME URL [REF]")
	}
	name, url := args[0], args[1]
	if strings.ContainsAny(name, ", \t/") {
		return s.dieHere(ctx, fmt.Sprintf("enable_plugin: %q is not a plugin name (no commas, blanks or slashes)", name))
	}
	hc := interp.HandlerCtx(ctx)
	plugins := hc.Env.Get("DEVSTACK_PLUGINS").String()
	if contains(plugins, name) {
		return s.dieHere(ctx, fmt.Sprintf("Plugin attempted to be enabled twice: %s", strings.Join(args, " ")))
	}
	p := Plugin{Name: name, URL: url}
	if len(args) > 2 {
		p.Ref = args[2]
	}
	if isLocalPath(url) {
		p.Local = true
		p.Dir = absolute(hc.Dir, url)
	}
	s.mu.Lock()
	if s.local.plugins == nil {
		s.local.plugins = map[string]Plugin{}
	}
	s.local.plugins[name] = p
	s.mu.Unlock()
	return assign(ctx, "DEVSTACK_PLUGINS", cleanList(append(strings.Split(plugins, ","), name)))
}

// isLocalPath tells a plugin's local directory from a git URL: anything
// with a scheme (file:// included) or in scp's host:path form is a URL.
func isLocalPath(url string) bool {
	if strings.Contains(url, "://") {
		return false
	}
	colon := strings.IndexByte(url, ':')
	slash := strings.IndexByte(url, '/')
	return colon < 0 || (slash >= 0 && slash < colon)
}

func isPluginEnabled(ctx context.Context, args []string) error {
	plugins := interp.HandlerCtx(ctx).Env.Get("DEVSTACK_PLUGINS").String()
	for _, name := range args {
		if contains(plugins, name) {
			return nil
		}
	}
	return interp.ExitStatus(1)
}

// pluginRequires is plugin_requires NAME OTHER: the run stops unless OTHER
// is enabled too.
func (s *Session) pluginRequires(ctx context.Context, args []string) error {
	if len(args) != 2 {
		return s.dieHere(ctx, "plugin_requires: usage: plugin_requires NAME OTHER")
	}
	if isPluginEnabled(ctx, args[1:]) == nil {
		return nil
	}
	return s.dieHere(ctx, RequiresError(args[0], args[1]))
}

// RequiresError is the message of a plugin_requires whose plugin is
// missing.
func RequiresError(name, other string) string {
	return fmt.Sprintf("Plugin %s requires %s, but it is not enabled: add enable_plugin %s URL to local.conf", name, other, other)
}

// Plugins returns the enabled plugins in DEVSTACK_PLUGINS' order. A
// plugin that is not a local path lives in $DEST/NAME, with DEST as it is
// now: local.conf may set DEST after enabling the plugin.
func (s *Session) Plugins() []Plugin {
	dest, order := s.Var("DEST"), s.Var("DEVSTACK_PLUGINS")
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []Plugin
	for _, name := range strings.Split(order, ",") {
		p, ok := s.local.plugins[name]
		if !ok {
			continue
		}
		if !p.Local {
			p.Dir = filepath.Join(dest, name)
		}
		list = append(list, p)
	}
	return list
}
