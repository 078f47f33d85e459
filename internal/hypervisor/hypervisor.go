// Package hypervisor loads the nova hypervisor plugin,
// lib/nova_plugins/hypervisor-$VIRT_DRIVER, and checks that it defines the
// functions the run calls.
package hypervisor

import (
	"fmt"
	"strings"
)

// Functions are what every plugin must define, in the order a full
// stack, unstack and clean call them.
var Functions = []string{
	"install_nova_hypervisor",
	"configure_nova_hypervisor",
	"start_nova_hypervisor",
	"stop_nova_hypervisor",
	"cleanup_nova_hypervisor",
}

// Trees lists plugins; satisfied by *tree.Tree.
type Trees interface {
	Exists(rel string) bool
	Plugins() ([]string, error)
}

// Dir is the tree-relative directory of the plugins.
const Dir = "lib/nova_plugins"

// Path is the tree-relative path of a driver's plugin.
func Path(driver string) string {
	return Dir + "/hypervisor-" + driver
}

// MissingPluginError is a VIRT_DRIVER with no plugin.
type MissingPluginError struct {
	Driver    string
	Available []string
}

func (e *MissingPluginError) Error() string {
	if e.Driver == "" {
		return fmt.Sprintf("VIRT_DRIVER is empty but n-cpu is enabled; set VIRT_DRIVER in local.conf to one of: %s", available(e.Available))
	}
	return fmt.Sprintf("VIRT_DRIVER=%s has no plugin (%s) but n-cpu is enabled; set VIRT_DRIVER to one of: %s, or add the plugin",
		e.Driver, Path(e.Driver), available(e.Available))
}

func available(drivers []string) string {
	if len(drivers) == 0 {
		return "(no plugins in lib/nova_plugins)"
	}
	return strings.Join(drivers, ", ")
}

// Resolve finds the plugin of driver; found is false when there is none.
func Resolve(t Trees, driver string) (rel string, found bool) {
	if driver != "" && !strings.ContainsAny(driver, "/\x00") && t.Exists(Path(driver)) {
		return Path(driver), true
	}
	return "", false
}

// Missing builds the error for a driver with no plugin, listing those the
// tree has.
func Missing(t Trees, driver string) error {
	drivers, err := t.Plugins()
	if err != nil {
		return err
	}
	return &MissingPluginError{Driver: driver, Available: drivers}
}

// IncompletePluginError is a plugin missing some of Functions.
type IncompletePluginError struct {
	Plugin  string
	Missing []string
}

func (e *IncompletePluginError) Error() string {
	return fmt.Sprintf("hypervisor plugin %s does not define %s; a plugin must define all of %s",
		e.Plugin, strings.Join(e.Missing, ", "), strings.Join(Functions, ", "))
}

// Check returns an error naming each of Functions that defined says is
// missing.
func Check(plugin string, defined func(name string) bool) error {
	var missing []string
	for _, fn := range Functions {
		if !defined(fn) {
			missing = append(missing, fn)
		}
	}
	if len(missing) > 0 {
		return &IncompletePluginError{Plugin: plugin, Missing: missing}
	}
	return nil
}
