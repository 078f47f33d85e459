// Package ini edits INI files the way DevStack's inc/ini-config does, so
// that configuration written by devstack is byte for byte what stack.sh
// would have written.
//
// DevStack's functions are sed scripts, and these functions keep their
// rules rather than those of an INI parser:
//
//   - A section starts at every line that begins with "[section]" (anything
//     may follow the bracket) and runs up to and including the next line that
//     begins with "[" and holds a "]". That line closes the section even when
//     it opens the same section again, so a repeated header directly after a
//     section's body is not seen as a section start.
//   - An option line is one that begins, at column 0, with the option name,
//     optional blanks and "=". Indented and commented lines are not options.
//   - New options are inserted directly after the section header, and after
//     every header of that section when the file repeats it.
//   - Section and option names are matched literally.
//
// Files are rewritten through a temporary file and a rename, keeping their
// mode; every line not concerned by the edit is written back unchanged,
// including a missing newline at the end of the file.
package ini

import (
	"fmt"
	"strings"
)

// isHeader tells whether text starts section.
func isHeader(text, section string) bool {
	return strings.HasPrefix(text, "["+section+"]")
}

// isAnyHeader tells whether text ends a section.
func isAnyHeader(text string) bool {
	return strings.HasPrefix(text, "[") && strings.Contains(text[1:], "]")
}

// inSection marks the lines of section with sed's range rules: the range
// opens on a header of the section, closes on the next header of any
// section (inclusive), and the closing line is not looked at to reopen it.
func (f *file) inSection(section string) []bool {
	in := make([]bool, len(f.lines))
	open := false
	for i, l := range f.lines {
		if !open {
			if isHeader(l.text, section) {
				open = true
				in[i] = true
			}
			continue
		}
		in[i] = true
		if isAnyHeader(l.text) {
			open = false
		}
	}
	return in
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// valueStart returns the index just after "option[ \t]*=" when text is a
// line of option, else -1.
func valueStart(text, option string) int {
	if !strings.HasPrefix(text, option) {
		return -1
	}
	i := len(option)
	for i < len(text) && isBlank(text[i]) {
		i++
	}
	if i < len(text) && text[i] == '=' {
		return i + 1
	}
	return -1
}

func skipBlanks(s string, i int) int {
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	return i
}

// words splits s as the shell's default IFS does. DevStack passes values
// through unquoted expansions, which is where its whitespace rules come
// from.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
}

// optionLines returns the indexes of the lines of option in section.
func (f *file) optionLines(section, option string) []int {
	var idx []int
	for i, in := range f.inSection(section) {
		if in && valueStart(f.lines[i].text, option) >= 0 {
			idx = append(idx, i)
		}
	}
	return idx
}

// checkNames refuses names that would split a line in two.
func checkNames(section, option string) error {
	if strings.Contains(section, "\n") {
		return fmt.Errorf("ini: section name %q contains a newline", section)
	}
	if strings.Contains(option, "\n") {
		return fmt.Errorf("ini: option name %q contains a newline", option)
	}
	return nil
}

// Get returns the value of option in section of the file at path (iniget).
// found is false when no line sets the option; a missing file is not an
// error.
//
// As in DevStack, blanks within the value are squeezed to single spaces and
// trimmed, and when several lines set the option the result is everything
// after the first "=" of the first line, all lines joined by spaces (for
// "a = 1" and "a = 2" it is "1 a = 2"); GetMultiline is meant for those.
func Get(path, section, option string) (string, bool, error) {
	f, err := load(path)
	if err != nil {
		return "", false, err
	}
	idx := f.optionLines(section, option)
	if len(idx) == 0 {
		return "", false, nil
	}
	texts := make([]string, len(idx))
	for n, i := range idx {
		texts[n] = f.lines[i].text
	}
	_, after, _ := strings.Cut(strings.Join(texts, "\n"), "=")
	return strings.Join(words(after), " "), true, nil
}

// GetMultiline returns the values of every line of option in section
// (iniget_multiline). DevStack returns them as one word list, so a value
// holding blanks comes back as several elements and an empty value as none.
// A missing file is not an error.
func GetMultiline(path, section, option string) ([]string, error) {
	f, err := load(path)
	if err != nil {
		return nil, err
	}
	var values []string
	for _, i := range f.optionLines(section, option) {
		text := f.lines[i].text
		values = append(values, words(text[valueStart(text, option):])...)
	}
	return values, nil
}

// Has tells whether a line sets option in section (ini_has_option), even to
// an empty value. A missing file is not an error.
func Has(path, section, option string) (bool, error) {
	f, err := load(path)
	if err != nil {
		return false, err
	}
	return len(f.optionLines(section, option)) > 0, nil
}

// Set sets option in section to value (iniset). Existing lines of the
// option keep their spacing around "=" and get the new value; otherwise
// "option = value" is inserted after the section header, and a missing
// section is appended to the end of the file after a blank line (which is
// why a file created by Set starts with an empty line). A missing file is
// created.
//
// As in DevStack, the value's blanks and newlines are squeezed to single
// spaces and trimmed, and an empty section or option does nothing.
func Set(path, section, option, value string) error {
	if section == "" || option == "" {
		return nil
	}
	if err := checkNames(section, option); err != nil {
		return err
	}
	f, err := load(path)
	if err != nil {
		return err
	}
	f.set(section, option, value)
	return f.save()
}

// set is Set on the file in memory, its names checked.
func (f *file) set(section, option, value string) {
	value = strings.Join(words(value), " ")
	f.ensureSection(section)
	idx := f.optionLines(section, option)
	if len(idx) == 0 {
		f.insertAfter(func(t string) bool { return isHeader(t, section) }, option+" = "+value)
	}
	for _, i := range idx {
		text := f.lines[i].text
		f.lines[i].text = text[:skipBlanks(text, valueStart(text, option))] + value
	}
}

// ensureSection appends section unless a line starts with its header
// anywhere in the file.
func (f *file) ensureSection(section string) {
	for _, l := range f.lines {
		if isHeader(l.text, section) {
			return
		}
	}
	f.appendRaw("\n[" + section + "]\n")
}

// Comment comments out every line of option in section by prefixing "#"
// (inicomment). The file must exist.
func Comment(path, section, option string) error {
	f, err := load(path)
	if err != nil {
		return err
	}
	if err := f.mustExist(); err != nil {
		return err
	}
	for _, i := range f.optionLines(section, option) {
		f.lines[i].text = "#" + f.lines[i].text
	}
	return f.save()
}

// Uncomment uncomments the lines of option in section (iniuncomment). As in
// DevStack, the comment is found anywhere in the line: the blank-free word
// holding the "#", and the blanks after it, are removed, so "  # opt = 1"
// becomes "  opt = 1" and "x = 1 #opt=2" becomes "x = 1 opt=2". The file
// must exist.
func Uncomment(path, section, option string) error {
	f, err := load(path)
	if err != nil {
		return err
	}
	if err := f.mustExist(); err != nil {
		return err
	}
	for i, in := range f.inSection(section) {
		if in {
			f.lines[i].text = uncomment(f.lines[i].text, option)
		}
	}
	return f.save()
}

// uncomment applies DevStack's s|[^ \t]*#[ \t]*\(option[ \t]*=.*$\)|\1|.
// The leftmost match can only start where a word starts, and among the
// "#"s of that word the regex's greedy prefix takes the last one that
// works.
func uncomment(text, option string) string {
	for start := 0; start < len(text); {
		if isBlank(text[start]) {
			start++
			continue
		}
		end := start
		for end < len(text) && !isBlank(text[end]) {
			end++
		}
		for hash := end - 1; hash >= start; hash-- {
			if text[hash] != '#' {
				continue
			}
			for opt := skipBlanks(text, hash+1); opt > hash; opt-- {
				if valueStart(text[opt:], option) >= 0 {
					return text[:start] + text[opt:]
				}
			}
		}
		start = end
	}
	return text
}

// Delete removes every line of option in section (inidelete). An empty
// section or option does nothing; otherwise the file must exist.
func Delete(path, section, option string) error {
	if section == "" || option == "" {
		return nil
	}
	f, err := load(path)
	if err != nil {
		return err
	}
	if err := f.mustExist(); err != nil {
		return err
	}
	f.deleteOption(section, option)
	return f.save()
}

func (f *file) deleteOption(section, option string) {
	in := f.inSection(section)
	out := f.lines[:0:0]
	for i, l := range f.lines {
		if in[i] && valueStart(l.text, option) >= 0 {
			continue
		}
		out = append(out, l)
	}
	f.lines = out
}

// checkLiteral refuses a value that would split a line in two.
func checkLiteral(value string) error {
	if strings.Contains(value, "\n") {
		return fmt.Errorf("ini: value %q contains a newline", value)
	}
	return nil
}

// AddLiteral inserts "option = value" directly after the section header,
// and after each repeated header of it, keeping the option's other lines
// (iniadd_literal). The value is written as given. Nothing happens when the
// section is absent or the section or option is empty; otherwise the file
// must exist.
func AddLiteral(path, section, option, value string) error {
	if section == "" || option == "" {
		return nil
	}
	if err := checkNames(section, option); err != nil {
		return err
	}
	if err := checkLiteral(value); err != nil {
		return err
	}
	f, err := load(path)
	if err != nil {
		return err
	}
	if err := f.mustExist(); err != nil {
		return err
	}
	f.insertAfter(func(t string) bool { return isHeader(t, section) }, option+" = "+value)
	return f.save()
}

// SetMultiline replaces the lines of option in section by one line per
// value, in order, directly after the section header (iniset_multiline). As
// in DevStack, values are split into words, so a value with blanks becomes
// several lines and an empty one none; to write values holding blanks use
// Set for one and AddLiteral for the others. A missing file or section is
// created as Set does. An empty section or option does nothing.
func SetMultiline(path, section, option string, values ...string) error {
	if section == "" || option == "" {
		return nil
	}
	if err := checkNames(section, option); err != nil {
		return err
	}
	var all []string
	for _, v := range values {
		all = append(all, words(v)...)
	}
	f, err := load(path)
	if err != nil {
		return err
	}
	hasHeader := false
	for _, l := range f.lines {
		if isHeader(l.text, section) {
			hasHeader = true
			break
		}
	}
	if hasHeader {
		f.deleteOption(section, option)
	} else {
		f.appendRaw("\n[" + section + "]\n")
	}
	// Each value goes directly after the header, so inserting them last
	// first leaves them in order.
	for i := len(all) - 1; i >= 0; i-- {
		f.insertAfter(func(t string) bool { return isHeader(t, section) }, option+" = "+all[i])
	}
	return f.save()
}

// Add appends values to the values of option in section, keeping the
// existing ones (iniadd). Like DevStack it does not remove duplicates, and
// it rewrites the option as SetMultiline does: every value is split into
// words and all of them end up directly after the header.
func Add(path, section, option string, values ...string) error {
	if section == "" || option == "" {
		return nil
	}
	existing, err := GetMultiline(path, section, option)
	if err != nil {
		return err
	}
	return SetMultiline(path, section, option, append(existing, values...)...)
}
