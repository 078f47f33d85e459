package bash

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// Scripts call a few small programs many times over, each call a process
// of its own: `tr '[:upper:]' '[:lower:]'`, `cut -d. -f1`, `basename
// PATH`, `uname -m`. For the plain forms of these, with fixed arguments
// and no files named, coreutil answers in the session with the program's
// output and status, byte for byte (coreutils_test.go runs both on the
// same input). Only a program PATH finds in /usr/bin or /bin is answered
// so: a command of the same name found first on PATH (a wrapper, a
// recording stub) runs as it is. Any other form runs the program.
//
// The commands: tr SET1 SET2, tr -d SET, tr -cd SET (SETs of characters,
// backslash escapes, ranges, and the character classes upper, lower,
// digit, alpha, alnum, space, blank; upper and lower translated only to
// each other, whole); cut -c LIST, cut -f LIST -d DELIM (LIST one number
// or range), reading standard input; basename NAME [SUFFIX]; dirname
// NAME; uname -s, -n, -r, -m; date +FORMAT of seconds and fractions
// since the epoch (%s, %N, %3N, %6N, %9N), which no time zone or locale
// changes; wc -l on standard input; id -u, id -g; sed with substitutions
// of literal text (s/TEXT/REPLACEMENT/ and s/TEXT/REPLACEMENT/g, any
// delimiter) and deletions of lines holding a word (/WORD/d), in one or
// more -e, on standard input; head -N, head -n
// N on standard input; awk '{print $N}' and awk '/WORD/ {print $N}' on
// standard input, optionally with -F C (coreutils_text.go); sed scripts
// of the forms DevStack edits its configuration files with, and grep -q
// PATTERN FILE (sedfile.go).

// coreutilFunc runs one in-process command on the streams given, and
// returns its exit status.
type coreutilFunc func(stdin io.Reader, stdout, stderr io.Writer) int

// coreutil returns the in-process form of a command, when path (where
// PATH found it) is the system's program and args are a form it knows.
// env is the shell's, of which a program sees the exported variables.
func coreutil(path string, args []string, env expand.Environ, dir string) (coreutilFunc, bool) {
	name := args[0]
	if path != "/usr/bin/"+name && path != "/bin/"+name {
		return nil, false
	}
	switch name {
	case "tr":
		if !byteLocale(env) {
			return nil, false
		}
		return trCommand(args[1:])
	case "cut":
		return cutCommand(args[1:])
	case "basename":
		return basenameCommand(args[1:])
	case "dirname":
		return dirnameCommand(args[1:])
	case "uname":
		return unameCommand(args[1:])
	case "date":
		return dateCommand(args[1:])
	case "wc":
		return wcCommand(args[1:])
	case "id":
		return idCommand(args[1:])
	case "sed":
		if !byteLocale(env) {
			return nil, false
		}
		if run, ok := sedCommand(args[1:]); ok {
			return run, true
		}
		return sedFileCommand(args[1:], dir, env)
	case "grep":
		if !byteLocale(env) {
			return nil, false
		}
		return grepFileCommand(args[1:], dir)
	case "head":
		return headCommand(args[1:])
	case "awk":
		return awkCommand(args[1:])
	}
	return nil, false
}

// runCoreutil runs a command in-process when coreutil knows it; done is
// false when the program must run.
func (s *Session) runCoreutil(ctx context.Context, path string, args []string) (done bool, err error) {
	hc := interp.HandlerCtx(ctx)
	run, ok := coreutil(path, args, hc.Env, hc.Dir)
	if !ok {
		return false, nil
	}
	stdin := hc.Stdin
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	if status := run(stdin, hc.Stdout, hc.Stderr); status != 0 {
		return true, interp.ExitStatus(uint8(status))
	}
	return true, nil
}

// byteLocale reports whether a program started from env works in a
// locale whose character classes hold ASCII bytes only: C, POSIX or
// UTF-8, where tr, which works on bytes, leaves every other byte alone.
func byteLocale(env expand.Environ) bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		vr := env.Get(name)
		if !vr.IsSet() || !vr.Exported || vr.String() == "" {
			continue
		}
		v := strings.ToLower(vr.String())
		return v == "c" || v == "posix" || strings.HasSuffix(v, ".utf-8") || strings.HasSuffix(v, ".utf8")
	}
	return true
}

// writeStatus is a program's status after writing to stdout failed: a
// closed pipe kills it with SIGPIPE, as the shell reports it.
func writeStatus(name string, err error, stderr io.Writer) int {
	if errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrClosedPipe) {
		return 128 + int(syscall.SIGPIPE)
	}
	fmt.Fprintf(stderr, "%s: write error: %v\n", name, err)
	return 1
}

// trClasses are the character classes tr sets may name, in the C locale.
var trClasses = map[string]func(c byte) bool{
	"upper": func(c byte) bool { return c >= 'A' && c <= 'Z' },
	"lower": func(c byte) bool { return c >= 'a' && c <= 'z' },
	"digit": func(c byte) bool { return c >= '0' && c <= '9' },
	"alpha": func(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' },
	"alnum": func(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' },
	"space": func(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' },
	"blank": func(c byte) bool { return c == ' ' || c == '\t' },
}

// trSet expands a tr set to its bytes in order; classes reports whether
// it named a class. ok is false for what this form does not take:
// equivalence classes, repeats, octal escapes, an unknown class, a range
// going down.
func trSet(set string) (chars []byte, classes bool, ok bool) {
	var lits []byte
	for i := 0; i < len(set); i++ {
		c := set[i]
		switch {
		case c == '[' && i+1 < len(set) && set[i+1] == ':':
			end := strings.Index(set[i+2:], ":]")
			if end < 0 {
				return nil, false, false
			}
			in, known := trClasses[set[i+2:i+2+end]]
			if !known {
				return nil, false, false
			}
			for b := 0; b < 256; b++ {
				if in(byte(b)) {
					lits = append(lits, byte(b))
				}
			}
			classes = true
			i += 2 + end + 1
			continue
		case c == '[' && i+1 < len(set) && set[i+1] == '=':
			return nil, false, false
		case c == '[' && i+2 < len(set) && set[i+2] == '*':
			return nil, false, false
		case c == '\\':
			if i+1 >= len(set) {
				return nil, false, false
			}
			i++
			e, known := map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', 'a': '\a', 'b': '\b', 'f': '\f', 'v': '\v'}[set[i]]
			if !known {
				return nil, false, false
			}
			c = e
		}
		if i+2 < len(set) && set[i+1] == '-' {
			hi := set[i+2]
			if hi == '\\' || hi == '[' || hi < c {
				return nil, false, false
			}
			for b := int(c); b <= int(hi); b++ {
				lits = append(lits, byte(b))
			}
			i += 2
			continue
		}
		lits = append(lits, c)
	}
	return lits, classes, true
}

func trCommand(args []string) (coreutilFunc, bool) {
	var table [256]byte
	var drop [256]bool
	switch {
	case len(args) == 2 && (args[0] == "-d" || args[0] == "-cd" || args[0] == "-dc"):
		set, _, ok := trSet(args[1])
		if !ok {
			return nil, false
		}
		complement := args[0] != "-d"
		for b := range drop {
			drop[b] = complement
		}
		for _, c := range set {
			drop[c] = !complement
		}
	case len(args) == 2 && args[0] != "" && (args[0] == "-" || args[0][0] != '-') && args[1] != "":
		from, fromClasses, ok1 := trSet(args[0])
		to, toClasses, ok2 := trSet(args[1])
		if !ok1 || !ok2 || len(from) == 0 || len(to) == 0 {
			return nil, false
		}
		casePair := (args[0] == "[:upper:]" || args[0] == "[:lower:]") && (args[1] == "[:upper:]" || args[1] == "[:lower:]") && args[0] != args[1]
		if (fromClasses || toClasses) && !casePair {
			return nil, false
		}
		for b := range table {
			table[b] = byte(b)
		}
		for i, c := range from {
			// SET2 is extended by its last character.
			table[c] = to[min(i, len(to)-1)]
		}
	default:
		return nil, false
	}
	deleting := len(args[0]) > 1 && args[0][0] == '-'
	return func(stdin io.Reader, stdout, stderr io.Writer) int {
		buf := make([]byte, 32<<10)
		for {
			n, err := stdin.Read(buf)
			if n > 0 {
				out := buf[:0]
				for _, c := range buf[:n] {
					if deleting {
						if !drop[c] {
							out = append(out, c)
						}
					} else {
						out = append(out, table[c])
					}
				}
				if _, werr := stdout.Write(out); werr != nil {
					return writeStatus("tr", werr, stderr)
				}
			}
			if err == io.EOF {
				return 0
			}
			if err != nil {
				fmt.Fprintf(stderr, "tr: read error: %v\n", err)
				return 1
			}
		}
	}, true
}

// cutRange parses a LIST of one number or range: N, N-, N-M, -M.
func cutRange(list string) (lo, hi int, ok bool) {
	atoi := func(s string) (int, bool) {
		if s == "" || strings.TrimLeft(s, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		return n, err == nil && n > 0
	}
	a, b, isRange := strings.Cut(list, "-")
	if !isRange {
		n, ok := atoi(a)
		return n, n, ok
	}
	lo, hi = 1, int(^uint(0)>>1)
	if a != "" {
		if lo, ok = atoi(a); !ok {
			return 0, 0, false
		}
	}
	if b != "" {
		if hi, ok = atoi(b); !ok {
			return 0, 0, false
		}
	}
	if a == "" && b == "" || lo > hi {
		return 0, 0, false
	}
	return lo, hi, true
}

func cutCommand(args []string) (coreutilFunc, bool) {
	var chars, fields, delim string
	var haveChars, haveFields, haveDelim bool
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' || a[1] == '-' {
			return nil, false
		}
		value := a[2:]
		if value == "" {
			if i+1 >= len(args) {
				return nil, false
			}
			i++
			value = args[i]
		}
		switch a[1] {
		case 'c':
			chars, haveChars = value, true
		case 'f':
			fields, haveFields = value, true
		case 'd':
			delim, haveDelim = value, true
		default:
			return nil, false
		}
	}
	var lo, hi int
	var ok bool
	switch {
	case haveChars && !haveFields && !haveDelim:
		lo, hi, ok = cutRange(chars)
	case haveFields && !haveChars && haveDelim && len(delim) == 1:
		lo, hi, ok = cutRange(fields)
	}
	if !ok {
		return nil, false
	}
	return func(stdin io.Reader, stdout, stderr io.Writer) int {
		lines := lineFilter{name: "cut", readError: "read error", status: 1, alwaysNewline: true}
		return lines.run(stdin, stdout, stderr, func(line string) string {
			switch {
			case haveChars:
				if lo <= len(line) {
					return line[lo-1 : min(hi, len(line))]
				}
				return ""
			case !strings.Contains(line, delim):
				return line
			}
			parts := strings.Split(line, delim)
			if lo <= len(parts) {
				return strings.Join(parts[lo-1:min(hi, len(parts))], delim)
			}
			return ""
		})
	}, true
}

// plainOperands reports whether args are operands alone, none of which
// could be read as an option.
func plainOperands(args []string, lo, hi int) bool {
	if len(args) < lo || len(args) > hi {
		return false
	}
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			return false
		}
	}
	return true
}

// printLine is a command that prints one line.
func printLine(name, line string) coreutilFunc {
	return func(_ io.Reader, stdout, stderr io.Writer) int {
		if _, err := io.WriteString(stdout, line+"\n"); err != nil {
			return writeStatus(name, err, stderr)
		}
		return 0
	}
}

func basenameCommand(args []string) (coreutilFunc, bool) {
	if !plainOperands(args, 1, 2) {
		return nil, false
	}
	name := args[0]
	base := strings.TrimRight(name, "/")
	switch {
	case name == "":
		base = ""
	case base == "":
		base = "/"
	default:
		base = base[strings.LastIndexByte(base, '/')+1:]
		if len(args) == 2 && args[1] != base {
			base = strings.TrimSuffix(base, args[1])
		}
	}
	return printLine("basename", base), true
}

func dirnameCommand(args []string) (coreutilFunc, bool) {
	if !plainOperands(args, 1, 1) {
		return nil, false
	}
	dir := strings.TrimRight(args[0], "/")
	switch {
	case args[0] != "" && dir == "":
		dir = "/"
	case !strings.Contains(dir, "/"):
		dir = "."
	default:
		dir = strings.TrimRight(dir[:strings.LastIndexByte(dir, '/')], "/")
		if dir == "" {
			dir = "/"
		}
	}
	return printLine("dirname", dir), true
}

func unameCommand(args []string) (coreutilFunc, bool) {
	if len(args) != 1 {
		return nil, false
	}
	var u syscall.Utsname
	if syscall.Uname(&u) != nil {
		return nil, false
	}
	var field string
	switch args[0] {
	case "-s":
		field = cString(u.Sysname[:])
	case "-n":
		field = cString(u.Nodename[:])
	case "-r":
		field = cString(u.Release[:])
	case "-m":
		field = cString(u.Machine[:])
	default:
		return nil, false
	}
	return printLine("uname", field), true
}

// cString is the text of a NUL-terminated field of a system structure.
func cString[T int8 | uint8](field []T) string {
	var b strings.Builder
	for _, c := range field {
		if c == 0 {
			break
		}
		b.WriteByte(byte(c))
	}
	return b.String()
}

func dateCommand(args []string) (coreutilFunc, bool) {
	if len(args) != 1 || !strings.HasPrefix(args[0], "+") {
		return nil, false
	}
	format := args[0][1:]
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		rest := format[i+1:]
		switch {
		case strings.HasPrefix(rest, "s"), strings.HasPrefix(rest, "N"):
			i++
		case len(rest) >= 2 && strings.Contains("369", rest[:1]) && rest[1] == 'N':
			i += 2
		default:
			return nil, false
		}
	}
	return func(_ io.Reader, stdout, stderr io.Writer) int {
		now := time.Now()
		nanos := fmt.Sprintf("%09d", now.Nanosecond())
		var b strings.Builder
		for i := 0; i < len(format); i++ {
			if format[i] != '%' {
				b.WriteByte(format[i])
				continue
			}
			switch c := format[i+1]; c {
			case 's':
				b.WriteString(strconv.FormatInt(now.Unix(), 10))
				i++
			case 'N':
				b.WriteString(nanos)
				i++
			default:
				// %3N and the others: the first digits, as date cuts
				// them.
				b.WriteString(nanos[:c-'0'])
				i += 2
			}
		}
		return printLine("date", b.String())(nil, stdout, stderr)
	}, true
}

func wcCommand(args []string) (coreutilFunc, bool) {
	if len(args) != 1 || args[0] != "-l" {
		return nil, false
	}
	return func(stdin io.Reader, stdout, stderr io.Writer) int {
		buf := make([]byte, 32<<10)
		lines := 0
		for {
			n, err := stdin.Read(buf)
			for _, c := range buf[:n] {
				if c == '\n' {
					lines++
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				fmt.Fprintf(stderr, "wc: 'standard input': %v\n", err)
				return 1
			}
		}
		return printLine("wc", strconv.Itoa(lines))(nil, stdout, stderr)
	}, true
}

func idCommand(args []string) (coreutilFunc, bool) {
	if len(args) != 1 {
		return nil, false
	}
	switch args[0] {
	case "-u":
		return printLine("id", strconv.Itoa(os.Geteuid())), true
	case "-g":
		return printLine("id", strconv.Itoa(os.Getegid())), true
	}
	return nil, false
}

// sedSubst is one s command of literal text, or with deleteLine the
// command /WORD/d, which deletes the lines holding pattern.
type sedSubst struct {
	pattern, replacement string
	global               bool
	deleteLine           bool
}

// sedLiteral reads one part of an s command up to delim: the pattern
// (a basic regular expression of literal characters, those special to
// it escaped) or the replacement (& for the text matched); ok is false
// for anything else, and for a part that does not end with delim.
func sedLiteral(text string, delim byte, replacement bool, match string) (value, rest string, ok bool) {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == delim:
			return b.String(), text[i+1:], true
		case c == '\\':
			if i+1 >= len(text) {
				return "", "", false
			}
			i++
			e := text[i]
			switch {
			case e == '\\', e == '/' && delim == '/':
			case !replacement && strings.IndexByte(".*[]^$", e) >= 0:
			case replacement && (e == '&' || e == delim && e != '\n'):
			default:
				return "", "", false
			}
			b.WriteByte(e)
		case c == '\n' || c >= 0x80:
			return "", "", false
		case !replacement && strings.IndexByte(".*[]^$", c) >= 0:
			return "", "", false
		case replacement && c == '&':
			b.WriteString(match)
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

// sedDelete is /WORD/d, WORD letters, digits, - and _.
var sedDelete = regexp.MustCompile(`^/([A-Za-z0-9_-]+)/d$`)

// sedScript parses s<d>TEXT<d>REPLACEMENT<d>[g], or /WORD/d.
func sedScript(script string) (sedSubst, bool) {
	if m := sedDelete.FindStringSubmatch(script); m != nil {
		return sedSubst{pattern: m[1], deleteLine: true}, true
	}
	if len(script) < 2 || script[0] != 's' {
		return sedSubst{}, false
	}
	delim := script[1]
	if delim == '\\' || delim == '\n' || delim == ' ' || delim >= 0x80 {
		return sedSubst{}, false
	}
	pattern, rest, ok := sedLiteral(script[2:], delim, false, "")
	if !ok || pattern == "" {
		return sedSubst{}, false
	}
	replacement, flags, ok := sedLiteral(rest, delim, true, pattern)
	if !ok || flags != "" && flags != "g" {
		return sedSubst{}, false
	}
	return sedSubst{pattern: pattern, replacement: replacement, global: flags == "g"}, true
}

func sedCommand(args []string) (coreutilFunc, bool) {
	var scripts []string
	switch {
	case len(args) == 1 && !strings.HasPrefix(args[0], "-"):
		scripts = args
	case len(args) >= 2 && len(args)%2 == 0:
		for i := 0; i < len(args); i += 2 {
			if args[i] != "-e" {
				return nil, false
			}
			scripts = append(scripts, args[i+1])
		}
	default:
		return nil, false
	}
	var substs []sedSubst
	for _, script := range scripts {
		sub, ok := sedScript(script)
		if !ok {
			return nil, false
		}
		substs = append(substs, sub)
	}
	return func(stdin io.Reader, stdout, stderr io.Writer) int {
		lines := lineFilter{name: "sed", readError: "read error on stdin", status: 4}
		return lines.runSelect(stdin, stdout, stderr, func(text string) (string, bool) {
			for _, sub := range substs {
				switch {
				case sub.deleteLine:
					if strings.Contains(text, sub.pattern) {
						return "", false
					}
				case sub.global:
					text = strings.ReplaceAll(text, sub.pattern, sub.replacement)
				default:
					text = strings.Replace(text, sub.pattern, sub.replacement, 1)
				}
			}
			return text, true
		})
	}, true
}

// lineFilter is a program that writes each line of its input changed:
// cut and sed.
type lineFilter struct {
	name string
	// readError and status are the program's words and exit status for
	// input it cannot read.
	readError string
	status    int
	// alwaysNewline ends every line written with a newline, the last one
	// too where the input had none (cut); otherwise the last line keeps
	// the ending it had (sed).
	alwaysNewline bool
}

// run copies stdin to stdout a line at a time through edit, which gets
// each line without its newline.
func (f lineFilter) run(stdin io.Reader, stdout, stderr io.Writer, edit func(string) string) int {
	return f.runSelect(stdin, stdout, stderr, func(line string) (string, bool) { return edit(line), true })
}

// runSelect is run with an edit that also says whether to write the line.
func (f lineFilter) runSelect(stdin io.Reader, stdout, stderr io.Writer, edit func(string) (string, bool)) int {
	in := bufio.NewReader(stdin)
	out := bufio.NewWriter(stdout)
	for {
		line, err := in.ReadString('\n')
		if line != "" {
			text, newline := strings.CutSuffix(line, "\n")
			if text, keep := edit(text); keep {
				out.WriteString(text)
				if newline || f.alwaysNewline {
					out.WriteByte('\n')
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "%s: %s: %v\n", f.name, f.readError, err)
			return f.status
		}
	}
	if err := out.Flush(); err != nil {
		return writeStatus(f.name, err, stderr)
	}
	return 0
}
