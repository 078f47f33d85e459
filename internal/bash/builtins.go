package bash

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/interp"
)

// Builtins the interpreter lacks, or runs differently from bash, are
// rewritten by compatCall to these commands and run here.
const (
	umaskCommand  = "__devstack_umask"
	ulimitCommand = "__devstack_ulimit"
	killCommand   = "__devstack_kill"
	trapCommand   = "__devstack_trap"
	errTrap       = "__devstack_errtrap"
)

// builtins maps the commands above to their implementations.
func (s *Session) builtins() map[string]Func {
	return map[string]Func{
		printfCommand:      s.printf,
		umaskCommand:       s.umask,
		ulimitCommand:      s.ulimit,
		killCommand:        s.kill,
		trapCommand:        s.trap,
		errTrap:            s.runErrTrap,
		timeCommand:        s.timeCommand,
		unsetCommand:       s.unset,
		subshellCommand:    s.enterSubshell,
		subshellEndCommand: s.leaveSubshell,
		timeStartCommand:   s.startTiming,
		timeEndCommand:     s.endTiming,
		arraySetCommand:    s.arraySet,
		callerCommand:      s.caller,
		declCommand:        s.declare,
		refCheckCommand:    s.namerefCheckCall,
		guardCommand:       s.guard,
		arithCommand:       s.arith,
		arithValueCommand:  s.arithValue,
		xtraceCommand:      s.xtrace,
		setListCommand:     s.setList,
		grepCommand:        s.grep,
		optionSaveCommand:  s.optionSave,
		pendingTrapCommand: s.runPendingTraps,
		letCommand:         s.let,
		secondsCommand:     s.setSeconds,
		jobCommand:         s.startJob,
		jobsCommand:        s.jobsBuiltin,
		waitCommand:        s.wait,
		disownCommand:      s.disown,
		ereQuoteCommand:    ereQuoteBuiltin,
		pushdCommand:       s.pushd,
		popdCommand:        s.popd,
		dirsCommand:        s.dirs,
		setVarsCommand:     s.setVars,
		fileTestCommand:    s.fileTest,
		readCommand:        s.read,
		shoptCommand:       s.shopt,
		typeCommand:        s.typeBuiltin,
		commandCommand:     s.commandDescribe,
		subscriptCommand:   s.subscript,
		viewsCommand:       s.views,
		arrayAssignCommand: s.arrayAssign,
	}
}

// builtinOptions reads a builtin's one-letter options, bundled (-ab) or
// not, up to its first operand or --, giving take each letter. A letter
// take refuses is reported as bash reports it, with the builtin's usage,
// and ends the builtin with status 2. It returns the operands.
func (s *Session) builtinOptions(hc interp.HandlerContext, name, usage string, args []string, take func(c rune) bool) ([]string, error) {
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		if args[0] == "--" {
			return args[1:], nil
		}
		for _, c := range args[0][1:] {
			if !take(c) {
				s.shellError(hc, "%s: -%c: invalid option", name, c)
				fmt.Fprintf(hc.Stderr, "%s: usage: %s\n", name, usage)
				return nil, interp.ExitStatus(2)
			}
		}
		args = args[1:]
	}
	return args, nil
}

// umask prints or sets the file mode creation mask: -S prints it as the
// permissions it leaves, -p as a command; a mode is octal or symbolic
// (u=rwx,g+w,o-x), the permissions to leave.
func (s *Session) umask(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	symbolic, reusable := false, false
	args, err := s.builtinOptions(hc, "umask", "umask [-p] [-S] [mode]", args, func(c rune) bool {
		switch c {
		case 'S':
			symbolic = true
		case 'p':
			reusable = true
		default:
			return false
		}
		return true
	})
	if err != nil {
		return err
	}
	// Each shell has its own; the process's is the main shell's, which
	// its programs inherit (see withUmask for a subshell's).
	s.mu.Lock()
	shell := s.shellOf(hc)
	if shell == nil {
		shell = &shellState{umask: s.main.umask}
	}
	mask := shell.umask
	s.mu.Unlock()
	if len(args) == 0 {
		prefix := ""
		if reusable {
			prefix = "umask "
			if symbolic {
				prefix += "-S "
			}
		}
		if symbolic {
			fmt.Fprintln(hc.Stdout, prefix+symbolicMode(^mask&0o777))
		} else {
			fmt.Fprintf(hc.Stdout, "%s%04o\n", prefix, mask)
		}
		return nil
	}
	if args[0] != "" && args[0][0] >= '0' && args[0][0] <= '9' {
		n, err := strconv.ParseUint(args[0], 8, 32)
		if err != nil || n > 0o777 {
			fmt.Fprintf(hc.Stderr, "%s umask: %s: octal number out of range\n", s.bashWhere(hc.Pos.Line()), args[0])
			return interp.ExitStatus(1)
		}
		mask = int(n)
	} else {
		perm, err := applySymbolic(^mask&0o777, args[0])
		if err != nil {
			fmt.Fprintf(hc.Stderr, "%s umask: %v\n", s.bashWhere(hc.Pos.Line()), err)
			return interp.ExitStatus(1)
		}
		mask = ^perm & 0o777
	}
	s.mu.Lock()
	shell.umask = mask
	s.mu.Unlock()
	if shell == s.main {
		syscall.Umask(mask)
	}
	if symbolic {
		fmt.Fprintln(hc.Stdout, symbolicMode(^mask&0o777))
	}
	return nil
}

// applySymbolic applies a symbolic mode (chmod's clauses, comma
// separated) to permission bits.
func applySymbolic(perm int, mode string) (int, error) {
	for _, clause := range strings.Split(mode, ",") {
		i := 0
		who := 0
		for ; i < len(clause) && strings.IndexByte("ugoa", clause[i]) >= 0; i++ {
			who |= map[byte]int{'u': 0o700, 'g': 0o070, 'o': 0o007, 'a': 0o777}[clause[i]]
		}
		if who == 0 {
			who = 0o777
		}
		if i >= len(clause) || strings.IndexByte("+-=", clause[i]) < 0 {
			return 0, fmt.Errorf("`%c': invalid symbolic mode operator", clauseChar(clause, i))
		}
		op := clause[i]
		bits := 0
		for i++; i < len(clause); i++ {
			switch clause[i] {
			case 'r':
				bits |= 0o444
			case 'w':
				bits |= 0o222
			case 'x':
				bits |= 0o111
			default:
				return 0, fmt.Errorf("`%c': invalid symbolic mode character", clause[i])
			}
		}
		bits &= who
		switch op {
		case '+':
			perm |= bits
		case '-':
			perm &^= bits
		case '=':
			perm = perm&^who | bits
		}
	}
	return perm, nil
}

func clauseChar(clause string, i int) byte {
	if i < len(clause) {
		return clause[i]
	}
	return 0
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
		var traps map[string]string
		shell := s.shellOf(hc)
		switch {
		case shell == s.main && s.shownTraps != nil:
			// A job lists the traps of the shell that started it, until
			// it sets its own (jobprocess.go).
			traps = s.shownTraps
		case shell != nil:
			traps = shell.listing()
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
	s.mu.Lock()
	shell := s.shellOf(hc)
	s.mu.Unlock()
	if shell != s.main {
		return s.subshellTrap(ctx, shell, callback, specs, reset)
	}
	for _, spec := range specs {
		name, err := s.trapSpec(hc, spec)
		if err != nil {
			return err
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

// trapSpec is trapName for the trap builtin, which says, as bash does,
// when a spec names no signal.
func (s *Session) trapSpec(hc interp.HandlerContext, spec string) (string, error) {
	name, ok := trapName(spec)
	if !ok {
		s.shellError(hc, "trap: %s: invalid signal specification", spec)
		return "", interp.ExitStatus(1)
	}
	return name, nil
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
