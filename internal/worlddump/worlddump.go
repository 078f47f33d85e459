// Package worlddump writes, when a stack fails, what the machine looked
// like at that moment, as DevStack's tools/worlddump.py does: the
// processes, the listening ports, the disks, the memory, the run's pid
// files (and whether their processes live) and the last lines of the
// services' logs. It reads /proc and statfs only, and runs no program, so
// that it works on a machine in any state.
package worlddump

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"devstack/internal/proc"
)

// Options say what to dump and where.
type Options struct {
	// Dir is where the dump goes (LOGDIR).
	Dir string
	// PidDirs hold the run's pid files (SERVICE_DIR).
	PidDirs []string
	// LogDir holds the services' logs, NAME.log; Skip the run's own logs,
	// which are not a service's.
	LogDir string
	Skip   []string
	// Mask hides secrets in what is written (command lines, logs).
	Mask func(string) string
	// Now is the dump's time, in its name.
	Now time.Time
}

// logTailLines is how much of each service log is dumped.
const logTailLines = 30

// Write writes the dump into opts.Dir and returns its path:
// worlddump-YYYY-MM-DD-HHMMSS.txt, as DevStack names it.
func Write(opts Options) (string, error) {
	if opts.Mask == nil {
		opts.Mask = func(s string) string { return s }
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return "", fmt.Errorf("worlddump: %w", err)
	}
	path := filepath.Join(opts.Dir, "worlddump-"+opts.Now.Format("2006-01-02-150405")+".txt")
	var b bytes.Buffer
	fmt.Fprintf(&b, "World dump %s\n", opts.Now.Format(time.RFC3339))
	section(&b, "Disk space", disks)
	section(&b, "Memory (/proc/meminfo)", meminfo)
	section(&b, "Listening TCP ports", ports)
	section(&b, "Processes", processes)
	section(&b, "Pid files", func(w io.Writer) error { return pidFiles(w, opts.PidDirs) })
	section(&b, "Service logs", func(w io.Writer) error { return serviceLogs(w, opts.LogDir, opts.Skip) })
	if err := os.WriteFile(path, []byte(opts.Mask(b.String())), 0o640); err != nil {
		return "", fmt.Errorf("worlddump: %w", err)
	}
	return path, nil
}

// section writes a titled part of the dump; a part that cannot be read
// says why, and the rest goes on.
func section(w io.Writer, title string, body func(io.Writer) error) {
	fmt.Fprintf(w, "\n%s\n%s\n", title, strings.Repeat("=", len(title)))
	if err := body(w); err != nil {
		fmt.Fprintf(w, "(%v)\n", err)
	}
}

// disks is df: every mounted filesystem with blocks, from statfs.
func disks(w io.Writer) error {
	data, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-30s %10s %10s %10s %5s  %s\n", "filesystem", "size", "used", "avail", "use%", "mounted on")
	seen := map[string]bool{}
	for line := range strings.SplitSeq(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 3 || seen[fields[1]] {
			continue
		}
		var st syscall.Statfs_t
		if syscall.Statfs(fields[1], &st) != nil || st.Blocks == 0 {
			continue
		}
		seen[fields[1]] = true
		size := st.Blocks * uint64(st.Bsize)
		avail := st.Bavail * uint64(st.Bsize)
		used := size - st.Bfree*uint64(st.Bsize)
		pct := 0
		if used+avail > 0 {
			pct = int((used*100 + used + avail - 1) / (used + avail))
		}
		fmt.Fprintf(w, "%-30s %10s %10s %10s %4d%%  %s\n", fields[0], human(size), human(used), human(avail), pct, fields[1])
	}
	return nil
}

func human(n uint64) string {
	units := []string{"B", "K", "M", "G", "T"}
	v := float64(n)
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + units[i]
}

func meminfo(w io.Writer) error {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// ports lists the listening sockets with the processes holding them.
func ports(w io.Writer) error {
	sockets, err := proc.Listening()
	if err != nil && len(sockets) == 0 {
		return err
	}
	holders := map[uint64][]string{}
	for _, pid := range proc.List() {
		for inode := range proc.SocketInodes(pid) {
			holders[inode] = append(holders[inode], fmt.Sprintf("%d/%s", pid, comm(pid)))
		}
	}
	sort.Slice(sockets, func(i, j int) bool { return sockets[i].Addr < sockets[j].Addr })
	for _, s := range sockets {
		fmt.Fprintf(w, "%-40s %s\n", s.Addr, strings.Join(holders[s.Inode], " "))
	}
	return nil
}

func comm(pid int) string {
	data, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	return strings.TrimSpace(string(data))
}

// processes is ps: pid, parent, group, state, memory and command line.
func processes(w io.Writer) error {
	fmt.Fprintf(w, "%7s %7s %7s %s %9s  %s\n", "PID", "PPID", "PGRP", "S", "RSS", "COMMAND")
	for _, pid := range proc.List() {
		st, ok := proc.Read(pid)
		if !ok {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
		command := strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))
		if command == "" {
			command = "[" + comm(pid) + "]"
		}
		fmt.Fprintf(w, "%7d %7d %7d %c %9s  %s\n", pid, st.PPID, st.PGRP, st.State, rss(pid), command)
	}
	return nil
}

func rss(pid int) string {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return "-"
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if v, ok := strings.CutPrefix(scanner.Text(), "VmRSS:"); ok {
			return strings.Join(strings.Fields(v), "")
		}
	}
	return "-"
}

// pidFiles lists each *.pid file and whether its process lives.
func pidFiles(w io.Writer, dirs []string) error {
	var errs []error
	found := false
	for _, dir := range dirs {
		matches, err := filepath.Glob(filepath.Join(dir, "*.pid"))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, file := range matches {
			found = true
			data, err := os.ReadFile(file)
			if err != nil {
				fmt.Fprintf(w, "%s: %v\n", file, err)
				continue
			}
			pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
			state := "not a pid"
			if err == nil {
				state = "gone"
				if st, alive := proc.Read(pid); alive && st.State != 'Z' {
					state = "alive"
				}
			}
			fmt.Fprintf(w, "%s: %s %s\n", file, strings.TrimSpace(string(data)), state)
		}
	}
	if !found && len(errs) == 0 {
		fmt.Fprintln(w, "(none)")
	}
	return errors.Join(errs...)
}

// serviceLogs writes the last lines of every *.log in dir but skip.
func serviceLogs(w io.Writer, dir string, skip []string) error {
	if dir == "" {
		return nil
	}
	matches, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil {
		return err
	}
	skipped := map[string]bool{}
	for _, s := range skip {
		if real, err := filepath.EvalSymlinks(s); err == nil {
			skipped[real] = true
		}
	}
	for _, file := range matches {
		real, err := filepath.EvalSymlinks(file)
		if err != nil || skipped[real] || runLogs[filepath.Base(file)] {
			continue
		}
		lines, err := tail(file, logTailLines)
		fmt.Fprintf(w, "--- %s (last %d lines)\n", file, logTailLines)
		if err != nil {
			fmt.Fprintf(w, "(%v)\n", err)
			continue
		}
		for _, line := range lines {
			fmt.Fprintln(w, line)
		}
	}
	return nil
}

// runLogs are the logs of devstack's own runs, not a service's.
var runLogs = map[string]bool{"stack.sh.log": true, "unstack.sh.log": true, "clean.sh.log": true}

// tailMax bounds how much of a log's end is read.
const tailMax = 64 * 1024

// tail returns the last n lines of a file.
func tail(file string, n int) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	start := max(info.Size()-tailMax, 0)
	buf := make([]byte, info.Size()-start)
	if _, err := f.ReadAt(buf, start); err != nil && err != io.EOF {
		return nil, err
	}
	lines := strings.Split(strings.TrimSuffix(string(buf), "\n"), "\n")
	if start > 0 && len(lines) > 0 {
		lines = lines[1:]
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines, nil
}
