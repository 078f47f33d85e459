package logging

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// ConsoleOptions say how the console looks.
type ConsoleOptions struct {
	// Live keeps a status line at the bottom of a terminal (phase, hook,
	// elapsed time), redrawn in place and cleared before every other line.
	Live bool
	// Color marks warnings, errors, phases and the last line.
	Color bool
	// Timestamps starts every line with the time, for a console that is
	// not a terminal (a CI log).
	Timestamps bool
	// Quiet shows only errors and the end of the run.
	Quiet bool
	// Verbose shows the scripts' output too.
	Verbose bool
}

// TerminalOptions are the console options for w: on a terminal a live line
// and colour (none with NO_COLOR set, or TERM=dumb); elsewhere plain
// timestamped lines.
func TerminalOptions(w io.Writer, getenv func(string) string) ConsoleOptions {
	if !IsTerminal(w) || getenv("TERM") == "dumb" {
		return ConsoleOptions{Timestamps: true}
	}
	return ConsoleOptions{Live: true, Color: getenv("NO_COLOR") == ""}
}

// IsTerminal tells whether a stream, standard input or output, is a
// terminal.
func IsTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// ANSI sequences of the console.
const (
	colorReset  = "\x1b[0m"
	colorBold   = "\x1b[1m"
	colorRed    = "\x1b[1;31m"
	colorYellow = "\x1b[33m"
	colorGreen  = "\x1b[32m"
	colorCyan   = "\x1b[1;36m"
	// clearLine returns to the start of the line and erases it.
	clearLine = "\r\x1b[2K"
)

// liveTick is how often the live line's clock moves.
const liveTick = 250 * time.Millisecond

// spinner turns on the live line while the run works.
var spinner = []string{"|", "/", "-", "\\"}

// console writes the console's lines and keeps the live line under them.
type console struct {
	opts ConsoleOptions
	out  io.Writer

	mu sync.Mutex
	// phase and activity (the hook or function under way) are what the
	// live line shows, since runStart and activityStart.
	phase, activity, detail string
	runStart, activityStart time.Time
	// shown is set while the live line is on the screen; midLine while a
	// script's output line (-v) is not ended, when the live line waits.
	shown, midLine bool
	turn           int
	stop           chan struct{}
	stopped        bool
}

func newConsole(out io.Writer, opts ConsoleOptions) *console {
	c := &console{opts: opts, out: out, runStart: time.Now(), stop: make(chan struct{})}
	if opts.Live {
		go c.tick()
	}
	return c
}

func (c *console) tick() {
	t := time.NewTicker(liveTick)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.mu.Lock()
			c.turn++
			c.redraw()
			c.mu.Unlock()
		}
	}
}

// Write writes whole lines (logrus entries, messages): the live line is
// cleared first and drawn again after them.
func (c *console) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clear()
	_, err := c.out.Write(p)
	c.midLine = p[len(p)-1] != '\n'
	c.redraw()
	return len(p), err
}

// clear erases the live line. c.mu must be held.
func (c *console) clear() {
	if c.shown {
		io.WriteString(c.out, clearLine)
		c.shown = false
	}
}

// redraw draws the live line. c.mu must be held.
func (c *console) redraw() {
	if !c.opts.Live || c.stopped || c.midLine || c.phase == "" {
		return
	}
	line := fitLine(c.liveText(time.Now()), terminalWidth(c.out))
	if c.opts.Color {
		line = colorCyan + line + colorReset
	}
	io.WriteString(c.out, clearLine+line)
	c.shown = true
}

// liveText is the live line: the spinner, the phase, what runs in it and
// for how long, and the run's time.
func (c *console) liveText(now time.Time) string {
	var b strings.Builder
	b.WriteString(spinner[c.turn%len(spinner)] + " " + c.phase)
	if c.activity != "" {
		b.WriteString(" · " + c.activity)
		if took := now.Sub(c.activityStart); took >= time.Second {
			b.WriteString(" " + clock(took))
		}
	}
	if c.detail != "" {
		b.WriteString(" · " + c.detail)
	}
	fmt.Fprintf(&b, " · %s elapsed", clock(now.Sub(c.runStart)))
	return b.String()
}

// fitLine cuts a live line to less than width columns: a line that wraps
// could not be erased in place. What is cut is the middle, what runs,
// so that the phase and the run's time stay in sight.
func fitLine(line string, width int) string {
	runes := []rune(line)
	if len(runes) < width {
		return line
	}
	keep := max(width-1, 0)
	tail := []rune(line[strings.LastIndex(line, " · "):])
	if len(tail)+2 > keep {
		return string(runes[:keep])
	}
	head := runes[:keep-len(tail)-1]
	return string(head) + "…" + string(tail)
}

// clock shows a duration as M:SS.
func clock(d time.Duration) string {
	s := int(d / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// setPhase and setActivity change what the live line shows from its
// next drawing: the next line written or the next tick.
func (c *console) setPhase(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.phase, c.activity, c.detail = name, "", ""
}

func (c *console) setActivity(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.activity, c.activityStart, c.detail = name, time.Now(), ""
}

func (c *console) setDetail(what string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.detail = what
}

// end takes the live line away for good.
func (c *console) end() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	c.clear()
	c.stopped = true
	close(c.stop)
}

// terminalWidth is the width of the terminal out is, 80 if unknown.
func terminalWidth(out io.Writer) int {
	if f, ok := out.(*os.File); ok {
		if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil && ws.Col > 0 {
			return int(ws.Col)
		}
	}
	return 80
}

// Console line kinds, beside the levels: a phase header, a line of the
// end of the run (shown even with -q), and the very last line.
const (
	kindPhase = "phase"
	kindFinal = "final"
	kindLast  = "last"
)

// format is a console entry as shown: marked, coloured, timestamped as
// the options say; nil if -q hides it.
func (c *console) format(level string, kind any, msg string) []byte {
	shown := level == "error" || kind == kindFinal || kind == kindLast
	if c.opts.Quiet && !shown {
		return nil
	}
	var label, color string
	switch {
	case kind == kindPhase:
		label, color = "==> ", colorBold
	case level == "warning":
		label, color = "WARNING: ", colorYellow
	case level == "error":
		label, color = "ERROR: ", colorRed
	case kind == kindLast:
		color = colorGreen
	}
	var b []byte
	for i, line := range strings.Split(msg, "\n") {
		if c.opts.Timestamps {
			b = appendStamp(b)
		}
		text := line
		if i == 0 {
			text = label + line
		}
		if c.opts.Color && color != "" && (i == 0 || level == "warning") {
			text = color + text + colorReset
		}
		b = append(b, text+"\n"...)
	}
	return b
}
