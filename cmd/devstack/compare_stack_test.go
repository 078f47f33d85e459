package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// compareConfig is a local.conf for scripts/compare-stack.sh.
type compareConfig struct {
	name, localConf string
}

// The settings every config needs from icehouse to master: passwords,
// FORCE=yes for Debian bookworm, no LOGFILE (juno's outfilter.py is Python
// 2), and jobs run in order so that the record is the same on each run.
const compareBase = `[[local|localrc]]
ADMIN_PASSWORD=secret
DATABASE_PASSWORD=secret
RABBIT_PASSWORD=secret
SERVICE_PASSWORD=secret
SERVICE_TOKEN=secret
FORCE=yes
LOGFILE=
DEVSTACK_PARALLEL=False
`

// TestCompareStack runs scripts/compare-stack.sh on the DevStack checkout
// named by DEVSTACK_DIR (it needs root, unshare and overlay mounts) for
// each config: key,mysql, DevStack's default services, and the local.conf
// named by DEVSTACK_COMPARE_CONFIG if set. RUNNER (devstack, sh) is passed
// on. Any difference from bash fails the test with the script's report.
func TestCompareStack(t *testing.T) {
	dir := os.Getenv("DEVSTACK_DIR")
	if dir == "" {
		t.Skip("set DEVSTACK_DIR to a DevStack checkout to compare devstack with bash on it")
	}
	if os.Geteuid() != 0 {
		t.Skip("compare-stack.sh needs root for its mount namespace")
	}
	configs := []compareConfig{
		{"key,mysql", compareBase + "ENABLED_SERVICES=key,mysql\n"},
		{"default services", compareBase},
	}
	if extra := os.Getenv("DEVSTACK_COMPARE_CONFIG"); extra != "" {
		data, err := os.ReadFile(extra)
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, compareConfig{filepath.Base(extra), string(data)})
	}
	script := filepath.Join(repoRoot(t), "scripts", "compare-stack.sh")
	for _, config := range configs {
		t.Run(config.name, func(t *testing.T) {
			conf := filepath.Join(t.TempDir(), "local.conf")
			if err := os.WriteFile(conf, []byte(config.localConf), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("bash", script, dir, conf)
			cmd.Env = append(os.Environ(), "DEVSTACK_BIN="+binary)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("compare-stack.sh %s %s: %v\n%s", dir, config.name, err, out)
			}
			if !strings.Contains(string(out), "stack ") {
				t.Fatalf("compare-stack.sh printed no table:\n%s", out)
			}
			t.Logf("\n%s", out)
		})
	}
}
