package bash

import (
	"context"
	"fmt"

	"mvdan.cc/sh/v3/syntax"
)

// The interpreter panics on a few inputs. The session keeps scripts away
// from the ones it knows of (namerefs to nothing, arithmetic assignment to
// array elements, ...); should another reach it, the outermost Run turns
// the panic into an InternalError that says where the script was, instead
// of a Go stack trace, and the session runs nothing more: its state can no
// longer be trusted. A panic in a goroutine of the interpreter's own (the
// left side of a pipeline) is out of reach of this.

// InternalError is a panic of the interpreter, which stopped the script.
type InternalError struct {
	// At is the last command the script ran.
	At    Position
	Value any
}

func (e *InternalError) Error() string {
	where := "devstack"
	if e.At.File != "" || e.At.Line > 0 {
		where = e.At.String()
	}
	return fmt.Sprintf("%s: internal error of the bash interpreter (%v); the script stops here", where, e.Value)
}

// runGuarded runs node as the outermost Run, and turns a panic of the
// interpreter into an InternalError.
func (s *Session) runGuarded(ctx context.Context, node syntax.Node) (err error) {
	if broken := s.broken.Load(); broken != nil {
		return broken
	}
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		internal := &InternalError{Value: v}
		// The panic may have left the session's lock held.
		if s.mu.TryLock() {
			internal.At = s.last
			s.mu.Unlock()
		}
		s.broken.Store(internal)
		err = internal
	}()
	return s.runner.Run(ctx, node)
}
