package hypervisor

import (
	"errors"
	"strings"
	"testing"
)

type fakeTree struct{ plugins []string }

func (f fakeTree) Exists(rel string) bool {
	for _, p := range f.plugins {
		if rel == Path(p) {
			return true
		}
	}
	return false
}

func (f fakeTree) Plugins() ([]string, error) { return f.plugins, nil }

func TestResolve(t *testing.T) {
	tr := fakeTree{plugins: []string{"fake", "libvirt"}}
	tests := []struct {
		driver string
		rel    string
		found  bool
	}{
		{"fake", "lib/nova_plugins/hypervisor-fake", true},
		{"libvirt", "lib/nova_plugins/hypervisor-libvirt", true},
		{"ironic", "", false},
		{"", "", false},
		{"../fake", "", false},
	}
	for _, tt := range tests {
		rel, found := Resolve(tr, tt.driver)
		if rel != tt.rel || found != tt.found {
			t.Errorf("Resolve(%q) = %q, %v; want %q, %v", tt.driver, rel, found, tt.rel, tt.found)
		}
	}
	err := Missing(tr, "ironic")
	var missing *MissingPluginError
	if !errors.As(err, &missing) || !strings.Contains(err.Error(), "VIRT_DRIVER=ironic") || !strings.Contains(err.Error(), "fake, libvirt") {
		t.Errorf("Missing = %v", err)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		defined []string
		missing string
	}{
		{"complete", Functions, ""},
		{"none", nil, strings.Join(Functions, ", ")},
		{"two missing", Functions[:3], "stop_nova_hypervisor, cleanup_nova_hypervisor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check("lib/nova_plugins/hypervisor-x", func(name string) bool {
				for _, d := range tt.defined {
					if d == name {
						return true
					}
				}
				return false
			})
			if tt.missing == "" {
				if err != nil {
					t.Fatalf("Check = %v", err)
				}
				return
			}
			var incomplete *IncompletePluginError
			if !errors.As(err, &incomplete) || strings.Join(incomplete.Missing, ", ") != tt.missing {
				t.Fatalf("Check = %v, want missing %s", err, tt.missing)
			}
			if !strings.Contains(err.Error(), "hypervisor-x") {
				t.Errorf("error does not name the plugin: %v", err)
			}
		})
	}
}
