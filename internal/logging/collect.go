package logging

import (
	"io"
	"sync"

	"github.com/sirupsen/logrus"
)

// Collected keeps the warnings and errors a Logger was given.
type Collected struct {
	mu       sync.Mutex
	warnings []string
	errors   []string
}

// Warnings are the warnings given so far, in order.
func (c *Collected) Warnings() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.warnings...)
}

// Errors are the errors given so far, in order.
func (c *Collected) Errors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errors...)
}

// NewCollector returns a Logger that shows nothing and keeps no log, but
// the warnings and errors it is given, for a command that tells what a
// run would do without running it (devstack plan).
func NewCollector() (*Logger, *Collected, error) {
	l, err := New(io.Discard, false)
	if err != nil {
		return nil, nil, err
	}
	l.NoFile()
	c := &Collected{}
	l.console.AddHook(collectHook{c})
	return l, c, nil
}

type collectHook struct{ c *Collected }

func (collectHook) Levels() []logrus.Level {
	return []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel, logrus.WarnLevel}
}

func (h collectHook) Fire(e *logrus.Entry) error {
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	if e.Level == logrus.WarnLevel {
		h.c.warnings = append(h.c.warnings, e.Message)
	} else {
		h.c.errors = append(h.c.errors, e.Message)
	}
	return nil
}
