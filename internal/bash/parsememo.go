package bash

import (
	"bytes"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// A sourced file goes through several rewrites (compatSource and the
// rewrites it calls, xtraceSource, arraySource), each of which parses the
// text it is given. Most leave the text as it was, and the next one would
// parse the same text again: parseSource keeps the last few trees, by
// name and text (a few per core: files are parsed in parallel), and hands
// a tree back for the same text. The rewrites only read the trees they
// get; Parse takes the last one over (takeParsed).
func parseSource(name string, src []byte) (*syntax.File, error) {
	parseMemo.mu.Lock()
	for _, e := range parseMemo.entries {
		if e.text != nil && e.name == name && bytes.Equal(e.text, src) {
			parseMemo.mu.Unlock()
			return e.file, e.err
		}
	}
	parseMemo.mu.Unlock()
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
	parseMemo.mu.Lock()
	parseMemo.entries[parseMemo.next] = parsedText{name: name, text: bytes.Clone(src), file: file, err: err}
	parseMemo.next = (parseMemo.next + 1) % len(parseMemo.entries)
	parseMemo.mu.Unlock()
	return file, err
}

// takeParsed is parseSource for a caller that changes the tree it gets:
// a tree kept for the same text is handed over and forgotten, so no
// rewrite reads the changed tree afterwards.
func takeParsed(name string, src []byte) (*syntax.File, error) {
	parseMemo.mu.Lock()
	for i, e := range parseMemo.entries {
		if e.text != nil && e.name == name && bytes.Equal(e.text, src) {
			parseMemo.entries[i] = parsedText{}
			parseMemo.mu.Unlock()
			return e.file, e.err
		}
	}
	parseMemo.mu.Unlock()
	return syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
}

// parseMemo holds the trees parseSource made last.
var parseMemo struct {
	mu      sync.Mutex
	entries [6]parsedText
	next    int
}

type parsedText struct {
	name string
	text []byte
	file *syntax.File
	err  error
}
