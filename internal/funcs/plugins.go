package funcs

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/interp"

	"devstack/internal/bash"
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
func (l *Library) pluginFunctions() map[string]bash.Func {
	return map[string]bash.Func{
		"load_localrc":      l.loadLocalrc,
		"enable_plugin":     l.enablePlugin,
		"is_plugin_enabled": isPluginEnabled,
		"plugin_requires":   l.pluginRequires,
	}
}

// SetLocalSettings gives the session the user's settings for stackrc's
// load_localrc.
func (l *Library) SetLocalSettings(ls LocalSettings) {
	l.mu.Lock()
	l.local.settings = ls
	l.mu.Unlock()
}

// LocalSettingsLoaded reports whether load_localrc has run, so that a run
// whose tree has a stackrc of its own that never calls it can still
// evaluate the user's settings.
func (l *Library) LocalSettingsLoaded() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.local.loaded
}

// loadLocalrc is load_localrc: it evaluates the user's settings in the
// calling scope, a legacy localrc file if one was given, else local.conf's
// [[local|localrc]] text, whose failures name local.conf and its line.
func (l *Library) loadLocalrc(ctx context.Context, args []string) error {
	l.mu.Lock()
	ls := l.local.settings
	l.local.loaded = true
	l.mu.Unlock()
	if ls.File != "" {
		return l.sh.SourceFile(ctx, ls.File)
	}
	if ls.Text == "" {
		return nil
	}
	return l.sh.EvalAs(ctx, ls.Text, ls.Path, ls.Name)
}

// enablePlugin is enable_plugin NAME URL [REF], as DevStack's: the plugin
// joins DEVSTACK_PLUGINS, in the order of the calls; enabling a name twice
// is an error.
func (l *Library) enablePlugin(ctx context.Context, args []string) error {
	if len(args) < 2 || args[0] == "" || args[1] == "" {
		return l.dieHere(ctx, "enable_plugin: usage: enable_plugin NAME URL [REF]")
	}
	name, url := args[0], args[1]
	if strings.ContainsAny(name, ", \t/") {
		return l.dieHere(ctx, fmt.Sprintf("enable_plugin: %q is not a plugin name (no commas, blanks or slashes)", name))
	}
	hc := interp.HandlerCtx(ctx)
	plugins := hc.Env.Get("DEVSTACK_PLUGINS").String()
	if contains(plugins, name) {
		return l.dieHere(ctx, fmt.Sprintf("Plugin attempted to be enabled twice: %s", strings.Join(args, " ")))
	}
	p := Plugin{Name: name, URL: url}
	if len(args) > 2 {
		p.Ref = args[2]
	}
	if isLocalPath(url) {
		p.Local = true
		p.Dir = bash.Absolute(hc.Dir, url)
	}
	l.mu.Lock()
	if l.local.plugins == nil {
		l.local.plugins = map[string]Plugin{}
	}
	l.local.plugins[name] = p
	l.mu.Unlock()
	return bash.Assign(ctx, "DEVSTACK_PLUGINS", cleanList(append(strings.Split(plugins, ","), name)))
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
func (l *Library) pluginRequires(ctx context.Context, args []string) error {
	if len(args) != 2 {
		return l.dieHere(ctx, "plugin_requires: usage: plugin_requires NAME OTHER")
	}
	if isPluginEnabled(ctx, args[1:]) == nil {
		return nil
	}
	return l.dieHere(ctx, RequiresError(args[0], args[1]))
}

// RequiresError is the message of a plugin_requires whose plugin is
// missing.
func RequiresError(name, other string) string {
	return fmt.Sprintf("Plugin %s requires %s, but it is not enabled: add enable_plugin %s URL to local.conf", name, other, other)
}

// Plugins returns the enabled plugins in DEVSTACK_PLUGINS' order. A
// plugin that is not a local path lives in $DEST/NAME, with DEST as it is
// now: local.conf may set DEST after enabling the plugin.
func (l *Library) Plugins() []Plugin {
	dest, order := l.sh.Var("DEST"), l.sh.Var("DEVSTACK_PLUGINS")
	l.mu.Lock()
	defer l.mu.Unlock()
	var list []Plugin
	for _, name := range strings.Split(order, ",") {
		p, ok := l.local.plugins[name]
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
