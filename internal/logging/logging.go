// Package logging sets up what a run tells its user: a concise console
// (phases, echo_summary lines, warnings, errors) and a LOGFILE that gets
// everything, with timestamps, including the scripts' output and the trace
// of every command they run.
//
// The LOGFILE is written as things happen, with no buffer in between, so
// that a run killed by any signal, or a machine that goes down, leaves in
// the log everything the run had said. Nothing grows with the amount of
// output: lines of any length pass through in pieces, and only a few last
// lines are kept, to show with an error.
package logging

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"devstack/internal/report"
)

// tailLines is how much of the scripts' output is kept to show with an
// error, and tailLineMax how much of each of those lines.
const (
	tailLines   = 25
	tailLineMax = 1024
)

// pendingMax bounds what is kept of the lines logged before the LOGFILE is
// opened.
const pendingMax = 1 << 20

// timeLayout is the timestamp of every LOGFILE line.
const timeLayout = "2006-01-02 15:04:05.000"

// Logger is one run's log.
type Logger struct {
	console    *logrus.Logger
	consoleOut io.Writer
	con        *console
	verbose    bool

	mu sync.Mutex
	// file is the LOGFILE, nil until OpenFile; path is the name to show
	// for it, real the file written.
	file   io.WriteCloser
	path   string
	real   string
	cut    error // the first write to the LOGFILE that failed
	noFile bool  // no LOGFILE will be opened: nothing is kept for one
	// pending holds what is logged before the LOGFILE is opened, up to
	// pendingMax; dropped counts the bytes past that.
	pending []byte
	dropped int
	lineBuf []byte
	// midLine is set while the last bytes written are a script's line
	// that has not ended yet.
	midLine bool
	tail    []string
	// tailDropped counts the lines of the step under way (MarkStep) that
	// no longer fit in tail.
	tailDropped int
	// side are the summary log and the events file beside the LOGFILE
	// (sidefiles.go).
	side sideFiles
	// current is the start of the script's line under way, for the tail,
	// and currentLen its whole length.
	current    []byte
	currentLen int

	outRead, outWrite *os.File
	outDone           chan struct{}
	// copied counts the bytes copied from the pipe (settle).
	copied  atomic.Uint64
	secrets secrets
}

// settleMax bounds how long a line waits for the output before it.
const settleMax = 100 * time.Millisecond

// New returns a Logger writing to console. With verbose, the scripts'
// output and trace are shown on the console as well.
func New(console io.Writer, verbose bool) (*Logger, error) {
	return NewConsole(console, ConsoleOptions{Verbose: verbose})
}

// NewConsole returns a Logger writing to console as opts say.
func NewConsole(console io.Writer, opts ConsoleOptions) (*Logger, error) {
	verbose := opts.Verbose
	con := newConsole(console, opts)
	out := &lockedWriter{w: con}
	l := &Logger{verbose: verbose, consoleOut: out, con: con, outDone: make(chan struct{})}
	l.console = &logrus.Logger{
		// Scripts' output reaches the console from another goroutine.
		Out:       out,
		Formatter: consoleFormatter{l},
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

// copyOutput passes what the scripts write on to the LOGFILE as it comes,
// whatever the length of its lines: the pipe is never left full.
func (l *Logger) copyOutput() {
	defer close(l.outDone)
	buf := make([]byte, 64*1024)
	for {
		n, err := l.outRead.Read(buf)
		if n > 0 {
			l.output(buf[:n])
			if l.verbose {
				l.consoleOut.Write(l.maskBytes(buf[:n]))
			}
			l.copied.Add(uint64(n))
		}
		if err != nil {
			return
		}
	}
}

// output logs a piece of the scripts' output: each line gets a timestamp
// when it starts, and a line not yet ended is continued by the next piece.
func (l *Logger) output(p []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.lineBuf[:0]
	for len(p) > 0 {
		line, rest, ended := bytes.Cut(p, []byte("\n"))
		if !l.midLine {
			b = appendStamp(b)
		}
		b = append(b, line...)
		l.addToTail(line)
		if ended {
			b = append(b, '\n')
			l.endTailLine()
		}
		l.midLine = !ended
		p = rest
	}
	l.emit(b)
	l.keepBuf(b)
}

// addToTail adds a piece of the line under way to the tail, keeping at
// most tailLineMax bytes of it.
func (l *Logger) addToTail(piece []byte) {
	if room := tailLineMax - len(l.current); room > 0 {
		l.current = append(l.current, piece[:min(room, len(piece))]...)
	}
	l.currentLen += len(piece)
}

func (l *Logger) endTailLine() {
	line := string(l.current)
	if l.currentLen > len(l.current) {
		line += fmt.Sprintf("... (%d bytes in all)", l.currentLen)
	}
	l.tail = append(l.tail, line)
	if len(l.tail) > tailLines {
		l.tailDropped += len(l.tail) - tailLines
		l.tail = l.tail[len(l.tail)-tailLines:]
	}
	l.current, l.currentLen = l.current[:0], 0
}

func appendStamp(b []byte) []byte {
	b = time.Now().AppendFormat(b, timeLayout)
	return append(b, " | "...)
}

// settle waits, briefly, until what was written into the output pipe so
// far has been copied, so that a line logged now (the trace of the next
// command, a phase) comes after the output written before it, and does
// not cut a long line that is still in the pipe.
func (l *Logger) settle() {
	pending := unread(l.outRead)
	if pending <= 0 {
		return
	}
	target := l.copied.Load() + uint64(pending)
	deadline := time.Now().Add(settleMax)
	for l.copied.Load() < target && time.Now().Before(deadline) {
		time.Sleep(50 * time.Microsecond)
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

// Tail returns the last lines the scripts wrote, the one under way
// included; a long line is cut.
func (l *Logger) Tail() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	tail := append([]string(nil), l.tail...)
	if l.currentLen > 0 {
		tail = append(tail, string(l.current))
		if len(tail) > tailLines {
			tail = tail[1:]
		}
	}
	for i := range tail {
		tail[i] = l.mask(tail[i])
	}
	return tail
}

// Trace is where the trace of commands goes: the LOGFILE only.
func (l *Logger) Trace() io.Writer {
	return traceWriter{l}
}

type traceWriter struct{ l *Logger }

func (w traceWriter) Write(p []byte) (int, error) {
	w.l.settle()
	w.l.mu.Lock()
	for line := range strings.SplitSeq(strings.TrimSuffix(string(p), "\n"), "\n") {
		w.l.writeLine(line)
	}
	w.l.mu.Unlock()
	return len(p), nil
}

// writeLine writes one timestamped line to the LOGFILE, ending first a
// script's line under way. l.mu must be held.
func (l *Logger) writeLine(line string) {
	// Every command the scripts run passes here: build the line in one
	// reused buffer rather than through fmt.
	b := l.lineBuf[:0]
	if l.midLine {
		b = append(b, '\n')
		l.midLine = false
	}
	b = appendStamp(b)
	b = append(b, line...)
	b = append(b, '\n')
	l.emit(b)
	l.keepBuf(b)
}

// keepBuf keeps b's memory for the next line, unless one very long line
// made it large.
func (l *Logger) keepBuf(b []byte) {
	if cap(b) > 1<<20 {
		b = nil
	}
	l.lineBuf = b[:0]
}

// emit writes b to the LOGFILE at once, or keeps it until there is one. A
// write that fails (a full disk) is told on the console when it happens;
// the LOGFILE then stops there rather than going on with a hole. l.mu must
// be held.
func (l *Logger) emit(b []byte) {
	b = l.maskBytes(b)
	switch {
	case l.noFile:
	case l.file == nil:
		room := max(pendingMax-len(l.pending), 0)
		l.pending = append(l.pending, b[:min(room, len(b))]...)
		l.dropped += len(b) - min(room, len(b))
	case l.cut == nil:
		if _, err := l.file.Write(b); err != nil {
			l.cut = err
			fmt.Fprintf(l.consoleOut, "ERROR: the log %s stops here, the run goes on: %v\n", l.real, err)
		}
	}
}

// NoFile tells the Logger that this run keeps no LOGFILE, so that nothing
// is held for one.
func (l *Logger) NoFile() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.noFile = true
	l.pending = nil
}

// LogFile names the LOGFILE of a run.
type LogFile struct {
	// Path is the name users look for: a symbolic link to the newest of
	// the timestamped files Path.TIMESTAMP, one per run.
	Path string
	// KeepDays is LOGDAYS: older Path.* files are removed first, as
	// stack.sh does. Negative keeps them all.
	KeepDays int
	// Summary writes Path.summary beside it, what the console said, as
	// stack.sh does.
	Summary bool
}

// OpenFile starts the LOGFILE as DevStack does: the log is written to a
// new file Path.TIMESTAMP, never shared with another run, and Path is a
// symbolic link to it. A Path that is something else than a link (a file
// of the user's) is left alone, with a warning, and the log written beside
// it. Logs are not world-readable. What was logged before is written
// first.
func (l *Logger) OpenFile(lf LogFile) error {
	lf.Path = filepath.Clean(lf.Path)
	if err := os.MkdirAll(filepath.Dir(lf.Path), 0o755); err != nil {
		return fmt.Errorf("creating the log directory: %w", err)
	}
	if lf.KeepDays >= 0 {
		removed, err := pruneLogs(lf.Path, lf.KeepDays, time.Now())
		for _, name := range removed {
			l.Debugf("removed %s, older than LOGDAYS=%d days", name, lf.KeepDays)
		}
		if err != nil {
			l.Warning(fmt.Sprintf("removing logs older than LOGDAYS=%d days: %v", lf.KeepDays, err))
		}
	}
	f, real, err := createLog(lf.Path, time.Now())
	if err != nil {
		return err
	}
	shown, err := linkLog(lf.Path, real)
	if err != nil {
		f.Close()
		return err
	}
	if shown != lf.Path {
		l.Warning(fmt.Sprintf("LOGFILE %s is not a link to a log (a file devstack did not write?): it is left as it is, and this run's log is %s", lf.Path, real))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.file, l.path, l.real = f, shown, real
	if l.dropped > 0 {
		l.pending = appendStamp(l.pending)
		l.pending = append(l.pending, fmt.Sprintf("[%d more bytes logged before the log was opened are not kept]\n", l.dropped)...)
	}
	l.emit(l.pending)
	l.pending, l.dropped = nil, 0
	l.side.open(lf, real, shown != lf.Path)
	if l.side.err != nil {
		fmt.Fprintf(l.consoleOut, "WARNING: %v\n", l.side.err)
	}
	return nil
}

// createLog creates path.TIMESTAMP, or with a suffix -N the first such name
// not taken: two runs in one second get a file each.
func createLog(path string, now time.Time) (*os.File, string, error) {
	stamp := path + "." + now.Format("2006-01-02-150405")
	for n := 0; ; n++ {
		name := stamp
		if n > 0 {
			name += "-" + strconv.Itoa(n)
		}
		f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o640)
		if err == nil {
			return f, name, nil
		}
		if !os.IsExist(err) || n >= 1000 {
			return nil, "", fmt.Errorf("creating the log: %w", err)
		}
	}
}

// linkLog points path at real, replacing a link but nothing else, and
// returns the name to show for the log: path, or real where path is left
// alone.
func linkLog(path, real string) (string, error) {
	info, err := os.Lstat(path)
	switch {
	case os.IsNotExist(err):
	case err != nil:
		return "", fmt.Errorf("linking LOGFILE: %w", err)
	case info.Mode()&os.ModeSymlink == 0:
		return real, nil
	}
	// A new link renamed over the old one: path always names a log.
	tmp := real + ".link"
	if err := os.Symlink(filepath.Base(real), tmp); err != nil {
		return "", fmt.Errorf("linking LOGFILE: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("linking LOGFILE: %w", err)
	}
	return path, nil
}

// Path returns the LOGFILE, "" if none was opened.
func (l *Logger) Path() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.path
}

// File returns the file this run's log is written to, "" if none.
func (l *Logger) File() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.real
}

// Close stops the output pipe and closes the LOGFILE. Programs the
// scripts left running may hold the pipe open, so Close waits only
// briefly for what they wrote. A LOGFILE cut short by a failed write is an
// error.
func (l *Logger) Close() error {
	l.outWrite.Close()
	select {
	case <-l.outDone:
	case <-time.After(500 * time.Millisecond):
	}
	l.con.end()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.noFile = true
	l.side.close()
	if l.file == nil {
		return nil
	}
	if l.midLine && l.cut == nil {
		l.file.Write([]byte("\n"))
	}
	err := l.file.Close()
	l.file = nil
	if l.cut != nil {
		return fmt.Errorf("the log %s is incomplete: %w", l.real, l.cut)
	}
	return err
}

// Phase announces a phase of the run, which the live line shows.
func (l *Logger) Phase(name string) {
	l.con.setPhase(name)
	l.console.WithField("kind", kindPhase).Info(name)
}

// Activity names what runs in the phase (a hook, a function) on the live
// line; "" when nothing in particular does.
func (l *Logger) Activity(name string) {
	l.con.setActivity(name)
}

// Detail names what the activity is doing (apt-get, git) on the live
// line; "" when it is done.
func (l *Logger) Detail(what string) {
	l.con.setDetail(what)
}

// Final shows a line of the end of the run, which -q shows too.
func (l *Logger) Final(msg string) {
	l.console.WithField("kind", kindFinal).Info(msg)
}

// Last shows the run's very last line.
func (l *Logger) Last(msg string) {
	l.console.WithField("kind", kindLast).Info(msg)
}

// EndConsole takes the live line away before the end of the run is
// written.
func (l *Logger) EndConsole() {
	l.con.end()
}

// MarkStep starts the output of a new step: from here, Tail holds only
// what this step writes.
func (l *Logger) MarkStep() {
	l.settle()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tail, l.tailDropped = l.tail[:0], 0
}

// StepOutput is Tail with the number of lines of the step's output that
// came before it.
func (l *Logger) StepOutput() ([]string, int) {
	l.settle()
	tail := l.Tail()
	l.mu.Lock()
	defer l.mu.Unlock()
	return tail, l.tailDropped
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
		l.settle()
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
type consoleFormatter struct{ l *Logger }

func (f consoleFormatter) Format(e *logrus.Entry) ([]byte, error) {
	return f.l.con.format(levelName(e.Level), e.Data["kind"], f.l.mask(e.Message)), nil
}

func levelName(level logrus.Level) string {
	switch {
	case level == logrus.WarnLevel:
		return "warning"
	case level <= logrus.ErrorLevel:
		return "error"
	case level == logrus.DebugLevel:
		return "debug"
	}
	return "info"
}

// fileHook copies every console entry to the LOGFILE.
type fileHook struct{ l *Logger }

func (fileHook) Levels() []logrus.Level { return logrus.AllLevels }

func (h fileHook) Fire(e *logrus.Entry) error {
	h.l.settle()
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
	if e.Level != logrus.DebugLevel {
		h.l.side.summaryLines(h.l.maskBytes([]byte(e.Message)), prefix)
	}
	switch levelName(e.Level) {
	case "warning":
		h.l.eventLocked(report.Event{Type: report.Warning, Message: h.l.mask(e.Message)})
	case "error":
		h.l.eventLocked(report.Event{Type: report.Error, Message: h.l.mask(e.Message)})
	}
	return nil
}
