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
		{"stack", "configuration|override_defaults|libraries|source|system set-up|stack pre-install|install_nova_hypervisor|" +
			"stack install|configure_nova_hypervisor|stack post-config|merge post-config|start_nova_hypervisor|merge extra|" +
			"stack extra|merge post-extra|stack test-config|merge test-config|write .stackenv"},
		{"unstack", "configuration|override_defaults|libraries|source|unstack|stop_nova_hypervisor"},
		{"clean", "configuration|override_defaults|libraries|source|unstack --all|clean|cleanup_nova_hypervisor|remove state"},
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
