package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
)

// LocalConf is a parsed local.conf: its meta-sections [[PHASE|FILE]].
type LocalConf struct {
	Path     string
	Sections []MetaSection // in file order
}

// MetaSection is one [[PHASE|FILE]] header and the lines under it.
type MetaSection struct {
	Phase string // "local", "post-config", "extra", "post-extra", "test-config", ...
	File  string // "localrc", "$NOVA_CONF", "/etc/foo.conf", unexpanded
	Line  int    // 1-based line number of the header
	Body  []Line // the lines after the header up to the next header

	source string // local.conf's display name, for errors from Options
}

// Line is one line of local.conf, without its newline.
type Line struct {
	Num  int
	Text string
}

// ParseError is a mistake in local.conf, located by line.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ParseLocalConf reads the local.conf at path; errors name it as given. A
// missing file is no error, as DevStack runs without one.
func ParseLocalConf(path string) (*LocalConf, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &LocalConf{Path: path}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(path, f)
}

// Parse reads a local.conf from r; name is how errors refer to it.
//
// A header is a line starting with "[[" directly followed by its phase, as
// DevStack's pattern requires it at column 0. DevStack skips whatever it
// cannot read as a header, or reads it as a header with an empty phase or
// file, and silently drops the settings that follow; here such lines are
// errors. The one exception is a line starting with "[[" and a blank, which
// in a [[local|localrc]] body is a shell test such as "[[ -f x ]] && ...":
// it stays body text unless it can only be a header with blanks in it.
func Parse(name string, r io.Reader) (*LocalConf, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	conf := &LocalConf{Path: name}
	var cur *MetaSection
	for i, text := range splitLines(string(data)) {
		num := i + 1
		isHeader, phase, file, msg := parseHeader(text)
		if msg != "" {
			return nil, &ParseError{File: name, Line: num, Msg: msg}
		}
		if isHeader {
			conf.Sections = append(conf.Sections, MetaSection{Phase: phase, File: file, Line: num, source: name})
			cur = &conf.Sections[len(conf.Sections)-1]
			continue
		}
		if cur == nil {
			if t := strings.TrimLeft(text, " \t\r"); t != "" && !strings.HasPrefix(t, "#") {
				return nil, &ParseError{File: name, Line: num, Msg: fmt.Sprintf("%q comes before the first [[PHASE|FILE]] header", text)}
			}
			continue
		}
		cur.Body = append(cur.Body, Line{Num: num, Text: text})
	}
	return conf, nil
}

// splitLines splits text into lines; a final newline ends the last line
// rather than starting an empty one.
func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// spacedHeader is a header with blanks around its parts, which is never
// valid shell, so a line like it is a mistyped header.
var spacedHeader = regexp.MustCompile(`^\[\[[ \t]+[^] \t|[]+[ \t]*\|[ \t]*[^] \t|[]+[ \t]*\]\][ \t\r]*(#.*)?$`)

// parseHeader tells whether text is a meta-section header and gives its
// parts, or says what is wrong with it.
func parseHeader(text string) (isHeader bool, phase, file, msg string) {
	if !strings.HasPrefix(text, "[[") {
		return false, "", "", ""
	}
	if len(text) > 2 && (text[2] == ' ' || text[2] == '\t') {
		if spacedHeader.MatchString(text) {
			return false, "", "", fmt.Sprintf("meta-section header %q holds blanks", strings.TrimRight(text, " \t\r"))
		}
		return false, "", "", ""
	}
	end := strings.Index(text, "]]")
	if end < 0 {
		return false, "", "", fmt.Sprintf("meta-section header %q is not closed by \"]]\"", strings.TrimRight(text, " \t\r"))
	}
	header, rest := text[:end+2], text[end+2:]
	inner := text[2:end]
	if t := strings.TrimLeft(rest, " \t\r"); t != "" && (t == rest || !strings.HasPrefix(t, "#")) {
		return false, "", "", fmt.Sprintf("unexpected text %q after meta-section header %q", rest, header)
	}
	switch {
	case strings.ContainsAny(inner, " \t"):
		msg = "holds blanks"
	case strings.ContainsAny(inner, "[]"):
		msg = "holds a stray bracket"
	case !strings.Contains(inner, "|"):
		msg = `has no "|FILE"`
	case strings.Count(inner, "|") > 1:
		msg = `has more than one "|"`
	default:
		phase, file, _ = strings.Cut(inner, "|")
		if phase == "" {
			msg = "has an empty phase"
		} else if file == "" {
			msg = "has an empty file"
		}
	}
	if msg != "" {
		return false, "", "", fmt.Sprintf("meta-section header %q %s", header, msg)
	}
	return true, phase, file, ""
}

// Localrc returns the text of every [[local|localrc]] section, in file
// order, one newline-terminated line per body line, as DevStack extracts it
// into .localrc.auto. ok is false when there is no such section.
func (c *LocalConf) Localrc() (script string, ok bool) {
	var b strings.Builder
	for _, s := range c.Sections {
		if s.Phase != "local" || s.File != "localrc" {
			continue
		}
		ok = true
		for _, l := range s.Body {
			b.WriteString(l.Text)
			b.WriteByte('\n')
		}
	}
	return b.String(), ok
}

// Phase returns the sections of phase, in file order.
func (c *LocalConf) Phase(phase string) []MetaSection {
	var out []MetaSection
	for _, s := range c.Sections {
		if s.Phase == phase {
			out = append(out, s)
		}
	}
	return out
}

// Files returns the distinct FILE names of phase's sections, unexpanded,
// in order of first appearance: the files DevStack merges for that phase.
func (c *LocalConf) Files(phase string) []string {
	var files []string
	seen := map[string]bool{}
	for _, s := range c.Sections {
		if s.Phase == phase && !seen[s.File] {
			seen[s.File] = true
			files = append(files, s.File)
		}
	}
	return files
}

// FileOptions returns the options of every [[phase|file]] section taken
// together, as DevStack reads all of them as one fragment: an option set in
// two sections for the same file gets both values, as if repeated in one.
func (c *LocalConf) FileOptions(phase, file string) ([]Option, error) {
	var all []Option
	for _, s := range c.Sections {
		if s.Phase != phase || s.File != file {
			continue
		}
		opts, err := s.Options()
		if err != nil {
			return nil, err
		}
		all = append(all, opts...)
	}
	return combine(all), nil
}

// Validate parses the body of every section but [[local|...]] ones (shell,
// not INI), so that a mistake is reported before anything runs rather than
// when its phase comes.
func (c *LocalConf) Validate() error {
	for _, s := range c.Sections {
		if s.Phase == "local" {
			continue
		}
		if _, err := s.Options(); err != nil {
			return err
		}
	}
	return nil
}

// Option is one option of an INI fragment. Values holds the value of each
// line setting it, in order; more than one makes it a multi-line option.
// Values are as written in local.conf, trimmed of blanks: DevStack expands
// variables in them when it merges, which is the caller's to do (see
// ExpandOptions).
type Option struct {
	Section, Name string
	Values        []string
	Line          int // the line that first sets it
}

// Options parses the body as an INI fragment, with DevStack's rules: the
// name is everything before the first "=", the value everything after it,
// both trimmed of blanks; blank lines and lines whose first non-blank is
// "#" are skipped. Where DevStack silently drops a line (an option before
// any [section], an indented line, a line without "=") or garbles it (a
// section name with blanks or text after its "]"), this is an error.
func (m MetaSection) Options() ([]Option, error) {
	source := m.source
	if source == "" {
		source = "local.conf"
	}
	fail := func(l Line, format string, args ...any) ([]Option, error) {
		return nil, &ParseError{File: source, Line: l.Num, Msg: fmt.Sprintf(format, args...)}
	}
	var opts []Option
	index := map[[2]string]int{}
	section, haveSection := "", false
	for _, l := range m.Body {
		text := strings.TrimRight(l.Text, "\r")
		trimmed := strings.TrimLeft(text, " \t")
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			continue
		case trimmed != text:
			return fail(l, "indented line %q is neither an option nor a comment", text)
		case strings.HasPrefix(text, "["):
			name, msg := parseSection(text)
			if msg != "" {
				return fail(l, "%s", msg)
			}
			section, haveSection = name, true
			continue
		}
		name, value, ok := strings.Cut(text, "=")
		if !ok {
			return fail(l, "%q is not \"option = value\"", text)
		}
		name = strings.TrimRight(name, " \t")
		value = strings.Trim(value, " \t")
		if name == "" {
			return fail(l, "%q has no option name", text)
		}
		if !haveSection {
			return fail(l, "option %q comes before any [section] header", name)
		}
		key := [2]string{section, name}
		if i, seen := index[key]; seen {
			opts[i].Values = append(opts[i].Values, value)
			continue
		}
		index[key] = len(opts)
		opts = append(opts, Option{Section: section, Name: name, Values: []string{value}, Line: l.Num})
	}
	return opts, nil
}

// parseSection reads a "[section]" line, allowing a comment after it.
func parseSection(text string) (name, msg string) {
	end := strings.IndexByte(text, ']')
	if end < 0 {
		return "", fmt.Sprintf("section header %q is not closed by \"]\"", text)
	}
	name, rest := text[1:end], text[end+1:]
	if t := strings.TrimLeft(rest, " \t"); t != "" && (t == rest || !strings.HasPrefix(t, "#")) {
		return "", fmt.Sprintf("unexpected text %q after section header %q", rest, text[:end+1])
	}
	switch {
	case name == "":
		return "", fmt.Sprintf("section header %q has an empty name", text[:end+1])
	case strings.ContainsAny(name, " \t"):
		return "", fmt.Sprintf("section header %q holds blanks", text[:end+1])
	case strings.Contains(name, "["):
		return "", fmt.Sprintf("section header %q holds a stray bracket", text[:end+1])
	}
	return name, ""
}

// ExpandOptions returns opts with expand applied to every section, name
// and value. DevStack runs each of them through the shell (its merge
// evaluates `iniset FILE SECTION NAME "VALUE"`), so expand should treat a
// value as a double-quoted word.
func ExpandOptions(opts []Option, expand func(string) (string, error)) ([]Option, error) {
	out := make([]Option, len(opts))
	for i, o := range opts {
		var err error
		e := Option{Line: o.Line, Values: make([]string, len(o.Values))}
		if e.Section, err = expand(o.Section); err != nil {
			return nil, err
		}
		if e.Name, err = expand(o.Name); err != nil {
			return nil, err
		}
		for j, v := range o.Values {
			if e.Values[j], err = expand(v); err != nil {
				return nil, err
			}
		}
		out[i] = e
	}
	return out, nil
}

// KnownPhases are the meta-section phases DevStack reads.
var KnownPhases = []string{"local", "post-config", "extra", "post-extra", "test-config"}

// UnknownPhases returns a message, naming local.conf and the line, for
// every section whose phase DevStack never reads (a typo such as
// post-confg), whose settings would otherwise be dropped without a word.
func (c *LocalConf) UnknownPhases() []string {
	var msgs []string
	for _, s := range c.Sections {
		if !slices.Contains(KnownPhases, s.Phase) {
			msgs = append(msgs, fmt.Sprintf("%s:%d: [[%s|%s]]: no phase is called %q (known: %s); the section is ignored",
				s.source, s.Line, s.Phase, s.File, s.Phase, strings.Join(KnownPhases, ", ")))
		}
	}
	return msgs
}
