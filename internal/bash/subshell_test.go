package bash

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// TestSubshellMarks checks what subshellEdits adds: each subshell marked
// where it starts and ends, tested statements marked, every line where it
// was, the result parsing, and the marks gone from a construct's text as
// traces print it.
func TestSubshellMarks(t *testing.T) {
	enter := func(kind, ignore string) string {
		return subshellCommand + " " + kind + " " + ignore + " && " + traceOK + "; "
	}
	end := func(kind string) string { return subshellEndCommand + " " + kind + " && " + traceOK + ";" }
	tests := []struct{ name, in, want string }{
		{"( )", "( cd / )\n", "(" + enter("paren", "0") + " cd / ; " + end("paren") + ")\n"},
		{"( ) on lines of its own", "(\n  cd /\n)\n", "(" + enter("paren", "0") + "\n  cd /\n" + end("paren") + ")\n"},
		{"tested ( )", "( false ) || x\n", "(" + enter("paren", "1") + " false ; " + end("paren") + ") || x\n"},
		{"$( )", "x=$(pwd)\n", "x=$(" + enter("subst", "0") + "pwd; " + end("subst") + ")\n"},
		{"$(<file) is no command", "x=$(<f)\n", "x=$(<f)\n"},
		{"` `", "x=`pwd`\n", "x=`" + enter("subst", "0") + "pwd; " + end("subst") + "`\n"},
		{"pipeline", "a | b\n", "{ " + enter("pipecmd", "0") + "a; " + end("pipecmd") + " } | ( " + enter("lastcmd", "0") + "b; " + end("lastcmd") + " )\n"},
		{"pipeline into a loop", "a | while read l; do :; done\n",
			"{ " + enter("pipecmd", "0") + "a; " + end("pipecmd") + " } | ( " + enter("last", "0") + "while read l; do :; done; " + end("last") + " )\n"},
		{"pipeline into ( )", "a | ( b )\n",
			"{ " + enter("pipecmd", "0") + "a; " + end("pipecmd") + " } | (" + enter("paren", "0") + " b ; " + end("paren") + ")\n"},
		{"here-document in a pipeline", "cat <<E | b\nx\nE\n",
			"{ " + enter("pipecmd", "0") + "cat <<E; " + end("pipecmd") + " } | ( " + enter("lastcmd", "0") + "b; " + end("lastcmd") + " )\nx\nE\n"},
		{"negation", "! f\n", "! { " + testedCommand + " f || ! " + traceOK + "; }\n"},
		{"negated test untouched", "! [[ -n x ]]\n", "! [[ -n x ]]\n"},
		{"condition", "if f; then g; fi\n", "if " + testedCommand + " f; then g; fi\n"},
		{"left of ||", "f || g\n", testedCommand + " f || g\n"},
		{"builtin condition unmarked", "if [ -n x ]; then :; fi\n", "if [ -n x ]; then :; fi\n"},
		{"function body not tested", "if f() { g; }; then :; fi\n", "if f() { g; }; then :; fi\n"},
		{"background job rewritten whole", "a | b &\n", jobCommand + " 1 'a | b' \"$0\" \"$@\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(compatSource("t.sh", []byte(tt.in)))
			if got != tt.want {
				t.Errorf("compatSource(%q) =\n %q\nwant\n %q", tt.in, got, tt.want)
			}
			if strings.Count(got, "\n") != strings.Count(tt.in, "\n") {
				t.Errorf("lines moved: %q", got)
			}
			if _, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(got), "t.sh"); err != nil {
				t.Errorf("does not parse: %v", err)
			}
		})
	}
}

func TestStripMarks(t *testing.T) {
	for _, text := range []string{"$(pwd)", "$(a | b)", "`pwd`", "$( (cd /; ls) )", "$(f || g)", "$(a | while read l; do :; done)"} {
		src := "x " + text + "\n"
		rewritten := string(compatSource("t.sh", []byte(src)))
		if rewritten == src {
			t.Fatalf("%q: nothing rewritten", text)
		}
		if got := stripMarks(rewritten); got != src {
			t.Errorf("stripMarks(%q) = %q, want %q", rewritten, got, src)
		}
	}
}

// TestSubshellUmask checks that a subshell's umask applies to the files
// its redirections and its programs create, and leaves the process's.
func TestSubshellUmask(t *testing.T) {
	s, out := newTestSession(t, "PATH="+os.Getenv("PATH"))
	dir := t.TempDir()
	path := writeScript(t, `cd "$1"
( umask 077; : > redirected; touch touched )
: > outside
umask
`)
	before := processUmask()
	if err := s.Source(context.Background(), path, dir); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got := processUmask(); got != before {
		t.Errorf("process umask %04o after the subshell, was %04o", got, before)
	}
	for name, want := range map[string]os.FileMode{
		"redirected": 0o600,
		"touched":    0o600,
		"outside":    0o666 &^ os.FileMode(before),
	} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %04o, want %04o", name, got, want)
		}
	}
	if got, want := out.String(), fmt.Sprintf("%04o\n", before); got != want {
		t.Errorf("umask after the subshell printed %q, want %q", got, want)
	}
}
