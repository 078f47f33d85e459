package bash

import (
	"os"
	"path/filepath"
	"testing"
)

// traceArraySource must give the text arraySource gives on
// xtraceSource's, whether or not it skips arraySource: for each
// construct arraySource rewrites, alone and among others, for scripts
// with nothing of it, and for the snippets of TestBashCompat and the
// project's own bash.
func TestTraceArraySourceSameText(t *testing.T) {
	tests := []struct {
		name, text string
		skips      bool
	}{
		{"plain", "f() {\n    local a=1 b\n    x=$(g \"$a\") && echo \"$x\" | grep -q y\n}\n", true},
		{"tests and loops", "if [[ -n $a && $b == c ]]; then for i in 1 2; do (( n += i )); done; fi\ncase $x in y) z ;; esac\n", true},
		{"negations", "if ! grep -q x f; then :; fi\n[[ ! -f $f ]] && echo no\n", true},
		{"element assignment", "GITDIR[\"nova\"]=$DEST/nova\n", false},
		{"element append", "m[k]+=x\n", false},
		{"array literal", "a=(1 2 3)\n", false},
		{"declared array", "f() { local -a r=(4 5); }\n", false},
		{"readonly array", "readonly r=(4)\n", false},
		{"associative literal", "declare -A m=([a]=1 [b]=2)\n", false},
		{"element expansion", "echo \"${a[1]}\"\n", false},
		{"all elements", "for x in \"${a[@]}\"; do echo \"$x\"; done\n", false},
		{"keys", "echo \"${!m[@]}\"\n", false},
		{"length", "echo \"${#a[@]}\"\n", false},
		{"indirection", "n=HOME; echo \"${!n}\"\n", false},
		{"prefix names", "echo \"${!BASH*}\"\n", false},
		{"var test", "[[ -v m[k] ]] && echo set\n", false},
		{"plain var test", "[[ -v HOME ]] && echo set\n", false},
		{"IFS", "IFS=:; for p in $PATH; do echo \"$p\"; done\n", false},
		{"local IFS", "f() { local IFS=,; set -- $1; echo $#; }\n", false},
		{"IFS in one function", "f() {\n    local IFS=,\n    for x in $1; do echo $x; done\n}\ng() { echo $2; }\nh() { local a=(1 2); echo ${a[@]} $3; }\nx=$4\n", false},
		{"IFS restored", "OIFS=$IFS\nIFS=$OIFS\necho $x\n", false},
		{"IFS in a nested function", "f() {\n    g() { IFS=: read -r a b <<< \"$1\"; local IFS=:; echo $a $b; }\n    g \"$@\"\n}\necho $y\n", false},
		// compatSource rewrites subscripts in arithmetic (arithEdits).
		{"subscript arithmetic", "(( a[1] = 2 ))\n", true},
		{"parse error", "if then fi (\n", false},
		{"one function of three", "f() { echo a; }\n\ng() {\n    local -a r=(1 2)\n    echo \"${r[@]}\" \"${!r[@]}\"\n}\nh() { [[ -n $x ]]; }\n", false},
		{"shared lines", "a=1; b[1]=2\nc=3; d=${e[1]}; f=4\ng=5\n", false},
		{"here-document before", "cat <<E\n${body}\nE\nm[k]=v\necho \"${m[k]}\"\n", false},
		{"here-document holding one", "cat <<E; x=1\n${m[k]}\nE\ny=2\n", false},
		{"continued lines", "a=$(echo \\\n  \"${m[@]}\")\nb=1\n", false},
	}
	for _, tt := range tests {
		compat := compatSource(tt.name, []byte(tt.text))
		if got := noArrayWork(tt.name, compat); got != tt.skips {
			t.Errorf("%s: noArrayWork = %v, want %v", tt.name, got, tt.skips)
		}
		want := string(arraySource(tt.name, xtraceSource(tt.name, compat)))
		if got := string(traceArraySource(tt.name, compat)); got != want {
			t.Errorf("%s: traceArraySource =\n%s\nwant\n%s", tt.name, got, want)
		}
	}
	// Scripts with something to rewrite: from the parts that hold it,
	// or, where that cannot be told, from the whole text.
	var files []string
	for _, pattern := range []string{"testdata/bashcompat/*.sh", "testdata/*.sh", "lib/*", "extras.d/*"} {
		matches, err := filepath.Glob(filepath.Join("..", "..", pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}
	if len(files) < 50 {
		t.Fatalf("only %d scripts found", len(files))
	}
	skipped, parts := 0, 0
	for _, f := range files {
		if info, err := os.Stat(f); err != nil || !info.Mode().IsRegular() {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		compat := compatSource(f, data)
		if noArrayWork(f, compat) {
			skipped++
		} else if file, err := parseText(f, compat); err == nil {
			if _, ok := arrayParts(f, compat, file, xtraceSource(f, compat)); ok {
				parts++
			}
		}
		want := string(arraySource(f, xtraceSource(f, compat)))
		if got := string(traceArraySource(f, compat)); got != want {
			t.Errorf("%s: traceArraySource differs from arraySource after xtraceSource", f)
		}
	}
	if skipped == 0 || parts == 0 || skipped+parts == len(files) {
		t.Errorf("of %d scripts, %d skipped arraySource and %d were rewritten in parts: each path must be taken", len(files), skipped, parts)
	}
}
