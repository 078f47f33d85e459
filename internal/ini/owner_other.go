//go:build !unix

package ini

import (
	"io/fs"
	"os"
)

func keepOwner(*os.File, fs.FileInfo) {}
