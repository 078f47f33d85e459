package report

import (
	"fmt"
	"strconv"
	"strings"
)

// shownMin is the shortest time the timing table shows: rows under it
// (most steps of most runs) would only push the services' URLs up.
const shownMin = 0.05

// TimingTable is the table of the phases' times and, as DevStack's
// time_totals, the timers' totals, without the rows under a tenth of a
// second; one line when that leaves none, nil when no phase ran.
func TimingTable(s *Summary) []string {
	width := len("unaccounted")
	var phases, timers []Timing
	hidden := 0
	for _, t := range s.Phases {
		if t.Duration < shownMin {
			hidden++
			continue
		}
		phases = append(phases, t)
		width = max(width, len(t.Name))
	}
	for _, t := range s.Timers {
		if t.Duration >= shownMin {
			timers = append(timers, t)
			width = max(width, len(t.Name))
		}
	}
	if len(s.Phases) == 0 {
		return nil
	}
	if len(phases) == 0 && len(timers) == 0 {
		return []string{fmt.Sprintf("%s timings: %d %s, each under 0.1 s", s.Command, hidden, plural(hidden, "step", "steps"))}
	}
	row := func(name string, d float64) string {
		return fmt.Sprintf("  %-*s %7.1f", width, name, d)
	}
	lines := []string{fmt.Sprintf("%s timings (seconds):", s.Command)}
	for _, t := range phases {
		lines = append(lines, row(t.Name, t.Duration))
	}
	if hidden > 0 {
		lines = append(lines, fmt.Sprintf("  (%d %s under 0.1 s not shown)", hidden, plural(hidden, "step", "steps")))
	}
	if len(timers) > 0 {
		lines = append(lines, "  "+strings.Repeat("-", width+8), "  time_start/time_stop totals:")
		for _, t := range timers {
			lines = append(lines, row(t.Name, t.Duration))
		}
	}
	lines = append(lines, "  "+strings.Repeat("=", width+8), row("total", s.Duration))
	return lines
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// EndLines are the lines before the last of a run that succeeded: the
// services with their URLs, logs and pids, the logs, the host's address
// and the version.
func EndLines(s *Summary) []string {
	var lines []string
	if s.Command == "stack" && len(s.Services) > 0 {
		lines = append(lines, "Services:")
		width := 0
		for _, svc := range s.Services {
			width = max(width, len(svc.Name))
		}
		for _, svc := range s.Services {
			lines = append(lines, fmt.Sprintf("  %-*s %s", width, svc.Name, serviceText(svc)))
		}
	}
	if logs := logsText(s.Logs); logs != "" {
		lines = append(lines, logs)
	}
	if s.Command == "stack" && s.HostIP != "" {
		lines = append(lines, "This is your host IP address: "+s.HostIP)
	}
	lines = append(lines, "devstack version "+s.Version)
	return lines
}

func serviceText(svc Service) string {
	var parts []string
	if svc.URL != "" {
		parts = append(parts, svc.URL)
	} else if len(svc.Listen) > 0 {
		parts = append(parts, "listening on "+strings.Join(svc.Listen, ", "))
	}
	switch {
	case svc.Unit != "":
		parts = append(parts, "unit "+svc.Unit, "log: journalctl -u "+svc.Unit)
	case svc.Pid > 0:
		state := "pid " + strconv.Itoa(svc.Pid)
		if svc.Alive != nil && !*svc.Alive {
			state += " (not running)"
		}
		parts = append(parts, state)
	}
	if svc.Log != "" {
		parts = append(parts, "log: "+svc.Log)
	}
	return strings.Join(parts, "  ")
}

func logsText(l Logs) string {
	if l.Log == "" {
		// A DevStack tree writes its log itself.
		if l.Events != "" {
			return "Events: " + l.Events
		}
		return ""
	}
	text := "Log: " + l.Log
	var side []string
	if l.Summary != "" {
		side = append(side, "summary "+l.Summary)
	}
	if l.Events != "" {
		side = append(side, "events "+l.Events)
	}
	if len(side) > 0 {
		text += " (" + strings.Join(side, ", ") + ")"
	}
	return text
}

// LastLine is the very last line of a run that succeeded.
func LastLine(s *Summary) string {
	return fmt.Sprintf("%s completed in %s seconds.", s.Command, seconds(s.Duration))
}

// seconds shows a run's time: whole seconds, as stack.sh does, but for
// runs under ten seconds.
func seconds(d float64) string {
	if d >= 10 {
		return strconv.Itoa(int(d + 0.5))
	}
	return strconv.FormatFloat(d, 'f', 1, 64)
}

// ErrorBlock is the one message that says why a run failed: where it was,
// the failing command whole, what it said, and where to look next.
func ErrorBlock(s *Summary) string {
	e := s.Error
	var b strings.Builder
	verb := "failed"
	if s.Status == StatusInterrupted {
		verb = "was interrupted"
	}
	fmt.Fprintf(&b, "%s %s", s.Command, verb)
	if e.Phase != "" {
		fmt.Fprintf(&b, " in phase %q", e.Phase)
	}
	if e.Hook != "" {
		fmt.Fprintf(&b, ", in %s", e.Hook)
	}
	if e.File == "" && e.Command == "" {
		// Not a command's failure (refused, a syntax error): its message
		// says it all.
		fmt.Fprintf(&b, ":\n  %s", e.Message)
	}
	if e.File != "" {
		where := e.File
		if e.Line > 0 {
			where += ":" + strconv.Itoa(e.Line)
		}
		if e.Function != "" {
			where += " (function " + e.Function + ")"
		}
		fmt.Fprintf(&b, "\n  at:      %s", where)
	}
	if e.Command != "" {
		fmt.Fprintf(&b, "\n  command: %s", e.Command)
	}
	if e.Source != "" && e.Source != e.Command {
		fmt.Fprintf(&b, "\n  line:    %s", e.Source)
	}
	if e.ExitStatus != 0 {
		status := strconv.Itoa(e.ExitStatus)
		if e.Reason != "" {
			status += " (" + e.Reason + ")"
		}
		fmt.Fprintf(&b, "\n  status:  %s", status)
	}
	if len(e.Output) > 0 {
		what := "the step"
		if e.Hook != "" {
			what = e.Hook
		}
		fmt.Fprintf(&b, "\n  output of %s:", what)
		for _, line := range e.Output {
			b.WriteString("\n    " + line)
		}
	}
	if s.Logs.Log != "" {
		fmt.Fprintf(&b, "\n  log:       %s", s.Logs.Log)
	}
	if s.Logs.Worlddump != "" {
		fmt.Fprintf(&b, "\n  worlddump: %s", s.Logs.Worlddump)
	}
	fmt.Fprintf(&b, "\n%s exited with status %d after %s seconds.", s.Command, s.ExitStatus, seconds(s.Duration))
	return b.String()
}
