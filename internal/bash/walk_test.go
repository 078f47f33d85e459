package bash

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// visits lists the nodes a walk visits, in order, with the nil that ends
// each, and stops below nodes of the types in prune.
func visits(walker func(syntax.Node, func(syntax.Node) bool), file *syntax.File, prune string) []string {
	var out []string
	walker(file, func(n syntax.Node) bool {
		if n == nil {
			out = append(out, "end")
			return true
		}
		kind := fmt.Sprintf("%T", n)
		out = append(out, fmt.Sprintf("%s@%d-%d", kind, n.Pos().Offset(), n.End().Offset()))
		return !strings.Contains(prune, kind)
	})
	return out
}

// TestWalkAsSyntaxWalk: walk visits the nodes of every compatibility
// snippet, and of constructs it hands to syntax.Walk, as syntax.Walk does,
// also when the visitor prunes.
func TestWalkAsSyntaxWalk(t *testing.T) {
	texts := map[string]string{
		"comments": "# top\nfoo a # trailing\ncase $x in\n  # before\n  a) echo ;; # after\nesac\narr=(\n  # c\n  a # d\n  [2]=b\n)\nif true; then # t\n  :\n  # last\nfi\n",
		"others":   "time { a | b; }\ncoproc C { cat; }\nfor ((i=0; i<3; i++)); do echo ${x:1:2} ${y/a/b} ${!p} ${#z[@]}; done\n[[ -n $a && ( $b == c* ) ]]\n(( x = y ? 1 : 2 ))\nlet a=1 b++\necho @(a|b) <(ls) >(cat) 2>&1 <<EOF\n$h\nEOF\n",
		"decls":    "function f { local -a a=(1 2) b; declare -A m=([k]=v); export X=1; }\nwhile read -r l; do :; done < f\nuntil false; do break; done\nselect s in a b; do :; done\n",
	}
	files, _ := filepath.Glob("../../testdata/bashcompat/*.sh")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		texts[filepath.Base(file)] = string(data)
	}
	if len(files) == 0 {
		t.Fatal("no snippets found")
	}
	for name, text := range texts {
		file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), name)
		if err != nil {
			continue
		}
		for _, prune := range []string{"", "*syntax.CmdSubst *syntax.FuncDecl", "*syntax.Stmt"} {
			want := visits(syntax.Walk, file, prune)
			got := visits(walk, file, prune)
			if !slices.Equal(got, want) {
				t.Errorf("%s (prune %q): walk visited\n%v\nsyntax.Walk\n%v", name, prune, got, want)
			}
		}
	}
}
