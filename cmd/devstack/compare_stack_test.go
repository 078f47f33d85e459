package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// compareRuns names, for each branch a DevStack checkout can be, the
// configs of scripts/compare-configs that TestCompareStack runs on it.
var compareRuns = map[string][]string{
	"master":   {"master-keymysql", "master-default", "master-plugin"},
	"juno":     {"juno-default"},
	"icehouse": {"icehouse-default"},
}

// TestCompareStack runs scripts/compare-stack.sh on the DevStack checkout
// named by DEVSTACK_DIR (it needs root, unshare and overlay mounts), with
// the configs of scripts/compare-configs for its branch: DEVSTACK_BRANCH
// (master, juno or icehouse), or the checkout's directory name when it
// ends in one of those (ds-juno-eol), else master. DEVSTACK_COMPARE_CONFIG
// names one more local.conf to run. RUNNER (devstack, sh) is passed on.
// Any difference from bash fails the test with the script's report.
func TestCompareStack(t *testing.T) {
	dir := os.Getenv("DEVSTACK_DIR")
	if dir == "" {
		t.Skip("set DEVSTACK_DIR to a DevStack checkout to compare devstack with bash on it")
	}
	if os.Geteuid() != 0 {
		t.Skip("compare-stack.sh needs root for its mount namespace")
	}
	root := repoRoot(t)
	branch := os.Getenv("DEVSTACK_BRANCH")
	if branch == "" {
		branch = "master"
		base := filepath.Base(filepath.Clean(dir))
		for name := range compareRuns {
			if strings.Contains(base, name) {
				branch = name
			}
		}
	}
	names, ok := compareRuns[branch]
	if !ok {
		t.Fatalf("DEVSTACK_BRANCH=%s: want master, juno or icehouse", branch)
	}
	var configs []string
	for _, name := range names {
		configs = append(configs, filepath.Join(root, "scripts", "compare-configs", name+".conf"))
	}
	if extra := os.Getenv("DEVSTACK_COMPARE_CONFIG"); extra != "" {
		configs = append(configs, extra)
	}
	script := filepath.Join(root, "scripts", "compare-stack.sh")
	for _, conf := range configs {
		t.Run(strings.TrimSuffix(filepath.Base(conf), ".conf"), func(t *testing.T) {
			if _, err := os.Stat(conf); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("bash", script, dir, conf)
			cmd.Env = append(os.Environ(), "DEVSTACK_BIN="+binary)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("compare-stack.sh %s %s: %v\n%s", dir, conf, err, out)
			}
			if !strings.Contains(string(out), "stack ") {
				t.Fatalf("compare-stack.sh printed no table:\n%s", out)
			}
			t.Logf("\n%s", out)
		})
	}
}
