// Command bench times devstack against bash on the same work, in
// alternating pairs in one run, and prints for each case the median of the
// per-pair time ratios (devstack / bash), each side's median time and
// memory (maximum resident set), and the load average before and after.
// scripts/bench.sh runs it; `make bench` runs that.
//
// The cases:
//
//   - dispatch N: `devstack stack` on a generated plugin tree of N extras.d
//     scripts, against testdata/driver.sh, a bash driver sourcing the same
//     scripts in the same order in one shell; both trace every command of
//     the scripts into a log, as stack.sh does.
//   - sourcing: testdata/source-devstack.sh (DevStack's functions, stackrc
//     and libraries, sourced as stack.sh does) under `devstack sh` and bash;
//     needs -devstack-dir, a DevStack checkout.
//   - start-up: `devstack version` against `bash -c :`.
//
// Each pair runs the two sides one after the other, the side going first
// alternating from pair to pair, so that a change of the machine's load
// weighs on both.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	pairs := flag.Int("pairs", 7, "pairs of runs per case")
	sizes := flag.String("sizes", "10,100,1000,3000", "hook counts of the dispatch cases, comma-separated")
	bin := flag.String("bin", "bin/devstack", "the devstack binary")
	repo := flag.String("repo", ".", "the repository's root (for testdata/driver.sh and the default tree)")
	dsDir := flag.String("devstack-dir", "", "a DevStack checkout, for the sourcing case; skipped if empty")
	only := flag.String("only", "", "run only the cases whose name contains this")
	generate := flag.String("generate", "", "only write a plugin tree of each size into this directory (DIR/N), to run or profile by hand")
	flag.Parse()
	var counts []int
	for _, field := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a hook count", field)
		}
		counts = append(counts, n)
	}
	if *generate != "" {
		for _, n := range counts {
			if err := generateTree(filepath.Join(*generate, strconv.Itoa(n)), n); err != nil {
				return err
			}
		}
		return nil
	}
	root, err := filepath.Abs(*repo)
	if err != nil {
		return err
	}
	binary, err := filepath.Abs(*bin)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "devstack-bench.")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	var cases []*benchCase
	for _, n := range counts {
		c, err := dispatchCase(work, root, binary, n)
		if err != nil {
			return err
		}
		cases = append(cases, c)
	}
	if *dsDir != "" {
		c, err := sourcingCase(root, binary, *dsDir)
		if err != nil {
			return err
		}
		cases = append(cases, c)
	}
	cases = append(cases, startupCase(binary))

	fmt.Printf("load average before: %s\n", loadAvg())
	fmt.Printf("%d pairs per case, sides alternating which goes first; times and RSS are each side's median, ratio the median of the\n"+
		"per-pair ratios of wall time (range: lowest and highest), cpu ratio the same of user+system time, which the machine's load moves less\n\n", *pairs)
	fmt.Printf("%-15s %10s %12s %7s %11s %9s %15s\n", "case", "bash ms", "devstack ms", "ratio", "range", "cpu ratio", "RSS bash/ds MB")
	for _, c := range cases {
		if *only != "" && !strings.Contains(c.name, *only) {
			continue
		}
		res, err := c.measure(*pairs)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		fmt.Printf("%-15s %10.1f %12.1f %7.2f %5.2f-%-5.2f %9.2f %7.1f / %-6.1f\n", c.name,
			ms(res.bash), ms(res.ours), res.ratio, res.minRatio, res.maxRatio, res.cpuRatio,
			float64(res.bashRSS)/1024, float64(res.oursRSS)/1024)
		if c.floor {
			fmt.Printf("%-15s %10s %12.1f %7.2f %5.2f-%-5.2f   the time devstack waited for the programs the script runs, over bash's time\n",
				"  in programs", "", ms(res.busy), res.floor, res.minFloor, res.maxFloor)
		}
	}
	fmt.Printf("\nload average after:  %s\n", loadAvg())
	return nil
}

// side is one program a case runs: its command line, environment,
// directory, and what it must find reset before each run.
type side struct {
	args  []string
	env   []string
	dir   string
	reset func() error
}

// benchCase is a piece of work done by bash and by devstack; check, if
// set, compares what the two did after the first pair.
type benchCase struct {
	name        string
	bash, ours  side
	check       func() error
	checkedOnce bool
	// floor: also run devstack once with DEVSTACK_PROGRAMTIMES and show
	// the time spent in the programs the script runs, which both sides
	// wait for alike.
	floor bool
}

type result struct {
	bash, ours                time.Duration
	ratio, minRatio, maxRatio float64
	cpuRatio                  float64
	bashRSS, oursRSS          int64
	// With floor: the median time devstack waited for programs, and the
	// median (lowest, highest) of its ratio to bash's time in each pair.
	busy                      time.Duration
	floor, minFloor, maxFloor float64
}

func (c *benchCase) measure(pairs int) (result, error) {
	var bashT, oursT []time.Duration
	var bashM, oursM []int64
	var ratios, cpuRatios, floors []float64
	var busyT []time.Duration
	for i := range pairs {
		order := []*side{&c.bash, &c.ours}
		if i%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		var took, cpu [2]time.Duration
		var rss [2]int64
		var busy time.Duration
		for j, s := range order {
			var t, cp time.Duration
			var m int64
			var err error
			if c.floor && s == &c.ours {
				t, cp, m, busy, err = s.runTimingPrograms()
			} else {
				t, cp, m, err = s.run()
			}
			if err != nil {
				return result{}, err
			}
			took[j], cpu[j], rss[j] = t, cp, m
		}
		if i%2 == 1 {
			took[0], took[1] = took[1], took[0]
			cpu[0], cpu[1] = cpu[1], cpu[0]
			rss[0], rss[1] = rss[1], rss[0]
		}
		cpuRatios = append(cpuRatios, float64(cpu[1])/float64(cpu[0]))
		bashT, oursT = append(bashT, took[0]), append(oursT, took[1])
		bashM, oursM = append(bashM, rss[0]), append(oursM, rss[1])
		ratios = append(ratios, float64(took[1])/float64(took[0]))
		if c.floor {
			busyT = append(busyT, busy)
			floors = append(floors, float64(busy)/float64(took[0]))
		}
		if c.check != nil && !c.checkedOnce {
			if err := c.check(); err != nil {
				return result{}, err
			}
			c.checkedOnce = true
		}
	}
	res := result{
		bash: median(bashT), ours: median(oursT),
		ratio: median(ratios), minRatio: slices.Min(ratios), maxRatio: slices.Max(ratios),
		cpuRatio: median(cpuRatios),
		bashRSS:  median(bashM), oursRSS: median(oursM),
	}
	if c.floor {
		res.busy, res.floor = median(busyT), median(floors)
		res.minFloor, res.maxFloor = slices.Min(floors), slices.Max(floors)
	}
	// The kernel counts, in a child's maximum resident set, the memory of
	// the process it was started from until it executes its program: that
	// of this program, which starts it sharing its memory. A small
	// program in between, /usr/bin/time, sets that floor as low as it
	// goes; it runs once more on each side, untimed.
	if _, err := os.Stat(timeProgram); err == nil {
		var err error
		if res.bashRSS, err = c.bash.rss(); err != nil {
			return result{}, err
		}
		if res.oursRSS, err = c.ours.rss(); err != nil {
			return result{}, err
		}
	}
	return res, nil
}

// timeProgram reports a program's maximum resident set.
const timeProgram = "/usr/bin/time"

// rss runs a side once under timeProgram and returns its maximum
// resident set in KiB.
func (s *side) rss() (int64, error) {
	if s.reset != nil {
		if err := s.reset(); err != nil {
			return 0, err
		}
	}
	out, err := os.CreateTemp("", "bench-rss.")
	if err != nil {
		return 0, err
	}
	defer os.Remove(out.Name())
	out.Close()
	wrapped := *s
	wrapped.args = append([]string{timeProgram, "-f", "%M", "-o", out.Name()}, s.args...)
	if err := wrapped.command().Run(); err != nil {
		return 0, fmt.Errorf("%s: %v", strings.Join(wrapped.args, " "), err)
	}
	data, err := os.ReadFile(out.Name())
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return 0, fmt.Errorf("%s wrote no maximum resident set", timeProgram)
	}
	return strconv.ParseInt(fields[len(fields)-1], 10, 64)
}

// run runs a side once, its output thrown away (capturing it through pipes
// would load the machine's other core with the copying), and returns the
// wall time, the CPU time (user and system) and the maximum resident set
// in KiB. A failure is run again with its output captured, to show it.
func (s *side) run() (time.Duration, time.Duration, int64, error) {
	if s.reset != nil {
		if err := s.reset(); err != nil {
			return 0, 0, 0, err
		}
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return 0, 0, 0, err
	}
	defer devnull.Close()
	cmd := s.command()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, devnull, devnull
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	if err != nil {
		if s.reset != nil {
			if rerr := s.reset(); rerr != nil {
				return 0, 0, 0, rerr
			}
		}
		again := s.command()
		out, _ := again.CombinedOutput()
		return 0, 0, 0, fmt.Errorf("%s: %v\n%s", strings.Join(s.args, " "), err, tail(out, 20))
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return took, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), rss, nil
}

// runTimingPrograms is run with DEVSTACK_PROGRAMTIMES set, and also
// returns the time in which at least one program ran, as devstack wrote
// it; recording it costs a clock reading per program.
func (s *side) runTimingPrograms() (took, cpu time.Duration, rss int64, busy time.Duration, err error) {
	f, err := os.CreateTemp("", "bench-programs.")
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer os.Remove(f.Name())
	f.Close()
	timed := *s
	timed.env = append(slices.Clone(s.env), "DEVSTACK_PROGRAMTIMES="+f.Name())
	if took, cpu, rss, err = timed.run(); err != nil {
		return 0, 0, 0, 0, err
	}
	data, err := os.ReadFile(f.Name())
	if err != nil {
		return 0, 0, 0, 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "in programs ") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 {
			break
		}
		secs, err := strconv.ParseFloat(fields[2], 64)
		if err != nil {
			break
		}
		return took, cpu, rss, time.Duration(secs * float64(time.Second)), nil
	}
	return 0, 0, 0, 0, fmt.Errorf("DEVSTACK_PROGRAMTIMES: devstack wrote no \"in programs\" line:\n%s", data)
}

func (s *side) command() *exec.Cmd {
	cmd := exec.Command(s.args[0], s.args[1:]...)
	cmd.Dir = s.dir
	cmd.Env = append(baseEnv(), s.env...)
	return cmd
}

// baseEnv is the environment both sides get: the caller's, without what
// would change devstack's own settings.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DEVSTACK_") {
			env = append(env, kv)
		}
	}
	return append(env, "XDG_CONFIG_HOME=/nonexistent")
}

// pluginScript is a generated extras.d script shaped like a DevStack
// plugin's dispatch script: a branch per phase, a service check, state and
// a function carried from the source phase to a later one.
const pluginScript = `# generated plugin %[1]s
echo "%[1]s-plugin $*" >> "$RECORD"
if [[ "$1" == "source" ]]; then
    PLUGIN_%[1]s_DIR=$DEST/plugin-%[1]s
    function plugin_%[1]s_configure {
        local conf=$PLUGIN_%[1]s_DIR/plugin.conf
        echo "configure ${conf#$TOP_DIR/}" >> "$RECORD"
    }
elif [[ "$1" == "stack" && "$2" == "pre-install" ]]; then
    :
elif [[ "$1" == "stack" && "$2" == "install" ]]; then
    if is_service_enabled demo; then
        echo "install ${PLUGIN_%[1]s_DIR#$TOP_DIR/}" >> "$RECORD"
    fi
elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
    plugin_%[1]s_configure
elif [[ "$1" == "unstack" ]]; then
    :
fi
`

// generateTree writes a plugin tree of n extras.d scripts into dir, named
// so that byte order is numeric order.
func generateTree(dir string, n int) error {
	if err := os.MkdirAll(filepath.Join(dir, "extras.d"), 0o755); err != nil {
		return err
	}
	conf := "[[local|localrc]]\nDEST=$TOP_DIR/opt\nRECORD=$TOP_DIR/record.txt\nENABLED_SERVICES=demo\n"
	if err := os.WriteFile(filepath.Join(dir, "local.conf"), []byte(conf), 0o644); err != nil {
		return err
	}
	for i := range n {
		id := fmt.Sprintf("%04d", i)
		name := filepath.Join(dir, "extras.d", "50-plugin-"+id+".sh")
		if err := os.WriteFile(name, []byte(fmt.Sprintf(pluginScript, id)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// dispatchCase is `devstack stack` on a tree of n hooks against the bash
// driver on a copy of it.
func dispatchCase(work, root, binary string, n int) (*benchCase, error) {
	ours := filepath.Join(work, fmt.Sprintf("ours-%d", n))
	theirs := filepath.Join(work, fmt.Sprintf("bash-%d", n))
	for _, dir := range []string{ours, theirs} {
		if err := generateTree(dir, n); err != nil {
			return nil, err
		}
	}
	reset := func(dir string) func() error {
		return func() error {
			for _, name := range []string{"record.txt", "trace.log", ".stackenv", "opt"} {
				if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
					return err
				}
			}
			return nil
		}
	}
	c := &benchCase{
		name: fmt.Sprintf("dispatch %d", n),
		bash: side{
			args:  []string{"bash", filepath.Join(root, "testdata", "driver.sh"), root, theirs, "stack"},
			env:   []string{"TRACE_LOG=" + filepath.Join(theirs, "trace.log")},
			dir:   theirs,
			reset: reset(theirs),
		},
		ours: side{
			args:  []string{binary, "--top-dir", ours, "--allow-root", "stack"},
			dir:   ours,
			reset: reset(ours),
		},
	}
	c.check = func() error {
		a, errA := os.ReadFile(filepath.Join(theirs, "record.txt"))
		b, errB := os.ReadFile(filepath.Join(ours, "record.txt"))
		if err := errors.Join(errA, errB); err != nil {
			return err
		}
		if !bytes.Equal(a, b) {
			return fmt.Errorf("the two records differ: devstack did not do what bash did (%s, %s)", theirs, ours)
		}
		return nil
	}
	return c, nil
}

// sourcingCase is testdata/source-devstack.sh under devstack sh and bash.
func sourcingCase(root, binary, dsDir string) (*benchCase, error) {
	dir, err := filepath.Abs(dsDir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "stackrc")); err != nil {
		return nil, fmt.Errorf("-devstack-dir: %s is not a DevStack checkout (%v)", dir, err)
	}
	script := filepath.Join(root, "testdata", "source-devstack.sh")
	env := []string{"DEVSTACK_DIR=" + dir}
	return &benchCase{
		name:  "sourcing",
		floor: true,
		bash:  side{args: []string{"bash", script}, env: env, dir: dir},
		ours:  side{args: []string{binary, "sh", script}, env: env, dir: dir},
	}, nil
}

// startupCase is the cost of starting: `devstack version`, `bash -c :`.
func startupCase(binary string) *benchCase {
	return &benchCase{
		name: "start-up",
		bash: side{args: []string{"bash", "-c", ":"}},
		ours: side{args: []string{binary, "version"}},
	}
}

func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return strings.TrimSpace(string(data))
}

func median[T int64 | float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// tail is the last n lines of out.
func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
