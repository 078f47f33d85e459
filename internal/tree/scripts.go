package tree

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Scripts lists, tree-relative, every script a DevStack tree's stack.sh,
// unstack.sh and clean.sh can source, to be parsed before anything runs:
// those three, stackrc, functions*, inc/*, everything under lib/ but
// documentation, and extras.d/*.sh.
func (t *Tree) Scripts() ([]string, error) {
	var scripts []string
	top, err := os.ReadDir(t.Top)
	if err != nil {
		return nil, err
	}
	for _, de := range top {
		name := de.Name()
		if !de.Type().IsRegular() {
			continue
		}
		if slices.Contains([]string{"stack.sh", "unstack.sh", "clean.sh", "stackrc"}, name) || strings.HasPrefix(name, "functions") {
			scripts = append(scripts, name)
		}
	}
	for _, dir := range []string{"inc", "lib"} {
		err := filepath.WalkDir(t.Path(dir), func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				if p == t.Path(dir) && os.IsNotExist(err) {
					return nil
				}
				return err
			}
			if !de.Type().IsRegular() || isDocumentation(de.Name()) {
				return nil
			}
			rel, _ := t.Rel(p)
			scripts = append(scripts, rel)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	hooks, err := t.Hooks()
	if err != nil {
		return nil, err
	}
	for _, h := range hooks {
		scripts = append(scripts, h.Rel)
	}
	return scripts, nil
}

// isDocumentation tells the files under lib/ and inc/ that are not
// scripts: READMEs, other text and hidden files.
func isDocumentation(name string) bool {
	ext := path.Ext(name)
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "README") || ext == ".md" || ext == ".rst" || ext == ".txt"
}
