package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pluginScript is a generated extras.d script shaped like a DevStack
// plugin's dispatch script: a branch per phase, a service check, state
// carried from the source phase.
const pluginScript = `# generated plugin %02[1]d
echo "%02[1]d-plugin $*" >> "$RECORD"
if [[ "$1" == "source" ]]; then
    PLUGIN_%02[1]d_DIR=$DEST/plugin-%02[1]d
    function plugin_%02[1]d_configure {
        local conf=$PLUGIN_%02[1]d_DIR/plugin.conf
        echo "configure ${conf#$TOP_DIR/}" >> "$RECORD"
    }
elif [[ "$1" == "stack" && "$2" == "pre-install" ]]; then
    :
elif [[ "$1" == "stack" && "$2" == "install" ]]; then
    if is_service_enabled demo; then
        echo "install ${PLUGIN_%02[1]d_DIR#$TOP_DIR/}" >> "$RECORD"
    fi
elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
    plugin_%02[1]d_configure
elif [[ "$1" == "unstack" ]]; then
    :
fi
`

// generatedTree writes a plugin tree with n extras.d scripts.
func generatedTree(b *testing.B, n int) string {
	dir := b.TempDir()
	writeFile(b, dir, "local.conf", `[[local|localrc]]
DEST=$TOP_DIR/opt
RECORD=$TOP_DIR/record.txt
ENABLED_SERVICES=demo
`)
	for i := 10; i < 10+n; i++ {
		writeFile(b, dir, fmt.Sprintf("extras.d/%02d-plugin.sh", i), fmt.Sprintf(pluginScript, i))
	}
	return dir
}

// timeRun times one run of a program whose output goes to /dev/null, as
// capturing it through pipes would load the machine's other core with the
// copying; a failure is run again with its output captured, to show it.
func timeRun(b *testing.B, dir string, env []string, name string, args ...string) time.Duration {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(testEnv(), env...)
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		mustSucceed(b, runCmd(b, dir, name, args...), name)
		b.Fatalf("%s failed once: %v", name, err)
	}
	return took
}

// BenchmarkHookDispatch times `devstack stack` on a tree of 50 extras.d
// scripts against testdata/driver.sh, the same order in bash, alternating
// the two in one run, and reports the ratio. Both leave a trace of every
// command in a log file, as stack.sh does.
func BenchmarkHookDispatch(b *testing.B) {
	driver := filepath.Join(repoRoot(b), "testdata", "driver.sh")
	ours, theirs := generatedTree(b, 50), generatedTree(b, 50)
	var oursTime, bashTime time.Duration
	for i := 0; i < b.N; i++ {
		resetRecord(b, ours)
		resetRecord(b, theirs)
		oursTime += timeRun(b, ours, nil, binary, "--top-dir", ours, "--allow-root", "stack")
		// The bash driver traces every command of the hooks into a log,
		// as devstack does.
		bashTime += timeRun(b, theirs, []string{"TRACE_LOG=" + filepath.Join(theirs, "trace.log")}, "bash", driver, repoRoot(b), theirs, "stack")
		if err := os.Remove(filepath.Join(theirs, "trace.log")); err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			if d := diffLines(record(b, theirs), record(b, ours)); d != "" {
				b.Fatalf("records differ: %s", d)
			}
		}
	}
	b.ReportMetric(float64(oursTime.Microseconds())/float64(b.N)/1000, "ms-devstack/op")
	b.ReportMetric(float64(bashTime.Microseconds())/float64(b.N)/1000, "ms-bash/op")
	b.ReportMetric(float64(oursTime)/float64(bashTime), "ratio")
	b.Logf("devstack/bash time ratio over %d runs: %.2f", b.N, float64(oursTime)/float64(bashTime))
}

// BenchmarkSourceDevStack times testdata/source-devstack.sh, which sources
// a DevStack checkout's functions, stackrc and libraries as stack.sh does,
// under `devstack sh` against bash, alternating the two, and reports the
// ratio. It needs DEVSTACK_DIR, a DevStack checkout, and is skipped
// without one.
func BenchmarkSourceDevStack(b *testing.B) {
	dir := os.Getenv("DEVSTACK_DIR")
	if dir == "" {
		b.Skip("set DEVSTACK_DIR to a DevStack checkout")
	}
	script := filepath.Join(repoRoot(b), "testdata", "source-devstack.sh")
	var oursTime, bashTime time.Duration
	for i := 0; i < b.N; i++ {
		env := []string{"DEVSTACK_DIR=" + dir}
		oursTime += timeRun(b, dir, env, binary, "sh", script)
		bashTime += timeRun(b, dir, env, "bash", script)
	}
	b.ReportMetric(float64(oursTime.Microseconds())/float64(b.N)/1000, "ms-devstack/op")
	b.ReportMetric(float64(bashTime.Microseconds())/float64(b.N)/1000, "ms-bash/op")
	b.ReportMetric(float64(oursTime)/float64(bashTime), "ratio")
}

// BenchmarkLargeLocalConf times `devstack stack` on the basic tree with a
// local.conf of many assignment lines in [[local|localrc]], and of many
// options in a [[post-config|FILE]] section, each at two sizes four times
// apart, and reports the ratio of their times: 4 at most for time in
// proportion to the size (less, as the run's own cost does not grow), 16
// for time growing with its square. A ratio over 10 fails.
func BenchmarkLargeLocalConf(b *testing.B) {
	cases := []struct {
		name string
		line string
		head string
	}{
		{"assignments", "LARGE_SETTING_%d=value%d", ""},
		{"post-config options", "option_%d = value%d", "[[post-config|$DEST/large.conf]]\n[DEFAULT]\n"},
	}
	const small, large = 4000, 16000
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			trees := map[int]string{}
			for _, n := range []int{small, large} {
				dir := copyTree(b, "basic")
				var text strings.Builder
				if c.head == "" {
					text.WriteString("[[local|localrc]]\n")
				}
				text.WriteString(c.head)
				for i := range n {
					fmt.Fprintf(&text, c.line+"\n", i, i)
				}
				data, err := os.ReadFile(filepath.Join(dir, "local.conf"))
				if err != nil {
					b.Fatal(err)
				}
				writeFile(b, dir, "local.conf", string(data)+"\n"+text.String())
				trees[n] = dir
			}
			var smallTime, largeTime time.Duration
			for i := 0; i < b.N; i++ {
				smallTime += timeRun(b, trees[small], nil, binary, "--top-dir", trees[small], "--allow-root", "stack")
				largeTime += timeRun(b, trees[large], nil, binary, "--top-dir", trees[large], "--allow-root", "stack")
				if ratio := float64(largeTime) / float64(smallTime); ratio > 10 {
					b.Fatalf("%d lines take %.1f times as long as %d (%s against %s): more than in proportion",
						large, ratio, small, largeTime/time.Duration(i+1), smallTime/time.Duration(i+1))
				}
			}
			b.ReportMetric(float64(smallTime.Microseconds())/float64(b.N)/1000, "ms-small/op")
			b.ReportMetric(float64(largeTime.Microseconds())/float64(b.N)/1000, "ms-large/op")
			b.ReportMetric(float64(largeTime)/float64(smallTime), "ratio")
		})
	}
}

// BenchmarkHookDispatchScaling times `devstack stack` on generated trees
// of 250 and 1000 extras.d scripts and reports the ratio of the times:
// about 4 for dispatch linear in the number of scripts (less, as the run's
// own cost does not grow); a run of the interpreter per script and phase,
// each copying every variable, made it 5.6 at these sizes (and 7 times
// bash's time at 3000 scripts). A ratio over 5 fails.
func BenchmarkHookDispatchScaling(b *testing.B) {
	const small, large = 250, 1000
	trees := map[int]string{small: generatedTree(b, small), large: generatedTree(b, large)}
	var smallTime, largeTime time.Duration
	for i := 0; i < b.N; i++ {
		for _, n := range []int{small, large} {
			resetRecord(b, trees[n])
			took := timeRun(b, trees[n], nil, binary, "--top-dir", trees[n], "--allow-root", "stack")
			if n == small {
				smallTime += took
			} else {
				largeTime += took
			}
		}
		if ratio := float64(largeTime) / float64(smallTime); ratio > 5 {
			b.Fatalf("%d scripts take %.1f times as long as %d (%s against %s): more than in proportion",
				large, ratio, small, largeTime/time.Duration(i+1), smallTime/time.Duration(i+1))
		}
	}
	b.ReportMetric(float64(smallTime.Microseconds())/float64(b.N)/1000, "ms-small/op")
	b.ReportMetric(float64(largeTime.Microseconds())/float64(b.N)/1000, "ms-large/op")
	b.ReportMetric(float64(largeTime)/float64(smallTime), "ratio")
}
