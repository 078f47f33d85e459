package logging

import (
	"slices"
	"strings"
	"sync"
)

// secrets replaces the values of secret settings with *** in everything
// the Logger writes: the LOGFILE (scripts' output, trace, messages), the
// console, and the tail shown with an error.
type secrets struct {
	mu       sync.RWMutex
	values   []string
	replacer *strings.Replacer
}

// secretMask is what a secret's value becomes.
const secretMask = "***"

// minSecret is the shortest value masked: shorter ones (a 1, a yes) would
// mask half the log and hide nothing.
const minSecret = 4

// SetSecrets sets the values to mask, replacing those set before.
func (l *Logger) SetSecrets(values []string) {
	var kept []string
	for _, v := range values {
		if len(v) >= minSecret && !slices.Contains(kept, v) {
			kept = append(kept, v)
		}
	}
	// Longest first: a secret that holds another is masked whole.
	slices.SortFunc(kept, func(a, b string) int { return len(b) - len(a) })
	l.secrets.mu.Lock()
	defer l.secrets.mu.Unlock()
	if slices.Equal(kept, l.secrets.values) {
		return
	}
	l.secrets.values = kept
	l.secrets.replacer = nil
	if len(kept) > 0 {
		pairs := make([]string, 0, 2*len(kept))
		for _, v := range kept {
			pairs = append(pairs, v, secretMask)
		}
		l.secrets.replacer = strings.NewReplacer(pairs...)
	}
}

// mask hides the secrets in s.
func (l *Logger) mask(s string) string {
	l.secrets.mu.RLock()
	r := l.secrets.replacer
	l.secrets.mu.RUnlock()
	if r == nil {
		return s
	}
	return r.Replace(s)
}

// maskBytes is mask for a buffer; b itself is returned when it holds no
// secret.
func (l *Logger) maskBytes(b []byte) []byte {
	l.secrets.mu.RLock()
	r := l.secrets.replacer
	l.secrets.mu.RUnlock()
	if r == nil {
		return b
	}
	if masked := r.Replace(string(b)); len(masked) != len(b) || masked != string(b) {
		return []byte(masked)
	}
	return b
}

// Mask hides the secrets in s, as everything the Logger writes does.
func (l *Logger) Mask(s string) string {
	return l.mask(s)
}
