package bash

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// shiftTree must move every position: a tree shifted by the lines of a
// prefix is the tree of the text with the prefix, for every kind of node
// the parser makes.
func TestShiftTree(t *testing.T) {
	texts := map[string]string{
		"clauses": `if a; then b; elif c; then d; else e; fi
while f; do g; done; until h; do i; done
for x in 1 "$y" 'z'; do :; done; for ((i = 0; i < 3; i++)); do :; done
select s in a b; do break; done
case $x in a|b) c ;; *) d ;& e) f ;;& esac
function g { (h) & { i; } | j || ! k && l; }
m() ( n )
time -p o; coproc p { q; }
`,
		"words": `echo $'a\tb' $"c" "${d:-e}" "${f:1:2}" ${g/h/i} ${j//k} ${#l} ${!m} ${!n*} ${o[1]} ${p[@]} ${q#r} ${s^^} \
  $(t) ` + "`u`" + ` <(v) >(w) $((x + -y * (z))) $[1] @(a|b) x{1,2} ~/p
`,
		"tests and declarations": `[[ -f $a && ( $b == c* || ! -v d[1] ) ]] && (( e++, f = g ? h : i )) && let j=1 k+=2
declare -A m=([a]=1 [b]=$c) && local -a n=(1 "2" $3) o p=q && export r readonly s=t
u[1]=v w+=(x) y=${z}
`,
		"redirections": `a 2>&1 >f <g 3<>h &>i >>j <<<k {fd}>l
cat <<EOF
body $x
EOF
cat <<-'EOT'
	raw
	EOT
`,
	}
	for _, pattern := range []string{"testdata/bashcompat/*.sh", "lib/*"} {
		files, err := filepath.Glob(filepath.Join("..", "..", pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if data, err := os.ReadFile(f); err == nil {
				texts[f] = string(data)
			}
		}
	}
	const prefix = "\n\n   \n"
	for name, text := range texts {
		tree, err := parseText(name, []byte(text))
		if err != nil {
			if !strings.Contains(name, "/") {
				t.Fatalf("%s: %v", name, err)
			}
			continue
		}
		want, err := parseText(name, []byte(prefix+text))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !shiftTree(tree.Stmts, uint(len(prefix)), uint(strings.Count(prefix, "\n"))) {
			t.Errorf("%s: shiftTree refused the tree", name)
			continue
		}
		if !reflect.DeepEqual(tree, want) {
			t.Errorf("%s: shifted tree differs from the tree of the text after a prefix", name)
		}
	}
}
