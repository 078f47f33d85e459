package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// One run at a time works on a tree, and on a DEST. A run holds an
// exclusive flock on each directory, taken on a descriptor of its own
// that is closed on exec, so that neither the services it starts nor the
// background jobs of its scripts keep it; the kernel lets it go when the
// run ends, however it ends, so a killed run leaves no stale lock. Who
// holds it is written in a file in the directory, for a second run to
// name; that file goes when the run ends.

// lockInfoName is the file, in a locked directory, that names the run
// holding it.
const lockInfoName = ".devstack.lock"

// lockPoll is how often a run that waits tries the lock again.
const lockPoll = 200 * time.Millisecond

// dirLock is a run's hold on a directory.
type dirLock struct {
	dir  *os.File
	info string
}

// holder describes a run, as written in the lock's file.
type holder struct {
	pid     int
	command string
	started time.Time
	tree    string
}

const startedLayout = "2006-01-02 15:04:05"

func (h holder) String() string {
	return fmt.Sprintf("pid %d\ncommand %s\nstarted %s\ntree %s\n", h.pid, h.command, h.started.Format(startedLayout), h.tree)
}

// parseHolder reads a lock's file; ok is false if it says nothing usable.
func parseHolder(text string) (h holder, ok bool) {
	for _, line := range strings.Split(text, "\n") {
		key, value, _ := strings.Cut(line, " ")
		switch key {
		case "pid":
			h.pid, _ = strconv.Atoi(value)
		case "command":
			h.command = value
		case "started":
			h.started, _ = time.ParseInLocation(startedLayout, value, time.Local)
		case "tree":
			h.tree = value
		}
	}
	return h, h.pid > 0
}

// BusyError refuses a run because another one holds its tree or DEST.
type BusyError struct {
	// What is "the tree" or "DEST", Dir its path.
	What, Dir string
	// Holder says who holds it, "" when the file that says so could not
	// be read.
	Holder string
}

func (e *BusyError) Error() string {
	return e.state() + "; wait for it to end, or pass --wait to wait for it"
}

// state says who holds the lock.
func (e *BusyError) state() string {
	who := "another devstack run"
	if e.Holder != "" {
		who += " (" + e.Holder + ")"
	}
	return fmt.Sprintf("%s is working on %s %s", who, e.What, e.Dir)
}

// lockDir takes the lock of dir, what naming it in messages. A lock held
// by another run is refused with a BusyError, or with wait, waited for,
// until ctx ends.
func lockDir(ctx context.Context, dir, what string, me holder, wait bool, waiting func(string)) (*dirLock, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("locking %s %s: %w", what, dir, err)
	}
	info := filepath.Join(dir, lockInfoName)
	told := false
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("locking %s %s: %w", what, dir, err)
		}
		busy := &BusyError{What: what, Dir: dir, Holder: describeHolder(info)}
		if !wait {
			f.Close()
			return nil, busy
		}
		if !told {
			waiting("waiting: " + busy.state())
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("%w while waiting for the lock of %s %s", ErrInterrupted, what, dir)
		case <-time.After(lockPoll):
		}
	}
	// Best effort: a directory the run cannot write (a read-only tree)
	// is locked all the same, its holder unnamed.
	if err := os.WriteFile(info, []byte(me.String()), 0o644); err != nil {
		info = ""
	}
	return &dirLock{dir: f, info: info}, nil
}

// describeHolder names the run a lock's file describes, "" if it says
// nothing usable.
func describeHolder(info string) string {
	data, err := os.ReadFile(info)
	if err != nil {
		return ""
	}
	h, ok := parseHolder(string(data))
	if !ok {
		return ""
	}
	desc := fmt.Sprintf("pid %d", h.pid)
	if h.command != "" {
		desc += ", `" + h.command + "`"
	}
	if !h.started.IsZero() {
		desc += ", started " + h.started.Format(startedLayout)
	}
	if h.tree != "" {
		desc += ", on " + h.tree
	}
	return desc
}

// release removes the lock's file and lets the lock go.
func (l *dirLock) release() {
	if l == nil {
		return
	}
	if l.info != "" {
		os.Remove(l.info)
	}
	l.dir.Close()
}

// sameDir tells whether a lock already taken is on dir.
func (l *dirLock) sameDir(dir string) bool {
	if l == nil {
		return false
	}
	held, err1 := l.dir.Stat()
	other, err2 := os.Stat(dir)
	return err1 == nil && err2 == nil && os.SameFile(held, other)
}

// me is the run, as its locks' files name it.
func (r *Run) me() holder {
	return holder{pid: os.Getpid(), command: "devstack " + r.Command, started: r.started, tree: r.Tree.Top}
}

// lockTree takes the tree's lock, before anything runs.
func (r *Run) lockTree() error {
	l, err := lockDir(r.ctx, r.Tree.Top, "the tree", r.me(), r.Wait, r.Log.Summary)
	if err != nil {
		return err
	}
	r.locks = append(r.locks, l)
	return nil
}

// lockDest takes DEST's lock, once DEST is known. A stack creates DEST
// first, as it would a little later; for unstack and clean a DEST that is
// not there holds nothing to protect.
func (r *Run) lockDest(dest string) error {
	if dest == "" || r.nested {
		return nil
	}
	if !filepath.IsAbs(dest) {
		dest = filepath.Join(r.Tree.Top, dest)
	}
	if r.Command == "stack" && !r.Tree.DevStack {
		if err := os.MkdirAll(dest, 0o755); err != nil {
			return r.fail("creating DEST", err)
		}
	}
	if info, err := os.Stat(dest); err != nil || !info.IsDir() {
		return nil
	}
	for _, l := range r.locks {
		if l.sameDir(dest) {
			return nil
		}
	}
	l, err := lockDir(r.ctx, dest, "DEST", r.me(), r.Wait, r.Log.Summary)
	if err != nil {
		return fatalError{err}
	}
	r.locks = append(r.locks, l)
	return nil
}

// unlock lets the run's locks go, the last taken first.
func (r *Run) unlock() {
	for i := len(r.locks) - 1; i >= 0; i-- {
		r.locks[i].release()
	}
	r.locks = nil
}
