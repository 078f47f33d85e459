package logging

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"devstack/internal/report"

	"devstack/internal/testutil"
)

func TestConsoleOptions(t *testing.T) {
	tests := []struct {
		name string
		opts ConsoleOptions
		want string
	}{
		{"plain", ConsoleOptions{}, "==> install\nsaid\nWARNING: careful\nERROR: broken\nline two\nthe end\ndone\n"},
		{"quiet", ConsoleOptions{Quiet: true}, "ERROR: broken\nline two\nthe end\ndone\n"},
		{"colour", ConsoleOptions{Color: true}, "\x1b[1m==> install\x1b[0m\nsaid\n\x1b[33mWARNING: careful\x1b[0m\n\x1b[1;31mERROR: broken\x1b[0m\nline two\nthe end\n\x1b[32mdone\x1b[0m\n"},
		{"timestamps", ConsoleOptions{Timestamps: true}, "T==> install\nTsaid\nTWARNING: careful\nTERROR: broken\nTline two\nTthe end\nTdone\n"},
	}
	stamp := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \| `)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			l, err := NewConsole(&out, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			l.Phase("install")
			l.Summary("said")
			l.Warning("careful")
			l.Error("broken\nline two")
			l.Final("the end")
			l.Last("done")
			l.Close()
			got := stamp.ReplaceAllString(out.String(), "T")
			if got != tt.want {
				t.Errorf("console %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSideFiles: the summary log and the events file beside the LOGFILE,
// each a link to this run's file, with what came before they opened.
func TestSideFiles(t *testing.T) {
	l, err := New(&bytes.Buffer{}, false)
	if err != nil {
		t.Fatal(err)
	}
	l.Event(report.Event{Type: report.RunStart, Command: "stack"})
	l.Phase("configuration")
	path := filepath.Join(t.TempDir(), "stack.sh.log")
	if err := l.OpenFile(LogFile{Path: path, KeepDays: -1, Summary: true}); err != nil {
		t.Fatal(err)
	}
	l.Output().Write([]byte("script output\n"))
	l.Summary("Installing demo")
	l.Warning("careful")
	l.Close()
	for _, side := range []string{".summary", ".events"} {
		target, err := os.Readlink(path + side)
		if err != nil || !strings.HasPrefix(target, "stack.sh.log"+side+".") {
			t.Errorf("%s link: %q, %v", side, target, err)
		}
	}
	summary, _ := os.ReadFile(path + ".summary")
	for _, want := range []string{"| ==> configuration\n", "| Installing demo\n", "| [WARNING] careful\n"} {
		if !strings.Contains(string(summary), want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	if strings.Contains(string(summary), "script output") {
		t.Errorf("the scripts' output in the summary:\n%s", summary)
	}
	data, _ := os.ReadFile(path + ".events")
	var types []string
	for line := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
		var e report.Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		types = append(types, e.Type)
	}
	if strings.Join(types, ",") != "run_start,warning" {
		t.Errorf("events: %v", types)
	}
	files := l.Files()
	if len(files) != 6 {
		t.Errorf("files: %v", files)
	}
}

// TestLiveLine: the live line is drawn in place, erased before every
// other line and drawn again under it, and gone at the end.
func TestLiveLine(t *testing.T) {
	var out testutil.SyncBuffer
	l, err := NewConsole(&out, ConsoleOptions{Live: true})
	if err != nil {
		t.Fatal(err)
	}
	l.Phase("stack install")
	l.Activity("extras.d/30-x.sh")
	time.Sleep(3 * liveTick / 2)
	l.Summary("Installing X")
	l.Output().Write([]byte("not shown without -v\n"))
	l.Close()
	got := out.String()
	live := `\r\x1b\[2K[|/\\-] stack install · extras\.d/30-x\.sh · 0:00 elapsed`
	if !regexp.MustCompile(live + `\r\x1b\[2KInstalling X\n` + live).MatchString(got) {
		t.Errorf("the live line is not erased before a line and drawn again after it:\n%q", got)
	}
	if !strings.HasSuffix(got, "\r\x1b[2K") || strings.Contains(got, "not shown") {
		t.Errorf("the console does not end erased:\n%q", got)
	}
}

func TestFitLine(t *testing.T) {
	line := "| stack pre-install · extras.d/50-template.sh (embedded) · apt-get · 0:12 elapsed"
	tests := []struct {
		width int
		want  string
	}{
		{100, line},
		{len([]rune(line)), "| stack pre-install · extras.d/50-template.sh (embedded) · apt-g… · 0:12 elapsed"},
		{40, "| stack pre-install · e… · 0:12 elapsed"},
		{12, "| stack pre"},
	}
	for _, tt := range tests {
		got := fitLine(line, tt.width)
		if got != tt.want {
			t.Errorf("fitLine(width %d) = %q, want %q", tt.width, got, tt.want)
		}
		if n := len([]rune(got)); n >= tt.width {
			t.Errorf("fitLine(width %d) is %d columns wide", tt.width, n)
		}
	}
}
