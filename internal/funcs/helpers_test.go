package funcs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"devstack/internal/bash"

	"devstack/internal/testutil"
)

// session is a bash session with the library registered on it.
type session struct {
	*bash.Session
	lib *Library
}

// newSession starts a session with the library, whose messages go to
// reporter if one is given.
func newSession(opts bash.Options, reporter ...Reporter) (*session, error) {
	sh, err := bash.New(opts)
	if err != nil {
		return nil, err
	}
	var lopts Options
	if len(reporter) > 0 {
		lopts.Reporter = reporter[0]
	}
	return &session{Session: sh, lib: Register(sh, lopts)}, nil
}

// newTestSession is a session with the library in a temporary directory,
// whose output goes to the returned buffer.
func newTestSession(t *testing.T, env ...string) (*session, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	s, err := newSession(bash.Options{Dir: t.TempDir(), Env: env, Stdout: out, Stderr: out})
	if err != nil {
		t.Fatal(err)
	}
	return s, out
}

// syncBuffer and writeScript are the test helpers the packages share.
type syncBuffer = testutil.SyncBuffer

var writeScript = testutil.WriteScript

// runScript runs shell text in a new session with env (PATH comes from
// the test's environment unless env sets it), in dir, and returns the
// session, its output and its error.
func runScript(t *testing.T, dir string, env []string, text string) (*session, string, error) {
	t.Helper()
	out := &syncBuffer{}
	s, err := newSession(bash.Options{Dir: dir, Env: append([]string{"PATH=" + os.Getenv("PATH")}, env...), Stdout: out, Stderr: out})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Eval(context.Background(), "test", text)
	return s, out.String(), err
}

// script is runScript for the output and error only.
func script(t *testing.T, dir string, env []string, text string) (string, error) {
	t.Helper()
	_, out, err := runScript(t, dir, env, text)
	return out, err
}

// fakeBin is a directory of stand-in programs, each of which appends its
// name and arguments to a shared record before running its body.
type fakeBin struct {
	dir    string
	record string
}

func newFakeBin(t *testing.T) *fakeBin {
	t.Helper()
	dir := t.TempDir()
	return &fakeBin{dir: dir, record: filepath.Join(dir, "calls")}
}

// add writes the program name; body is sh, run after the call is
// recorded, with the program's arguments in "$@".
func (b *fakeBin) add(t *testing.T, name, body string) {
	t.Helper()
	text := "#!/bin/sh\necho \"" + name + " $*\" >> '" + b.record + "'\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(b.dir, name), []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
}

// pathVar puts the fake programs first on PATH.
func (b *fakeBin) pathVar() string {
	return "PATH=" + b.dir + ":" + os.Getenv("PATH")
}

// calls returns the recorded calls of the programs named, in order; all
// of them when no name is given.
func (b *fakeBin) calls(t *testing.T, names ...string) []string {
	t.Helper()
	data, err := os.ReadFile(b.record)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		program, _, _ := strings.Cut(line, " ")
		if len(names) == 0 || contains(strings.Join(names, ","), program) {
			calls = append(calls, line)
		}
	}
	return calls
}

// asNonRoot makes the library functions take the paths of a user without
// root for the rest of the test.
func asNonRoot(t *testing.T) {
	t.Helper()
	saved := geteuid
	geteuid = func() int { return 1000 }
	t.Cleanup(func() { geteuid = saved })
}

// fakeSudo is a sudo that runs its command as it is, VAR=VALUE words
// included, as root's sudo would.
const fakeSudo = `exec env "$@"`
