package bash

import (
	"bytes"

	"mvdan.cc/sh/v3/syntax"
)

// arraySource parses the text xtraceSource made, the largest of the
// rewrites' texts (about twice the script's size), to find what it
// rewrites. Most scripts have none of it: traceArraySource looks first on
// the tree xtraceSource was given, already parsed, and when that holds
// nothing arraySource acts on, the traced text does not either, and is
// not parsed again.
//
// What arraySource acts on is an assignment with a subscript or an array
// literal, an expansion with a subscript or an indirection (${!NAME}),
// a [[ -v ]] test, and unquoted expansions where IFS may be set. The
// trace commands xtraceSource adds hold such an expansion only for such
// an assignment (the element or the array it assigned); everything else
// they hold is copied from the script, quoted, or their own fixed words.

// traceArraySource is arraySource(name, xtraceSource(name, src)).
func traceArraySource(name string, src []byte) []byte {
	return traceArraySourceFor(name, src, false)
}

// traceArraySourceFor is traceArraySource, with the checks of set -u
// whatever the text when nounset (xtraceSourceFor).
func traceArraySourceFor(name string, src []byte, nounset bool) []byte {
	traced := xtraceSourceFor(name, src, nounset)
	if !arrayTrigger(traced) {
		return traced
	}
	file, err := parseSource(name, src)
	if err != nil {
		return arrayRewriteText(name, traced)
	}
	if !bytes.Contains(src, []byte("IFS")) && !arrayWork(file) {
		return traced
	}
	if out, ok := arrayParts(name, src, file, traced); ok {
		return out
	}
	return arrayRewriteText(name, traced)
}

// noArrayWork reports whether src, as parsed, holds nothing arraySource
// rewrites, nor anything xtraceSource traces with what arraySource
// rewrites.
func noArrayWork(name string, src []byte) bool {
	if bytes.Contains(src, []byte("IFS")) {
		return false
	}
	file, err := parseSource(name, src)
	return err == nil && !arrayWork(file)
}

// arrayWork reports whether node holds an assignment with a subscript or
// an array literal, an expansion with a subscript or an indirection, or
// a [[ -v ]] test: what arraySource rewrites, where IFS is not set.
func arrayWork(node syntax.Node) bool {
	found := false
	walk(node, func(node syntax.Node) bool {
		if found {
			return false
		}
		switch n := node.(type) {
		case *syntax.Assign:
			found = n.Index != nil || n.Array != nil
		case *syntax.ParamExp:
			found = n.Index != nil || n.Excl
		case *syntax.UnaryTest:
			found = n.Op == syntax.TsVarSet
		}
		return !found
	})
	return found
}
