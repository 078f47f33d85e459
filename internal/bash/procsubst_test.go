package bash

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestProcSubstPipeReopened opens a process substitution's pipe the way a
// script that reads it twice does: the first time its writer comes and
// writes; the second time the writer has closed it and is about to remove
// it, and the open must not wait for a writer that never comes.
func TestProcSubstPipeReopened(t *testing.T) {
	path := filepath.Join(t.TempDir(), fifoPrefix+"test")
	if err := unix.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		w, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		w.WriteString("data\n")
		w.Close()
	}()
	f, ok, err := openProcSubst(path, os.O_RDONLY)
	if !ok || err != nil {
		t.Fatalf("first open: ok %v, err %v", ok, err)
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil || string(data) != "data\n" {
		t.Fatalf("first read %q, %v", data, err)
	}

	// The writer has gone; the pipe goes a moment later.
	go func() {
		time.Sleep(50 * time.Millisecond)
		os.Remove(path)
	}()
	done := make(chan error, 1)
	go func() {
		f, _, err := openProcSubst(path, os.O_RDONLY)
		if err == nil {
			_, err = io.ReadAll(f)
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("second open: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("second open still waiting for a writer")
	}

	// Writing to a pipe whose reader is gone fails rather than waits.
	if err := unix.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		os.Remove(path)
	}()
	go func() {
		_, _, err := openProcSubst(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("open for writing without a reader succeeded")
		}
		if _, serr := os.Stat(path); serr == nil {
			t.Error("the open made a file in place of the pipe")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("open for writing still waiting for a reader")
	}

	// Any other file is left to the ordinary open.
	plain := filepath.Join(t.TempDir(), "plain")
	os.WriteFile(plain, nil, 0o600)
	if _, ok, _ := openProcSubst(plain, os.O_RDONLY); ok {
		t.Error("a plain file taken for a pipe")
	}
}
