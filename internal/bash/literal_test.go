package bash

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"testing"
)

// TestLiteralTestsMatchBash runs [[ ]] comparisons, rewritten or not, in a
// hook and under bash: every answer must be the same.
func TestLiteralTestsMatchBash(t *testing.T) {
	script := `x=stack; y="a b"; star='*'; empty=
for t in \
    '[[ $x == stack ]]' '[[ "$x" == "stack" ]]' '[[ $x = stac ]]' '[[ $x != stack ]]' \
    '[[ $x == st* ]]' '[[ $x == "st*" ]]' '[[ $x == st"*" ]]' '[[ "$y" == "a b" ]]' \
    '[[ $y == a\ b ]]' '[[ $x == $star ]]' '[[ $x == "$star" ]]' '[[ $empty == "" ]]' \
    '[[ -n $x && $x == stack ]]' '[[ $x == a || $x == stack ]]' '[[ ! $x == stack ]]' \
    '[[ ( $x == stack ) ]]' '[[ $x == @(stack|unstack) ]]' '[[ $x == [s]tack ]]' \
    '[[ "$x" != "" ]]' '[[ $x == "${x}" ]]' '[[ $x == ${x%k}k ]]' '[[ 10 == 010 ]]' \
    '[[ b < a ]]'; do
    eval "$t" && echo "$t: yes" || echo "$t: no"
done
# The same tests, written out, so the rewrite sees them.
[[ $x == stack ]] && echo 1 || echo 1n
[[ "$x" == "stack" ]] && echo 2 || echo 2n
[[ $x != stack ]] && echo 3 || echo 3n
[[ $x == st* ]] && echo 4 || echo 4n
[[ $x == "st*" ]] && echo 5 || echo 5n
[[ "$y" == "a b" ]] && echo 6 || echo 6n
[[ $x == $star ]] && echo 7 || echo 7n
[[ $x == "$star" ]] && echo 8 || echo 8n
[[ $empty == "" ]] && echo 9 || echo 9n
[[ -n $x && $x == stack ]] && echo 10 || echo 10n
[[ ! $x == stack ]] && echo 11 || echo 11n
[[ $x == "${x}" ]] && echo 12 || echo 12n
[[ $x == a || "$x" != "stack" ]] && echo 13 || echo 13n
[[ $1 == install && $2 == "" ]] && echo 14 || echo 14n
`
	path := writeScript(t, script)
	want, err := exec.Command("bash", "-c", `f() { source "$1" install; }; f "$1"`, "bash", path).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, want)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := Parse(path, "tests.sh", data)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	s, err := New(Options{Dir: t.TempDir(), Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SourceInFunction(context.Background(), parsed, "install"); err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("devstack:\n%s\nbash:\n%s", out.String(), want)
	}
}
