package logging

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"devstack/internal/report"
)

// sideFiles are the files a run writes beside its LOGFILE, named after
// it: LOGFILE.summary, what the console said (stack.sh's summary log, as
// DevStack writes it), and LOGFILE.events, the events as JSON lines. Each
// is, like the LOGFILE, a link to a file of this run, NAME.TIMESTAMP. What
// comes before they are opened is kept, as for the LOGFILE.
type sideFiles struct {
	summary, events         *os.File
	summaryPath, eventsPath string
	// summaryLink and eventsLink are the names shown: the links, or the
	// files where a link could not be made.
	summaryLink, eventsLink string
	pendingSummary          []byte
	pendingEvents           []byte
	closed                  bool
	err                     error
}

// open creates the side files of the log real, started for lf. With
// userFile, LOGFILE is a file of the user's, and the side files are named
// after real.
func (s *sideFiles) open(lf LogFile, real string, userFile bool) {
	base := lf.Path
	suffix := strings.TrimPrefix(filepath.Base(real), filepath.Base(lf.Path)+".")
	var errs []error
	if lf.Summary {
		s.summary, s.summaryPath, s.summaryLink, errs = openSide(base, "summary", suffix, userFile, errs)
		s.write(s.summary, s.pendingSummary)
	}
	s.events, s.eventsPath, s.eventsLink, errs = openSide(base, "events", suffix, userFile, errs)
	s.write(s.events, s.pendingEvents)
	s.pendingSummary, s.pendingEvents = nil, nil
	s.err = errors.Join(errs...)
}

func openSide(base, kind, suffix string, userFile bool, errs []error) (*os.File, string, string, []error) {
	link := base + "." + kind
	path := link + "." + suffix
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return nil, "", "", append(errs, fmt.Errorf("creating the %s file: %w", kind, err))
	}
	shown := path
	if !userFile {
		if shown, err = linkLog(link, path); err != nil {
			return f, path, path, append(errs, err)
		}
	}
	return f, path, shown, errs
}

func (s *sideFiles) write(f *os.File, b []byte) {
	if f != nil && len(b) > 0 {
		f.Write(b)
	}
}

// summaryLines adds a console message to the summary, each line
// timestamped and marked with prefix.
func (s *sideFiles) summaryLines(msg []byte, prefix string) {
	if s.closed {
		return
	}
	var b []byte
	for line := range strings.SplitSeq(string(msg), "\n") {
		b = appendStamp(b)
		b = append(b, prefix+line+"\n"...)
	}
	if s.summary != nil {
		s.summary.Write(b)
		return
	}
	if len(s.pendingSummary)+len(b) <= pendingMax {
		s.pendingSummary = append(s.pendingSummary, b...)
	}
}

func (s *sideFiles) event(line []byte) {
	switch {
	case s.closed:
	case s.events != nil:
		s.events.Write(line)
	case len(s.pendingEvents)+len(line) <= pendingMax:
		s.pendingEvents = append(s.pendingEvents, line...)
	}
}

func (s *sideFiles) close() {
	for _, f := range []*os.File{s.summary, s.events} {
		if f != nil {
			f.Close()
		}
	}
	s.summary, s.events = nil, nil
	s.closed = true
}

// Event writes an event to the events file. Schema and Time are filled
// in.
func (l *Logger) Event(e report.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.eventLocked(e)
}

// eventLocked is Event with l.mu held.
func (l *Logger) eventLocked(e report.Event) {
	e.Schema = report.SchemaVersion
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return
	}
	l.side.event(append(line, '\n'))
}

// EventsBeside starts the events file of a run whose log the scripts
// write themselves (a DevStack tree's stack.sh writes its LOGFILE): the
// events so far and those to come go to base.events, a link to
// base.events.TIMESTAMP. A directory that is not there is no error: there
// is then no events file (clean.sh removes LOGDIR).
func (l *Logger) EventsBeside(base string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.side.events != nil || l.side.closed {
		return nil
	}
	if info, err := os.Stat(filepath.Dir(base)); err != nil || !info.IsDir() {
		l.side.pendingEvents = nil
		return nil
	}
	f, real, err := createLog(base+".events", time.Now())
	if err != nil {
		return fmt.Errorf("creating the events file: %w", err)
	}
	shown, err := linkLog(base+".events", real)
	if err != nil {
		shown = real
	}
	l.side.events, l.side.eventsPath, l.side.eventsLink = f, real, shown
	l.side.write(f, l.side.pendingEvents)
	l.side.pendingEvents = nil
	return err
}

// SummaryFile and EventsFile name the side files, "" if not written.
func (l *Logger) SummaryFile() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.side.summaryLink
}

// EventsFile names the events file, "" if none is written.
func (l *Logger) EventsFile() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.side.eventsLink
}

// Files are every file and link the run's logs are written to, for clean
// to keep.
func (l *Logger) Files() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var files []string
	for _, path := range []string{l.real, l.path, l.side.summaryPath, l.side.summaryLink, l.side.eventsPath, l.side.eventsLink} {
		if path != "" {
			files = append(files, path)
		}
	}
	return files
}
