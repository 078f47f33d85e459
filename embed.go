// Package devstack holds the default tree that the binary carries: the
// stackrc, lib/ and extras.d/ a plugin tree is laid over.
package devstack

import (
	"embed"
	"io/fs"
)

//go:embed stackrc lib extras.d
var defaultTree embed.FS

// DefaultTree returns the embedded default tree, rooted at the tree's top.
func DefaultTree() fs.FS {
	return defaultTree
}
