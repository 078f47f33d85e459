package logging

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestConsoleAndLogFile(t *testing.T) {
	var console bytes.Buffer
	l, err := New(&console, false)
	if err != nil {
		t.Fatal(err)
	}
	l.Phase("configuration")
	l.Trace().Write([]byte("+ stackrc:3 echo early\n"))
	path := filepath.Join(t.TempDir(), "logs", "stack.sh.log")
	if err := l.OpenFile(LogFile{Path: path, KeepDays: -1}); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(l.Output(), "script output line")
	l.Summary("Installing demo")
	l.Warning("careful")
	l.Error("broken")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	wantConsole := "==> configuration\nInstalling demo\nWARNING: careful\nERROR: broken\n"
	if console.String() != wantConsole {
		t.Errorf("console %q, want %q", console.String(), wantConsole)
	}
	target, err := os.Readlink(path)
	if err != nil || !strings.HasPrefix(target, "stack.sh.log.") {
		t.Fatalf("LOGFILE link: %q, %v", target, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm()&0o007 != 0 {
		t.Errorf("the log is readable by all: %v %v", info.Mode(), err)
	}
	stamp := `\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \| `
	for _, want := range []string{
		stamp + `==> configuration`,
		stamp + `\+ stackrc:3 echo early`,
		stamp + `script output line`,
		stamp + `Installing demo`,
		stamp + `\[WARNING\] careful`,
		stamp + `\[ERROR\] broken`,
	} {
		if !regexp.MustCompile("(?m)^" + want + "$").Match(data) {
			t.Errorf("log lacks a line matching %q:\n%s", want, data)
		}
	}
	if tail := l.Tail(); len(tail) != 1 || tail[0] != "script output line" {
		t.Errorf("Tail = %q", tail)
	}
}

func TestVerboseShowsOutput(t *testing.T) {
	var console bytes.Buffer
	l, err := New(&console, true)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(l.Output(), "visible")
	l.Debugf("detail %d", 1)
	l.Close()
	if !strings.Contains(console.String(), "visible\n") || !strings.Contains(console.String(), "detail 1\n") {
		t.Errorf("console %q", console.String())
	}
}

func TestOpenFileReplacesLink(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stack.sh.log")
	if err := os.Symlink("stack.sh.log.2000-01-01-000000", path); err != nil {
		t.Fatal(err)
	}
	l, err := New(&bytes.Buffer{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.OpenFile(LogFile{Path: path, KeepDays: -1}); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(path); err != nil || target != filepath.Base(l.File()) {
		t.Errorf("stack.sh.log points at %q (%v), want %q", target, err, filepath.Base(l.File()))
	}
}

func TestSecretsMasked(t *testing.T) {
	var console strings.Builder
	l, err := New(&console, false)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := l.OpenFile(LogFile{Path: filepath.Join(dir, "stack.sh.log"), KeepDays: -1}); err != nil {
		t.Fatal(err)
	}
	l.SetSecrets([]string{"S3cr3t", "S3cr3tLonger", "no", ""})
	fmt.Fprintln(l.Trace(), "+ openstack --os-password S3cr3tLonger user create")
	fmt.Fprintln(l.Output(), "echoed S3cr3t by a script")
	l.Error("failed at (curl -u admin:S3cr3t)")
	tail := l.Tail()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(l.File())
	if err != nil {
		t.Fatal(err)
	}
	for where, text := range map[string]string{"log": string(data), "console": console.String(), "tail": strings.Join(tail, "\n")} {
		if strings.Contains(text, "S3cr3t") {
			t.Errorf("the %s shows a secret:\n%s", where, text)
		}
	}
	for _, want := range []string{"--os-password *** user", "echoed *** by", "admin:***)"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the log lacks %q:\n%s", want, data)
		}
	}
	if !strings.Contains(console.String(), "admin:***") {
		t.Errorf("console: %q", console.String())
	}
}
