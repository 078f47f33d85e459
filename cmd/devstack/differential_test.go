package main

import (
	"path/filepath"
	"testing"
)

// TestDifferentialAgainstBash runs stack, unstack and clean on one copy of
// the basic tree with devstack and on another with testdata/driver.sh, the
// contract's order in plain bash; the records must match line for line.
func TestDifferentialAgainstBash(t *testing.T) {
	driver := filepath.Join(repoRoot(t), "testdata", "driver.sh")
	ours, theirs := copyTree(t, "basic"), copyTree(t, "basic")
	for _, command := range []string{"stack", "unstack", "clean"} {
		resetRecord(t, ours)
		resetRecord(t, theirs)
		mustSucceed(t, runDevstack(t, ours, command), "devstack "+command)
		mustSucceed(t, runCmd(t, theirs, "bash", driver, repoRoot(t), theirs, command), "driver.sh "+command)
		if d := diffLines(record(t, theirs), record(t, ours)); d != "" {
			t.Errorf("%s: devstack's record differs from bash's: %s", command, d)
		}
	}
}
