package bash

import (
	"slices"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

func parseFirst(t *testing.T, src string) *syntax.Stmt {
	t.Helper()
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil || len(file.Stmts) == 0 {
		t.Fatalf("parse %q: %v", src, err)
	}
	return file.Stmts[0]
}

func TestGuardedNames(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"declare R=3", []string{"R"}},
		{"local a=1 b c=", []string{"a", "c"}},
		{"export R", nil},
		{"declare -n ref=R", nil},
		{"declare -a R=(1 2) A[1]=x", []string{"%R", ",A"}},
		{"declare __devstack_x=1 y=2", []string{"y"}},
		{"(( R=3 ))", []string{"R"}},
		{"(( x == 1 && y <= 2 ))", nil},
		{"(( i++, n += 2, --m ))", []string{"i", "n", "m"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			var got []string
			switch cmd := parseFirst(t, tt.src).Cmd.(type) {
			case *syntax.DeclClause:
				got = declaredNames(cmd, nil)
			case *syntax.ArithmCmd:
				got = arithmNames(cmd.X)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("names = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPrefixGuard(t *testing.T) {
	tests := []struct {
		src     string
		guarded bool
	}{
		{"R=5 echo hi >out", true},
		{"R=5 echo 2>err hi", false},
		{"R=5 echo \"a\nb\"", false},
		{"echo hi", false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			open, close, ok := prefixGuard(parseFirst(t, tt.src), []byte(tt.src))
			if ok != tt.guarded {
				t.Fatalf("guarded = %v, want %v", ok, tt.guarded)
			}
			if ok && (!strings.HasSuffix(open, "in '') ") || !strings.HasSuffix(close, "; echo hi;; esac")) {
				t.Errorf("open %q, close %q: the command without its assignments is not the readonly branch", open, close)
			}
		})
	}
}

func TestDynamicDeclaredNames(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{`declare "$v"=1 X=2`, []string{`="$v"=1`, "X"}},
		{`local -x "$n=$val"`, []string{`="$n=$val"`}},
		{`export "$n"`, []string{`="$n"`}},
		{`declare "$(f)"=1 X=2`, nil},
		{`declare "$((i++))"=1`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			dc := parseFirst(t, tt.src).Cmd.(*syntax.DeclClause)
			text := func(n syntax.Node) string { return tt.src[n.Pos().Offset():n.End().Offset()] }
			if got := declaredNames(dc, text); !slices.Equal(got, tt.want) {
				t.Errorf("names = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckedName(t *testing.T) {
	tests := []struct {
		word, name string
		ok         bool
	}{
		{"R", "R", true},
		{"=R=1", "R", true},
		{"=R+=x", "R", true},
		{"=A[2]=x", "A", true},
		{"=R", "", false},
	}
	for _, tt := range tests {
		name, ok := checkedName(tt.word)
		if ok != tt.ok || ok && name != tt.name {
			t.Errorf("checkedName(%q) = %q, %v; want %q, %v", tt.word, name, ok, tt.name, tt.ok)
		}
	}
}

func TestDeclGuardKeepsValues(t *testing.T) {
	src := `local A=1 R=$(f) -x B+="x y"`
	dc := parseFirst(t, src).Cmd.(*syntax.DeclClause)
	text := func(n syntax.Node) string { return src[n.Pos().Offset():n.End().Offset()] }
	_, close := declGuard(dc, "local", declaredNames(dc, text), "''", text)
	want := `;; *) __devstack_rov0=1 __devstack_rov1=$(f) __devstack_rov3="x y"; __devstack_readonlyfail local '' A R B -- 'local' 'A="$__devstack_rov0"' 'R="$__devstack_rov1"' '-x' 'B+="$__devstack_rov3"';; esac`
	if close != want {
		t.Errorf("close =\n%s\nwant\n%s", close, want)
	}
	// A value over several lines: the branch fails the whole declaration.
	src = "local A=\"1\n2\" R=3"
	dc = parseFirst(t, src).Cmd.(*syntax.DeclClause)
	_, close = declGuard(dc, "local", declaredNames(dc, text), "''", text)
	if strings.Contains(close, declValuePrefix) {
		t.Errorf("close %q assigns values over several lines", close)
	}
}

func TestEvalByLines(t *testing.T) {
	for text, want := range map[string]bool{"R=2; echo x": true, "return 1": false, "f; break": false, "continue 2": false} {
		if got := evalByLines(text); got != want {
			t.Errorf("evalByLines(%q) = %v, want %v", text, got, want)
		}
	}
}
