// Package logging sets up what a run tells its user: a concise console
// (phases, echo_summary lines, warnings, errors) and a LOGFILE that gets
// everything, with timestamps, including the scripts' output and the trace
// of every command they run.
package logging

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// tailLines is how much of the scripts' output is kept to show with an
// error.
const tailLines = 25

// timeLayout is the timestamp of every LOGFILE line.
const timeLayout = "2006-01-02 15:04:05.000"

// Logger is one run's log.
type Logger struct {
	console *logrus.Logger
	verbose bool

	mu      sync.Mutex
	file    *bufio.Writer
	closer  io.Closer
	path    string
	pending bytes.Buffer // lines written before the LOGFILE is known
	lineBuf []byte
	tail    []string

	outRead, outWrite *os.File
	outDone           chan struct{}
}

// New returns a Logger writing to console. With verbose, the scripts'
// output and trace are shown on the console as well.
func New(console io.Writer, verbose bool) (*Logger, error) {
	l := &Logger{verbose: verbose, outDone: make(chan struct{})}
	l.console = &logrus.Logger{
		// Scripts' output reaches the console from another goroutine.
		Out:       &lockedWriter{w: console},
		Formatter: consoleFormatter{},
		Hooks:     logrus.LevelHooks{},
		Level:     logrus.InfoLevel,
	}
	if verbose {
		l.console.Level = logrus.DebugLevel
	}
	l.console.AddHook(fileHook{l})
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("creating the output pipe: %w", err)
	}
	l.outRead, l.outWrite = r, w
	go l.copyOutput()
	return l, nil
}

// Output is where scripts and the programs they run write: a pipe, so that
// child processes get a real file descriptor.
func (l *Logger) Output() *os.File {
	return l.outWrite
}

func (l *Logger) copyOutput() {
	defer close(l.outDone)
	scanner := bufio.NewScanner(l.outRead)
	scanner.Buffer(make([]byte, 64*1024), 1024*1024)
	for scanner.Scan() {
		line := scanner.Text()
		l.mu.Lock()
		l.writeLine(line)
		l.tail = append(l.tail, line)
		if len(l.tail) > tailLines {
			l.tail = l.tail[len(l.tail)-tailLines:]
		}
		l.mu.Unlock()
		if l.verbose {
			fmt.Fprintln(l.console.Out, line)
		}
	}
}

// lockedWriter serializes writes to the console.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (lw *lockedWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.Write(p)
}

// Tail returns the last lines the scripts wrote.
func (l *Logger) Tail() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.tail...)
}

// Trace is where the trace of commands goes: the LOGFILE only.
func (l *Logger) Trace() io.Writer {
	return traceWriter{l}
}

type traceWriter struct{ l *Logger }

func (w traceWriter) Write(p []byte) (int, error) {
	w.l.mu.Lock()
	for line := range strings.SplitSeq(strings.TrimSuffix(string(p), "\n"), "\n") {
		w.l.writeLine(line)
	}
	w.l.mu.Unlock()
	return len(p), nil
}

// writeLine writes one timestamped line to the LOGFILE, or keeps it until
// there is one. l.mu must be held.
func (l *Logger) writeLine(line string) {
	// Every command the scripts run passes here: build the line in one
	// reused buffer rather than through fmt.
	l.lineBuf = time.Now().AppendFormat(l.lineBuf[:0], timeLayout)
	l.lineBuf = append(l.lineBuf, " | "...)
	l.lineBuf = append(l.lineBuf, line...)
	l.lineBuf = append(l.lineBuf, '\n')
	if l.file == nil {
		l.pending.Write(l.lineBuf)
		return
	}
	l.file.Write(l.lineBuf)
}

// OpenFile starts the LOGFILE as DevStack does: the log is written to
// path.TIMESTAMP and path is a symlink to the newest one. What was logged
// before is written first.
func (l *Logger) OpenFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating the log directory: %w", err)
	}
	real := path + "." + time.Now().Format("2006-01-02-150405")
	f, err := os.OpenFile(real, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("opening LOGFILE: %w", err)
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		f.Close()
		return fmt.Errorf("replacing the LOGFILE link: %w", err)
	}
	if err := os.Symlink(filepath.Base(real), path); err != nil {
		f.Close()
		return fmt.Errorf("linking LOGFILE: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.file = bufio.NewWriterSize(f, 64*1024)
	l.closer = f
	l.path = path
	l.file.Write(l.pending.Bytes())
	l.pending.Reset()
	return nil
}

// Path returns the LOGFILE, "" if none was opened.
func (l *Logger) Path() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.path
}

// Close stops the output pipe and flushes the LOGFILE. Programs the
// scripts left running may hold the pipe open, so Close waits only
// briefly for what they wrote.
func (l *Logger) Close() error {
	l.outWrite.Close()
	select {
	case <-l.outDone:
	case <-time.After(500 * time.Millisecond):
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file == nil {
		return nil
	}
	err := l.file.Flush()
	if cerr := l.closer.Close(); err == nil {
		err = cerr
	}
	l.file = nil
	return err
}

// Flush writes what is buffered to the LOGFILE.
func (l *Logger) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file != nil {
		l.file.Flush()
	}
}

// Phase announces a phase of the run.
func (l *Logger) Phase(name string) {
	l.console.WithField("kind", "phase").Info(name)
}

// Summary shows an echo_summary line.
func (l *Logger) Summary(msg string) {
	l.console.Info(msg)
}

// Infof shows a line on the console.
func (l *Logger) Infof(format string, args ...any) {
	l.console.Infof(format, args...)
}

// Debugf logs a line to the LOGFILE, and the console when verbose.
func (l *Logger) Debugf(format string, args ...any) {
	l.console.Debugf(format, args...)
	if !l.verbose {
		l.mu.Lock()
		l.writeLine(fmt.Sprintf(format, args...))
		l.mu.Unlock()
	}
}

// Warning shows a warning.
func (l *Logger) Warning(msg string) {
	l.console.Warn(msg)
}

// Error shows an error.
func (l *Logger) Error(msg string) {
	l.console.Error(msg)
}

// consoleFormatter keeps the console concise: phases stand out, summaries
// are plain lines, warnings and errors are marked.
type consoleFormatter struct{}

func (consoleFormatter) Format(e *logrus.Entry) ([]byte, error) {
	switch {
	case e.Data["kind"] == "phase":
		return []byte("==> " + e.Message + "\n"), nil
	case e.Level == logrus.WarnLevel:
		return []byte("WARNING: " + e.Message + "\n"), nil
	case e.Level <= logrus.ErrorLevel:
		return []byte("ERROR: " + e.Message + "\n"), nil
	}
	return []byte(e.Message + "\n"), nil
}

// fileHook copies every console entry to the LOGFILE.
type fileHook struct{ l *Logger }

func (fileHook) Levels() []logrus.Level { return logrus.AllLevels }

func (h fileHook) Fire(e *logrus.Entry) error {
	h.l.mu.Lock()
	defer h.l.mu.Unlock()
	prefix := ""
	switch {
	case e.Data["kind"] == "phase":
		prefix = "==> "
	case e.Level == logrus.WarnLevel:
		prefix = "[WARNING] "
	case e.Level <= logrus.ErrorLevel:
		prefix = "[ERROR] "
	}
	for _, line := range strings.Split(e.Message, "\n") {
		h.l.writeLine(prefix + line)
	}
	return nil
}
