package bash

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestPanicStopsTheScript makes a command panic inside the interpreter's
// run: the script stops with an InternalError naming where it was and
// status 2, and the session runs nothing after it.
func TestPanicStopsTheScript(t *testing.T) {
	out := &syncBuffer{}
	s, err := New(Options{Dir: t.TempDir(), Stdout: out, Stderr: out,
		Intercept: func(ctx context.Context, args []string) (bool, error) {
			if args[0] == "explode" {
				panic("boom")
			}
			return false, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	script := writeScript(t, "echo before\nf() {\n  explode now\n}\nf\necho after\n")
	status, err := s.RunScript(context.Background(), script)
	var internal *InternalError
	if !errors.As(err, &internal) || status != 2 {
		t.Fatalf("status %d, err %v; want 2 and an InternalError", status, err)
	}
	if internal.At.Line != 3 || internal.At.Function != "f" || !strings.Contains(err.Error(), script+":3:f: internal error") ||
		!strings.Contains(err.Error(), "boom") {
		t.Errorf("error %q at %+v; want the panic, at line 3 in f", err, internal.At)
	}
	if out.String() != "before\n" {
		t.Errorf("output %q; want only what ran before", out.String())
	}
	if err := s.Call(context.Background(), "echo", "again"); !errors.As(err, &internal) {
		t.Errorf("a later call: %v; want the same InternalError", err)
	}
}

// TestNoPanics runs inputs that made the interpreter panic: each ends as
// bash ends it, with the session still usable.
func TestNoPanics(t *testing.T) {
	tests := []struct{ name, script, want string }{
		{"nameref to nothing", `declare -n r=""; echo "[$r]"`, "[]\n"},
		{"local nameref without a value", `f() { local -n r; echo "[$r]"; }; f`, "[]\n"},
		{"nameref from an empty argument", `f() { local -n r=$1; echo "[$r]"; }; f ""`, "[]\n"},
		{"unset of the empty name", `unset ""; echo $?`, "0\n"},
		{"test -v of the empty name", `test -v ""; echo $?; [[ -v "" ]]; echo $?; x=; [[ -v $x ]]; echo $?`, "1\n1\n1\n"},
		{"negative shift", `set -- a; shift -1; echo $# $?`, "1 1\n"},
		{"arithmetic on an element", `(( a[1]++ )); echo $(( a[1] += 2 )) ${a[1]}`, "3 3\n"},
		{"associative pairs", `declare -A m=(k v); echo ${m[k]}`, "v\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out := newTestSession(t)
			status, err := s.RunString(context.Background(), "test", tt.script)
			if err != nil || status != 0 {
				t.Fatalf("status %d, err %v", status, err)
			}
			// Only standard output is compared: messages go with it.
			if got := out.String(); !strings.HasSuffix(got, tt.want) {
				t.Errorf("output %q; want it to end with %q", got, tt.want)
			}
		})
	}
}
