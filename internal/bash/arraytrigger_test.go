package bash

import (
	"os"
	"path/filepath"
	"testing"
)

// TestArrayTrigger: where arrayTrigger says arraySource has nothing to
// do, its rewrite, parse included, would indeed change nothing: on every
// compatibility snippet, as written and as the earlier rewrites leave it,
// and on texts made to be near the edge.
func TestArrayTrigger(t *testing.T) {
	texts := map[string]string{
		"tests only":  "if [[ \"$1\" == stack && $2 == install ]]; then\n    x=$DEST/a\nfi\n",
		"glob class":  "case $x in [ab]*) echo [x] ;; esac\nls /tmp/[0-9]\n",
		"subscript":   "a[1]=x\necho ${a[1]} ${#a[@]}\n",
		"indirection": "echo ${!name}\n",
		"literal":     "declare -A m=([k]=v)\nl=(a b)\n",
		"var test":    "[[ -v x[1] ]] && echo set\n",
		"ifs":         "IFS=:\nfor p in $PATH; do :; done\n",
		"arithmetic":  "(( n[2] += 1 ))\necho $(( n[2] ))\n",
	}
	files, _ := filepath.Glob("../../testdata/bashcompat/*.sh")
	if len(files) == 0 {
		t.Fatal("no snippets found")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		texts[filepath.Base(file)] = string(data)
	}
	skipped := 0
	for name, text := range texts {
		for _, src := range [][]byte{[]byte(text), xtraceSource(name, compatSource(name, []byte(text)))} {
			if arrayTrigger(src) {
				continue
			}
			skipped++
			if got := arrayRewriteText(name, src); string(got) != string(src) {
				t.Errorf("%s: arrayTrigger false, but the rewrite gives\n%s", name, got)
			}
		}
	}
	for _, name := range []string{"subscript", "indirection", "literal", "var test", "ifs", "arithmetic"} {
		if !arrayTrigger([]byte(texts[name])) {
			t.Errorf("%s: arrayTrigger false", name)
		}
	}
	if skipped < 4 {
		t.Errorf("only %d texts passed over: the check tests little", skipped)
	}
}
