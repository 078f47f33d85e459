package bash

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestProcSubstReadAgain reads a <( ) to its end, then opens it again, as
// a script reading "$1" twice does: the second open must not wait for a
// writer that is gone. bash reads nothing the second time; here the pipe
// is an empty file or gone, so the count is 0 as well.
func TestProcSubstReadAgain(t *testing.T) {
	s, out := newTestSession(t, "TMPDIR="+t.TempDir())
	script := `count() { local n=0 l; while read -r l; do n=$((n+1)); done < "$1"; echo $n; }
twice() { count "$1"; count "$1" 2>/dev/null; }
for i in {1..100}; do twice <(printf 'a\nb\n'); done`
	done := make(chan error, 1)
	go func() {
		_, err := s.RunString(context.Background(), "test", script)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("a second read of <( ) hangs; output so far:\n%s", out.String())
	}
	if want := strings.Repeat("2\n0\n", 100); out.String() != want {
		t.Errorf("output %q, want 2 then 0, 100 times", out.String())
	}
}

// TestProcSubstOutLeavesNoPipe: the pipe of a >( ) that outlives the
// script, as stack.sh's `exec 1> >(outfilter)` does, is not left in the
// temporary directory.
func TestProcSubstOutLeavesNoPipe(t *testing.T) {
	tmp := t.TempDir()
	s, out := newTestSession(t, "TMPDIR="+tmp)
	script := `exec 3> >(while read -r l; do echo "got $l"; done)
echo one >&3`
	if _, err := s.RunString(context.Background(), "test", script); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		left, _ := filepath.Glob(filepath.Join(tmp, fifoPrefix+"*"))
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("left in TMPDIR: %v (output %q)", left, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
