package logging

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// openLog starts a Logger with a LOGFILE in a new directory.
func openLog(t *testing.T, console io.Writer) (*Logger, string) {
	t.Helper()
	l, err := New(console, false)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "stack.sh.log")
	if err := l.OpenFile(LogFile{Path: path, KeepDays: -1}); err != nil {
		t.Fatal(err)
	}
	return l, path
}

// waitForLog waits until the LOGFILE holds want, as the output reaches it
// from another goroutine; it fails after a generous delay.
func waitForLog(t *testing.T, path, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, _ := os.ReadFile(path)
		if strings.Contains(string(data), want) {
			return string(data)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log never got %q; it holds:\n%.2000s", want, data)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var stamp = `\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \| `

// TestLinesReachTheFileAtOnce: what is logged is in the file before the
// run ends, so that a killed run leaves it there.
func TestLinesReachTheFileAtOnce(t *testing.T) {
	l, path := openLog(t, &bytes.Buffer{})
	defer l.Close()
	l.Trace().Write([]byte("+ 10-a.sh:1 echo one\n"))
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), "+ 10-a.sh:1 echo one\n") {
		t.Errorf("a trace line is not in the file as soon as written:\n%s", data)
	}
	fmt.Fprintln(l.Output(), "script says hello")
	waitForLog(t, path, "script says hello\n")
}

// TestAnyLineLength: a line of 2 MiB, more than any buffer, passes through
// whole, in one timestamped line, and the output after it too.
func TestAnyLineLength(t *testing.T) {
	l, path := openLog(t, &bytes.Buffer{})
	long := strings.Repeat("x", 2<<20)
	done := make(chan error, 1)
	go func() {
		_, err := fmt.Fprintf(l.Output(), "%s\nafter the long line\n", long)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("writing a 2 MiB line blocked")
	}
	data := waitForLog(t, path, "after the long line\n")
	lines := strings.Split(data, "\n")
	if len(lines) != 3 || !regexp.MustCompile("^"+stamp+"x+$").MatchString(lines[0]) || !strings.HasSuffix(lines[0], "| "+long) ||
		!regexp.MustCompile("^"+stamp+"after the long line$").MatchString(lines[1]) {
		t.Errorf("the long line is not one whole line of the log (%d lines, %d bytes in all)", len(lines), len(data))
	}
	tail := l.Tail()
	if len(tail) != 2 || len(tail[0]) > tailLineMax+64 || !strings.HasSuffix(tail[0], fmt.Sprintf("(%d bytes in all)", 2<<20)) {
		t.Errorf("tail keeps %d lines, the first of %d bytes", len(tail), len(tail[0]))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestUnendedLineThenTrace: a script's line not yet ended is ended before
// another line is logged, and goes on after it with a timestamp of its
// own.
func TestUnendedLineThenTrace(t *testing.T) {
	l, path := openLog(t, &bytes.Buffer{})
	fmt.Fprint(l.Output(), "waiting...")
	waitForLog(t, path, "waiting...")
	l.Trace().Write([]byte("+ sleep 1\n"))
	fmt.Fprintln(l.Output(), " done")
	data := waitForLog(t, path, " done\n")
	l.Close()
	want := "(?m)^" + stamp + `waiting\.\.\.\n` + stamp + `\+ sleep 1\n` + stamp + " done\n"
	if !regexp.MustCompile(want).MatchString(data) {
		t.Errorf("log:\n%s", data)
	}
}

// TestFullDiskIsTold: a write to the LOGFILE that fails is named on the
// console when it happens, and makes Close fail.
func TestFullDiskIsTold(t *testing.T) {
	var console bytes.Buffer
	l, _ := openLog(t, &lockedBuffer{b: &console})
	l.mu.Lock()
	l.file = fullDisk{l.file}
	l.mu.Unlock()
	l.Summary("Installing demo")
	l.Summary("Starting demo")
	err := l.Close()
	if err == nil || !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), "incomplete") {
		t.Errorf("Close: %v", err)
	}
	if got := strings.Count(console.String(), "no space left on device"); got != 1 {
		t.Errorf("the full disk is told %d times on the console:\n%s", got, console.String())
	}
	if !strings.Contains(console.String(), "ERROR: the log "+l.File()+" stops here") {
		t.Errorf("console:\n%s", console.String())
	}
}

type fullDisk struct{ io.WriteCloser }

func (fullDisk) Write(p []byte) (int, error) {
	return 0, &os.PathError{Op: "write", Path: "stack.sh.log", Err: syscall.ENOSPC}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (lb *lockedBuffer) Write(p []byte) (int, error) {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return lb.b.Write(p)
}

// TestUsersFileLeftAlone: a LOGFILE that is not a link is not replaced;
// the log goes beside it, with a warning.
func TestUsersFileLeftAlone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(path, []byte("the user's own notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var console bytes.Buffer
	l, err := New(&console, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.OpenFile(LogFile{Path: path, KeepDays: -1}); err != nil {
		t.Fatal(err)
	}
	l.Summary("hello")
	l.Close()
	if data, err := os.ReadFile(path); err != nil || string(data) != "the user's own notes\n" {
		t.Errorf("the user's file is now %q (%v)", data, err)
	}
	if !strings.HasPrefix(l.File(), path+".") || l.Path() != l.File() {
		t.Errorf("log written to %q, shown as %q", l.File(), l.Path())
	}
	if !strings.Contains(console.String(), "WARNING: LOGFILE "+path+" is not a link") || !strings.Contains(console.String(), l.File()) {
		t.Errorf("console:\n%s", console.String())
	}
}

// TestOneFilePerRun: runs starting in the same second get a file each.
func TestOneFilePerRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stack.sh.log")
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	seen := map[string]bool{}
	for range 3 {
		f, name, err := createLog(path, now)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if seen[name] {
			t.Fatalf("%s given twice", name)
		}
		seen[name] = true
	}
	for _, want := range []string{".2024-05-06-070809", ".2024-05-06-070809-1", ".2024-05-06-070809-2"} {
		if !seen[path+want] {
			t.Errorf("no %s among %v", want, seen)
		}
	}
}

// TestPruneLogs: LOGDAYS removes what stack.sh's find removes: LOGFILE.*
// entries but directories, older than LOGDAYS whole days.
func TestPruneLogs(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	day := 24 * time.Hour
	files := []struct {
		name string
		age  time.Duration
		gone bool
	}{
		{"stack.sh.log.2024-01-01-000000", 30 * day, true},
		{"stack.sh.log.summary.2024-01-01-000000", 8 * day, true},
		{"stack.sh.log.2024-01-09-000000", 8*day - time.Minute, false}, // 7 whole days
		{"stack.sh.log.2024-01-10-000000", time.Hour, false},
		{"unstack.sh.log.2024-01-01-000000", 30 * day, false},
		{"stack.sh.logs-old", 30 * day, false},
		{"keystone.log", 30 * day, false},
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, nil, 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, now.Add(-f.age), now.Add(-f.age)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "stack.sh.log.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	old := now.Add(-30 * day)
	os.Chtimes(filepath.Join(dir, "stack.sh.log.d"), old, old)
	if err := os.Symlink("stack.sh.log.2024-01-10-000000", filepath.Join(dir, "stack.sh.log")); err != nil {
		t.Fatal(err)
	}
	removed, err := pruneLogs(filepath.Join(dir, "stack.sh.log"), 7, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 {
		t.Errorf("removed %v", removed)
	}
	for _, f := range files {
		_, err := os.Lstat(filepath.Join(dir, f.name))
		if gone := os.IsNotExist(err); gone != f.gone {
			t.Errorf("%s (%s old): removed %v, want %v", f.name, f.age, gone, f.gone)
		}
	}
	for _, kept := range []string{"stack.sh.log.d", "stack.sh.log"} {
		if _, err := os.Lstat(filepath.Join(dir, kept)); err != nil {
			t.Errorf("%s removed: %v", kept, err)
		}
	}
}

// TestOutputNotHeldInMemory: without a LOGFILE, output is not kept, and
// before one only a bounded part of it is.
func TestOutputNotHeldInMemory(t *testing.T) {
	chunk := strings.Repeat("y", 1023) + "\n"
	write := func(l *Logger, n int) {
		for range n {
			l.output([]byte(chunk))
		}
	}
	l, err := New(&bytes.Buffer{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	write(l, 4096)
	if len(l.pending) > pendingMax || l.dropped == 0 {
		t.Errorf("pending %d bytes, dropped %d", len(l.pending), l.dropped)
	}
	l.NoFile()
	write(l, 16)
	if l.pending != nil {
		t.Errorf("%d bytes kept with no LOGFILE to come", len(l.pending))
	}

	l2, err := New(&bytes.Buffer{}, false)
	if err != nil {
		t.Fatal(err)
	}
	write(l2, 2048)
	path := filepath.Join(t.TempDir(), "stack.sh.log")
	if err := l2.OpenFile(LogFile{Path: path, KeepDays: -1}); err != nil {
		t.Fatal(err)
	}
	l2.Close()
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "more bytes logged before the log was opened are not kept]") {
		t.Errorf("the log does not say that early output was dropped (%d bytes)", len(data))
	}
}
