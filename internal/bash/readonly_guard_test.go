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
		{"declare -a R=(1 2)", nil},
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
