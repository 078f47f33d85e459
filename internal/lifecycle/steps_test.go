package lifecycle

import (
	"strings"
	"testing"
)

// The tables are the contract's order; a change to them is a change to
// the contract and must show up here.
func TestStepOrder(t *testing.T) {
	tests := []struct {
		command string
		want    string
	}{
		{"stack", "configuration|override_defaults|libraries|source|system set-up|stack pre-install|install services|" +
			"stack install|configure services|stack post-config|merge post-config|start services|merge extra|" +
			"stack extra|merge post-extra|stack test-config|merge test-config|write .stackenv"},
		{"unstack", "configuration|override_defaults|libraries|source|unstack|stop services"},
		{"clean", "configuration|override_defaults|libraries|source|unstack --all|clean|clean up services|remove state"},
		{"restack", ""},
	}
	for _, tt := range tests {
		var names []string
		for _, s := range Steps(tt.command) {
			names = append(names, s.Name)
		}
		if got := strings.Join(names, "|"); got != tt.want {
			t.Errorf("%s steps:\n got %s\nwant %s", tt.command, got, tt.want)
		}
	}
}

func TestServiceFuncs(t *testing.T) {
	for action, want := range map[string]string{
		"install":   "install_demo",
		"configure": "configure_demo init_demo",
		"start":     "start_demo",
	} {
		if got := strings.Join(serviceFuncs(action, "demo"), " "); got != want {
			t.Errorf("serviceFuncs(%s) = %s, want %s", action, got, want)
		}
	}
}
