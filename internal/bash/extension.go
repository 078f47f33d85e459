package bash

import (
	"fmt"
	"sync"
)

// A background job runs in a process of its own, the program re-executed
// with the session's state (jobprocess.go). What a caller added to the
// session in Go, such as a library of functions (Define) or an overlay,
// is not state that can be written down: the caller names it among the
// session's Extensions, and the program registers, under that name, how
// to add it again in the job's process.

// Extension names something a caller added to a session that a
// background job's process must add again, with the argument it needs.
type Extension struct {
	Name string
	Arg  string
}

// ExtensionFunc adds an extension again in a background job's process: it
// may change the options the job's session starts with, and returns what
// to do with the session once it has started (nil for nothing).
type ExtensionFunc func(opts *Options, arg string) (func(*Session), error)

var extensions = struct {
	sync.Mutex
	byName map[string]ExtensionFunc
}{byName: map[string]ExtensionFunc{}}

// RegisterExtension tells how to add the extension name again in a job's
// process. A program registers its extensions before RunJobProcess.
func RegisterExtension(name string, add ExtensionFunc) {
	extensions.Lock()
	defer extensions.Unlock()
	extensions.byName[name] = add
}

func lookupExtension(name string) (ExtensionFunc, error) {
	extensions.Lock()
	defer extensions.Unlock()
	add, ok := extensions.byName[name]
	if !ok {
		return nil, fmt.Errorf("the session's extension %q is not registered in this program", name)
	}
	return add, nil
}
