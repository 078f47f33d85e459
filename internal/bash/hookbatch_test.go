package bash

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func parseHooks(t *testing.T, texts ...string) []*Script {
	t.Helper()
	var scripts []*Script
	for i, text := range texts {
		name := fmt.Sprintf("extras.d/%02d-hook.sh", 10+i)
		script, err := Parse("/t/"+name, name, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		scripts = append(scripts, script)
	}
	return scripts
}

// One run sources every script in turn: what one defines the next sees,
// each script's functions name its file, and each starts with $? at 0.
func TestSourceEachSharesStateInOrder(t *testing.T) {
	s, out := newTestSession(t)
	ctx := context.Background()
	scripts := parseHooks(t,
		`echo "one $? $1 $2"; FIRST=from-one; function one_fn { echo "one_fn ${BASH_SOURCE[0]}"; }; false || :`,
		`echo "two $? $FIRST"; one_fn; eval 'function evaled_fn { echo "evaled_fn ${BASH_SOURCE[0]}"; }'`,
		`function make_inner { function inner_fn { echo "inner_fn ${BASH_SOURCE[0]}"; }; }; make_inner`,
		`echo "four ${BASH_SOURCE[0]}"; one_fn; evaled_fn; inner_fn`,
	)
	n, err := s.SourceEach(ctx, scripts, []string{"stack", "install"}, Each{})
	if n != len(scripts) || err != nil {
		t.Fatalf("SourceEach = %d, %v", n, err)
	}
	want := "one 0 stack install\ntwo 0 from-one\none_fn /t/extras.d/10-hook.sh\n" +
		"four /t/extras.d/13-hook.sh\none_fn /t/extras.d/10-hook.sh\n" +
		"evaled_fn /t/extras.d/11-hook.sh\ninner_fn /t/extras.d/12-hook.sh\n"
	if out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	if s.HasFunc(hookFunction) {
		t.Errorf("%s is still defined", hookFunction)
	}
}

// A failing script ends the run: SourceEach says which, and the next
// call goes on from the script after it, as unstack does.
func TestSourceEachStopsAtFailure(t *testing.T) {
	tests := []struct {
		name    string
		errexit bool
		failing string
		status  uint8
		exited  bool
	}{
		{"status", false, "echo two; return 3", 3, false},
		{"exit", false, "echo two; exit 4", 4, true},
		{"errexit", true, "echo two; false; echo not-reached", 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out := newTestSession(t)
			ctx := context.Background()
			if err := s.SetErrexit(tt.errexit); err != nil {
				t.Fatal(err)
			}
			scripts := parseHooks(t, "echo one", tt.failing, "echo three")
			n, err := s.SourceEach(ctx, scripts, []string{"unstack"}, Each{})
			var se *ScriptError
			if n != 2 || !errors.As(err, &se) {
				t.Fatalf("SourceEach = %d, %v; want 2 and a ScriptError", n, err)
			}
			if se.Script != "extras.d/11-hook.sh" || se.Status != tt.status || se.Exited != tt.exited {
				t.Errorf("error %+v: want script extras.d/11-hook.sh, status %d, exited %v", se, tt.status, tt.exited)
			}
			if at := se.At.File; at != "extras.d/11-hook.sh" {
				t.Errorf("failure at %q", at)
			}
			n, err = s.SourceEach(ctx, scripts[n:], []string{"unstack"}, Each{})
			if n != 1 || err != nil {
				t.Fatalf("second SourceEach = %d, %v", n, err)
			}
			if want := "one\ntwo\nthree\n"; out.String() != want {
				t.Errorf("output %q, want %q", out.String(), want)
			}
		})
	}
}

// pause ends the run after the script it is true for, which has run
// whole.
func TestSourceEachPauses(t *testing.T) {
	s, out := newTestSession(t)
	ctx := context.Background()
	if err := s.SetErrexit(true); err != nil {
		t.Fatal(err)
	}
	scripts := parseHooks(t, "echo one", "set +e; echo two", "echo three")
	pause := Each{Pause: func(int) bool { return !s.Option("errexit") }}
	n, err := s.SourceEach(ctx, scripts, nil, pause)
	if n != 2 || err != nil {
		t.Fatalf("SourceEach = %d, %v; want 2, nil", n, err)
	}
	if err := s.SetErrexit(true); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SourceEach(ctx, scripts[n:], nil, pause); n != 1 || err != nil {
		t.Fatalf("second SourceEach = %d, %v", n, err)
	}
	if want := "one\ntwo\nthree\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

// The ERR trap of the shell is not run for a hook's failure, as a hook's
// body is a function, in a batch as alone.
func TestSourceEachErrTrapNotInHooks(t *testing.T) {
	s, out := newTestSession(t)
	ctx := context.Background()
	if err := s.Eval(ctx, "setup", `trap 'echo "ERR trap"' ERR`); err != nil {
		t.Fatal(err)
	}
	scripts := parseHooks(t, "echo one", "false; echo two; return 1", "echo three")
	n, err := s.SourceEach(ctx, scripts, nil, Each{})
	if n != 2 || err == nil {
		t.Fatalf("SourceEach = %d, %v", n, err)
	}
	if want := "one\ntwo\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}
