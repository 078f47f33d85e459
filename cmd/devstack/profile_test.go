package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"devstack/internal/bash"
)

func TestBusyTime(t *testing.T) {
	at := func(ms int) time.Time { return time.Unix(1000, 0).Add(time.Duration(ms) * time.Millisecond) }
	run := func(name string, start, end int) bash.ProgramTime {
		return bash.ProgramTime{Name: name, Start: at(start), End: at(end)}
	}
	tests := []struct {
		name  string
		times []bash.ProgramTime
		want  time.Duration
	}{
		{"none", nil, 0},
		{"one", []bash.ProgramTime{run("a", 0, 10)}, 10 * time.Millisecond},
		{"apart", []bash.ProgramTime{run("a", 0, 10), run("b", 20, 25)}, 15 * time.Millisecond},
		{"overlapping, as a pipeline", []bash.ProgramTime{run("a", 0, 10), run("b", 5, 15)}, 15 * time.Millisecond},
		{"inside another", []bash.ProgramTime{run("a", 0, 30), run("b", 5, 15)}, 30 * time.Millisecond},
		{"out of order", []bash.ProgramTime{run("b", 20, 25), run("a", 0, 10)}, 15 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := busyTime(tt.times); got != tt.want {
				t.Errorf("busyTime = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestProgramTimes runs the binary with DEVSTACK_PROGRAMTIMES: the file
// gets the run's time, the time in programs, each program by name with
// its runs, and no arguments; a second run appends.
func TestProgramTimes(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "times")
	writeFile(t, dir, "s.sh", "sleep 0.2\ntrue\nenv true secret-argument\nenv true\necho $(cat /dev/null)\n")
	for range 2 {
		r := runCmdEnv(t, dir, []string{"DEVSTACK_PROGRAMTIMES=" + out}, binary, "sh", "s.sh")
		if r.status != 0 {
			t.Fatalf("devstack sh: status %d\n%s%s", r.status, r.stdout, r.stderr)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if strings.Contains(text, "secret-argument") {
		t.Errorf("program times hold an argument:\n%s", text)
	}
	if n := strings.Count(text, "# "+binary+" sh s.sh\n"); n != 2 {
		t.Errorf("%d blocks for the two runs, want 2:\n%s", n, text)
	}
	first := text[:strings.Index(text[1:], "# ")+1]
	seconds := func(label string) float64 {
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(label) + ` +([0-9.]+) s`).FindStringSubmatch(first)
		if m == nil {
			t.Fatalf("no %q line in:\n%s", label, first)
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	run, busy, sleep := seconds("run"), seconds("in programs"), seconds("  sleep")
	if sleep < 0.2 || busy < sleep || run < busy {
		t.Errorf("run %.3f s, in programs %.3f s, sleep %.3f s: want sleep >= 0.2 <= in programs <= run:\n%s", run, busy, sleep, first)
	}
	for _, want := range []string{`(?m)^  sleep .* 1 runs$`, `(?m)^  env .* 2 runs$`, `(?m)^  cat .* 1 runs$`, `(?m)^in programs .* 4 runs$`} {
		if !regexp.MustCompile(want).MatchString(first) {
			t.Errorf("no line matching %s in:\n%s", want, first)
		}
	}
}
