package lifecycle

import (
	"io/fs"

	"devstack/internal/bash"
	"devstack/internal/tree"
)

// TreeExtension names a run's tree among its sessions' extensions: a
// background job's process opens the tree again (ReopenTree), so that its
// scripts read the embedded files the run's do.
const TreeExtension = "tree"

// treeExtension is the extension of a session over t.
func treeExtension(t *tree.Tree) bash.Extension {
	return bash.Extension{Name: TreeExtension, Arg: t.Top}
}

// ReopenTree opens, in a background job's process, the tree at the top
// the extension names, over base, the embedded default tree, as the
// session's overlay.
func ReopenTree(base fs.FS) bash.ExtensionFunc {
	return func(opts *bash.Options, top string) (func(*bash.Session), error) {
		t, err := tree.Open(top, base)
		if err != nil {
			return nil, err
		}
		opts.Overlay = t
		return nil, nil
	}
}
