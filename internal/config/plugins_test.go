package config

import (
	"slices"
	"testing"
)

func TestEnabledPlugins(t *testing.T) {
	tests := []struct {
		name, text, dest string
		names            []string
	}{
		{"none", "ADMIN_PASSWORD=x\n", "", nil},
		{"in order", "enable_plugin heat https://opendev.org/openstack/heat\nenable_plugin hello /srv/hello main\n", "", []string{"heat", "hello"}},
		{"dest", "DEST=/srv/stack\nenable_plugin hello /srv/hello\n", "/srv/stack", []string{"hello"}},
		{"dest computed is unknown", "DEST=$HOME/stack\n", "", nil},
		{"no url is no plugin", "enable_plugin hello\n", "", nil},
		{"inside a condition", "if true; then\n    enable_plugin hello /srv/hello\nfi\n", "", []string{"hello"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dest, names := EnabledPlugins(tt.text)
			if dest != tt.dest || !slices.Equal(names, tt.names) {
				t.Errorf("EnabledPlugins = %q, %q; want %q, %q", dest, names, tt.dest, tt.names)
			}
		})
	}
}
