package shell

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Builtins the interpreter lacks, or runs differently from bash, are
// rewritten by compatCall to these commands and run here.
const (
	printfCommand = "__devstack_printf"
	umaskCommand  = "__devstack_umask"
	ulimitCommand = "__devstack_ulimit"
	killCommand   = "__devstack_kill"
	trapCommand   = "__devstack_trap"
	errTrap       = "__devstack_errtrap"
	timeCommand   = "__devstack_time"
)

// builtins maps the commands above to their implementations.
func (s *Session) builtins() map[string]Func {
	return map[string]Func{
		printfCommand:      s.printfV,
		umaskCommand:       s.umask,
		ulimitCommand:      s.ulimit,
		killCommand:        s.kill,
		trapCommand:        s.trap,
		errTrap:            s.runErrTrap,
		timeCommand:        s.timeCommand,
		noErrexitCommand:   s.noErrexit,
		arraySetCommand:    s.arraySet,
		callerCommand:      s.caller,
		declCommand:        s.declare,
		xtraceCommand:      s.xtrace,
		setListCommand:     s.setList,
		grepCommand:        s.grep,
		pendingTrapCommand: s.runPendingTraps,
		letCommand:         s.let,
		secondsCommand:     s.setSeconds,
		jobCommand:         s.startJob,
		jobsCommand:        s.jobsBuiltin,
		waitCommand:        s.wait,
		disownCommand:      s.disown,
		drainCommand:       s.drain,
		ereQuoteCommand:    ereQuoteBuiltin,
		pushdCommand:       s.pushd,
		popdCommand:        s.popd,
		dirsCommand:        s.dirs,
		setVarsCommand:     s.setVars,
	}
}

// printfV is printf -v VAR FORMAT ARGS: the output goes into VAR.
func (s *Session) printfV(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 2 || !syntax.ValidName(args[0]) {
		fmt.Fprintln(hc.Stderr, "printf: usage: printf [-v var] format [arguments]")
		return interp.ExitStatus(2)
	}
	name, format, rest := args[0], args[1], args[2:]
	var out strings.Builder
	cfg := &expand.Config{Env: hc.Env}
	for {
		text, n, err := expand.Format(cfg, format, rest)
		if err != nil {
			fmt.Fprintf(hc.Stderr, "printf: %v\n", err)
			return interp.ExitStatus(1)
		}
		out.WriteString(text)
		rest = rest[n:]
		if n == 0 || len(rest) == 0 {
			break
		}
	}
	return Assign(ctx, name, out.String())
}

// umask prints or sets the file mode creation mask.
func (s *Session) umask(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	symbolic := len(args) > 0 && args[0] == "-S"
	if symbolic {
		args = args[1:]
	}
	if len(args) == 0 {
		mask := syscall.Umask(0)
		syscall.Umask(mask)
		if symbolic {
			fmt.Fprintln(hc.Stdout, symbolicMode(^mask&0o777))
		} else {
			fmt.Fprintf(hc.Stdout, "%04o\n", mask)
		}
		return nil
	}
	mask, err := strconv.ParseUint(args[0], 8, 32)
	if err != nil || mask > 0o777 {
		fmt.Fprintf(hc.Stderr, "umask: %s: octal number out of range\n", args[0])
		return interp.ExitStatus(1)
	}
	syscall.Umask(int(mask))
	return nil
}

func symbolicMode(perm int) string {
	var parts []string
	for i, who := range []string{"u", "g", "o"} {
		bits := perm >> (6 - 3*i) & 7
		part := who + "="
		for j, c := range "rwx" {
			if bits&(4>>j) != 0 {
				part += string(c)
			}
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ",")
}

// ulimitResources are the limits ulimit knows, with bash's option letter
// and unit.
var ulimitResources = map[byte]struct {
	resource int
	scale    uint64
}{
	'c': {syscall.RLIMIT_CORE, 1024},
	'd': {syscall.RLIMIT_DATA, 1024},
	'f': {syscall.RLIMIT_FSIZE, 1024},
	'n': {syscall.RLIMIT_NOFILE, 1},
	's': {syscall.RLIMIT_STACK, 1024},
	't': {syscall.RLIMIT_CPU, 1},
	'v': {syscall.RLIMIT_AS, 1024},
	'u': {6 /* RLIMIT_NPROC */, 1},
	'l': {8 /* RLIMIT_MEMLOCK */, 1024},
}

// ulimit prints or sets one resource limit, the soft one unless -H.
func (s *Session) ulimit(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	hard, soft, option := false, false, byte('f')
	var value string
	for _, a := range args {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			for _, c := range []byte(a[1:]) {
				switch c {
				case 'H':
					hard = true
				case 'S':
					soft = true
				default:
					option = c
				}
			}
			continue
		}
		value = a
	}
	res, ok := ulimitResources[option]
	if !ok {
		fmt.Fprintf(hc.Stderr, "ulimit: -%c: invalid option\n", option)
		return interp.ExitStatus(2)
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(res.resource, &lim); err != nil {
		fmt.Fprintf(hc.Stderr, "ulimit: %v\n", err)
		return interp.ExitStatus(1)
	}
	if value == "" {
		cur := lim.Cur
		if hard {
			cur = lim.Max
		}
		if cur == rlimInfinity {
			fmt.Fprintln(hc.Stdout, "unlimited")
		} else {
			fmt.Fprintln(hc.Stdout, cur/res.scale)
		}
		return nil
	}
	n := rlimInfinity
	if value != "unlimited" {
		v, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			fmt.Fprintf(hc.Stderr, "ulimit: %s: invalid number\n", value)
			return interp.ExitStatus(1)
		}
		n = v * res.scale
	}
	if hard || !soft {
		if hard {
			lim.Max = n
		}
	}
	if soft || !hard {
		lim.Cur = n
	}
	if err := syscall.Setrlimit(res.resource, &lim); err != nil {
		fmt.Fprintf(hc.Stderr, "ulimit: %v\n", err)
		return interp.ExitStatus(1)
	}
	return nil
}

// signalNumbers are the signals kill and trap name.
var signalNumbers = map[string]syscall.Signal{
	"HUP": syscall.SIGHUP, "INT": syscall.SIGINT, "QUIT": syscall.SIGQUIT,
	"KILL": syscall.SIGKILL, "USR1": syscall.SIGUSR1, "USR2": syscall.SIGUSR2,
	"PIPE": syscall.SIGPIPE, "ALRM": syscall.SIGALRM, "TERM": syscall.SIGTERM,
	"CHLD": syscall.SIGCHLD, "CONT": syscall.SIGCONT, "STOP": syscall.SIGSTOP,
}

// signalName normalizes a signal spec (TERM, SIGTERM, 15) to its name.
func signalName(spec string) (string, bool) {
	spec = strings.TrimPrefix(strings.ToUpper(spec), "SIG")
	if _, ok := signalNumbers[spec]; ok {
		return spec, true
	}
	if n, err := strconv.Atoi(spec); err == nil {
		for name, sig := range signalNumbers {
			if int(sig) == n {
				return name, true
			}
		}
	}
	return "", false
}

// kill sends a signal to processes and jobs (%N). A signal to the shell
// itself runs its trap, as bash does when it receives the signal.
func (s *Session) kill(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	sig := "TERM"
	switch {
	case len(args) > 0 && args[0] == "-l":
		names := slices.Sorted(func(yield func(string) bool) {
			for name := range signalNumbers {
				if !yield(name) {
					return
				}
			}
		})
		fmt.Fprintln(hc.Stdout, strings.Join(names, " "))
		return nil
	case len(args) > 1 && (args[0] == "-s" || args[0] == "-n"):
		sig, args = args[1], args[2:]
	case len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "--":
		sig, args = args[0][1:], args[1:]
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	name, ok := signalName(sig)
	number := signalNumbers[name]
	if sig == "0" {
		// Signal 0 only asks whether the process exists.
		name, number, ok = "0", 0, true
	}
	if !ok {
		s.shellError(hc, "kill: %s: invalid signal specification", sig)
		return interp.ExitStatus(1)
	}
	var status error
	for _, target := range args {
		target, ok := s.jobPid(hc, target)
		if !ok {
			status = interp.ExitStatus(1)
			continue
		}
		pid, err := strconv.Atoi(target)
		if err != nil {
			s.shellError(hc, "kill: %s: arguments must be process or job IDs", target)
			status = interp.ExitStatus(1)
			continue
		}
		if pid == os.Getpid() && number != 0 {
			if err := s.deliver(ctx, name); err != nil {
				return err
			}
			continue
		}
		if err := syscall.Kill(pid, number); err != nil {
			s.shellError(hc, "kill: (%d) - %s", pid, errnoText(err))
			status = interp.ExitStatus(1)
		}
	}
	return status
}

// errnoText is a system error as the C library words it.
func errnoText(err error) string {
	text := err.Error()
	if text == "" {
		return text
	}
	return strings.ToUpper(text[:1]) + text[1:]
}

// deliver runs the trap for a signal sent to the shell itself, or ends the
// shell as the signal would.
func (s *Session) deliver(ctx context.Context, name string) error {
	s.mu.Lock()
	callback, trapped := s.traps[name]
	s.mu.Unlock()
	hc := interp.HandlerCtx(ctx)
	if !trapped {
		return s.exitShell(ctx, []string{strconv.Itoa(128 + int(signalNumbers[name]))})
	}
	if callback == "" {
		return nil // ignored
	}
	return hc.Builtin(ctx, []string{"eval", callback})
}

// trapOrder is the order trap -p lists traps in, as bash does.
var trapOrder = []string{"EXIT", "HUP", "INT", "QUIT", "USR1", "USR2", "PIPE", "ALRM", "TERM", "CHLD", "ERR"}

// trap sets, resets and lists traps. EXIT runs through the interpreter's
// own trap; ERR too, through runErrTrap so that LINENO is the failing
// line; signals are kept here for kill to deliver.
func (s *Session) trap(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 || args[0] == "-p" {
		var only []string
		if len(args) > 1 {
			for _, spec := range args[1:] {
				if name, ok := trapName(spec); ok {
					only = append(only, name)
				}
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		traps := s.traps
		if s.shownTraps != nil {
			traps = s.shownTraps
		}
		for _, name := range trapOrder {
			callback, set := traps[name]
			if !set || (only != nil && !slices.Contains(only, name)) {
				continue
			}
			if _, isSignal := signalNumbers[name]; isSignal {
				name = "SIG" + name
			}
			fmt.Fprintf(hc.Stdout, "trap -- %s %s\n", quoteWord(callback), name)
		}
		return nil
	}
	if args[0] == "-l" {
		return s.kill(ctx, []string{"-l"})
	}
	callback, specs := args[0], args[1:]
	reset := false
	if len(args) == 1 {
		// trap SIG resets, as trap - SIG.
		callback, specs, reset = "", args, true
	} else if callback == "-" {
		reset = true
	}
	for _, spec := range specs {
		name, ok := trapName(spec)
		if !ok {
			fmt.Fprintf(hc.Stderr, "trap: %s: invalid signal specification\n", spec)
			return interp.ExitStatus(1)
		}
		s.mu.Lock()
		if reset {
			delete(s.traps, name)
		} else {
			s.traps[name] = callback
		}
		// A job lists the shell's traps until it sets one of its own.
		s.shownTraps = nil
		s.mu.Unlock()
		s.watchSignal(name, callback, reset)
		var err error
		switch {
		case name == "EXIT":
			// The session's, which runs the script's: see runExitTrap.
			err = hc.Builtin(ctx, []string{"trap", exitTrap, "EXIT"})
		case name == "ERR" && reset:
			err = hc.Builtin(ctx, []string{"trap", "-", "ERR"})
		case name == "ERR":
			err = hc.Builtin(ctx, []string{"trap", errTrap, "ERR"})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// trapName normalizes a trap's signal spec.
func trapName(spec string) (string, bool) {
	switch strings.ToUpper(spec) {
	case "EXIT", "0":
		return "EXIT", true
	case "ERR":
		return "ERR", true
	}
	return signalName(spec)
}

// timeCommand is `time COMMAND`: it runs the command and reports the
// times on standard error, as bash's time keyword does.
func (s *Session) timeCommand(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	var before, beforeChildren syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &beforeChildren)
	start := time.Now()
	var err error
	if len(args) > 0 {
		err = hc.Builtin(ctx, []string{"eval", quoteArgs(args, 0)})
	}
	real := time.Since(start)
	var after, afterChildren syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &afterChildren)
	user := tvDelta(after.Utime, before.Utime) + tvDelta(afterChildren.Utime, beforeChildren.Utime)
	sys := tvDelta(after.Stime, before.Stime) + tvDelta(afterChildren.Stime, beforeChildren.Stime)
	fmt.Fprintf(hc.Stderr, "\nreal\t%s\nuser\t%s\nsys\t%s\n", bashDuration(real), bashDuration(user), bashDuration(sys))
	return err
}

func tvDelta(a, b syscall.Timeval) time.Duration {
	return time.Duration(a.Nano() - b.Nano())
}

func bashDuration(d time.Duration) string {
	return fmt.Sprintf("%dm%.3fs", int(d.Minutes()), d.Seconds()-60*float64(int(d.Minutes())))
}

// rlimInfinity is RLIM_INFINITY as the kernel reports it.
const rlimInfinity = ^uint64(0)

// pendingTrapCommand runs the traps of signals received from outside, at
// the next command, then that command, as bash runs a trap once the
// command under way has finished.
const pendingTrapCommand = "__devstack_pending_traps"

// Signal takes a signal sent to the process: if the script traps it, the
// trap is run before its next command and Signal returns true; otherwise
// the caller deals with it.
func (s *Session) Signal(sig os.Signal) bool {
	sysSig, ok := sig.(syscall.Signal)
	if !ok {
		return false
	}
	for name, n := range signalNumbers {
		if n != sysSig {
			continue
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, trapped := s.traps[name]; !trapped {
			return false
		}
		s.pendingSignals = append(s.pendingSignals, name)
		// A wait for jobs ends, and the trap runs.
		s.jobsChanged()
		return true
	}
	return false
}

func (s *Session) runPendingTraps(ctx context.Context, args []string) error {
	s.mu.Lock()
	pending := s.pendingSignals
	s.pendingSignals = nil
	s.mu.Unlock()
	for _, name := range pending {
		if err := s.deliver(ctx, name); err != nil {
			return err
		}
	}
	return interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", quoteArgs(args, 0)})
}
