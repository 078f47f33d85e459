package ini

import (
	"strings"
)

// Batch makes many edits to one file: Set, Delete and AddLiteral with the
// results of the functions of the same names applied one after the other,
// but with one read and one write, and each edit costing the lines it
// concerns rather than the whole file, so that merging thousands of
// options takes time in proportion to their number.
//
// The file is indexed once by the rules of this package (see the package
// comment): each line that starts a section, whether it opens the section's
// range or closes the one before, and each option line under the section
// whose range holds it. Edits only ever add or remove option lines, which
// never start or end a range, so the index stays true as they go: a new
// line sits after a header, in its range if the header opened it. Names
// that could make an option line look like a header (or a header match
// another section's name) take the slow way: the file as it stands, edited
// by the plain functions, then indexed again.
type Batch struct {
	f     *file
	nodes []node
	// top holds the file's lines in order, as indexes in nodes; the lines
	// inserted after a header hang from it.
	top []int
	// headers are the lines of each section name's headers; options the
	// option lines in each section's ranges, by section and option name.
	headers map[string][]int
	options map[[2]string][]int
	// endOpen and endSection tell whether the last header opened a range,
	// and of which section: where a section appended at the end stands.
	endOpen    bool
	endSection string
}

// node is a line of a Batch.
type node struct {
	line
	deleted bool
	// opener marks a header that opens its section's range.
	opener bool
	// after holds the lines inserted after a header, the first inserted
	// first; each new one goes directly after the header, so they are
	// written last first.
	after []int
}

// OpenBatch reads the file at path for a Batch of edits; a missing file is
// empty, and created by Save if an edit writes to it.
func OpenBatch(path string) (*Batch, error) {
	f, err := load(path)
	if err != nil {
		return nil, err
	}
	b := &Batch{f: f}
	b.index()
	return b, nil
}

// index builds the lines and their index from f.lines.
func (b *Batch) index() {
	b.nodes = make([]node, 0, len(b.f.lines))
	b.top = make([]int, 0, len(b.f.lines))
	b.headers = map[string][]int{}
	b.options = map[[2]string][]int{}
	b.endOpen, b.endSection = false, ""
	for _, l := range b.f.lines {
		b.appendLine(l)
	}
}

// appendLine adds a line at the end of the file, and to the index.
func (b *Batch) appendLine(l line) {
	id := len(b.nodes)
	b.nodes = append(b.nodes, node{line: l})
	b.top = append(b.top, id)
	if isAnyHeader(l.text) {
		section := headerName(l.text)
		// A header closes the range before it; it opens its own unless
		// it is the one it closes.
		opener := !(b.endOpen && b.endSection == section)
		b.nodes[id].opener = opener
		b.endOpen, b.endSection = opener, section
		b.headers[section] = append(b.headers[section], id)
		return
	}
	if name, ok := optionName(l.text); ok && b.endOpen {
		key := [2]string{b.endSection, name}
		b.options[key] = append(b.options[key], id)
	}
}

// headerName is the section a header line starts: what lies between its
// "[" and its first "]".
func headerName(text string) string {
	return text[1 : 1+strings.IndexByte(text[1:], ']')]
}

// optionName is the option a line sets: what comes before its first "=",
// without the blanks before the "=".
func optionName(text string) (string, bool) {
	name, _, ok := strings.Cut(text, "=")
	if !ok {
		return "", false
	}
	return strings.TrimRight(name, " \t"), true
}

// indexable tells whether a section and an option name can be edited
// through the index: each option line of theirs is found by optionName and
// none looks like a header.
func indexable(section, option string) bool {
	return !strings.Contains(section, "]") && !strings.HasPrefix(option, "[") &&
		!strings.Contains(option, "=") && strings.TrimRight(option, " \t") == option
}

// slow applies an edit with the plain functions' code, on the file as it
// stands, and indexes the result.
func (b *Batch) slow(edit func(f *file)) {
	b.f.lines = b.lines()
	edit(b.f)
	b.index()
}

// lines is the file as it stands.
func (b *Batch) lines() []line {
	out := make([]line, 0, len(b.nodes))
	for _, id := range b.top {
		n := &b.nodes[id]
		if !n.deleted {
			out = append(out, n.line)
		}
		for i := len(n.after) - 1; i >= 0; i-- {
			if a := &b.nodes[n.after[i]]; !a.deleted {
				out = append(out, a.line)
			}
		}
	}
	return out
}

// Set is Set on the file in the batch.
func (b *Batch) Set(section, option, value string) error {
	if section == "" || option == "" {
		return nil
	}
	if err := checkNames(section, option); err != nil {
		return err
	}
	if !indexable(section, option) {
		b.slow(func(f *file) { f.set(section, option, value) })
		return nil
	}
	value = strings.Join(words(value), " ")
	b.ensureSection(section)
	key := [2]string{section, option}
	ids := b.live(key)
	if len(ids) == 0 {
		b.insertAfterHeaders(section, option, option+" = "+value)
		return nil
	}
	for _, id := range ids {
		text := b.nodes[id].text
		b.nodes[id].text = text[:skipBlanks(text, valueStart(text, option))] + value
	}
	return nil
}

// Delete is Delete on the file in the batch.
func (b *Batch) Delete(section, option string) error {
	if section == "" || option == "" {
		return nil
	}
	if err := b.f.mustExist(); err != nil {
		return err
	}
	if !indexable(section, option) {
		b.slow(func(f *file) { f.deleteOption(section, option) })
		return nil
	}
	key := [2]string{section, option}
	for _, id := range b.options[key] {
		b.nodes[id].deleted = true
	}
	delete(b.options, key)
	return nil
}

// AddLiteral is AddLiteral on the file in the batch.
func (b *Batch) AddLiteral(section, option, value string) error {
	if section == "" || option == "" {
		return nil
	}
	if err := checkNames(section, option); err != nil {
		return err
	}
	if err := checkLiteral(value); err != nil {
		return err
	}
	if err := b.f.mustExist(); err != nil {
		return err
	}
	text := option + " = " + value
	if !indexable(section, option) {
		b.slow(func(f *file) {
			f.insertAfter(func(t string) bool { return isHeader(t, section) }, text)
		})
		return nil
	}
	b.insertAfterHeaders(section, option, text)
	return nil
}

// Save writes the file if the edits changed it, or creates it.
func (b *Batch) Save() error {
	b.f.lines = b.lines()
	return b.f.save()
}

// live returns the option lines of key not deleted.
func (b *Batch) live(key [2]string) []int {
	ids := b.options[key][:0]
	for _, id := range b.options[key] {
		if !b.nodes[id].deleted {
			ids = append(ids, id)
		}
	}
	b.options[key] = ids
	return ids
}

// insertAfterHeaders inserts an option line directly after every header of
// section; each is in the section's range where its header opened it.
func (b *Batch) insertAfterHeaders(section, option, text string) {
	key := [2]string{section, option}
	for _, h := range b.headers[section] {
		id := len(b.nodes)
		b.nodes = append(b.nodes, node{line: line{text: text, nl: true}})
		b.nodes[h].after = append(b.nodes[h].after, id)
		if b.nodes[h].opener {
			b.options[key] = append(b.options[key], id)
		}
	}
}

// ensureSection appends "\n[section]\n" to the file unless a line starts
// with the section's header, as the plain ensureSection does: the text
// ends an unfinished last line, or after a finished one adds a blank line.
func (b *Batch) ensureSection(section string) {
	if len(b.headers[section]) > 0 {
		return
	}
	if last := b.lastLine(); last == nil || last.nl {
		b.appendLine(line{text: "", nl: true})
	} else {
		last.nl = true
	}
	b.appendLine(line{text: "[" + section + "]", nl: true})
}

// lastLine is the file's last line, nil if it is empty.
func (b *Batch) lastLine() *line {
	for i := len(b.top) - 1; i >= 0; i-- {
		n := &b.nodes[b.top[i]]
		// The first line inserted after a header is written last.
		for _, id := range n.after {
			if a := &b.nodes[id]; !a.deleted {
				return &a.line
			}
		}
		if !n.deleted {
			return &n.line
		}
	}
	return nil
}
