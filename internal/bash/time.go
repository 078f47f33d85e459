package bash

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// The interpreter reports a timed pipeline on standard output, in a
// format of its own. compatSource rewrites `time [-p] PIPELINE` to
// `{ __devstack_timestart; PIPELINE; __devstack_timeend [-p]; }`, the
// pipeline left in place: the end reports on standard error as bash does,
// in TIMEFORMAT, and passes the pipeline's status on. An exit or return in
// between skips the report, as in bash. A bare `time` becomes timeCommand.
const (
	timeCommand      = "__devstack_time"
	timeStartCommand = "__devstack_timestart"
	timeEndCommand   = "__devstack_timeend"
)

// defaultTimeFormat is bash's format when TIMEFORMAT is unset, and
// posixTimeFormat that of time -p.
const (
	defaultTimeFormat = "\nreal\t%3lR\nuser\t%3lU\nsys\t%3lS"
	posixTimeFormat   = "real %2R\nuser %2U\nsys %2S"
)

// timeStart is when a timed pipeline started.
type timeStart struct {
	goroutine int64
	real      time.Time
	user, sys time.Duration
}

// timeEdits rewrites one time clause.
func timeEdits(n *syntax.TimeClause, src []byte) (open, close []Edit) {
	kw := n.Time.Offset()
	if n.Stmt == nil {
		return []Edit{{Offset: kw, Remove: uint(len("time")), Text: timeCommand}}, nil
	}
	end := timeEndCommand
	if n.PosixFormat {
		end += " -p"
	}
	// The keyword and its -p go; the pipeline stays where it is.
	return []Edit{{Offset: kw, Remove: n.Stmt.Pos().Offset() - kw, Text: "{ " + timeStartCommand + "; "}},
		[]Edit{{Offset: stmtEnd(n.Stmt), Text: "; " + end + "; }"}}
}

// stmtEnd is where a statement's text ends, before its separator.
func stmtEnd(st *syntax.Stmt) uint {
	end := st.Pos().Offset()
	if st.Cmd != nil {
		end = max(end, st.Cmd.End().Offset())
	}
	for _, rd := range st.Redirs {
		end = max(end, rd.End().Offset())
	}
	return end
}

// usage is the CPU time of the shell and of the children it waited for.
func usage() (user, sys time.Duration) {
	var self, children syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	user = time.Duration(self.Utime.Nano() + children.Utime.Nano())
	sys = time.Duration(self.Stime.Nano() + children.Stime.Nano())
	return user, sys
}

func (s *Session) startTiming(ctx context.Context, args []string) error {
	user, sys := usage()
	s.mu.Lock()
	s.timing = append(s.timing, timeStart{goroutine: goroutineID(), real: time.Now(), user: user, sys: sys})
	s.mu.Unlock()
	return nil
}

// endTiming reports the pipeline startTiming started, and passes its status
// on.
func (s *Session) endTiming(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	now := time.Now()
	user, sys := usage()
	id := goroutineID()
	s.mu.Lock()
	var start *timeStart
	for i := len(s.timing) - 1; i >= 0; i-- {
		if s.timing[i].goroutine == id {
			t := s.timing[i]
			start = &t
			s.timing = append(s.timing[:i], s.timing[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	if start != nil {
		s.reportTime(hc, len(args) > 0 && args[0] == "-p", now.Sub(start.real), user-start.user, sys-start.sys)
	}
	if hc.LastExitStatus != 0 {
		return interp.ExitStatus(uint8(hc.LastExitStatus))
	}
	return nil
}

// timeCommand is a bare `time`: it reports the time of nothing.
func (s *Session) timeCommand(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) > 0 {
		return fmt.Errorf("%s: unexpected arguments", timeCommand)
	}
	s.reportTime(hc, false, 0, 0, 0)
	return nil
}

// reportTime writes the times on standard error in TIMEFORMAT.
func (s *Session) reportTime(hc interp.HandlerContext, posix bool, real, user, sys time.Duration) {
	format := defaultTimeFormat
	if vr := hc.Env.Get("TIMEFORMAT"); vr.IsSet() {
		format = vr.String()
	}
	if posix {
		format = posixTimeFormat
	}
	if format == "" {
		return
	}
	out, bad, ok := formatTime(format, real, user, sys)
	if !ok {
		fmt.Fprintf(hc.Stderr, "%s TIMEFORMAT: `%c': invalid format character\n", s.bashWhere(hc.Pos.Line()), bad)
		return
	}
	io.WriteString(hc.Stderr, out+"\n")
}

// formatTime expands a TIMEFORMAT: %[p][l]R, U and S, %P and %%. bad is
// the character after a % that is none of these, ok false then.
func formatTime(format string, real, user, sys time.Duration) (out string, bad byte, ok bool) {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(format) {
			// A lone % at the end is written as it is.
			b.WriteByte(c)
			break
		}
		i++
		switch format[i] {
		case '%':
			b.WriteByte('%')
			continue
		case 'P':
			cpu := cpuPercent(real, user+sys)
			b.WriteString(timeValue(cpu/100, (cpu%100)*10, 2, false))
			continue
		}
		prec, long := 3, false
		if format[i] >= '0' && format[i] <= '9' {
			prec = min(int(format[i]-'0'), 3)
			i++
		}
		if i < len(format) && format[i] == 'l' {
			long = true
			i++
		}
		var d time.Duration
		next := byte(0)
		if i < len(format) {
			next = format[i]
		}
		switch next {
		case 'R':
			d = real
		case 'U':
			d = user
		case 'S':
			d = sys
		default:
			return "", next, false
		}
		secs, millis := roundMillis(d)
		b.WriteString(timeValue(secs, millis, prec, long))
	}
	return b.String(), 0, true
}

// roundMillis splits a duration into seconds and milliseconds, the
// microseconds rounded as bash rounds them.
func roundMillis(d time.Duration) (secs, millis int64) {
	micros := d.Microseconds()
	secs, rest := micros/1e6, micros%1e6
	millis = rest / 1000
	if rest%1000 >= 500 {
		millis++
	}
	if millis >= 1000 {
		secs, millis = secs+1, millis-1000
	}
	return secs, millis
}

// timeValue writes seconds and thousandths with prec digits (cut, not
// rounded), as MmS.FFFs when long.
func timeValue(secs, thousandths int64, prec int, long bool) string {
	var b strings.Builder
	if long {
		b.WriteString(strconv.FormatInt(secs/60, 10) + "m")
		secs %= 60
	}
	b.WriteString(strconv.FormatInt(secs, 10))
	if prec > 0 {
		b.WriteByte('.')
		for _, div := range []int64{100, 10, 1}[:prec] {
			b.WriteByte(byte('0' + thousandths/div))
			thousandths %= div
		}
	}
	if long {
		b.WriteByte('s')
	}
	return b.String()
}

// cpuPercent is (user+sys)/real in hundredths of a percent, at most
// 100%, as bash clamps it.
func cpuPercent(real, cpu time.Duration) int64 {
	r := real.Microseconds()
	if r == 0 {
		return 0
	}
	return min(cpu.Microseconds()*10000/r, 10000)
}
