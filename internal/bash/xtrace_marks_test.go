package bash

import (
	"os"
	"path/filepath"
	"testing"
)

// xtraceMarked must give the text xtraceSource gives on compatSource's:
// for the snippets of TestBashCompat and for scripts made of tested
// commands and the constructs the trace rewrites around them.
func TestXtraceMarkedSameText(t *testing.T) {
	scripts := map[string]string{
		"hook": `echo "$*" >> "$RECORD"
if [[ "$1" == "stack" && "$2" == "install" ]]; then
    if is_service_enabled demo && other_check; then
        local x=1
        conf=$DEST/x; declare -a arr=(a "b c")
        for f in a b; do check_it "$f" 2>/dev/null || fail_it; done
        case $x in 1) run_it ;; esac
        (( x++ ))
    fi
elif check_one 2>&1; then
    :
fi
while read_more; do :; done
until done_yet; do wait_more; done
[[ -f /etc/passwd ]] && cat_it || echo no`,
		"nested": `f() { if g; then h; fi; }
if [[ $(is_it) == "x" ]]; then a; fi
x=$(if a; then b; fi)
if ! is_it; then :; fi`,
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "bashcompat", "*.sh"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no snippets: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		scripts[filepath.Base(f)] = string(data)
	}
	marked := 0
	for name, text := range scripts {
		compat, marks := compatSourceMarks(name, []byte(text))
		if marks != nil {
			marked++
			t.Logf("%s: marks alone", name)
		}
		want := string(xtraceSource(name, compat))
		if got := string(xtraceMarked(name, []byte(text), compat, marks)); got != want {
			t.Errorf("%s: xtraceMarked =\n%s\nwant\n%s", name, got, want)
		}
	}
	if marked == 0 {
		t.Error("no script took the path of marks alone")
	}
}
