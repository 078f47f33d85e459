package bash

import (
	"bytes"
	"testing"
)

// The rewrite keeps every line where it was and still parses.
func TestXtraceSourceKeepsLines(t *testing.T) {
	srcs := []string{
		"x=1\ny=$(echo a |\n  tr a b)\n",
		"f() {\n    local a=1 b\n    local -a c=(1\n 2)\n}\n",
		"for i in a \\\n  b; do\n  :\ndone\n",
		"case $x in\n  a) echo a;;\nesac\n",
		"if [[ -n $x &&\n  $y == \"z\" ]]; then :; fi\n",
		"(( i++ ))\nlet i=i+1\ngrep x f 2>/dev/null\ncat <<EOF 2>/dev/null\nbody\nEOF\n",
		"v=$(<file)\nw+=more\na[1]=x\n",
	}
	for _, src := range srcs {
		out := xtraceSource("test", []byte(src))
		if got, want := bytes.Count(out, []byte("\n")), bytes.Count([]byte(src), []byte("\n")); got != want {
			t.Errorf("%q: %d lines, want %d:\n%s", src, got, want, out)
		}
		if bytes.Equal(out, []byte(src)) {
			t.Errorf("%q: not rewritten", src)
		}
		if _, err := Parse("test", "test", out); err != nil {
			t.Errorf("%q: rewritten text does not parse: %v\n%s", src, err, out)
		}
	}
}

func TestTraceQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "''"},
		{"plain", "plain"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"a=b", "a=b"},
		{"#a", "'#a'"},
		{"a#b", "a#b"},
		{"~", "'~'"},
		{"x~", "x~"},
		{"a{b", "'a{b'"},
		{"a*b", "'a*b'"},
		{"$x", "'$x'"},
	} {
		if got := traceQuote(c.in); got != c.want {
			t.Errorf("traceQuote(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}
