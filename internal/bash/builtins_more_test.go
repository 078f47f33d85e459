package bash

import (
	"strings"
	"testing"
	"time"

	"mvdan.cc/sh/v3/syntax"
)

func TestFormatTime(t *testing.T) {
	real, user, sys := 1234567*time.Microsecond, 61500*time.Millisecond, 499*time.Microsecond
	tests := []struct {
		format, want string
		ok           bool
	}{
		{"t=%0R", "t=1", true},
		{"%R %1R %2R %3R %9R", "1.235 1.2 1.23 1.235 1.235", true},
		{"%lU", "1m1.500s", true},
		{"%0lU", "1m1s", true},
		{"%S", "0.000", true},
		{"%% x%", "% x%", true},
		{defaultTimeFormat, "\nreal\t0m1.235s\nuser\t1m1.500s\nsys\t0m0.000s", true},
		{"%P", "100.00", true},
		{"%X", "", false},
		{"%3P", "", false},
	}
	for _, tt := range tests {
		got, _, ok := formatTime(tt.format, real, user, sys)
		if got != tt.want || ok != tt.ok {
			t.Errorf("formatTime(%q) = %q, %v; want %q, %v", tt.format, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSplitRead(t *testing.T) {
	tests := []struct {
		name, line, ifs string
		escaped         []int // indexes of escaped bytes
		n               int
		want            []string
	}{
		{"blanks", "  a   b   c  ", " \t\n", nil, 2, []string{"a", "b   c"}},
		{"one field left", "x,y,", ",", nil, 2, []string{"x", "y"}},
		{"more left keeps separators", "x,y,z,", ",", nil, 2, []string{"x", "y,z,"}},
		{"one name keeps all", "x,y,", ",", nil, 1, []string{"x,y,"}},
		{"blank around a delimiter", "  x , y ,  ", ", ", nil, 2, []string{"x", "y"}},
		{"missing fields", "a", " ", nil, 3, []string{"a", "", ""}},
		{"empty IFS", "  x y  ", "", nil, 2, []string{"  x y  ", ""}},
		{"escaped blank", "x y z", " ", []int{1}, 2, []string{"x y", "z"}},
		{"array keeps empty fields", "a,,b,", ",", nil, -1, []string{"a", "", "b"}},
		{"array of blanks", "  a  b  ", " ", nil, -1, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			escaped := make([]bool, len(tt.line))
			for _, i := range tt.escaped {
				escaped[i] = true
			}
			got := splitRead([]byte(tt.line), escaped, tt.ifs, tt.n)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("splitRead(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

func TestParseReadOptions(t *testing.T) {
	o, names, err := parseReadOptions([]string{"-rd", "", "-u3", "-n", "2", "a", "b"})
	if err != nil || !o.raw || o.delim != 0 || o.fd != 3 || o.nchars != 2 || strings.Join(names, " ") != "a b" {
		t.Errorf("got %+v %q %v", o, names, err)
	}
	if _, _, err := parseReadOptions([]string{"-d"}); err == nil {
		t.Error("-d without an argument accepted")
	}
	if _, _, err := parseReadOptions([]string{"-z"}); err == nil {
		t.Error("-z accepted")
	}
}

func TestShellQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a b'c", `a\ b\'c`},
		{"", "''"},
		{"~x", `\~x`},
		{"a=~b", `a=\~b`},
		{"#x", `\#x`},
		{"x#y", "x#y"},
		{"a,b{c}", `a\,b\{c\}`},
		{"tab\there", `$'tab\there'`},
		{"é", "é"},
		{"\xe9", `$'\351'`},
	}
	for _, tt := range tests {
		if got := shellQuote(tt.in, true); got != tt.want {
			t.Errorf("shellQuote(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNumberFormatInteger(t *testing.T) {
	tests := []struct {
		f      numberFormat
		v      int64
		signed bool
		base   int
		want   string
	}{
		{numberFormat{prec: 2, hasPrec: true}, 3, true, 10, "03"},
		{numberFormat{flags: "#"}, 255, false, 16, "0xff"},
		{numberFormat{flags: "#"}, 8, false, 8, "010"},
		{numberFormat{flags: "#"}, 0, false, 16, "0"},
		{numberFormat{flags: "0", width: 5}, -42, true, 10, "-0042"},
		{numberFormat{flags: "+0", width: 10, prec: 0, hasPrec: true}, 123, true, 10, "      +123"},
		{numberFormat{flags: "-", width: 5}, 7, true, 10, "7    "},
		{numberFormat{}, -1, false, 10, "18446744073709551615"},
		{numberFormat{prec: 0, hasPrec: true}, 0, true, 10, ""},
	}
	for _, tt := range tests {
		if got := tt.f.integer(tt.v, tt.signed, tt.base, false); got != tt.want {
			t.Errorf("%+v integer(%d) = %q, want %q", tt.f, tt.v, got, tt.want)
		}
	}
}

func TestParseInteger(t *testing.T) {
	tests := []struct {
		in       string
		end      int
		v        int64
		overflow bool
	}{
		{"0x1a", 4, 26, false},
		{"032", 3, 26, false},
		{"-26", 3, -26, false},
		{"12abc", 2, 12, false},
		{"abc", 0, 0, false},
		{"99999999999999999999", 20, 9223372036854775807, true},
	}
	for _, tt := range tests {
		end, v, overflow := parseInteger(tt.in)
		if end != tt.end || v != tt.v || overflow != tt.overflow {
			t.Errorf("parseInteger(%q) = %d, %d, %v", tt.in, end, v, overflow)
		}
	}
}

func TestExpandEscapes(t *testing.T) {
	tests := []struct {
		in, want string
		stop     bool
	}{
		{`\01017`, "A7", false},
		{`\1017`, "A7", false},
		{`\x417`, "A7", false},
		{`4.2\c5.4`, "4.2", true},
		{`4\.2`, `4\.2`, false},
		{`\`, `\`, false},
		{`\u00e9`, "é", false},
	}
	for _, tt := range tests {
		got, stop, _ := expandEscapes(tt.in)
		if got != tt.want || stop != tt.stop {
			t.Errorf("expandEscapes(%q) = %q, %v", tt.in, got, stop)
		}
	}
}

func TestStrftime(t *testing.T) {
	at := time.Unix(1000000000, 0).UTC()
	tests := []struct{ layout, want string }{
		{"%Y-%m-%d %H:%M:%S", "2001-09-09 01:46:40"},
		{"%a %b %e %j %u %w %y %C", "Sun Sep  9 252 7 0 01 20"},
		{"%D %F %T %R %r", "09/09/01 2001-09-09 01:46:40 01:46 01:46:40 AM"},
		{"%s %z %Z %%", "1000000000 +0000 UTC %"},
		{"%-d %_m %^a", "9  9 SUN"},
	}
	for _, tt := range tests {
		if got := strftime(tt.layout, at); got != tt.want {
			t.Errorf("strftime(%q) = %q, want %q", tt.layout, got, tt.want)
		}
	}
}

func TestApplySymbolic(t *testing.T) {
	tests := []struct {
		perm int
		mode string
		want int
	}{
		{0o755, "u=rwx,g=rwx,o=rx", 0o775},
		{0o775, "g-w", 0o755},
		{0o755, "a=", 0},
		{0o000, "o+x", 0o001},
		{0o755, "ug=rx", 0o555},
	}
	for _, tt := range tests {
		got, err := applySymbolic(tt.perm, tt.mode)
		if err != nil || got != tt.want {
			t.Errorf("applySymbolic(%o, %q) = %o, %v; want %o", tt.perm, tt.mode, got, err, tt.want)
		}
	}
	if _, err := applySymbolic(0o755, "u=rwq"); err == nil {
		t.Error("u=rwq accepted")
	}
}

// TestPrintFunction compares with what bash 5.2 prints for the same
// definitions.
func TestPrintFunction(t *testing.T) {
	tests := []struct{ src, want string }{
		{"f() { :; }", "f () \n{ \n    :\n}"},
		{"f() { a; if b; then c; elif d; then e; fi; }",
			"f () \n{ \n    a;\n    if b; then\n        c;\n    else\n        if d; then\n            e;\n        fi;\n    fi\n}"},
		{"f() {\n  for x in a \"b c\"; do echo $x; done\n  while read l; do :; done < f\n}",
			"f () \n{ \n    for x in a \"b c\";\n    do\n        echo $x;\n    done;\n    while read l; do\n        :;\n    done < f\n}"},
		{"f() { case $a in 1|2) one ;; *) ;; esac; }",
			"f () \n{ \n    case $a in \n        1 | 2)\n            one\n        ;;\n        *)\n\n        ;;\n    esac\n}"},
		{"f() { x=$(echo  a;echo b) y=$'a\\tb'; true && false || echo >&2; }",
			"f () \n{ \n    x=$(echo a; echo b) y='a\tb';\n    true && false || echo 1>&2\n}"},
		{"f() {\n  cat <<EOF\nbody\nEOF\n  echo after\n}",
			"f () \n{ \n    cat <<EOF\nbody\nEOF\n\n    echo after\n}"},
		{"f() { echo x; } > out 2>&1", "f () \n{ \n    echo x\n} > out 2>&1"},
	}
	for _, tt := range tests {
		file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(tt.src), "")
		if err != nil {
			t.Fatal(err)
		}
		fd := file.Stmts[0].Cmd.(*syntax.FuncDecl)
		if got := printFunction(fd, []byte(tt.src)); got != tt.want {
			t.Errorf("printFunction(%q) =\n%s\nwant\n%s", tt.src, got, tt.want)
		}
	}
}
