package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"devstack/internal/report"
)

// readEvents parses an events file: one JSON object per line, each of the
// schema's version.
func readEvents(t *testing.T, path string) []report.Event {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var events []report.Event
	scanner := bufio.NewScanner(bytes.NewReader(data))
	for scanner.Scan() {
		dec := json.NewDecoder(strings.NewReader(scanner.Text()))
		dec.DisallowUnknownFields()
		var e report.Event
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("events line %q: %v", scanner.Text(), err)
		}
		if e.Schema != report.SchemaVersion || e.Time.IsZero() || e.Type == "" {
			t.Errorf("event without schema, time or type: %q", scanner.Text())
		}
		events = append(events, e)
	}
	return events
}

// parseSummary parses --output json's standard output, which holds
// nothing else.
func parseSummary(t *testing.T, stdout string) report.Summary {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	var s report.Summary
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("--output json: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Errorf("more than the summary on standard output:\n%s", stdout)
	}
	if s.Schema != report.SchemaVersion {
		t.Errorf("schema %d", s.Schema)
	}
	return s
}

func TestOutputJSONAndEventsOfAGoodRun(t *testing.T) {
	st := newServiceTree(t, "OFFLINE=True")
	res := st.run(t, "stack", "--output", "json")
	mustSucceed(t, res, "stack --output json")
	s := parseSummary(t, res.stdout)
	if s.Command != "stack" || s.Status != report.StatusOK || s.ExitStatus != 0 || s.HostIP != "127.0.0.1" || s.Error != nil {
		t.Errorf("summary: %+v", s)
	}
	if len(s.Services) != 1 || s.Services[0].Name != "template" || s.Services[0].URL != st.url() ||
		s.Services[0].Pid == 0 || s.Services[0].Alive == nil || !*s.Services[0].Alive || s.Services[0].Log != filepath.Join(st.dest, "logs", "template.log") {
		t.Errorf("services: %+v", s.Services)
	}
	var names []string
	for _, p := range s.Phases {
		names = append(names, p.Name)
	}
	if !strings.Contains(strings.Join(names, ","), "stack pre-install,install_nova_hypervisor,stack install") {
		t.Errorf("phases: %v", names)
	}
	timers := map[string]bool{}
	for _, tm := range s.Timers {
		timers[tm.Name] = true
	}
	if !timers["run_process"] {
		t.Errorf("no run_process timer: %+v", s.Timers)
	}
	logdir := filepath.Join(st.dest, "logs")
	if s.Logs.Log != filepath.Join(logdir, "stack.sh.log") || s.Logs.Summary != filepath.Join(logdir, "stack.sh.log.summary") ||
		s.Logs.Events != filepath.Join(logdir, "stack.sh.log.events") || s.Logs.Worlddump != "" {
		t.Errorf("logs: %+v", s.Logs)
	}
	// The console went to standard error, its last lines as DevStack's.
	lines := strings.Split(strings.TrimSuffix(res.stderr, "\n"), "\n")
	tail := strings.Join(lines[len(lines)-5:], "\n")
	for _, want := range []string{"template " + st.url() + "  pid ", "This is your host IP address: 127.0.0.1", "devstack version "} {
		if !strings.Contains(tail, want) {
			t.Errorf("the console's last lines lack %q:\n%s", want, tail)
		}
	}
	if !regexp.MustCompile(`\| stack completed in \d+\.\d seconds\.$`).MatchString(lines[len(lines)-1]) {
		t.Errorf("last line: %q", lines[len(lines)-1])
	}

	// The summary log: what the console said, timestamped, as stack.sh's.
	summary := readString(t, s.Logs.Summary)
	if !regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \| Initializing Template$`).MatchString(summary) ||
		!strings.Contains(summary, "stack completed in ") || strings.Contains(summary, "+ extras.d/") {
		t.Errorf("stack.sh.log.summary:\n%s", summary)
	}

	events := readEvents(t, s.Logs.Events)
	first, last := events[0], events[len(events)-1]
	if first.Type != report.RunStart || first.Command != "stack" || first.Tree != st.dir || first.TreeKind != "plugin tree" {
		t.Errorf("first event: %+v", first)
	}
	if last.Type != report.RunEnd || last.Status != report.StatusOK || last.ExitStatus == nil || *last.ExitStatus != 0 || last.Duration == nil {
		t.Errorf("last event: %+v", last)
	}
	started := map[string]int{}
	hookSeen := false
	for _, e := range events {
		switch e.Type {
		case report.PhaseStart:
			started[e.Phase]++
		case report.PhaseEnd:
			started[e.Phase]--
			if e.Status != report.StatusOK || e.Duration == nil {
				t.Errorf("phase end: %+v", e)
			}
		case report.HookEnd:
			if e.Hook == "extras.d/50-template.sh (embedded)" && e.Phase == "stack extra" && strings.Join(e.Args, " ") == "stack extra" && e.Status == report.StatusOK {
				hookSeen = true
			}
		}
	}
	for phase, open := range started {
		if open != 0 {
			t.Errorf("phase %q: %d starts without an end", phase, open)
		}
	}
	if len(started) != len(s.Phases) || !hookSeen {
		t.Errorf("events: %d phases (summary %d), template hook at stack extra seen: %v", len(started), len(s.Phases), hookSeen)
	}
}

func TestOutputJSONAndErrorBlockOfAFailedRun(t *testing.T) {
	dir := copyTree(t, "basic")
	appendLocalrc(t, dir, "ADMIN_PASSWORD=S3cr3tPw")
	// 15-early runs in the same phase as 40-fail, just before it: its
	// output is not the failing step's.
	writeFile(t, dir, "extras.d/15-early.sh", `if [[ "$1" == stack ]]; then
    echo "output of an earlier step"
fi
`)
	long := strings.Repeat("word ", 40)
	writeFile(t, dir, "extras.d/40-fail.sh", `if [[ "$1" == stack && "$2" == install ]]; then
    echo "said by the failing hook"
    RETRIES=3 nosuchcommand --password "$ADMIN_PASSWORD" `+long+`
fi
`)
	res := runDevstack(t, dir, "stack", "--output", "json")
	if res.status != 127 {
		t.Fatalf("status %d, want 127 (the failing command's):\n%s", res.status, res.stderr)
	}
	s := parseSummary(t, res.stdout)
	e := s.Error
	if s.Status != report.StatusFailed || s.ExitStatus != 127 || e == nil {
		t.Fatalf("summary: %+v", s)
	}
	wantCommand := "nosuchcommand --password *** " + strings.TrimSpace(long)
	if e.Phase != "stack install" || e.Hook != "extras.d/40-fail.sh" || e.File != "extras.d/40-fail.sh" || e.Line != 3 ||
		e.Command != wantCommand || e.ExitStatus != 127 || e.Reason != "command not found" ||
		!strings.HasPrefix(e.Source, "RETRIES=3 nosuchcommand --password \"$ADMIN_PASSWORD\"") {
		t.Errorf("error: %+v", e)
	}
	output := strings.Join(e.Output, "\n")
	if !strings.Contains(output, "said by the failing hook") || !strings.Contains(output, "nosuchcommand: command not found") ||
		strings.Contains(output, "earlier step") {
		t.Errorf("the step's own output: %q", e.Output)
	}
	if s.Logs.Worlddump == "" || filepath.Dir(s.Logs.Worlddump) != filepath.Join(dir, "opt", "logs") {
		t.Fatalf("worlddump: %q", s.Logs.Worlddump)
	}
	dump := readString(t, s.Logs.Worlddump)
	for _, want := range []string{"Disk space", "MemTotal:", "Listening TCP ports", "Processes", "Pid files", "Service logs"} {
		if !strings.Contains(dump, want) {
			t.Errorf("worlddump lacks %q", want)
		}
	}

	// One error block, the last thing on the console, with everything in
	// it; the secret nowhere.
	if strings.Count(res.stderr, "ERROR:") != 1 || strings.Contains(res.stderr+res.stdout, "S3cr3tPw") {
		t.Errorf("console:\n%s", res.stderr)
	}
	block := res.stderr[strings.Index(res.stderr, "ERROR:"):]
	for _, want := range []string{
		`ERROR: stack failed in phase "stack install", in extras.d/40-fail.sh`,
		"at:      extras.d/40-fail.sh:3",
		"command: " + wantCommand,
		"status:  127 (command not found)",
		"    said by the failing hook",
		"worlddump: " + s.Logs.Worlddump,
		"stack exited with status 127 after ",
	} {
		if !strings.Contains(block, want) {
			t.Errorf("error block lacks %q:\n%s", want, block)
		}
	}
	events := readEvents(t, filepath.Join(dir, "opt", "logs", "stack.sh.log.events"))
	ends := map[string]string{}
	for _, e := range events {
		if e.Type == report.HookEnd && e.Phase == "stack install" {
			ends[e.Hook] = e.Status
		}
	}
	if ends["extras.d/15-early.sh"] != report.StatusOK || ends["extras.d/40-fail.sh"] != report.StatusFailed {
		t.Errorf("hook ends in stack install: %v", ends)
	}
	last := events[len(events)-1]
	if last.Type != report.RunEnd || last.Status != report.StatusFailed || *last.ExitStatus != 127 || last.Error == nil || last.Error.Line != 3 {
		t.Errorf("last event: %+v", last)
	}
}

func TestUsageErrorsExitWith2(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"nosuch"}, {"stack", "--nosuch"}, {"stack", "extra"}, {"stack", "--output", "yaml"}, {"plan", "nosuch"}, {"plan", "--output", "yaml"}, {"status", "-o", "yaml"}} {
		if res := runDevstack(t, dir, args...); res.status != 2 || res.stderr == "" {
			t.Errorf("%v: status %d, stderr %q", args, res.status, res.stderr)
		}
	}
}
