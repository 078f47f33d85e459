package bash

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/interp"
)

// A bare session has the builtins the interpreter lacks, and none of
// DevStack's functions.
func TestSessionHasBuiltinsOnly(t *testing.T) {
	out := &syncBuffer{}
	s, err := New(Options{Dir: t.TempDir(), Stdout: out, Stderr: out})
	if err != nil {
		t.Fatal(err)
	}
	script := `set -- --all
while getopts ":a" opt; do echo "opt=$opt"; done
printf -v v "%s" kept; echo "printf -v $v"
is_service_enabled key || echo "is_service_enabled: $?"
`
	if err := s.Eval(context.Background(), "test", script); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"opt=a\n", "printf -v kept\n", "is_service_enabled: command not found", "is_service_enabled: 127\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestRewriteInterceptObserveSource(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	if err := os.WriteFile(lib, []byte("function greet {\n    echo \"hello $1\"\n}\nOLD_NAME=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var observed, sourced []string
	out := &syncBuffer{}
	s, err := New(Options{
		Dir: dir, Stdout: out, Stderr: out,
		Rewrite: func(path string, src []byte) []byte {
			return []byte(strings.ReplaceAll(string(src), "OLD_NAME", "NEW_NAME"))
		},
		Intercept: func(ctx context.Context, args []string) (bool, error) {
			if args[0] != "shout" {
				return false, nil
			}
			interp.HandlerCtx(ctx).Stdout.Write([]byte(strings.ToUpper(strings.Join(args[1:], " ")) + "\n"))
			return true, interp.ExitStatus(3)
		},
		Observe: func(args []string) { observed = append(observed, strings.Join(args, " ")) },
		Source: func(ctx context.Context, path string, args []string, source func() error) error {
			sourced = append(sourced, filepath.Base(path)+" "+strings.Join(args, " "))
			return source()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Eval(context.Background(), "test", "source ./lib one two\ngreet world\necho \"new=$NEW_NAME\"\nshout quiet please\n")
	var se *ScriptError
	if !errors.As(err, &se) || se.Status != 3 {
		t.Errorf("Eval = %v, want the intercepted command's status 3", err)
	}
	if got, want := out.String(), "hello world\nnew=1\nQUIET PLEASE\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	if !slices.Equal(observed, []string{"greet world"}) {
		t.Errorf("observed %q", observed)
	}
	if !slices.Equal(sourced, []string{"lib one two"}) {
		t.Errorf("sourced %q", sourced)
	}
}

func TestDryRefusesWritesAndServesVirtualFiles(t *testing.T) {
	dir := t.TempDir()
	virtual := filepath.Join(dir, "settings")
	out := &syncBuffer{}
	s, err := New(Options{Dir: dir, Stdout: out, Stderr: out, Dry: true, Virtual: map[string]string{virtual: "FROM_VIRTUAL=yes\n"}})
	if err != nil {
		t.Fatal(err)
	}
	script := "[[ -f ./settings && -r ./settings ]] && source ./settings\necho kept > written.txt\necho discarded > /dev/null\n"
	s.Eval(context.Background(), "test", script)
	if got := s.Var("FROM_VIRTUAL"); got != "yes" {
		t.Errorf("FROM_VIRTUAL = %q: the virtual file was not sourced", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "written.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a dry session wrote a file: %v", err)
	}
}

// A sourced file's file tests, which run as the kernel sees the path,
// see the session's virtual files too, as its source does.
func TestSourcedFileTestsSeeVirtualFiles(t *testing.T) {
	dir := t.TempDir()
	virtual := filepath.Join(dir, ".localrc.auto")
	rc := filepath.Join(dir, "stackrc")
	if err := os.WriteFile(rc, []byte("if [[ -f $RC_DIR/.localrc.auto ]] && [ -r $RC_DIR/.localrc.auto -a -s $RC_DIR/.localrc.auto ]; then\n    source $RC_DIR/.localrc.auto\nfi\n[[ -d $RC_DIR/.localrc.auto || -x $RC_DIR/.localrc.auto ]] && NOT_A_DIR=wrong\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Dir: dir, Dry: true, Virtual: map[string]string{virtual: "FROM_VIRTUAL=yes\n"}})
	if err != nil {
		t.Fatal(err)
	}
	s.Eval(context.Background(), "test", "RC_DIR="+dir+"\nsource "+rc+"\n")
	if got := s.Var("FROM_VIRTUAL"); got != "yes" {
		t.Errorf("FROM_VIRTUAL = %q: the sourced file's tests did not find the virtual file", got)
	}
	if got := s.Var("NOT_A_DIR"); got != "" {
		t.Errorf("a virtual file passed -d or -x")
	}
}
