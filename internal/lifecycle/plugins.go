package lifecycle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"devstack/internal/bash"
	"devstack/internal/funcs"
	"devstack/internal/tree"
)

// The files of a plugin's devstack/ directory that a run sources, as
// DevStack's plugin functions do: override-defaults at override_defaults,
// settings at source, plugin.sh with MODE [PHASE] at every other phase.
const (
	pluginOverrideDefaults = "devstack/override-defaults"
	pluginSettings         = "devstack/settings"
	pluginScript           = "devstack/plugin.sh"
)

// preparePlugins fetches the plugins local.conf enabled (a stack clones a
// git URL to $DEST/NAME at its REF with git_clone; a local path is used in
// place), then parses their devstack/ files and checks their
// plugin_requires before any hook runs.
func (r *Run) preparePlugins() error {
	for _, p := range r.lib.Plugins() {
		what := "enable_plugin " + p.Name
		if r.Command == "stack" && !p.Local {
			r.Log.Summary(fmt.Sprintf("Fetching plugin %s from %s", p.Name, p.URL))
			args := []string{p.URL, p.Dir}
			if p.Ref != "" {
				args = append(args, p.Ref)
			}
			if err := r.session.Call(r.ctx, "git_clone", args...); err != nil {
				return r.fail(what, err)
			}
		}
		if info, err := os.Stat(p.Dir); err != nil || !info.IsDir() {
			missing := fmt.Errorf("plugin %s: %s is not a directory (enable_plugin %s %s)", p.Name, p.Dir, p.Name, p.URL)
			if r.Command == "stack" {
				return r.fail(what, fatalError{missing})
			}
			if !r.nested {
				r.Log.Warning(missing.Error() + "; its unstack and clean phases are passed over")
			}
			continue
		}
		r.plugins = append(r.plugins, p)
	}
	var files []string
	for _, p := range r.plugins {
		files = append(files, pluginFiles(p)...)
	}
	if err := r.parsePluginFiles(files); err != nil {
		return err
	}
	return r.checkRequires()
}

// pluginFiles are the files of a plugin that are parsed before the run:
// the three a run sources and the libraries in devstack/lib/, which
// plugin.sh sources by DevStack's convention.
func pluginFiles(p funcs.Plugin) []string {
	var files []string
	for _, rel := range []string{pluginOverrideDefaults, pluginSettings, pluginScript} {
		files = append(files, filepath.Join(p.Dir, rel))
	}
	entries, _ := os.ReadDir(filepath.Join(p.Dir, "devstack", "lib"))
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			files = append(files, filepath.Join(p.Dir, "devstack", "lib", e.Name()))
		}
	}
	return files
}

// parsePluginFiles parses the plugin files that exist into r.scripts,
// keyed by their absolute paths; a syntax error stops the run before any
// hook runs.
func (r *Run) parsePluginFiles(files []string) error {
	if err := r.checkTrust(files); err != nil {
		return r.fail("plugin files", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return r.fail(file, fatalError{err})
		}
		script, err := bash.Parse(file, r.displayPath(file), data)
		if err != nil {
			return r.fail(file, fatalError{fmt.Errorf("syntax error, nothing was run: %w", err)})
		}
		r.scripts[file] = script
	}
	return nil
}

// displayPath names a file inside the tree by its tree-relative path.
func (r *Run) displayPath(file string) string {
	if rel, ok := r.Tree.Rel(file); ok {
		return rel
	}
	return file
}

// checkRequires refuses a run in which a plugin's literal
// `plugin_requires NAME OTHER` names a plugin that is not enabled, before
// anything runs; plugin_requires itself stops a run for the calls that
// only show when they run.
func (r *Run) checkRequires() error {
	enabled := strings.Split(r.session.Var("DEVSTACK_PLUGINS"), ",")
	for _, p := range r.plugins {
		for _, file := range pluginFiles(p) {
			script := r.scripts[file]
			if script == nil {
				continue
			}
			for _, call := range script.LiteralCalls("plugin_requires") {
				if len(call) == 3 && !slices.Contains(enabled, call[2]) {
					return r.fail(r.displayPath(file), fatalError{errors.New(funcs.RequiresError(call[1], call[2]))})
				}
			}
		}
	}
	return nil
}

// pluginFile is the file of a plugin sourced for a phase, and its
// arguments: override-defaults and settings take none, plugin.sh the
// phase's.
func pluginFile(args []string) (string, []string) {
	switch args[0] {
	case "override_defaults":
		return pluginOverrideDefaults, nil
	case "source":
		return pluginSettings, nil
	}
	return pluginScript, args
}

// runPlugins sources each enabled plugin's file for a phase, in the order
// the plugins were enabled, from inside a function as DevStack's plugin
// functions source them.
func (r *Run) runPlugins(args []string) error {
	rel, params := pluginFile(args)
	for _, p := range r.plugins {
		file := filepath.Join(p.Dir, rel)
		script := r.scripts[file]
		if script == nil {
			continue
		}
		if rel == pluginOverrideDefaults {
			r.Log.Infof("plugin %s overrides defaults (%s)", p.Name, r.displayPath(file))
		}
		if err := r.sourceHook(fmt.Sprintf("plugin %s: %s", p.Name, r.displayPath(file)), script, params); err != nil {
			if err := r.fail(fmt.Sprintf("plugin %s: %s", p.Name, r.displayPath(file)), err); err != nil {
				return err
			}
		}
	}
	return nil
}

// serviceCalls are the functions whose literal first argument names a
// service a script knows.
var serviceCalls = []string{"is_service_enabled", "enable_service", "disable_service", "run_process", "stop_process"}

// knownServices are the names something in the run knows: the tool's own
// gates, the libraries and hooks by name, the plugins, and the services
// the parsed scripts ask for, enable, disable or run by name. The user's
// own settings do not count: a name that only they use is what the
// warning is for.
func (r *Run) knownServices() []string {
	known := []string{"n-cpu", "nova"}
	for _, lib := range r.libs {
		known = append(known, tree.ServiceName(lib))
	}
	for _, h := range r.hooks {
		name := strings.TrimSuffix(h.Name, ".sh")
		if h.Seq >= 0 {
			name = name[3:]
		}
		known = append(known, name)
	}
	for _, p := range r.lib.Plugins() {
		known = append(known, p.Name)
	}
	for rel, script := range r.scripts {
		if script == nil || rel == "localrc" {
			continue
		}
		for _, call := range script.LiteralCalls(serviceCalls...) {
			if call[0] == "run_process" || call[0] == "stop_process" {
				call = call[:min(len(call), 2)]
			}
			known = append(known, call[1:]...)
		}
	}
	return known
}

// warnUnknownServices warns about each enabled service that nothing in
// the run knows, a typo as often as not.
func (r *Run) warnUnknownServices() {
	if r.nested || r.Tree.DevStack {
		return
	}
	known := r.knownServices()
	var unknown []string
	for _, name := range strings.Split(r.session.Var("ENABLED_SERVICES"), ",") {
		if name != "" && !funcs.ServiceAnswers(name, known) && !slices.Contains(unknown, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return
	}
	r.Log.Warning(fmt.Sprintf("ENABLED_SERVICES names %s, which no extras.d script, plugin or library knows: a typo? Nothing will run for it",
		strings.Join(unknown, ", ")))
}
