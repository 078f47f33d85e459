package lifecycle

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"devstack/internal/bash"
	"devstack/internal/funcs"
	"devstack/internal/hypervisor"
	"devstack/internal/logging"
	"devstack/internal/tree"
)

// A plan tells what a command would do on a tree without doing any of
// it: the checks a run makes before anything runs are made (parsing,
// trust, reserved numbers, the hypervisor plugin, the plugins), and the
// configuration (the tree's functions, stackrc and local.conf's
// settings, then the libraries, for the names of the files local.conf
// merges into) is evaluated in a session that writes no file and runs
// only programs that read (plansession.go): the other commands it would
// run are listed instead. No hook and no plugin file is sourced, nothing
// is fetched or installed.

// Plan is what a command would do.
type Plan struct {
	Command string `json:"command"`
	Tree    string `json:"tree"`
	Kind    string `json:"kind"`
	// Branch is the DevStack tree's branch, and BranchFrom how it is
	// known (a git checkout, .gitreview), both "" if not known.
	Branch     string `json:"branch,omitempty"`
	BranchFrom string `json:"branch_from,omitempty"`
	// Settings are the main settings after the configuration.
	Settings         []Setting      `json:"settings"`
	EnabledServices  []string       `json:"enabled_services"`
	DisabledServices []string       `json:"disabled_services"`
	Hypervisor       PlanHypervisor `json:"hypervisor"`
	Plugins          []PlanPlugin   `json:"plugins"`
	Steps            []PlanStep     `json:"steps"`
	Sections         []PlanSection  `json:"local_conf_sections"`
	NotRun           []string       `json:"not_run"`
	Warnings         []string       `json:"warnings"`
	Errors           []string       `json:"errors"`
	mu               sync.Mutex
}

// Setting is one shell variable as the configuration leaves it.
type Setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// PlanHypervisor is the nova hypervisor plugin VIRT_DRIVER names.
type PlanHypervisor struct {
	Driver string `json:"virt_driver"`
	// Plugin is its file, "" if there is none.
	Plugin string `json:"plugin,omitempty"`
	// Loaded is true when the run sources it (nova is enabled).
	Loaded bool   `json:"loaded"`
	Note   string `json:"note,omitempty"`
}

// PlanPlugin is one enable_plugin of local.conf.
type PlanPlugin struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	// Ref is the branch, tag or ref; "" for the default.
	Ref string `json:"ref,omitempty"`
	Dir string `json:"dir"`
	// Local is true for a URL that is a local path, used in place.
	Local bool `json:"local"`
	// Present is true when Dir exists; a stack clones a URL that is not.
	Present bool `json:"present"`
}

// PlanStep is one step of the command, and what it would run, in order.
type PlanStep struct {
	Name string   `json:"name"`
	Runs []string `json:"runs"`
}

// PlanSection is one [[PHASE|FILE]] section of local.conf.
type PlanSection struct {
	Phase string `json:"phase"`
	File  string `json:"file"`
	Line  int    `json:"line"`
	// Target is FILE with its variables resolved, "" if they could not
	// be before the run.
	Target string `json:"target,omitempty"`
	When   string `json:"when"`
}

// planTimeout bounds the evaluation of the configuration.
const planTimeout = time.Minute

// PlanOptions say what to plan.
type PlanOptions struct {
	Tree    *tree.Tree
	Command string
	Strict  bool
	Env     []string
}

// MakePlan tells what a command would do on a tree, running nothing.
func MakePlan(ctx context.Context, opts PlanOptions) (*Plan, error) {
	if Steps(opts.Command) == nil {
		return nil, fmt.Errorf("unknown command %q: stack, unstack or clean", opts.Command)
	}
	// The configuration's own loops end, if they do not, here.
	ctx, cancel := context.WithTimeout(ctx, planTimeout)
	defer cancel()
	log, collected, err := logging.NewCollector()
	if err != nil {
		return nil, err
	}
	defer log.Close()
	r := &Run{Options: Options{Tree: opts.Tree, Command: opts.Command, Strict: opts.Strict, Log: log, Env: opts.Env}, ctx: ctx}
	p := &Plan{Command: opts.Command, Tree: opts.Tree.Top, Kind: opts.Tree.Kind(), NotRun: []string{}, Plugins: []PlanPlugin{}}
	p.Branch, p.BranchFrom = treeBranch(opts.Tree.Top)
	if opts.Tree.DevStack {
		r.planTree(p)
	} else {
		r.planPluginTree(p)
	}
	r.planSections(p)
	p.Warnings = append(collected.Warnings(), p.Warnings...)
	p.Errors = append(collected.Errors(), p.Errors...)
	if p.Warnings == nil {
		p.Warnings = []string{}
	}
	if p.Errors == nil {
		p.Errors = []string{}
	}
	return p, nil
}

func (p *Plan) addError(err error) {
	if err != nil {
		p.mu.Lock()
		p.Errors = append(p.Errors, err.Error())
		p.mu.Unlock()
	}
}

// planSession is a session that writes nothing, its commands in
// planIntercept's hands.
func (r *Run) planSession(p *Plan) error {
	session, err := bash.New(bash.Options{
		Dir:       r.Tree.Top,
		Env:       r.Env,
		Stdin:     strings.NewReader(""),
		Overlay:   r.Tree,
		Dry:       true,
		Intercept: r.planIntercept(p),
	})
	if err != nil {
		return err
	}
	r.session = session
	return nil
}

// planPluginTree plans a plugin tree's command: its step table.
func (r *Run) planPluginTree(p *Plan) {
	r.step = "configuration"
	preflightErr := r.preflight()
	p.addError(preflightErr)
	if err := r.planSession(p); err != nil {
		p.addError(err)
		return
	}
	r.lib = funcs.Register(r.session, funcs.Options{Reporter: r.Log})
	p.addError(r.evaluateSettings())
	r.planSettings(p)
	r.planPlugins(p)
	if preflightErr == nil {
		rel, err := r.pluginToLoad()
		p.addError(err)
		if rel != "" {
			p.addError(r.checkPlugin())
		}
		r.warnUnknownServices()
	}
	r.planHypervisor(p)
	// The libraries, for the names of the files local.conf merges into
	// that they set; a hook may set them otherwise.
	for _, lib := range r.libs {
		r.session.Source(r.ctx, r.Tree.Path(lib))
	}
	if p.Hypervisor.Loaded {
		r.session.Source(r.ctx, r.Tree.Path(p.Hypervisor.Plugin))
	}
	for _, step := range Steps(r.Command) {
		p.Steps = append(p.Steps, PlanStep{Name: step.Name, Runs: r.describeStep(p, step.Name)})
	}
}

// planSettings records what the configuration left.
func (r *Run) planSettings(p *Plan) {
	for _, name := range []string{"DEST", "DATA_DIR", "LOGDIR", "LOGFILE", "SERVICE_DIR", "SERVICE_HOST", "HOST_IP", "VIRT_DRIVER", "OFFLINE", "USE_SYSTEMD"} {
		if v := r.session.Var(name); v != "" {
			p.Settings = append(p.Settings, Setting{Name: name, Value: v})
		}
	}
	p.EnabledServices = splitList(r.session.Var("ENABLED_SERVICES"))
	p.DisabledServices = splitList(r.session.Var("DISABLED_SERVICES"))
}

func splitList(list string) []string {
	items := []string{}
	for _, item := range strings.Split(list, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// planPlugins lists the enabled plugins, and checks those on disk as a
// run does before any hook: their files parse, their plugin_requires
// are met. A plugin to be cloned is not fetched.
func (r *Run) planPlugins(p *Plan) {
	var files []string
	for _, pl := range r.lib.Plugins() {
		present := isDir(pl.Dir)
		p.Plugins = append(p.Plugins, PlanPlugin{Name: pl.Name, URL: pl.URL, Ref: pl.Ref, Dir: pl.Dir, Local: pl.Local, Present: present})
		switch {
		case present:
			r.plugins = append(r.plugins, pl)
			files = append(files, pluginFiles(pl)...)
		case pl.Local && r.Command == "stack":
			p.addError(fmt.Errorf("plugin %s: %s is not a directory (enable_plugin %s %s)", pl.Name, pl.Dir, pl.Name, pl.URL))
		case pl.Local:
			r.Log.Warning(fmt.Sprintf("plugin %s: %s is not a directory (enable_plugin %s %s); its unstack and clean phases are passed over", pl.Name, pl.Dir, pl.Name, pl.URL))
		}
	}
	if r.scripts == nil {
		r.scripts = map[string]*bash.Script{}
	}
	if err := r.parsePluginFiles(files); err != nil {
		p.addError(err)
		return
	}
	p.addError(r.checkRequires())
}

func isDir(dir string) bool {
	info, err := os.Stat(dir)
	return err == nil && info.IsDir()
}

// planHypervisor records the hypervisor plugin VIRT_DRIVER names.
func (r *Run) planHypervisor(p *Plan) {
	h := PlanHypervisor{Driver: r.session.Var("VIRT_DRIVER")}
	if rel, found := hypervisor.Resolve(r.Tree, h.Driver); found {
		h.Plugin = rel
	}
	nova, _ := funcs.IsServiceEnabled(r.ctx, r.session, "nova")
	compute, _ := funcs.IsServiceEnabled(r.ctx, r.session, "n-cpu")
	switch {
	case !nova:
		h.Note = "nova is not enabled: the plugin is not sourced"
	case h.Plugin == "" && compute:
		h.Note = "no plugin for this VIRT_DRIVER: the run is refused"
	case h.Plugin == "":
		h.Note = "no plugin for this VIRT_DRIVER; n-cpu is not enabled, so none is needed"
	default:
		h.Loaded = true
		if !compute {
			h.Note = "n-cpu is not enabled: install_, configure_ and start_nova_hypervisor are not called"
		}
	}
	p.Hypervisor = h
}

// hookArgs are the arguments of a step that sources the hooks: its
// name's words, nil for a step of another kind.
func hookArgs(step string) []string {
	args := strings.Fields(step)
	switch {
	case len(args) == 1 && slices.Contains([]string{"override_defaults", "source", "unstack", "clean"}, args[0]):
		return args
	case len(args) == 2 && args[0] == "stack":
		return args
	}
	return nil
}

// hypervisorGates are the steps calling the plugin's functions, and the
// service each needs enabled (as hypervisorStep's tables say).
var hypervisorGates = map[string]string{
	"install_nova_hypervisor":   "n-cpu",
	"configure_nova_hypervisor": "n-cpu",
	"start_nova_hypervisor":     "n-cpu",
	"stop_nova_hypervisor":      "n-cpu",
	"cleanup_nova_hypervisor":   "nova",
}

// describeStep says what a step of a plugin tree's table would run.
func (r *Run) describeStep(p *Plan, step string) []string {
	if args := hookArgs(step); args != nil {
		return r.describeHooks(p, args)
	}
	if gate, ok := hypervisorGates[step]; ok {
		enabled, _ := funcs.IsServiceEnabled(r.ctx, r.session, gate)
		if !p.Hypervisor.Loaded || !enabled {
			return []string{"nothing: " + gate + " is not enabled, or no plugin is sourced"}
		}
		return []string{step + " of " + r.Tree.Origin(p.Hypervisor.Plugin)}
	}
	if phase, ok := strings.CutPrefix(step, "merge "); ok {
		var runs []string
		for _, name := range r.conf.Files(phase) {
			runs = append(runs, fmt.Sprintf("merge local.conf [[%s|%s]] into %s", phase, name, r.resolveFile(name)))
		}
		if runs == nil {
			runs = []string{"nothing: local.conf has no [[" + phase + "|FILE]] section"}
		}
		return runs
	}
	switch step {
	case "configuration":
		return r.describeConfiguration(p)
	case "libraries":
		var runs []string
		for _, lib := range r.libs {
			runs = append(runs, "source "+r.Tree.Origin(lib))
		}
		if p.Hypervisor.Loaded {
			runs = append(runs, "source "+r.Tree.Origin(p.Hypervisor.Plugin)+", the plugin of VIRT_DRIVER="+p.Hypervisor.Driver+", and check its five functions")
		}
		return runs
	case "system set-up":
		var dirs []string
		for _, name := range []string{"DEST", "DATA_DIR", "LOGDIR"} {
			if v := r.session.Var(name); v != "" {
				dirs = append(dirs, name+"="+v)
			}
		}
		runs := []string{"create " + strings.Join(dirs, ", ")}
		pkgs, err := r.packages()
		switch {
		case err != nil:
			runs = append(runs, "the package lists cannot be read: "+err.Error())
		case len(pkgs) > 0:
			runs = append(runs, "install_package "+strings.Join(pkgs, " "))
		default:
			runs = append(runs, "no package list (files/debs, files/rpms) names a package")
		}
		return runs
	case "write .stackenv":
		return []string{"write " + r.Tree.Path(".stackenv")}
	case "unstack --all":
		return []string{"a whole unstack --all, in a session of its own (devstack plan unstack shows its steps)"}
	case "remove state":
		var runs []string
		for _, name := range []string{"DATA_DIR", "LOGDIR"} {
			if v := r.session.Var(name); v != "" {
				what := "remove " + name + "=" + resolvePath(r.Tree.Top, v)
				if name == "LOGDIR" {
					what += " (but clean's own log)"
				}
				runs = append(runs, what)
			}
		}
		return append(runs, "remove "+r.Tree.Path(".stackenv"))
	}
	return []string{"(not described)"}
}

// describeConfiguration says what the configuration step evaluates.
func (r *Run) describeConfiguration(p *Plan) []string {
	var runs []string
	if r.Tree.Exists("functions") {
		runs = append(runs, "source "+r.Tree.Origin("functions"))
	}
	runs = append(runs, "source "+r.Tree.Origin("stackrc"))
	switch {
	case isFile(r.Tree.Path("localrc")):
		runs = append(runs, "source localrc (legacy; local.conf's [[local|localrc]] is ignored), from stackrc's load_localrc")
	case len(r.conf.Phase("local")) > 0:
		runs = append(runs, "evaluate local.conf [[local|localrc]], from stackrc's load_localrc")
	default:
		runs = append(runs, "no local.conf settings")
	}
	if r.Command != "stack" && isFile(r.Tree.Path(".stackenv")) {
		runs = append(runs, "source .stackenv, the last stack's settings")
	}
	for _, pl := range p.Plugins {
		switch {
		case pl.Present:
			runs = append(runs, fmt.Sprintf("plugin %s: use %s", pl.Name, pl.Dir))
		case r.Command == "stack" && !pl.Local:
			clone := fmt.Sprintf("plugin %s: git_clone %s %s", pl.Name, pl.URL, pl.Dir)
			if pl.Ref != "" {
				clone += " " + pl.Ref
			}
			runs = append(runs, clone)
		}
	}
	return runs
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

// describeHooks says what sourcing the hooks with args would run: every
// extras.d script, then each plugin's file for the phase.
func (r *Run) describeHooks(p *Plan, args []string) []string {
	var runs []string
	for _, h := range r.hooks {
		runs = append(runs, originSuffix("source "+h.Rel+" "+strings.Join(args, " "), r.Tree.Origin(h.Rel), h.Rel))
	}
	rel, params := pluginFile(args)
	for _, pl := range p.Plugins {
		file := filepath.Join(pl.Dir, rel)
		switch {
		case pl.Present && isFile(file):
			runs = append(runs, strings.TrimSpace(fmt.Sprintf("plugin %s: source %s %s", pl.Name, file, strings.Join(params, " "))))
		case !pl.Present && r.Command == "stack":
			runs = append(runs, fmt.Sprintf("plugin %s: its %s, once fetched", pl.Name, rel))
		case !pl.Present:
			runs = append(runs, fmt.Sprintf("plugin %s: passed over, %s is not there", pl.Name, pl.Dir))
		}
	}
	if runs == nil {
		runs = []string{"nothing: no extras.d script, no plugin file"}
	}
	return runs
}

// originSuffix moves the "(embedded)" mark Origin adds to a file's name
// to the end of a line about it.
func originSuffix(line, origin, rel string) string {
	if mark, ok := strings.CutPrefix(origin, rel); ok && mark != "" {
		return line + mark
	}
	return line
}

// resolveFile is a section's FILE with its variables as the plan's
// session has them.
func (r *Run) resolveFile(name string) string {
	file, err := r.session.Expand(name)
	if err != nil || file == "" {
		return name + " (not known before the run: set by a hook or a plugin?)"
	}
	return file
}

// sectionWhen says when a run uses a local.conf section of a phase.
var sectionWhen = map[string]string{
	"local":       "the settings: evaluated by stackrc, before its other defaults",
	"post-config": "merged after the stack post-config phase",
	"extra":       "merged before the stack extra phase",
	"post-extra":  "merged after the stack extra phase",
	"test-config": "merged after the stack test-config phase",
}

// planSections lists local.conf's sections with the files they merge
// into.
func (r *Run) planSections(p *Plan) {
	p.Sections = []PlanSection{}
	if r.conf == nil {
		return
	}
	for _, sec := range r.conf.Sections {
		ps := PlanSection{Phase: sec.Phase, File: sec.File, Line: sec.Line, When: sectionWhen[sec.Phase]}
		if ps.When == "" {
			ps.When = "never: not a phase a run knows"
		}
		if sec.Phase == "local" {
			if sec.File != "localrc" {
				ps.When = "never: only [[local|localrc]] is read"
			}
		} else if r.session != nil {
			if file, err := r.session.Expand(sec.File); err == nil {
				ps.Target = file
			}
		}
		p.Sections = append(p.Sections, ps)
	}
}

// treeBranch is the branch of a tree: a git checkout's, else the
// defaultbranch of .gitreview (DevStack's stable branches name theirs;
// master's names none).
func treeBranch(top string) (branch, from string) {
	gitDir := filepath.Join(top, ".git")
	if data, err := os.ReadFile(gitDir); err == nil {
		// A worktree's .git file names its git directory.
		if dir, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir: "); ok {
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(top, dir)
			}
			gitDir = dir
		}
	}
	if data, err := os.ReadFile(filepath.Join(gitDir, "HEAD")); err == nil {
		head := strings.TrimSpace(string(data))
		if ref, ok := strings.CutPrefix(head, "ref: refs/heads/"); ok {
			return ref, "git checkout"
		}
		if len(head) >= 12 {
			return head[:12], "git checkout, detached HEAD"
		}
	}
	data, err := os.ReadFile(filepath.Join(top, ".gitreview"))
	if err != nil {
		return "", ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "defaultbranch="); ok {
			return strings.TrimSpace(v), ".gitreview"
		}
	}
	return "master", ".gitreview names no other defaultbranch"
}

// Phases of a DevStack tree's script: run_phase calls, and the inline
// extras.d loops of 2014's scripts (`source $i stack install`).
var (
	runPhaseLine   = regexp.MustCompile(`^\s*run_phase\s+([\w-]+(?:\s+[\w-]+)?)\s*(?:#.*)?$`)
	inlinePhase    = regexp.MustCompile(`source\s+"?\$i"?\s+([\w-]+(?:\s+[\w-]+)?)\s*(?:;|$)`)
	sourcedLibLine = regexp.MustCompile(`^source\s+"?\$TOP_DIR/(lib/[\w.-]+)"?\s*$`)
)

// treePhases finds the phases a DevStack tree's script runs, in order,
// with their lines.
func treePhases(script string, text []byte) []PlanStep {
	var steps []PlanStep
	for i, line := range strings.Split(string(text), "\n") {
		m := runPhaseLine.FindStringSubmatch(line)
		if m == nil {
			m = inlinePhase.FindStringSubmatch(line)
		}
		if m != nil {
			steps = append(steps, PlanStep{Name: fmt.Sprintf("%s:%d %s", script, i+1, strings.Join(strings.Fields(m[1]), " "))})
		}
	}
	return steps
}

// planTree plans a DevStack tree's command: its own script, with the
// phases it runs.
func (r *Run) planTree(p *Plan) {
	script := treeScripts[r.Command]
	if !r.Tree.Exists(script) {
		p.addError(fmt.Errorf("%s has no %s", r.Tree.Top, script))
		return
	}
	r.step = "parse"
	preflightErr := r.preflightTree()
	p.addError(preflightErr)
	var out tailWriter
	session, err := r.treeSettingsSession(r.planIntercept(p), &out)
	if err != nil {
		p.addError(err)
		return
	}
	r.session = session
	if err := r.evalTreeSettings(session); err != nil {
		msg := fmt.Sprintf("the tree's settings could not all be evaluated before the run (%v)", err)
		if last := out.last(); last != "" {
			msg += ", saying: " + last
		}
		p.Warnings = append(p.Warnings, msg+"; what follows is what could be")
	}
	r.planSettings(p)
	r.planTreePlugins(p)
	r.planHypervisor(p)
	text, err := r.Tree.ReadFile(script)
	if err != nil {
		p.addError(err)
		return
	}
	// The libraries stack.sh sources, for the names of the files
	// local.conf merges into ($NOVA_CONF is lib/nova's).
	stackText, _ := r.Tree.ReadFile("stack.sh")
	var libs []string
	for _, line := range strings.Split(string(stackText), "\n") {
		if m := sourcedLibLine.FindStringSubmatch(line); m != nil && r.Tree.Exists(m[1]) {
			libs = append(libs, m[1])
			session.Source(r.ctx, r.Tree.Path(m[1]))
		}
	}
	config := []string{"./" + script + " sources functions and stackrc, which reads local.conf's [[local|localrc]] (as .localrc.auto)"}
	if len(libs) > 0 && r.Command == "stack" {
		config = append(config, "then the libraries: "+strings.Join(libs, ", "))
	}
	p.Steps = append(p.Steps, PlanStep{Name: "configuration", Runs: config})
	// The plugins run where the tree's run_phase calls its plugin
	// functions; trees older than plugins run none.
	plugins := &Plan{}
	if session.HasFunc("run_plugins") {
		plugins.Plugins = p.Plugins
	}
	for _, step := range treePhases(script, text) {
		step.Runs = r.describeHooks(plugins, strings.Fields(step.Name)[1:])
		p.Steps = append(p.Steps, step)
	}
}

// planTreePlugins lists the plugins the tree's own enable_plugin enabled
// (DEVSTACK_PLUGINS, with GITREPO, GITBRANCH and GITDIR), or, in a tree
// that has no plugins, local.conf's literal enable_plugin lines.
func (r *Run) planTreePlugins(p *Plan) {
	dest := r.session.Var("DEST")
	for _, name := range splitList(r.session.Var("DEVSTACK_PLUGINS")) {
		get := func(array string) string {
			v, _ := r.session.Expand("${" + array + "[" + name + "]-}")
			return v
		}
		pl := PlanPlugin{Name: name, URL: get("GITREPO"), Ref: get("GITBRANCH"), Dir: get("GITDIR")}
		if pl.Dir == "" {
			pl.Dir = path.Join(dest, name)
		}
		pl.Present = isDir(pl.Dir)
		p.Plugins = append(p.Plugins, pl)
	}
	if len(p.Plugins) > 0 || r.session.HasFunc("enable_plugin") {
		return
	}
	if text, ok := r.localrcText(); ok {
		if script, err := bash.Parse(r.Tree.Path("local.conf"), "local.conf", []byte(text)); err == nil && len(script.LiteralCalls("enable_plugin")) > 0 {
			r.Log.Warning(fmt.Sprintf("local.conf calls enable_plugin, which %s's functions do not define: its plugins are not run", r.Tree.Top))
		}
	}
}
