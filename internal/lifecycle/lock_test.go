package lifecycle

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestLockDir(t *testing.T) {
	dir := t.TempDir()
	started := time.Date(2024, 3, 4, 5, 6, 7, 0, time.Local)
	first, err := lockDir(context.Background(), dir, "the tree", holder{pid: 4242, command: "devstack stack", started: started, tree: "/src/tree"}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	flags, err := unix.FcntlInt(first.dir.Fd(), unix.F_GETFD, 0)
	if err != nil || flags&unix.FD_CLOEXEC == 0 {
		t.Errorf("the lock's descriptor is passed on to programs the run starts (flags %#x, %v)", flags, err)
	}

	_, err = lockDir(context.Background(), dir, "the tree", holder{pid: 1, command: "devstack unstack"}, false, nil)
	var busy *BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("a second lock: %v", err)
	}
	want := "another devstack run (pid 4242, `devstack stack`, started 2024-03-04 05:06:07, on /src/tree) is working on the tree " + dir
	if !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "--wait to wait for it") {
		t.Errorf("refusal:\n%s\nwant it to start:\n%s", err, want)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*lockPoll)
	defer cancel()
	var told []string
	_, err = lockDir(ctx, dir, "DEST", holder{pid: 1}, true, func(msg string) { told = append(told, msg) })
	if !errors.Is(err, ErrInterrupted) || len(told) != 1 || !strings.HasPrefix(told[0], "waiting: another devstack run (pid 4242") {
		t.Errorf("waiting, interrupted: %v, told %q", err, told)
	}

	first.release()
	if _, err := os.Stat(filepath.Join(dir, lockInfoName)); !os.IsNotExist(err) {
		t.Errorf("the lock's file outlives the lock: %v", err)
	}
	again, err := lockDir(context.Background(), dir, "the tree", holder{pid: 1}, false, nil)
	if err != nil {
		t.Fatalf("the lock is not free once released: %v", err)
	}
	again.release()
}

// TestLockedWithoutItsFile: a directory the run cannot write in is locked
// all the same, and a second run is refused without a name.
func TestLockedWithoutItsFile(t *testing.T) {
	dir := t.TempDir()
	first, err := lockDir(context.Background(), dir, "the tree", holder{pid: 7}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.release()
	os.Remove(filepath.Join(dir, lockInfoName))
	_, err = lockDir(context.Background(), dir, "the tree", holder{pid: 8}, false, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "another devstack run is working on the tree") {
		t.Errorf("refusal: %v", err)
	}
}
