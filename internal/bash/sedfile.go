package bash

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/expand"
)

// DevStack reads and writes its configuration files with sed and grep,
// hundreds of times in a run (iniset, iniget, ini_has_option, merging
// local.conf): `sed -ne "/^\[$section\]/,/^\[.*\]/ { /^$option[ \t]*=/ p;
// }" FILE`, `sed -i -e "/^\[$section\]/ a\ ..." FILE`, `grep -q
// "^\[$section\]" FILE`. sedFileCommand and grepFileCommand answer these
// in the session: a script of regular-expression addresses (one, or a
// range), blocks { }, and the commands p, d, s (flags g and p) and a,
// with -n, -i and -e, on one file, of ASCII text, that exists as a
// regular file (not a link). Anything else (another command, a flag, a
// back-reference, stdin, two files, a missing file, which the program
// words its own error for) runs the program. coreutils_test.go runs both
// on the same files and scripts.

// sedCmd is one command of a sed script, with its address.
type sedCmd struct {
	from, to *regexp.Regexp // the address: none, one, or a range
	inRange  bool           // a range's state, for this run
	kind     byte           // 'p', 'd', 's', 'a' or '{'
	block    []*sedCmd      // the commands of a block

	re          *regexp.Regexp // s
	replacement []replPart     // s
	global      bool           // s///g
	print       bool           // s///p
	text        string         // a: the line or lines to append
}

// replPart is a piece of an s command's replacement: text, or a group
// of the match (0 for all of it, as &).
type replPart struct {
	text  string
	group int
}

// sedParser reads a script.
type sedParser struct {
	s string
	i int
}

// parseSed parses a whole script; ok is false for anything outside the
// forms answered here.
func parseSed(script string) (cmds []*sedCmd, ok bool) {
	p := &sedParser{s: script}
	cmds, ok = p.commands(false)
	if !ok || p.i != len(p.s) {
		return nil, false
	}
	return cmds, true
}

func (p *sedParser) skipSpace(newlines bool) {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || newlines && (p.s[p.i] == '\n' || p.s[p.i] == ';')) {
		p.i++
	}
}

// commands reads commands up to the end of the script or, in a block, up
// to the closing brace, which it consumes.
func (p *sedParser) commands(inBlock bool) ([]*sedCmd, bool) {
	var cmds []*sedCmd
	for {
		p.skipSpace(true)
		if p.i >= len(p.s) {
			return cmds, !inBlock
		}
		if p.s[p.i] == '}' {
			if !inBlock {
				return nil, false
			}
			p.i++
			return cmds, true
		}
		cmd, ok := p.command()
		if !ok {
			return nil, false
		}
		cmds = append(cmds, cmd)
	}
}

func (p *sedParser) command() (*sedCmd, bool) {
	cmd := &sedCmd{}
	var ok bool
	if p.i < len(p.s) && (p.s[p.i] == '/' || p.s[p.i] == '\\') {
		if cmd.from, ok = p.address(); !ok {
			return nil, false
		}
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			if cmd.to, ok = p.address(); !ok {
				return nil, false
			}
		}
	}
	p.skipSpace(false)
	if p.i >= len(p.s) {
		return nil, false
	}
	cmd.kind = p.s[p.i]
	p.i++
	switch cmd.kind {
	case '{':
		if cmd.block, ok = p.commands(true); !ok {
			return nil, false
		}
		return cmd, true
	case 'p', 'd':
	case 's':
		if !p.substitution(cmd) {
			return nil, false
		}
	case 'a':
		if !p.appendText(cmd) {
			return nil, false
		}
		return cmd, true
	default:
		return nil, false
	}
	// After a command: blanks, then its end.
	p.skipSpace(false)
	if p.i < len(p.s) && !strings.ContainsRune(";\n}", rune(p.s[p.i])) {
		return nil, false
	}
	return cmd, true
}

// delimited reads up to an unescaped delim, and returns the text with
// \delim made delim (or kept escaped when delim is special to regular
// expressions, to stay literal), and \n made a newline.
func (p *sedParser) delimited(delim byte, regex bool) (string, bool) {
	var b strings.Builder
	for ; p.i < len(p.s); p.i++ {
		c := p.s[p.i]
		switch {
		case c == delim:
			p.i++
			return b.String(), true
		case c == '\n':
			return "", false
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return "", false
			}
			p.i++
			e := p.s[p.i]
			switch {
			case e == delim && regex && strings.IndexByte(`.*[]^$+?(){}|`, e) >= 0:
				// What GNU sed makes of an escaped delimiter that is special
				// to regular expressions is left to it.
				return "", false
			case e == delim:
				b.WriteByte(e)
			case e == '\n' && !regex:
				b.WriteString("\\\n")
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}

// plainDelimiter reports whether c delimits the parts of an s command or
// an address without meaning more: not a letter, digit, blank, newline,
// backslash, & or a byte outside ASCII. DevStack's local.conf functions
// use \x01.
func plainDelimiter(c byte) bool {
	return c > 0 && c < 0x7f && c != '\n' && c != '\t' && c != ' ' && c != '\\' && c != '&' &&
		!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
}

// address reads /RE/ or \cREc.
func (p *sedParser) address() (*regexp.Regexp, bool) {
	delim := byte('/')
	if p.s[p.i] == '\\' {
		if p.i+1 >= len(p.s) {
			return nil, false
		}
		p.i++
		delim = p.s[p.i]
		if !plainDelimiter(delim) {
			return nil, false
		}
	}
	p.i++
	text, ok := p.delimited(delim, true)
	if !ok {
		return nil, false
	}
	// Flags of an address (I, M) are not answered here.
	if p.i < len(p.s) && (p.s[p.i] == 'I' || p.s[p.i] == 'M') {
		return nil, false
	}
	return breRegexp(text, true)
}

// substitution reads the rest of an s command.
func (p *sedParser) substitution(cmd *sedCmd) bool {
	if p.i >= len(p.s) {
		return false
	}
	delim := p.s[p.i]
	if !plainDelimiter(delim) {
		return false
	}
	p.i++
	pattern, ok := p.delimited(delim, true)
	if !ok {
		return false
	}
	if cmd.re, ok = breRegexp(pattern, true); !ok {
		return false
	}
	// A pattern that can match nothing moves along the line otherwise
	// in sed than in Go.
	if cmd.re.MatchString("") {
		return false
	}
	replacement, ok := p.delimited(delim, false)
	if !ok {
		return false
	}
	if cmd.replacement, ok = parseReplacement(replacement, cmd.re.NumSubexp()); !ok {
		return false
	}
	for p.i < len(p.s) && (p.s[p.i] == 'g' || p.s[p.i] == 'p') {
		if p.s[p.i] == 'g' {
			if cmd.global {
				return false
			}
			cmd.global = true
		} else {
			if cmd.print {
				return false
			}
			cmd.print = true
		}
		p.i++
	}
	return true
}

// parseReplacement reads an s command's replacement: & and \1 to \9 for
// the match, \& \\ for the characters, \n and an escaped newline for a
// newline.
func parseReplacement(s string, groups int) ([]replPart, bool) {
	var parts []replPart
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			parts = append(parts, replPart{text: text.String(), group: -1})
			text.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '&':
			flush()
			parts = append(parts, replPart{group: 0})
		case c == '\\':
			if i+1 >= len(s) {
				return nil, false
			}
			i++
			e := s[i]
			switch {
			case e >= '1' && e <= '9':
				if int(e-'0') > groups {
					return nil, false
				}
				flush()
				parts = append(parts, replPart{group: int(e - '0')})
			case e == 'n' || e == '\n':
				text.WriteByte('\n')
			case e == 't':
				text.WriteByte('\t')
			case strings.IndexByte(`&\/|#,:@%!.[]*^$-_=+ `, e) >= 0:
				text.WriteByte(e)
			default:
				// \L, \U, \E, \c and the like.
				return nil, false
			}
		case c >= 0x80:
			return nil, false
		default:
			text.WriteByte(c)
		}
	}
	flush()
	return parts, true
}

// appendText reads the text of an a command: `a\` then lines, each but
// the last ending in a backslash, or GNU's `a TEXT` to the end of the
// line. A backslash before another character is dropped.
func (p *sedParser) appendText(cmd *sedCmd) bool {
	p.skipSpace(false)
	oneLine := true
	if strings.HasPrefix(p.s[p.i:], "\\\n") {
		p.i += 2
		oneLine = false
	} else if p.i >= len(p.s) || p.s[p.i] == '\\' || p.s[p.i] == '\n' || p.s[p.i] == '}' || p.s[p.i] == ';' {
		// a\TEXT, an empty text, or text GNU sed reads otherwise.
		return false
	}
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case c == '\n':
			b.WriteByte('\n')
			cmd.text = b.String()
			return true
		case c == '\\':
			if p.i >= len(p.s) {
				return false
			}
			b.WriteByte(p.s[p.i])
			p.i++
		case c >= 0x80:
			return false
		default:
			b.WriteByte(c)
		}
	}
	// The text runs to the end of the script: sed ends it with a newline.
	if oneLine && b.Len() == 0 {
		return false
	}
	b.WriteByte('\n')
	cmd.text = b.String()
	return true
}

// sedRun is the state of one run of a script over a file.
type sedRun struct {
	quiet   bool
	out     bytes.Buffer
	pending bool     // the last line written had no newline: one is owed before more output
	appends []string // the a texts of this cycle
}

// write writes a line; newline is false for a last line that had none.
func (r *sedRun) write(line string, newline bool) {
	if r.pending {
		r.out.WriteByte('\n')
		r.pending = false
	}
	r.out.WriteString(line)
	if newline {
		r.out.WriteByte('\n')
	} else {
		r.pending = true
	}
}

// matches reports whether cmd's address selects line.
func (c *sedCmd) matches(line string) bool {
	switch {
	case c.from == nil:
		return true
	case c.to == nil:
		return c.from.MatchString(line)
	case c.inRange:
		if c.to.MatchString(line) {
			c.inRange = false
		}
		return true
	default:
		// A range's end is looked for from the line after its start.
		if c.from.MatchString(line) {
			c.inRange = true
			return true
		}
		return false
	}
}

// exec runs cmds on the pattern space; deleted is true after d.
func (r *sedRun) exec(cmds []*sedCmd, space *string, newline bool) (deleted bool) {
	for _, c := range cmds {
		if !c.matches(*space) {
			continue
		}
		switch c.kind {
		case '{':
			if r.exec(c.block, space, newline) {
				return true
			}
		case 'p':
			r.write(*space, newline)
		case 'd':
			return true
		case 'a':
			r.appends = append(r.appends, c.text)
		case 's':
			if changed, ok := c.substitute(*space); ok {
				*space = changed
				if c.print {
					r.write(*space, newline)
				}
			}
		}
	}
	return false
}

// substitute applies an s command to line; ok is false if nothing matched.
func (c *sedCmd) substitute(line string) (string, bool) {
	var matches [][]int
	if c.global {
		matches = c.re.FindAllStringSubmatchIndex(line, -1)
	} else if m := c.re.FindStringSubmatchIndex(line); m != nil {
		matches = [][]int{m}
	}
	if len(matches) == 0 {
		return line, false
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		b.WriteString(line[last:m[0]])
		for _, part := range c.replacement {
			if part.group < 0 {
				b.WriteString(part.text)
			} else if m[2*part.group] >= 0 {
				b.WriteString(line[m[2*part.group]:m[2*part.group+1]])
			}
		}
		last = m[1]
	}
	b.WriteString(line[last:])
	return b.String(), true
}

// run runs the script over the file's text.
func (r *sedRun) run(cmds []*sedCmd, text string) {
	for text != "" {
		line, rest, newline := strings.Cut(text, "\n")
		text = rest
		r.appends = r.appends[:0]
		space := line
		if !r.exec(cmds, &space, newline) && !r.quiet {
			r.write(space, newline)
		}
		for _, a := range r.appends {
			if r.pending {
				r.out.WriteByte('\n')
				r.pending = false
			}
			r.out.WriteString(a)
		}
	}
}

// hasCommand reports whether cmds use a command of kind, in blocks too.
func hasCommand(cmds []*sedCmd, kind byte) bool {
	for _, c := range cmds {
		if c.kind == kind || c.kind == '{' && hasCommand(c.block, kind) {
			return true
		}
	}
	return false
}

// maxPlainFile is the largest file answered in-process: configuration
// files are small; a log searched with grep may not be.
const maxPlainFile = 1 << 20

// readPlainFile reads name (relative to dir) when it is a regular file,
// not a link, of ASCII text, of at most maxPlainFile bytes; ok is false
// otherwise.
func readPlainFile(dir, name string) (path string, info os.FileInfo, text string, ok bool) {
	path = name
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() || info.Size() > maxPlainFile {
		return "", nil, "", false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, "", false
	}
	for _, c := range data {
		if c >= 0x80 || c == 0 {
			return "", nil, "", false
		}
	}
	return path, info, string(data), true
}

// sedFileCommand is sed [-n] [-i] -e SCRIPT... FILE, or sed [-n] [-i]
// SCRIPT FILE, with the script and file as sedFile describes; dir is the
// shell's directory.
func sedFileCommand(args []string, dir string, env expand.Environ) (coreutilFunc, bool) {
	var quiet, inPlace bool
	var scripts []string
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		switch a {
		case "-n":
			quiet = true
		case "-i":
			inPlace = true
		case "-e", "-ne":
			if i+1 >= len(args) {
				return nil, false
			}
			quiet = quiet || a == "-ne"
			i++
			scripts = append(scripts, args[i])
		default:
			if strings.HasPrefix(a, "-") {
				return nil, false
			}
		}
		if !strings.HasPrefix(a, "-") {
			break
		}
	}
	operands := args[i:]
	if len(scripts) == 0 {
		if len(operands) == 0 {
			return nil, false
		}
		scripts, operands = operands[:1], operands[1:]
	}
	if len(operands) != 1 || strings.HasPrefix(operands[0], "-") || env.Get("POSIXLY_CORRECT").Exported {
		return nil, false
	}
	cmds, ok := parseSed(strings.Join(scripts, "\n"))
	if !ok || hasCommand(cmds, 'a') && hasCommand(cmds, 'd') {
		return nil, false
	}
	path, info, text, ok := readPlainFile(dir, operands[0])
	if !ok {
		return nil, false
	}
	// Where sed could not write its new file, it words the error; a file
	// with an access control list, sed copies it to the new file.
	if inPlace && (syscall.Access(filepath.Dir(path), 2 /* W_OK */) != nil || hasACL(path)) {
		return nil, false
	}
	return func(_ io.Reader, stdout, stderr io.Writer) int {
		r := &sedRun{quiet: quiet}
		r.run(cmds, text)
		if !inPlace {
			if _, err := stdout.Write(r.out.Bytes()); err != nil {
				return writeStatus("sed", err, stderr)
			}
			return 0
		}
		if err := replaceFile(path, info, r.out.Bytes()); err != nil {
			fmt.Fprintf(stderr, "sed: %v\n", err)
			return 4
		}
		return 0
	}, true
}

// hasACL reports whether a file has an access control list.
func hasACL(path string) bool {
	_, err := syscall.Getxattr(path, "system.posix_acl_access", nil)
	return err == nil
}

// replaceFile writes data to a new file beside path, with its mode and
// owner, and renames it over path, as sed -i does.
func replaceFile(path string, info os.FileInfo, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "sed")
	if err != nil {
		return fmt.Errorf("couldn't open temporary file %s: %v", filepath.Join(filepath.Dir(path), "sedXXXXXX"), err)
	}
	tmp := f.Name()
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		// As sed, which keeps the owner where it may (as root).
		f.Chown(int(st.Uid), int(st.Gid))
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(info.Mode().Perm() | info.Mode()&(os.ModeSetuid|os.ModeSetgid|os.ModeSticky))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("couldn't edit %s: %v", path, err)
	}
	return nil
}

// grepFileCommand is grep -q PATTERN FILE, the pattern as breRegexp
// reads it for grep: status 0 when a line matches, else 1.
func grepFileCommand(args []string, dir string) (coreutilFunc, bool) {
	if len(args) != 3 || args[0] != "-q" || strings.HasPrefix(args[1], "-") || strings.HasPrefix(args[2], "-") {
		return nil, false
	}
	re, ok := breRegexp(args[1], false)
	if !ok {
		return nil, false
	}
	_, _, text, ok := readPlainFile(dir, args[2])
	if !ok {
		return nil, false
	}
	return func(io.Reader, io.Writer, io.Writer) int {
		for text != "" {
			var line string
			line, text, _ = strings.Cut(text, "\n")
			if re.MatchString(line) {
				return 0
			}
		}
		return 1
	}, true
}
