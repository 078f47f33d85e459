package report

import (
	"strings"
	"testing"
)

func TestTimingTable(t *testing.T) {
	tests := []struct {
		name   string
		s      Summary
		want   []string
		absent []string
	}{
		{
			name: "quick steps hidden, timers kept",
			s: Summary{Command: "stack", Duration: 12.3,
				Phases: []Timing{{"configuration", 0.01}, {"stack install", 9.84}, {"merge extra", 0}},
				Timers: []Timing{{"apt-get", 7.5}, {"run_process", 0.001}}},
			want:   []string{"stack timings (seconds):", "  stack install     9.8", "(2 steps under 0.1 s not shown)", "time_start/time_stop totals:", "  apt-get           7.5", "  total            12.3"},
			absent: []string{"configuration", "merge extra", "run_process"},
		},
		{
			name: "nothing worth a row",
			s:    Summary{Command: "unstack", Duration: 0.04, Phases: []Timing{{"unstack", 0.03}, {"source", 0}}},
			want: []string{"unstack timings: 2 steps, each under 0.1 s"},
		},
		{
			name: "refused before any phase",
			s:    Summary{Command: "stack"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(TimingTable(&tt.s), "\n")
			if tt.want == nil && got != "" {
				t.Errorf("a table for nothing:\n%s", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("table lacks %q:\n%s", w, got)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(got, a) {
					t.Errorf("table shows %q:\n%s", a, got)
				}
			}
		})
	}
}

func TestEndLinesAndLastLine(t *testing.T) {
	alive := false
	s := &Summary{Command: "stack", Version: "v1", HostIP: "10.0.0.5", Duration: 83.6,
		Services: []Service{{Name: "template", URL: "http://10.0.0.5:8090/", Pid: 42, Alive: &alive, Log: "/l/template.log"}, {Name: "n-api", Unit: "devstack@n-api.service"}},
		Logs:     Logs{Log: "/l/stack.sh.log", Summary: "/l/stack.sh.log.summary"}}
	want := []string{
		"Services:",
		"  template http://10.0.0.5:8090/  pid 42 (not running)  log: /l/template.log",
		"  n-api    unit devstack@n-api.service  log: journalctl -u devstack@n-api.service",
		"Log: /l/stack.sh.log (summary /l/stack.sh.log.summary)",
		"This is your host IP address: 10.0.0.5",
		"devstack version v1",
	}
	if got := EndLines(s); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("end lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := LastLine(s); got != "stack completed in 84 seconds." {
		t.Errorf("last line %q", got)
	}
}

func TestErrorBlock(t *testing.T) {
	s := &Summary{Command: "stack", ExitStatus: 127, Duration: 3.25,
		Logs: Logs{Log: "/l/stack.sh.log", Worlddump: "/l/worlddump-x.txt"},
		Error: &ErrorInfo{Message: "m", Phase: "stack install", Hook: "extras.d/30-x.sh", File: "lib/x", Line: 7, Function: "install_x",
			Command: "frob --key ***", Source: `frob --key "$KEY"`, ExitStatus: 127, Reason: "command not found", Output: []string{"one", "two"}}}
	want := `stack failed in phase "stack install", in extras.d/30-x.sh
  at:      lib/x:7 (function install_x)
  command: frob --key ***
  line:    frob --key "$KEY"
  status:  127 (command not found)
  output of extras.d/30-x.sh:
    one
    two
  log:       /l/stack.sh.log
  worlddump: /l/worlddump-x.txt
stack exited with status 127 after 3.2 seconds.`
	if got := ErrorBlock(s); got != want {
		t.Errorf("block:\n%s\nwant:\n%s", got, want)
	}
	refused := &Summary{Command: "stack", ExitStatus: 1, Error: &ErrorInfo{Message: "extras.d/30-x.sh:2: syntax error, nothing was run", Phase: "configuration"}}
	if got := ErrorBlock(refused); !strings.Contains(got, "in phase \"configuration\":\n  extras.d/30-x.sh:2: syntax error") {
		t.Errorf("block of a refusal:\n%s", got)
	}
}
