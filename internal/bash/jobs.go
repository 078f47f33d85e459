package bash

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Background statements run in a process of their own, as bash forks one
// (jobprocess.go), under the session's job table, so that $!, jobs, kill,
// wait and disown work on real process ids. compatSource rewrites
// `STMT &` to
//
//	jobCommand LINE 'STMT' "$0" "$@"
//
// which captures the running shell's state and starts the process.
const (
	jobCommand    = "__devstack_job"
	jobsCommand   = "__devstack_jobs"
	waitCommand   = "__devstack_wait"
	disownCommand = "__devstack_disown"
	// lastJobVariable is what compatSource makes of $!: no variable of
	// the shell's, the session answers it (stackEnviron).
	lastJobVariable = "__devstack_lastjob"
)

// job is one background job.
type job struct {
	// num is its job number, [1], [2], ...
	num  int
	pid  int
	text string
	// ready is closed once the process handles signals as the job
	// should, exited once it has ended and been reaped.
	ready, exited chan struct{}
	done          bool
	status        int
	// signal is what ended the process, 0 if it exited.
	signal syscall.Signal
	// reported is set once the shell has told that a signal ended it.
	reported bool
	// copies carry its output to writers that are not files.
	copies []*outputCopy
}

// state is the job's state as `jobs` words it.
func (j *job) state() string {
	switch {
	case !j.done:
		return "Running"
	case j.signal != 0:
		return signalText(j.signal)
	case j.status != 0:
		return "Exit " + strconv.Itoa(j.status)
	}
	return "Done"
}

// signalText is a signal's description as bash prints it (strsignal).
func signalText(sig syscall.Signal) string {
	text := sig.String()
	if text == "" {
		return "Signal " + strconv.Itoa(int(sig))
	}
	return strings.ToUpper(text[:1]) + text[1:]
}

// jobText is a job's statement as bash shows it: as written, but for a
// subshell's parentheses, which bash spaces from what they hold.
func jobText(text string) string {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "(") || strings.HasPrefix(text, "((") {
		return text
	}
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), "")
	if err != nil || len(file.Stmts) != 1 || len(file.Stmts[0].Redirs) > 0 {
		return text
	}
	sub, ok := file.Stmts[0].Cmd.(*syntax.Subshell)
	if !ok || len(sub.Stmts) == 0 {
		return text
	}
	inner := text[sub.Stmts[0].Pos().Offset():sub.Stmts[len(sub.Stmts)-1].End().Offset()]
	return "( " + strings.TrimSpace(inner) + " )"
}

// jobsChanged wakes whatever waits for a job, with s.mu held.
func (s *Session) jobsChanged() {
	if s.jobChange != nil {
		close(s.jobChange)
	}
	s.jobChange = make(chan struct{})
}

// notifyJobs is where bash, having waited for a command, reports the jobs
// a signal killed: without job control, it writes "FILE: line N: PID
// Killed TEXT" for a signal other than SIGINT, SIGTERM or SIGPIPE that
// the shell does not trap. Those jobs then leave the table; jobs that
// exited stay until they are waited for or listed.
//
// bash gives the line of the command it waited for when that is a
// command of the top level; inside a compound command, it gives a line
// of the compound command's own (where it ends, for a brace group or an
// if), which this gives only when it is on the same line.
func (s *Session) notifyJobs(hc interp.HandlerContext) {
	s.settleJobs()
	s.mu.Lock()
	var report strings.Builder
	var ended []*job
	for _, j := range s.jobs {
		if j.done && j.signal != 0 {
			report.WriteString(s.jobReport(j, hc.Pos.Line()))
			ended = append(ended, j)
		}
	}
	for _, j := range ended {
		s.forgetJob(j)
	}
	s.mu.Unlock()
	if report.Len() > 0 {
		io.WriteString(hc.Stderr, report.String())
	}
}

// settleJobs waits for the jobs whose processes have ended to be reaped,
// as bash, having waited for one child, reaps every one that ended: what
// comes next sees them ended, however late the reaping goroutines run.
func (s *Session) settleJobs() {
	s.mu.Lock()
	var running []*job
	for _, j := range s.jobs {
		if !j.done {
			running = append(running, j)
		}
	}
	s.mu.Unlock()
	for _, j := range running {
		var info unix.Siginfo
		// WNOWAIT leaves the reaping to the job's goroutine.
		err := unix.Waitid(unix.P_PID, j.pid, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
		if err == nil && info.Signo == 0 {
			continue
		}
		select {
		case <-j.exited:
		case <-time.After(time.Second):
		}
	}
}

// jobReport is what bash tells of an ended job the first time: a line if
// a signal it reports killed it. Call with s.mu held.
func (s *Session) jobReport(j *job, line uint) string {
	if j.reported || j.signal == 0 || j.signal == syscall.SIGINT || j.signal == syscall.SIGTERM || j.signal == syscall.SIGPIPE {
		return ""
	}
	if _, trapped := s.traps[signalNameOf(j.signal)]; trapped {
		return ""
	}
	j.reported = true
	return fmt.Sprintf("%s: line %d: %5d %-24s%s\n", s.shellName(), line, j.pid, j.state(), j.text)
}

// collectJob ends a wait for a job: the output it kept for the shell, and
// bash's report of how it ended, are written; then it leaves the table.
func (s *Session) collectJob(hc interp.HandlerContext, j *job) {
	for _, c := range j.copies {
		c.collect(hc.Stdout)
		c.collect(hc.Stderr)
	}
	s.mu.Lock()
	s.heldOutput = slices.DeleteFunc(s.heldOutput, func(c *outputCopy) bool {
		return slices.Contains(j.copies, c) && (c.w == hc.Stdout || c.w == hc.Stderr)
	})
	message := s.jobReport(j, hc.Pos.Line())
	s.forgetJob(j)
	s.mu.Unlock()
	io.WriteString(hc.Stderr, message)
}

// shellName is how bash names the shell in its messages, with s.mu held.
func (s *Session) shellName() string {
	if name := s.frames[0].source; name != "" {
		return name
	}
	return "devstack"
}

// forgetJob takes an ended job out of the table; wait still gives its
// status by its process id, as bash remembers it. Call with s.mu held.
func (s *Session) forgetJob(j *job) {
	if s.statuses == nil {
		s.statuses = map[int]int{}
	}
	s.statuses[j.pid] = j.status
	s.removeJob(j)
}

// removeJob takes a job out of the table. When it was the current job
// (%+) or the previous one (%-), the newest running jobs take their
// places, as in bash, which passes over jobs that ended. Call with s.mu
// held.
func (s *Session) removeJob(j *job) {
	s.jobs = slices.DeleteFunc(s.jobs, func(other *job) bool { return other == j })
	if j != s.currentJob && j != s.previousJob {
		return
	}
	if j == s.currentJob {
		s.currentJob, s.previousJob = s.previousJob, nil
		if s.currentJob != nil && s.currentJob.done {
			s.currentJob = nil
		}
	} else {
		s.previousJob = nil
	}
	for i := len(s.jobs) - 1; i >= 0; i-- {
		other := s.jobs[i]
		switch {
		case other.done || other == s.currentJob || other == s.previousJob:
		case s.currentJob == nil:
			s.currentJob = other
		case s.previousJob == nil:
			s.previousJob = other
		}
	}
}

// findJob is the job a job spec (%N, %%, %+, %-) or process id names, nil
// if none. Call with s.mu held.
func (s *Session) findJob(spec string) *job {
	switch spec {
	case "%%", "%+", "%":
		return s.currentJob
	case "%-":
		return s.previousJob
	}
	if n, ok := strings.CutPrefix(spec, "%"); ok {
		num, err := strconv.Atoi(n)
		for _, j := range s.jobs {
			if err == nil && j.num == num {
				return j
			}
		}
		for _, j := range s.jobs {
			// %name: the job whose command starts so.
			if err != nil && n != "" && strings.HasPrefix(j.text, n) {
				return j
			}
		}
		return nil
	}
	pid, err := strconv.Atoi(spec)
	if err != nil {
		return nil
	}
	for _, j := range s.jobs {
		if j.pid == pid {
			return j
		}
	}
	return nil
}

// jobPid turns a job spec among kill's arguments into its process id; ok
// is false, after the message, when it names no job.
func (s *Session) jobPid(hc interp.HandlerContext, spec string) (string, bool) {
	s.mu.Lock()
	j := s.findJob(spec)
	s.mu.Unlock()
	if j == nil && strings.HasPrefix(spec, "%") {
		s.shellError(hc, "kill: %s: no such job", spec)
		return "", false
	}
	if j == nil {
		return spec, true
	}
	// Until the job's process has set up its signals, Go's defaults
	// would ignore some, and dump goroutines on SIGQUIT.
	select {
	case <-j.ready:
	case <-time.After(time.Second):
	}
	return strconv.Itoa(j.pid), true
}

// jobsBuiltin lists the jobs: with -p their process ids, otherwise bash's
// table (-l adds the ids), after which the jobs that ended are forgotten.
func (s *Session) jobsBuiltin(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	idsOnly, long, running, stopped := false, false, false, false
	specs, err := s.builtinOptions(hc, "jobs", "jobs [-lnprs] [jobspec ...] or jobs -x command [args]", args, func(c rune) bool {
		switch c {
		case 'p':
			idsOnly = true
		case 'l':
			long = true
		case 'r':
			running = true
		case 's':
			stopped = true
		case 'n':
		default:
			return false
		}
		return true
	})
	if err != nil {
		return err
	}
	// Jobs that ended are seen so, and those a signal killed reported
	// and out of the table, first.
	s.notifyJobs(hc)
	s.mu.Lock()
	list := slices.Clone(s.jobs)
	if len(specs) > 0 {
		list = nil
		for _, spec := range specs {
			j := s.findJob(spec)
			if j == nil {
				s.mu.Unlock()
				s.shellError(hc, "jobs: %s: no such job", spec)
				return interp.ExitStatus(1)
			}
			list = append(list, j)
		}
	}
	var out strings.Builder
	for _, j := range list {
		if stopped || running && j.done {
			continue
		}
		if idsOnly {
			fmt.Fprintln(&out, j.pid)
			continue
		}
		mark := ' '
		switch j {
		case s.currentJob:
			mark = '+'
		case s.previousJob:
			mark = '-'
		}
		text := j.text
		if !j.done {
			text += " &"
		}
		if long {
			fmt.Fprintf(&out, "[%d]%c %5d %-24s%s\n", j.num, mark, j.pid, j.state(), text)
		} else {
			fmt.Fprintf(&out, "[%d]%c  %-24s%s\n", j.num, mark, j.state(), text)
		}
	}
	s.mu.Unlock()
	if !idsOnly && s.mainShell(ctx) {
		// Listed, the jobs that ended are forgotten; a subshell's
		// table is a copy, which it forgets with it.
		s.mu.Lock()
		for _, j := range list {
			if j.done {
				s.forgetJob(j)
			}
		}
		s.mu.Unlock()
	}
	_, err = io.WriteString(hc.Stdout, out.String())
	return err
}

// wait is the wait builtin on the job table: no argument waits for every
// job, -n for the next to end (-p VAR names it), process ids and job
// specs for those. A trapped signal ends the wait with 128 plus its
// number, and its trap runs.
func (s *Session) wait(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	next, pidVar := false, ""
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		a := args[0]
		args = args[1:]
		if a == "--" {
			break
		}
		for i := 1; i < len(a); i++ {
			switch a[i] {
			case 'n':
				next = true
			case 'f':
			case 'p':
				if i+1 < len(a) {
					pidVar = a[i+1:]
				} else if len(args) > 0 {
					pidVar, args = args[0], args[1:]
				}
				i = len(a)
			default:
				s.shellError(hc, "wait: -%c: invalid option", a[i])
				fmt.Fprintln(hc.Stderr, "wait: usage: wait [-fn] [-p var] [id ...]")
				return interp.ExitStatus(2)
			}
		}
	}
	if pidVar != "" {
		if err := Assign(ctx, pidVar, ""); err != nil {
			return err
		}
	}
	defer s.notifyJobs(hc)
	if next {
		return s.waitNext(ctx, args, pidVar)
	}
	if len(args) == 0 {
		return s.waitAll(ctx)
	}
	status := 0
	for _, spec := range args {
		s.mu.Lock()
		j := s.findJob(spec)
		known, wasKnown := s.statuses[atoiOr(spec, -1)]
		disowned := s.disowned[atoiOr(spec, -1)]
		s.mu.Unlock()
		switch {
		case j != nil:
			if err := s.awaitJob(ctx, j); err != nil {
				return err
			}
			status = j.status
			s.collectJob(hc, j)
		case strings.HasPrefix(spec, "%"):
			s.shellError(hc, "wait: %s: no such job", spec)
			status = 127
		case wasKnown:
			status = known
		case disowned:
			status = 0
		case strings.HasPrefix(spec, "g"):
			// One of the interpreter's own background shells.
			status = statusOf(hc.Builtin(ctx, []string{"wait", spec}))
		default:
			if _, err := strconv.Atoi(spec); err != nil {
				s.shellError(hc, "wait: `%s': not a pid or valid job spec", spec)
				status = 2
				continue
			}
			s.shellError(hc, "wait: pid %s is not a child of this shell", spec)
			status = 127
		}
	}
	return exitStatus(status)
}

// statusOf is the exit status an error from a handler or builtin stands
// for. HandlerContext.Builtin reports a builtin's status in an error type
// of its own, whose message is the only public form of the number.
func statusOf(err error) int {
	if err == nil {
		return 0
	}
	var es interp.ExitStatus
	if errors.As(err, &es) {
		return int(es)
	}
	var n int
	if _, scanErr := fmt.Sscanf(err.Error(), "builtin exit status %d", &n); scanErr == nil {
		return n
	}
	return 1
}

func atoiOr(s string, fallback int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return fallback
}

// waitAll waits for every job, and the interpreter's own background
// shells.
func (s *Session) waitAll(ctx context.Context) error {
	s.mu.Lock()
	jobs := slices.Clone(s.jobs)
	s.mu.Unlock()
	hc := interp.HandlerCtx(ctx)
	for _, j := range jobs {
		if err := s.awaitJob(ctx, j); err != nil {
			return err
		}
		s.collectJob(hc, j)
	}
	return hc.Builtin(ctx, []string{"wait"})
}

// waitNext waits for the next of the jobs specs names (every job if none)
// to end, and gives its status; 127 if there is none to wait for.
func (s *Session) waitNext(ctx context.Context, specs []string, pidVar string) error {
	for {
		s.settleJobs()
		s.mu.Lock()
		var candidates []*job
		if len(specs) == 0 {
			candidates = slices.Clone(s.jobs)
		}
		var unknown []string
		for _, spec := range specs {
			if j := s.findJob(spec); j != nil {
				candidates = append(candidates, j)
			} else {
				unknown = append(unknown, spec)
			}
		}
		var ended *job
		for _, j := range candidates {
			if j.done {
				ended = j
				break
			}
		}
		changed := s.jobChange
		if changed == nil {
			s.jobsChanged()
			changed = s.jobChange
		}
		s.mu.Unlock()
		for _, spec := range unknown {
			s.shellError(interp.HandlerCtx(ctx), "wait: %s: no such job", spec)
		}
		specs = slices.DeleteFunc(specs, func(spec string) bool { return slices.Contains(unknown, spec) })
		if len(candidates) == 0 {
			return interp.ExitStatus(127)
		}
		if ended != nil {
			if err := s.awaitJob(ctx, ended); err != nil {
				return err
			}
			s.collectJob(interp.HandlerCtx(ctx), ended)
			if pidVar != "" {
				if err := Assign(ctx, pidVar, strconv.Itoa(ended.pid)); err != nil {
					return err
				}
			}
			return exitStatus(ended.status)
		}
		if err := s.awaitChange(ctx, changed); err != nil {
			return err
		}
	}
}

// awaitJob waits for a job's process to end and its output to come
// through.
func (s *Session) awaitJob(ctx context.Context, j *job) error {
	for {
		s.mu.Lock()
		changed := s.jobChange
		if changed == nil {
			s.jobsChanged()
			changed = s.jobChange
		}
		s.mu.Unlock()
		select {
		case <-j.exited:
			for _, c := range j.copies {
				select {
				case <-c.drained:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		default:
		}
		if err := s.awaitChange(ctx, changed); err != nil {
			return err
		}
	}
}

// awaitChange waits until a job ends, the context is done, or a trapped
// signal arrives, which ends the wait with 128 plus its number.
func (s *Session) awaitChange(ctx context.Context, changed chan struct{}) error {
	select {
	case <-changed:
	case <-ctx.Done():
		return ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pendingSignals) > 0 {
		return interp.ExitStatus(128 + int(signalNumbers[s.pendingSignals[0]]))
	}
	return nil
}

// disown takes jobs out of the table: bash no longer reports them or
// waits for them. With -h they stay, as bash only stops sending them
// SIGHUP, which a shell without job control does not send.
func (s *Session) disown(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	all, running, keep := false, false, false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		a := args[0]
		args = args[1:]
		if a == "--" {
			break
		}
		for _, c := range a[1:] {
			switch c {
			case 'a':
				all = true
			case 'r':
				running = true
			case 'h':
				keep = true
			default:
				s.shellError(hc, "disown: -%c: invalid option", c)
				fmt.Fprintln(hc.Stderr, "disown: usage: disown [-h] [-ar] [jobspec ... | pid ...]")
				return interp.ExitStatus(2)
			}
		}
	}
	s.mu.Lock()
	var chosen []*job
	var problems []string
	switch {
	case len(args) == 0 && (all || running):
		for _, j := range s.jobs {
			if !running || !j.done {
				chosen = append(chosen, j)
			}
		}
	case len(args) == 0 && s.currentJob == nil:
		problems = append(problems, "current")
	case len(args) == 0:
		chosen = append(chosen, s.currentJob)
	}
	for _, spec := range args {
		if j := s.findJob(spec); j != nil {
			chosen = append(chosen, j)
		} else {
			problems = append(problems, spec)
		}
	}
	if !keep {
		if s.disowned == nil {
			s.disowned = map[int]bool{}
		}
		for _, j := range chosen {
			s.disowned[j.pid] = true
			s.removeJob(j)
		}
	}
	s.mu.Unlock()
	for _, spec := range problems {
		s.shellError(hc, "disown: %s: no such job", spec)
	}
	if len(problems) > 0 {
		return interp.ExitStatus(1)
	}
	return nil
}
