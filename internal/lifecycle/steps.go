// Package lifecycle holds what stack, unstack and clean do, in order: one
// table of steps per command, read top to bottom, as CONTRACT.md lists them.
//
// For a plugin tree the tool plays stack.sh, and like stack.sh it calls no
// service's functions itself: each service is driven by its own extras.d
// dispatch script or enable_plugin plugin, at the phases below. The only
// functions the tool calls are the hypervisor plugin's five.
package lifecycle

// Step is one step of a command.
type Step struct {
	// Name is shown as the step starts and in the timing summary.
	Name string
	// Do performs the step.
	Do func(r *Run) error
}

// stackSteps is a stack session.
var stackSteps = []Step{
	{"configuration", readConfiguration},
	{"override_defaults", hook("override_defaults")},
	{"libraries", sourceLibraries},
	{"source", hook("source")},
	{"system set-up", systemSetUp},
	{"stack pre-install", hook("stack", "pre-install")},
	{"install_nova_hypervisor", hypervisorStep("n-cpu", "install_nova_hypervisor")},
	{"stack install", hook("stack", "install")},
	{"configure_nova_hypervisor", hypervisorStep("n-cpu", "configure_nova_hypervisor")},
	{"stack post-config", hook("stack", "post-config")},
	{"merge post-config", merge("post-config")},
	{"start_nova_hypervisor", hypervisorStep("n-cpu", "start_nova_hypervisor")},
	{"merge extra", merge("extra")},
	{"stack extra", hook("stack", "extra")},
	{"merge post-extra", merge("post-extra")},
	{"stack test-config", hook("stack", "test-config")},
	{"merge test-config", merge("test-config")},
	{"write .stackenv", writeStackenv},
}

// unstackSteps is an unstack session.
var unstackSteps = []Step{
	{"configuration", readConfiguration},
	{"override_defaults", hook("override_defaults")},
	{"libraries", sourceLibraries},
	{"source", hook("source")},
	{"unstack", hook("unstack")},
	{"stop_nova_hypervisor", hypervisorStep("n-cpu", "stop_nova_hypervisor")},
}

// cleanSteps is a clean session. The unstack runs in a session of its own,
// as clean.sh runs unstack.sh.
var cleanSteps = []Step{
	{"configuration", readConfiguration},
	{"override_defaults", hook("override_defaults")},
	{"libraries", sourceLibraries},
	{"source", hook("source")},
	{"unstack --all", unstackAll},
	{"clean", hook("clean")},
	{"cleanup_nova_hypervisor", hypervisorStep("nova", "cleanup_nova_hypervisor")},
	{"remove state", removeState},
}

// Steps returns the table of a command.
func Steps(command string) []Step {
	switch command {
	case "stack":
		return stackSteps
	case "unstack":
		return unstackSteps
	case "clean":
		return cleanSteps
	}
	return nil
}
