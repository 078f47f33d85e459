package status

import (
	"strings"
	"testing"
)

func TestParseShow(t *testing.T) {
	out := "Id=devstack@key.service\nLoadState=loaded\nActiveState=active\nSubState=running\nMainPID=42\nControlGroup=/system.slice/system-devstack.slice/devstack@key.service\nUnitFileState=enabled\n\n" +
		"Id=devstack@mysql.service\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nMainPID=0\nControlGroup=\nUnitFileState=\n"
	units := parseShow([]byte(out))
	key := units["devstack@key.service"]
	if key.Load != "loaded" || key.Active != "active" || key.MainPID != 42 || key.UnitFile != "enabled" || !strings.HasSuffix(key.ControlGroup, "devstack@key.service") {
		t.Errorf("key: %+v", key)
	}
	if mysql := units["devstack@mysql.service"]; mysql.Load != "not-found" || mysql.MainPID != 0 {
		t.Errorf("mysql: %+v", mysql)
	}
}

func TestCheckUnit(t *testing.T) {
	tests := []struct {
		unit  unitState
		state string
	}{
		{unitState{Load: "loaded", Active: "active", UnitFile: "enabled"}, Running},
		{unitState{Load: "loaded", Active: "failed", Sub: "failed", UnitFile: "enabled"}, Dead},
		{unitState{Load: "loaded", Active: "inactive", Sub: "dead", UnitFile: "enabled"}, Dead},
		{unitState{Load: "loaded", Active: "inactive", Sub: "dead", UnitFile: "disabled"}, Stopped},
	}
	for _, tt := range tests {
		svc := Service{Name: "key", Unit: "devstack@key.service"}
		checkUnit(&svc, tt.unit, processes{})
		if svc.State != tt.state || svc.Manager != "systemd" {
			t.Errorf("%+v: %s by %s, want %s", tt.unit, svc.State, svc.Manager, tt.state)
		}
		if tt.state == Dead && !strings.Contains(svc.Why, tt.unit.Active) {
			t.Errorf("%+v: why %q does not say the unit is %s", tt.unit, svc.Why, tt.unit.Active)
		}
	}
}
