package worlddump

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	status := filepath.Join(dir, "status")
	os.MkdirAll(status, 0o755)
	os.WriteFile(filepath.Join(status, "alive.pid"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
	os.WriteFile(filepath.Join(status, "gone.pid"), []byte("999999999\n"), 0o644)
	var log strings.Builder
	for i := range 40 {
		fmt.Fprintf(&log, "line %d\n", i)
	}
	os.WriteFile(filepath.Join(dir, "svc.log"), []byte(log.String()+"password hunter2\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "stack.sh.log"), []byte("the run's own log\n"), 0o644)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	path, err := Write(Options{Dir: dir, PidDirs: []string{status}, LogDir: dir, Now: now,
		Mask: func(s string) string { return strings.ReplaceAll(s, "hunter2", "***") }})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "worlddump-2026-01-02-030405.txt" {
		t.Errorf("path %s", path)
	}
	data, _ := os.ReadFile(path)
	dump := string(data)
	for _, want := range []string{
		"Disk space", "mounted on", "MemTotal:", "Listening TCP ports", "Processes",
		filepath.Join(status, "alive.pid") + ": " + strconv.Itoa(os.Getpid()) + " alive",
		filepath.Join(status, "gone.pid") + ": 999999999 gone",
		"--- " + filepath.Join(dir, "svc.log") + " (last 30 lines)", "line 39", "password ***",
	} {
		if !strings.Contains(dump, want) {
			t.Errorf("dump lacks %q", want)
		}
	}
	for _, absent := range []string{"line 9\n", "hunter2", "the run's own log"} {
		if strings.Contains(dump, absent) {
			t.Errorf("dump holds %q", absent)
		}
	}
}
