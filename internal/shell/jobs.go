package shell

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/interp"
)

// Background statements run in-process, as the interpreter runs them, but
// under the session's job table so that `jobs`, `kill` and `wait` see them
// as bash's job control does. compatSource rewrites `STMT &` to
//
//	jobCommand LINE 'STMT'
//
// which, in the shell that started it, registers the job and launches
//
//	jobRunCommand KEY LINE 'STMT' & jobPidCommand KEY "$!"
//
// The job runs STMT with a context of its own, which kill cancels: the
// command under way is interrupted and nothing after it runs. $! names the
// job as the interpreter does ("g1", "g2", ...): there is no process id.
const (
	jobCommand    = "__devstack_job"
	jobRunCommand = "__devstack_job_run"
	jobPidCommand = "__devstack_job_pid"
	jobsCommand   = "__devstack_jobs"
	waitCommand   = "__devstack_wait"
)

// job is one background statement.
type job struct {
	key int
	// num is the job number bash would give it, [1], [2], ...
	num int
	// id is what $! names it.
	id   string
	text string
	// cancel stops the statement; nil until it has started.
	cancel context.CancelFunc
	// killed is the signal kill sent, 0 if none.
	killed syscall.Signal
	done   bool
	status int
	// frames is the job's call stack, from the shell's where it started.
	frames []frame
}

// state is the job's state as `jobs` words it.
func (j *job) state() string {
	switch {
	case !j.done:
		return "Running"
	case j.killed == syscall.SIGTERM:
		return "Terminated"
	case j.killed == syscall.SIGKILL:
		return "Killed"
	case j.killed == syscall.SIGINT:
		return "Interrupt"
	case j.killed == syscall.SIGHUP:
		return "Hangup"
	case j.killed != 0:
		return "Signal " + strconv.Itoa(int(j.killed))
	case j.status != 0:
		return "Exit " + strconv.Itoa(j.status)
	}
	return "Done"
}

// startJob registers a background statement and launches it.
func (s *Session) startJob(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) != 2 {
		return fmt.Errorf("%s: want LINE TEXT", jobCommand)
	}
	s.mu.Lock()
	s.jobKeys++
	j := &job{key: s.jobKeys, num: 1, text: strings.TrimSpace(args[1]), frames: slices.Clone(*s.stack())}
	for _, other := range s.jobs {
		j.num = max(j.num, other.num+1)
	}
	s.jobs = append(s.jobs, j)
	s.mu.Unlock()
	launch := fmt.Sprintf("%s %d %s %s & %s %d \"$!\"", jobRunCommand, j.key, args[0], quoteWord(args[1]), jobPidCommand, j.key)
	return hc.Builtin(ctx, []string{"eval", launch})
}

// jobPid records what $! names a job.
func (s *Session) jobPid(ctx context.Context, args []string) error {
	key, _ := strconv.Atoi(args[0])
	s.mu.Lock()
	defer s.mu.Unlock()
	if j := s.jobByKey(key); j != nil {
		j.id = args[1]
	}
	return nil
}

func (s *Session) jobByKey(key int) *job {
	for _, j := range s.jobs {
		if j.key == key {
			return j
		}
	}
	return nil
}

// runJob runs a background statement, in the interpreter's background
// subshell, until it ends or is killed.
func (s *Session) runJob(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	key, _ := strconv.Atoi(args[0])
	line, _ := strconv.Atoi(args[1])
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.mu.Lock()
	j := s.jobByKey(key)
	if j == nil {
		j = &job{key: key}
	}
	if j.killed != 0 {
		j.done, j.status = true, 128+int(j.killed)
		s.mu.Unlock()
		return interp.ExitStatus(j.status)
	}
	j.cancel = cancel
	if len(j.frames) > 0 {
		if s.jobStacks == nil {
			s.jobStacks = map[int64]*[]frame{}
		}
		id := goroutineID()
		s.jobStacks[id] = &j.frames
		defer func() {
			s.mu.Lock()
			delete(s.jobStacks, id)
			s.mu.Unlock()
		}()
	}
	s.mu.Unlock()
	// The padding keeps LINENO at the statement's line; the statement is
	// rewritten as any sourced text is, and runs as a subshell of its own
	// (subshell.go).
	text := enterMark(kindJob, false) + strings.Repeat("\n", max(line-1, 0)) + args[2] + "\n" + endMark(kindJob)
	err := hc.Builtin(jctx, []string{"eval", string(compatSource("", []byte(text)))})
	status := statusOf(err)
	s.mu.Lock()
	defer s.mu.Unlock()
	if j.killed != 0 {
		j.done, j.status = true, 128+int(j.killed)
		return interp.ExitStatus(j.status)
	}
	j.done, j.status = true, status
	// The error as it is carries an exit as the interpreter keeps it.
	return err
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

// findJob is the job a kill, wait or jobs argument names: its $! value or
// a job spec (%N, %%, %+, %-). Call with s.mu held.
func (s *Session) findJob(spec string) *job {
	switch spec {
	case "%%", "%+", "%":
		if len(s.jobs) > 0 {
			return s.jobs[len(s.jobs)-1]
		}
		return nil
	case "%-":
		if len(s.jobs) > 1 {
			return s.jobs[len(s.jobs)-2]
		}
		return nil
	}
	if n, ok := strings.CutPrefix(spec, "%"); ok {
		num, err := strconv.Atoi(n)
		for _, j := range s.jobs {
			if err == nil && j.num == num {
				return j
			}
		}
		return nil
	}
	for _, j := range s.jobs {
		if j.id != "" && j.id == spec {
			return j
		}
	}
	return nil
}

// killJob sends a signal to a job: 0 asks whether it is still running,
// any other stops it. It reports false when spec names no job.
func (s *Session) killJob(hc interp.HandlerContext, spec string, sig syscall.Signal) (found bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.findJob(spec)
	if j == nil {
		return strings.HasPrefix(spec, "%"), s.noSuchJob(hc, spec)
	}
	if j.done {
		// bash has reaped the process already, though the job stays in
		// the table until it is waited for or reported.
		fmt.Fprintf(hc.Stderr, "kill: (%s) - No such process\n", j.id)
		return true, interp.ExitStatus(1)
	}
	if sig == 0 || sig == syscall.SIGCONT {
		return true, nil
	}
	j.killed = sig
	if j.cancel != nil {
		j.cancel()
	}
	return true, nil
}

func (s *Session) noSuchJob(hc interp.HandlerContext, spec string) error {
	if strings.HasPrefix(spec, "%") {
		fmt.Fprintf(hc.Stderr, "kill: %s: no such job\n", spec)
		return interp.ExitStatus(1)
	}
	if n, ok := strings.CutPrefix(spec, "g"); ok {
		if _, err := strconv.Atoi(n); err == nil {
			// A job waited for already.
			fmt.Fprintf(hc.Stderr, "kill: (%s) - No such process\n", spec)
			return interp.ExitStatus(1)
		}
	}
	return nil
}

// jobsBuiltin lists the jobs: with -p only what $! named them, otherwise
// bash's table, after which the jobs that ended are forgotten.
func (s *Session) jobsBuiltin(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	idsOnly, long, running, stopped := false, false, false, false
	var specs []string
	for i, a := range args {
		if a == "--" {
			specs = append(specs, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			specs = append(specs, args[i:]...)
			break
		}
		for _, c := range a[1:] {
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
				fmt.Fprintf(hc.Stderr, "jobs: -%c: invalid option\njobs: usage: jobs [-lnprs] [jobspec ...] or jobs -x command [args]\n", c)
				return interp.ExitStatus(2)
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.jobs
	if len(specs) > 0 {
		list = nil
		for _, spec := range specs {
			j := s.findJob(spec)
			if j == nil {
				fmt.Fprintf(hc.Stderr, "jobs: %s: no such job\n", spec)
				return interp.ExitStatus(1)
			}
			list = append(list, j)
		}
	}
	for _, j := range list {
		if stopped || running && j.done {
			continue
		}
		if idsOnly {
			fmt.Fprintln(hc.Stdout, j.id)
			continue
		}
		mark := ' '
		switch {
		case j == s.jobs[len(s.jobs)-1]:
			mark = '+'
		case len(s.jobs) > 1 && j == s.jobs[len(s.jobs)-2]:
			mark = '-'
		}
		text := j.text
		if !j.done {
			text += " &"
		}
		if long {
			fmt.Fprintf(hc.Stdout, "[%d]%c %s %-24s%s\n", j.num, mark, j.id, j.state(), text)
		} else {
			fmt.Fprintf(hc.Stdout, "[%d]%c  %-24s%s\n", j.num, mark, j.state(), text)
		}
	}
	if !idsOnly {
		s.jobs = slices.DeleteFunc(s.jobs, func(j *job) bool { return j.done && slices.Contains(list, j) })
	}
	return nil
}

// wait runs the interpreter's wait, with job specs turned into what $!
// names, and forgets the jobs waited for.
func (s *Session) wait(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	s.mu.Lock()
	ids := slices.Clone(args)
	for i, a := range ids {
		if strings.HasPrefix(a, "%") {
			j := s.findJob(a)
			if j == nil {
				s.mu.Unlock()
				fmt.Fprintf(hc.Stderr, "wait: %s: no such job\n", a)
				return interp.ExitStatus(127)
			}
			ids[i] = j.id
		}
	}
	s.mu.Unlock()
	err := hc.Builtin(ctx, append([]string{"wait"}, ids...))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs = slices.DeleteFunc(s.jobs, func(j *job) bool {
		return j.done && (len(ids) == 0 || slices.Contains(ids, j.id))
	})
	return err
}
