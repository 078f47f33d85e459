package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair of width columns: the side the
// test reads, and the terminal the program writes to.
func openPTY(t *testing.T, width int) (*os.File, *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(ptmx.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: uint16(width)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	return ptmx, tty
}

// runOnTerminal runs the binary with a terminal as its standard output
// and error, and returns all it wrote there, bytes as sent.
func runOnTerminal(t *testing.T, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	ptmx, tty := openPTY(t, 100)
	cmd := exec.Command(binary, append([]string{"--top-dir", dir, "--allow-root"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(testEnv(), env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	var out bytes.Buffer
	copied := make(chan error, 1)
	go func() {
		_, err := io.Copy(&out, ptmx)
		copied <- err
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case <-waited:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running after 60s")
	}
	// The terminal reads EIO once the program and its children closed it.
	select {
	case err := <-copied:
		if err != nil && !errors.Is(err, syscall.EIO) {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
	}
	return out.String(), cmd.ProcessState.ExitCode()
}

// screen is what a person sees of terminal output: carriage returns go
// back to the start of the line, ESC[2K erases it, colours take no room.
func screen(raw string) []string {
	raw = regexp.MustCompile(`\x1b\[[0-9;]*m`).ReplaceAllString(raw, "")
	var lines []string
	var cur []rune
	col := 0
	for i := 0; i < len(raw); {
		switch {
		case strings.HasPrefix(raw[i:], "\x1b[2K"):
			cur, col = cur[:0], 0
			i += 4
		case raw[i] == '\r':
			col = 0
			i++
		case raw[i] == '\n':
			lines = append(lines, string(cur))
			cur, col = nil, 0
			i++
		default:
			r, size := []rune(raw[i:])[0], len(string([]rune(raw[i:])[0]))
			if col < len(cur) {
				cur[col] = r
			} else {
				cur = append(cur, r)
			}
			col++
			i += size
		}
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// slowHook takes long enough at stack install for the live line to tick,
// and warns.
const slowHook = `if [[ "$1" == stack && "$2" == install ]]; then
    echo "slow hook output"
    warn $LINENO "a warning from the slow hook"
    sleep 0.7
fi
`

func TestConsoleOnTerminal(t *testing.T) {
	tests := []struct {
		name  string
		env   []string
		color bool
	}{
		{name: "colour", color: true},
		{name: "NO_COLOR", env: []string{"NO_COLOR=1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := copyTree(t, "basic")
			writeFile(t, dir, "extras.d/40-slow.sh", slowHook)
			raw, status := runOnTerminal(t, dir, tt.env, "stack")
			if status != 0 {
				t.Fatalf("status %d:\n%q", status, raw)
			}
			// The live line: the phase, the hook, the time, drawn in place.
			live := regexp.MustCompile(`\r\x1b\[2K(\x1b\[[0-9;]*m)?[|/\\-] stack install · extras\.d/40-slow\.sh · 0:0\d elapsed`)
			if !live.MatchString(raw) {
				t.Errorf("no live line naming the phase and the hook:\n%q", raw)
			}
			colored := strings.Contains(raw, "\x1b[33mWARNING: extras.d/40-slow.sh:3 a warning from the slow hook") &&
				strings.Contains(raw, "\x1b[32mstack completed in ")
			if colored != tt.color {
				t.Errorf("coloured warning and last line: %v, want %v:\n%q", colored, tt.color, raw)
			}
			if !tt.color && regexp.MustCompile(`\x1b\[[0-9;]*m`).MatchString(raw) {
				t.Errorf("colour with NO_COLOR:\n%q", raw)
			}
			// What is left on the screen: the lines, no live line, and
			// the last line last.
			seen := screen(raw)
			for _, line := range seen {
				if strings.Contains(line, " elapsed") {
					t.Errorf("a live line stayed on the screen: %q\nscreen:\n%s", line, strings.Join(seen, "\n"))
				}
				if regexp.MustCompile(`^\d{4}-\d\d-\d\d `).MatchString(line) {
					t.Errorf("timestamps on a terminal: %q", line)
				}
			}
			text := strings.Join(seen, "\n")
			for _, want := range []string{"==> stack install", "WARNING: extras.d/40-slow.sh:3 a warning from the slow hook", "This is your host IP address: "} {
				if !strings.Contains(text, want) {
					t.Errorf("screen lacks %q:\n%s", want, text)
				}
			}
			if last := seen[len(seen)-1]; !regexp.MustCompile(`^stack completed in \d+\.\d seconds\.$`).MatchString(last) {
				t.Errorf("last line %q, want stack completed in N seconds.\nscreen:\n%s", last, text)
			}
		})
	}
}

// TestConsoleNotTerminal: in a pipe (CI), plain timestamped lines, no
// colour and no live line; -q keeps only the end.
func TestConsoleNotTerminal(t *testing.T) {
	dir := copyTree(t, "basic")
	writeFile(t, dir, "extras.d/40-slow.sh", strings.Replace(slowHook, "sleep 0.7", "sleep 0.3", 1))
	res := runDevstack(t, dir, "stack")
	mustSucceed(t, res, "stack")
	if strings.Contains(res.stderr, "\x1b") || strings.Contains(res.stderr, "\r") {
		t.Errorf("terminal sequences in a pipe:\n%q", res.stderr)
	}
	stamp := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \| `)
	lines := strings.Split(strings.TrimSuffix(res.stderr, "\n"), "\n")
	for _, line := range lines {
		if !stamp.MatchString(line) {
			t.Errorf("line without a timestamp: %q", line)
		}
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "| stack completed in ") {
		t.Errorf("last line %q", last)
	}

	quiet := runDevstack(t, dir, "-q", "unstack")
	mustSucceed(t, quiet, "unstack -q")
	for _, hidden := range []string{"==> ", "devstack unstack:", "timings"} {
		if strings.Contains(quiet.stderr, hidden) {
			t.Errorf("-q shows %q:\n%s", hidden, quiet.stderr)
		}
	}
	if !strings.Contains(quiet.stderr, "unstack completed in ") {
		t.Errorf("-q hides the last line:\n%s", quiet.stderr)
	}
}
