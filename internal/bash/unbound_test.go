package bash

import (
	"slices"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

func TestUnboundChecks(t *testing.T) {
	tests := []struct {
		src  string
		want []string // words, as unboundEdits writes them
	}{
		{`echo $X "${Y}" ${#Z}`, []string{"X", "Y", "Z"}},
		{`echo ${X:-d} ${X-} ${X:+a} ${X?m} ${X:=v} ${!X} ${A[@]}`, nil},
		{`echo "$1" ${10}`, []string{"'$1'${1+=}", "'$10'${10+=}"}},
		{`echo ${A[2]} ${A[$i]} ${A[i++]}`, []string{"'A[2]'${A[2]+=}", "'A[$i]'${A[$i]+=}"}},
		{`echo $(echo $INNER) $OUTER`, []string{"OUTER"}},
		{`local a=$X b=$a`, []string{"X", "a"}},
		{`[[ $A == x || $B == y ]]`, []string{"A"}},
		{`for i in a $L; do echo $i; done`, []string{"L"}},
		{`case $C in x) echo $D;; esac`, []string{"C"}},
		{`(( n = U + 1 ))`, []string{"U"}},
		{`(( a && b ))`, nil},
		{`echo $(( x = 1 )) $(( y + 1 ))`, []string{"y"}},
		{`echo $? $X`, []string{"X"}},
		{`echo $X &`, nil},
		{"cat <<EOF\n$X\nEOF", nil},
		{`echo plain`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			st := parseFirst(t, tt.src)
			var got []string
			for _, c := range unboundChecks(st, []byte(tt.src), nil) {
				got = append(got, c.word())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("checks = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnboundEditsPlaceTheCheck(t *testing.T) {
	src := "f() {\n    y=$Y\n    echo $X | cat\n    echo $Z\n}\n"
	out := string(xtraceSourceFor("", []byte(src), true))
	// The assignment's check is assignCheck's argument; a pipeline's
	// command gets one in a group.
	for _, want := range []string{
		"{ ${" + nounsetVar + ":+" + unboundCommand + " X}; echo $X; } | cat",
		"${" + nounsetVar + ":+" + unboundCommand + " Z}; echo $Z",
		`"${` + nounsetVar + `:+Y}"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("rewritten:\n%s\nlacks %s", out, want)
		}
	}
	if strings.Count(out, "\n") != strings.Count(src, "\n") {
		t.Errorf("lines moved:\n%s", out)
	}
}

func TestArithmReads(t *testing.T) {
	for src, want := range map[string][]string{
		"n = U + 1":   {"U"},
		"i++, j += k": {"i", "j", "k"},
		"x = 1":       nil,
		"a ? b : c":   nil,
		"A[1] + 1":    nil,
	} {
		p := syntax.NewParser()
		file, err := p.Parse(strings.NewReader("(( "+src+" ))"), "")
		if err != nil {
			t.Fatal(err)
		}
		if got := arithmReads(file.Stmts[0].Cmd.(*syntax.ArithmCmd).X); !slices.Equal(got, want) {
			t.Errorf("arithmReads(%q) = %q, want %q", src, got, want)
		}
	}
}

func TestSurelySetNamesNeedNoCheck(t *testing.T) {
	src := `f() {
    local a=1 b
    echo $a $b $c
    unset b
    echo $a $b
}
x=1
for i in 1 2; do echo $i $x; done
while read -r line; do echo $line $REPLY; done
echo $line $i
arr=(1); echo $arr
if true; then y=1; fi; echo $y
eval "$cmd"; echo $x
`
	// compatSource starts the bare local b empty.
	out := string(xtraceSourceFor("", compatSource("", []byte(src)), true))
	lines := strings.Split(out, "\n")
	// By line: the check wanted, "" for none. A local's names are set; an
	// unset, an eval forget; a loop's variable is set in its body, read's
	// in the while's; an if's assignment is not sure; an array's first
	// element may be missing.
	for i, w := range map[int]string{3: "ub c}", 5: "ub a b}", 8: "", 9: "ub REPLY}", 10: "ub line i}", 11: "ub arr}", 12: "ub y}", 13: "ub x}"} {
		line := lines[i-1]
		if w == "" {
			if strings.Contains(line, unboundCommand) {
				t.Errorf("line %d checks surely set names: %s", i, line)
			}
			continue
		}
		if !strings.Contains(line, w) {
			t.Errorf("line %d: want the check %q in %s", i, w, line)
		}
	}
}

func TestReadNames(t *testing.T) {
	for src, want := range map[string][]string{
		"read -r a b":      {"a", "b"},
		"read":             {"REPLY"},
		"read -p prompt x": {"x"},
		"read -t5 -u 3 y":  {"y"},
		"read -ra arr":     nil,
		`read "$v"`:        nil,
	} {
		call := parseFirst(t, src).Cmd.(*syntax.CallExpr)
		if got := readNames(call.Args[1:]); !slices.Equal(got, want) {
			t.Errorf("readNames(%q) = %q, want %q", src, got, want)
		}
	}
}

// TestUnboundChecksOnlyWhereSetUMayBeOn: a script that does not turn set
// -u on gets no checks, unless sourced while it is on; one that does, or
// may, gets them.
func TestUnboundChecksOnlyWhereSetUMayBeOn(t *testing.T) {
	tests := []struct {
		src     string
		nounset bool
		want    bool
	}{
		{"echo $X\n", false, false},
		{"echo $X\n", true, true},
		{"set -u\necho $X\n", false, true},
		{"set -eu\necho $X\n", false, true},
		{"set -o errexit -o nounset\necho $X\n", false, true},
		{"  set -x -u; echo $X\n", false, true},
		{"set -e\necho $X # underline\n", false, false},
		{"set -- -u\necho $X\n", false, true},
	}
	for _, tt := range tests {
		out := string(xtraceSourceFor("", []byte(tt.src), tt.nounset))
		if got := strings.Contains(out, unboundCommand+" X"); got != tt.want {
			t.Errorf("xtraceSourceFor(%q, nounset %v) checks $X: %v, want %v:\n%s", tt.src, tt.nounset, got, tt.want, out)
		}
	}
}
