package status

import (
	"bufio"
	"strings"
	"testing"
)

func TestDecodeAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0100007F:1F9A", "127.0.0.1:8090"},
		{"00000000:0016", "0.0.0.0:22"},
		{"00000000000000000000000000000000:0050", "[::]:80"},
		{"00000000000000000000000001000000:1F90", "[::1]:8080"},
		{"0000000000000000FFFF00000100007F:0BB8", "127.0.0.1:3000"},
	}
	for _, tt := range tests {
		if got, ok := decodeAddress(tt.in); !ok || got != tt.want {
			t.Errorf("decodeAddress(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "0100007F", "XYZ:0050", "0100:0050", "0100007F:FFFFF"} {
		if got, ok := decodeAddress(bad); ok {
			t.Errorf("decodeAddress(%q) = %q, want refused", bad, got)
		}
	}
}

func TestParseSocketsKeepsListeningOnes(t *testing.T) {
	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F9A 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F9A 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1
   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000 100 0 0 10 0
`
	got := map[uint64]string{}
	parseSockets(bufio.NewScanner(strings.NewReader(table)), got)
	if len(got) != 1 || got[4242] != "127.0.0.1:8090" {
		t.Errorf("listening sockets %v, want only inode 4242 on 127.0.0.1:8090 (4343 is a connection, the last has no inode)", got)
	}
}

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
