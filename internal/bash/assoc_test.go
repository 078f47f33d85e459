package bash

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

func TestAssocKeysInBashOrder(t *testing.T) {
	// The orders bash 5.2 prints these in.
	tests := []struct{ keys, want []string }{
		{[]string{"k", "a-b", "c.d", "a b"}, []string{"k", "a-b", "c.d", "a b"}},
		{[]string{"k", "a-b", "c.d", "e f", "x", "zz", "zz.y"}, []string{"e f", "x", "k", "zz", "zz.y", "a-b", "c.d"}},
		{[]string{"k", "a b", "#x"}, []string{"#x", "k", "a b"}},
		{[]string{"zeta", "alpha", "mid", "oslo.db", "nova", "keystone"}, []string{"nova", "alpha", "oslo.db", "keystone", "mid", "zeta"}},
		{nil, []string{}},
	}
	for _, tt := range tests {
		m := map[string]string{}
		for _, k := range tt.keys {
			m[k] = "v"
		}
		if got := assocKeys(m, nil); !slices.Equal(got, tt.want) {
			t.Errorf("assocKeys(%q) = %q, want %q", tt.keys, got, tt.want)
		}
	}
}

func TestAssocKeysLatestFirstInABucket(t *testing.T) {
	// k8 and k116 share bucket 420, k9 and k117 bucket 421.
	m := map[string]string{"k8": "", "k116": "", "k9": "", "k117": ""}
	order := map[string]uint64{"k8": 1, "k116": 2, "k9": 4, "k117": 3}
	want := []string{"k116", "k8", "k9", "k117"}
	if got := assocKeys(m, order); !slices.Equal(got, want) {
		t.Errorf("assocKeys = %q, want %q", got, want)
	}
}

func TestDeclaration(t *testing.T) {
	tests := []struct {
		name string
		vr   expand.Variable
		want string
	}{
		{"string", expand.Variable{Set: true, Kind: expand.String, Str: `a"b$c`}, `declare -- v="a\"b\$c"`},
		{"control characters", expand.Variable{Set: true, Kind: expand.String, Str: "a\tb"}, `declare -- v=$'a\tb'`},
		{"exported", expand.Variable{Set: true, Exported: true, Kind: expand.String, Str: "1"}, `declare -x v="1"`},
		{"indexed", expand.Variable{Set: true, Kind: expand.Indexed, List: []string{"x", "y"}, Indexes: []int{0, 2}}, `declare -a v=([0]="x" [2]="y")`},
		{"associative", expand.Variable{Set: true, Kind: expand.Associative, Map: map[string]string{"k": "v", "a b": "1", "#x": "2"}}, `declare -A v=(["#x"]="2" [k]="v" ["a b"]="1" )`},
		{"empty associative", expand.Variable{Set: true, Kind: expand.Associative, Map: map[string]string{}}, `declare -A v=()`},
		{"declared associative", expand.Variable{Kind: expand.Associative}, `declare -A v`},
		{"nameref", expand.Variable{Set: true, Kind: expand.NameRef, Str: "target"}, `declare -n v="target"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := declaration("v", tt.vr, nil); got != tt.want {
				t.Errorf("declaration = %s, want %s", got, tt.want)
			}
		})
	}
}

// checkRewrite checks a rewrite's result, that it keeps every line where
// it was, and that the result parses.
func checkRewrite(t *testing.T, name string, rewrite func([]byte) []byte, in, want string) {
	t.Helper()
	got := string(rewrite([]byte(in)))
	if got != want {
		t.Errorf("%s:\n got %s\nwant %s", name, got, want)
	}
	if strings.Count(got, "\n") != strings.Count(in, "\n") {
		t.Errorf("%s: lines moved: %q", name, got)
	}
	if _, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(got), ""); err != nil {
		t.Errorf("%s: the result does not parse: %v", name, err)
	}
}

func TestFixSubscripts(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"dot", "m[c.d]=2\n", "m[$\"c.d\"]=2\n"},
		{"blank", "m[a b]=1; echo ${m[a b]}\n", "m[$\"a b\"]=1; echo ${m[$\"a b\"]}\n"},
		{"in a literal", "declare -A q=([k]=v [c.d]=4)\n", "declare -A q=([k]=v [$\"c.d\"]=4)\n"},
		{"expansion kept inside", "m[$k.x]=1\n", "m[$\"$k.x\"]=1\n"},
		{"arithmetic left alone", "a[i+1]=x; m[a-b]=1\n", "a[i+1]=x; m[a-b]=1\n"},
		{"tests left alone", "[[ -n $x ]] && [ -z y ]\n", "[[ -n $x ]] && [ -z y ]\n"},
		{"other errors left alone", "if then\nm[c.d]=1\n", "if then\nm[c.d]=1\n"},
	}
	for _, tt := range tests {
		got := string(fixSubscripts("t.sh", []byte(tt.in)))
		if got != tt.want {
			t.Errorf("%s: fixSubscripts(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
		if back := unfixSubscripts(got); back != tt.in {
			t.Errorf("%s: unfixSubscripts(%q) = %q, want %q", tt.name, got, back, tt.in)
		}
	}
}

func TestArraySource(t *testing.T) {
	sub := func(name, text string) string { return `"$(` + subscriptCommand + " " + name + ` "` + text + `")"` }
	views := func(spec, stmt string) string {
		return "{ " + viewsCommand + " " + spec + " && " + traceOK + "; " + stmt + "; }"
	}
	tests := []struct{ name, in, want string }{
		{"arithmetic subscript", "m[a-b]=1\n", views(`n __devstack_n0_0 m "a-b"`, "m["+sub("m", "a-b")+"]=1") + "\n"},
		{"fixed subscript", "echo ${m[$\"c.d\"]}\n", "echo ${m[\"$(" + subscriptCommand + " m $\"c.d\")\"]}\n"},
		{"side effect", "a[i++]=x\n", "a[\"$((i++))\"]=x\n"},
		{"word subscript kept", "m[$k]=1; echo ${m[k]}\n", views(`n __devstack_n0_0 m "$k"`, "m[$k]=1") + "; echo ${m[k]}\n"},
		{"values", `echo "${m[@]}" ${#m[*]}` + "\n",
			"{ " + viewsCommand + " e __devstack_e0_0 m && " + traceOK + `; echo "${__devstack_e0_0[@]}" ${#__devstack_e0_0[*]}; }` + "\n"},
		{"keys", `for k in "${!m[@]}"; do :; done` + "\n",
			"{ " + viewsCommand + " k __devstack_k0_0 m && " + traceOK + `; for k in "${__devstack_k0_0[@]}"; do :; done; }` + "\n"},
		{"indirection", "x=${!n:-d}\n",
			"{ " + viewsCommand + ` i __devstack_i0_0 n "${n+1}" "${n}" -- "$@" && ` + traceOK + "; x=${__devstack_i0_0:-d}; }\n"},
		{"-v", "[[ -v m[$k] ]] && echo y\n",
			"{ " + viewsCommand + ` v __devstack_v0_0 m'['"$k"] -- "$@" && ` + traceOK + "; [[ -v __devstack_v0_0 ]]; } && echo y\n"},
		{"-v of a name kept", "[[ -v PATH ]]\n", "[[ -v PATH ]]\n"},
		{"literal", "p=([k]=$v\n  [a-b]=\"w x\" [$i]=)\n", arrayAssignCommand + ` p = k "$v" \` + "\n" + ` "a-b" "w x" "$i" ''` + "\n"},
		{"append", "p+=([x]=y)\n", arrayAssignCommand + " p += x y\n"},
		{"literal without subscripts kept", "p=(a [1]=b)\n", "p=(a [1]=b)\n"},
		{"element append", "m[k]+=v\n", views("n __devstack_n0_0 m k", `m[k]="${m[k]}"v`) + "\n"},
		{"associative pairs", "declare -A p=(k v j)\n", views("A __devstack_A0_0 p 2 k j", `declare -A p=(["k"]=v ["j"]=)`) + "\n"},
		{"associative keys quoted", "declare -A p=([a-b]=1 [k]=2)\n", views(`A __devstack_A0_0 p 2 "a-b" k`, `declare -A p=(["a-b"]=1 [k]=2)`) + "\n"},
		{"split where IFS is a comma", "IFS=,\nset -- $s x\n",
			"IFS=,\n" + splitCommand + ` set -- $'\x1f'"$s"$'\x1f' x` + "\n"},
		{"split marks the literal and quoted parts", "IFS=,\necho a$s*'q'\\,\n",
			"IFS=,\n" + splitCommand + ` echo $'\x1e'a$'\x1e'$'\x1f'"$s"$'\x1f'$'\x1e''*'$'\x1e'$'\x1d''q'$'\x1d',` + "\n"},
		{"no split with blank IFS", "IFS=' '\nset -- $s\n", "IFS=' '\nset -- $s\n"},
		{"split in the function that sets IFS", "f() { local IFS=:; for d in $p; do :; done; }\ng() { echo $p; }\n",
			"f() { local IFS=:; { " + viewsCommand + ` f __devstack_f19_0 1 $'\x1f'"$p"$'\x1f' && ` + traceOK + `; for d in "${__devstack_f19_0[@]}"; do :; done; }; }` + "\ng() { echo $p; }\n"},
		{"nothing to do", "echo hello\n", "echo hello\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRewrite(t, tt.name, func(src []byte) []byte { return arraySource("t.sh", src) }, tt.in, tt.want)
		})
	}
}

func TestSplitter(t *testing.T) {
	chars := func(s string) []readChar {
		var out []readChar
		for i := 0; i < len(s); i++ {
			out = append(out, readChar{b: s[i]})
		}
		return out
	}
	tests := []struct {
		ifs, in string
		fields  []string
		read2   []string
	}{
		{",", "a,,b,", []string{"a", "", "b"}, []string{"a", ",b,"}},
		{",", ",a", []string{"", "a"}, []string{"", "a"}},
		{",", "a,b,", []string{"a", "b"}, []string{"a", "b"}},
		{",", "a,b,,", []string{"a", "b", ""}, []string{"a", "b,,"}},
		{" ,", " a , b ,, c , ", []string{"a", "b", "", "c"}, []string{"a", "b ,, c ,"}},
		{" \t\n", "  a  b  c  ", []string{"a", "b", "c"}, []string{"a", "b  c"}},
		{"", "  a  b  ", []string{"  a  b  "}, []string{"  a  b  ", ""}},
	}
	for _, tt := range tests {
		sp := splitter{ifs: tt.ifs}
		if got := sp.fields(chars(tt.in)); !slices.Equal(got, tt.fields) {
			t.Errorf("fields(IFS=%q, %q) = %q, want %q", tt.ifs, tt.in, got, tt.fields)
		}
		if got := sp.readFields(chars(tt.in), 2); !slices.Equal(got, tt.read2) {
			t.Errorf("readFields(IFS=%q, %q, 2) = %q, want %q", tt.ifs, tt.in, got, tt.read2)
		}
	}
}

func TestIfsNotBlank(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"IFS=,", true},
		{"IFS=' '", false},
		{"IFS=$'\\n'", false},
		{"IFS=$'\\r\\n'", true},
		{"IFS=$OIFS", false},
		{`IFS="$saveIFS"`, false},
		{"IFS=$sep", true},
		{"IFS=", false},
	}
	for _, tt := range tests {
		file, err := syntax.NewParser().Parse(bytes.NewReader([]byte(tt.src)), "")
		if err != nil {
			t.Fatal(err)
		}
		as := file.Stmts[0].Cmd.(*syntax.CallExpr).Assigns[0]
		if got := ifsNotBlank(as); got != tt.want {
			t.Errorf("ifsNotBlank(%s) = %v, want %v", tt.src, got, tt.want)
		}
	}
}
