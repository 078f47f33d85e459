package bash

import (
	"context"
	"errors"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

func TestLinesAfter(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line uint
		// next is the first statement's text after the command line,
		// "" for none; end the line the command line ends on.
		next string
		end  uint
	}{
		{"one statement a line", "a\nb\nc\n", 2, "c", 2},
		{"the rest of the line goes", "a\nb; c\nd\n", 2, "d", 2},
		{"a block and what follows it", "a\nif x; then\n  y\n  z\nfi; w\nv\n", 3, "v", 5},
		{"a function call", "f() {\n  g\n}\nf; h\ni\n", 4, "i", 4},
		{"the last line", "a\nb\n", 2, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file, err := syntax.NewParser().Parse(strings.NewReader(tt.src), "")
			if err != nil {
				t.Fatal(err)
			}
			next, end := linesAfter(file.Stmts, tt.line)
			got := ""
			if next < len(file.Stmts) {
				st := file.Stmts[next]
				got = tt.src[st.Pos().Offset():st.End().Offset()]
			}
			if got != tt.next || end != tt.end {
				t.Errorf("linesAfter(%d) = %q ending at %d, want %q ending at %d", tt.line, got, end, tt.next, tt.end)
			}
		})
	}
}

func TestRestTextCountsFromTheError(t *testing.T) {
	src := "a\nif x; then\n  y\n  z\nfi\nv\n"
	file, err := syntax.NewParser().Parse(strings.NewReader(src), "")
	if err != nil {
		t.Fatal(err)
	}
	// Discarded at line 3 in a block ending at line 5: v, on line 6, is
	// where bash's count puts line 4.
	rest := restText(src, file.Stmts[2], 3, 5)
	if want := "\n\n\nv\n"; rest != want {
		t.Errorf("restText = %q, want %q", rest, want)
	}
}

func TestAssignCheckSkipsTheSessionsVariables(t *testing.T) {
	for src, want := range map[string]string{
		"__devstack_x=1":    "",
		"A[1]=2 b+=3 c=(d)": assignCheckCommand + " A 'A[1]' '2' b 'b+' '3' c 'c=(d)' ''",
		// The variables the values expand, under set -u (unbound.go).
		"a=$X b=$a$1": assignCheckCommand + ` "${` + nounsetVar + `:+X \$1${1+=}}" a 'a' '$X' b 'b' '$a$1'`,
	} {
		file, err := syntax.NewParser().Parse(strings.NewReader(src), "")
		if err != nil {
			t.Fatal(err)
		}
		got := assignCheck(file.Stmts[0].Cmd.(*syntax.CallExpr), []byte(src), setNames{})
		if want != "" {
			want = passOn(want) + "; "
		}
		if got != want {
			t.Errorf("assignCheck(%q) = %q, want %q", src, got, want)
		}
	}
}

func TestSourceGoesOnAfterReadonlyAssignment(t *testing.T) {
	s, out := newTestSession(t)
	ctx := context.Background()
	if err := s.Source(ctx, writeScript(t, "readonly R=1\nf() { R=2; echo not reached; }\n")); err != nil {
		t.Fatal(err)
	}
	path := writeScript(t, "echo one\nR=3; echo not reached\nf; echo not reached\necho two $?\n")
	if err := s.Source(ctx, path); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	// Both errors are at line 2: of the file, and of the function's.
	if n := strings.Count(got, ": line 2: R: readonly variable\n"); n != 2 {
		t.Errorf("output %q: %d messages, want 2", got, n)
	}
	for _, want := range []string{"one\n", "two 1\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "not reached") {
		t.Errorf("output %q: a discarded command ran on", got)
	}
	// Called by the tool, a function whose command bash would discard
	// fails with status 1, and the session goes on.
	out.Reset()
	var se *ScriptError
	if err := s.Call(ctx, "f"); !errors.As(err, &se) || se.Status != 1 || se.Exited {
		t.Fatalf("Call(f) = %v, want status 1, not exited", err)
	}
	if err := s.Eval(ctx, "after", "echo still here"); err != nil || !strings.Contains(out.String(), "still here") {
		t.Errorf("after a discard: %v, output %q", err, out.String())
	}
}
