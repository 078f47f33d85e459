package tree

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// Hook is one extras.d dispatch script.
type Hook struct {
	// Rel is the tree-relative path, e.g. "extras.d/50-template.sh".
	Rel string
	// Name is the file name, e.g. "50-template.sh".
	Name string
	// Seq is the two-digit sequence number, or -1 when the name has none.
	Seq int
	// Embedded is true when the script comes from the embedded tree.
	Embedded bool
}

// Reserved reports whether a user's script sits in a range kept for the
// tool's own scripts: 00-09 and 90-99.
func (h Hook) Reserved() bool {
	return !h.Embedded && h.Seq >= 0 && (h.Seq <= 9 || h.Seq >= 90)
}

// ReservedRange names the reserved range a sequence number falls in.
func ReservedRange(seq int) string {
	if seq <= 9 {
		return "00-09"
	}
	return "90-99"
}

// Hooks returns the extras.d scripts of the merged tree: the files named
// *.sh, in byte order of their names. Nothing else in extras.d is a hook.
func (t *Tree) Hooks() ([]Hook, error) {
	rels, err := t.files("extras.d", func(name string) bool {
		return strings.HasSuffix(name, ".sh")
	})
	if err != nil {
		return nil, err
	}
	hooks := make([]Hook, 0, len(rels))
	for _, rel := range rels {
		name := path.Base(rel)
		_, embedded := t.Embedded(t.Path(rel))
		hooks = append(hooks, Hook{Rel: rel, Name: name, Seq: sequence(name), Embedded: embedded})
	}
	return hooks, nil
}

// sequence reads the NN of an NN-name.sh file name.
func sequence(name string) int {
	if len(name) < 3 || name[2] != '-' {
		return -1
	}
	n, err := strconv.Atoi(name[:2])
	if err != nil {
		return -1
	}
	return n
}

// ReservedError refuses a user's scripts in reserved ranges (--strict).
type ReservedError struct {
	Hooks []Hook
}

func (e *ReservedError) Error() string {
	var b strings.Builder
	b.WriteString("refusing to run: ")
	for i, h := range e.Hooks {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s uses sequence number %02d, reserved (%s) for the tool's own scripts", h.Rel, h.Seq, ReservedRange(h.Seq))
	}
	b.WriteString(". Rename the script into 10-89, or run without --strict")
	return b.String()
}

// Plugins lists the hypervisor plugins of the merged tree by driver name.
func (t *Tree) Plugins() ([]string, error) {
	rels, err := t.files("lib/nova_plugins", func(name string) bool {
		return strings.HasPrefix(name, "hypervisor-")
	})
	if err != nil {
		return nil, err
	}
	drivers := make([]string, len(rels))
	for i, rel := range rels {
		drivers[i] = strings.TrimPrefix(path.Base(rel), "hypervisor-")
	}
	return drivers, nil
}
