package config

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func stringsReader(s string) io.Reader { return strings.NewReader(s) }

// sec builds an expected section; body lines are numbered from the line
// after the header.
func sec(phase, file string, line int, body ...string) MetaSection {
	s := MetaSection{Phase: phase, File: file, Line: line, source: "local.conf"}
	for i, text := range body {
		s.Body = append(s.Body, Line{Num: line + 1 + i, Text: text})
	}
	return s
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []MetaSection
	}{
		{"empty", "", nil},
		{"only comments and blanks before the first header", "# my settings\n\n  # indented\n\t\n", nil},
		{"one localrc section", "[[local|localrc]]\nADMIN_PASSWORD=secret\n# kept\n\nX=1",
			[]MetaSection{sec("local", "localrc", 1, "ADMIN_PASSWORD=secret", "# kept", "", "X=1")}},
		{"several sections", "# top\n[[local|localrc]]\nA=1\n[[post-config|$NOVA_CONF]]\n[DEFAULT]\ndebug = True\n\n[[post-config|/etc/foo.conf]]\n",
			[]MetaSection{
				sec("local", "localrc", 2, "A=1"),
				sec("post-config", "$NOVA_CONF", 4, "[DEFAULT]", "debug = True", ""),
				sec("post-config", "/etc/foo.conf", 8),
			}},
		{"header followed by a comment", "[[post-config|$NOVA_CONF]] # nova\n[[extra|x]]\t#\n",
			[]MetaSection{sec("post-config", "$NOVA_CONF", 1), sec("extra", "x", 2)}},
		{"shell tests stay in the localrc body", "[[local|localrc]]\n[[ -f /etc/x ]] && A=1\n[[ $A == 1 || $B == 2 ]] && C=3\n[[\t-n $X ]]\n",
			[]MetaSection{sec("local", "localrc", 1, "[[ -f /etc/x ]] && A=1", "[[ $A == 1 || $B == 2 ]] && C=3", "[[\t-n $X ]]")}},
		{"indented header is body text", "[[local|localrc]]\n  [[post-config|x]]\n",
			[]MetaSection{sec("local", "localrc", 1, "  [[post-config|x]]")}},
		{"crlf line ends", "[[local|localrc]]\r\nA=1\r\n",
			[]MetaSection{sec("local", "localrc", 1, "A=1\r")}},
		{"any phase name", "[[test-config|$TEMPEST_CONFIG]]\n[[my-phase|f]]\n",
			[]MetaSection{sec("test-config", "$TEMPEST_CONFIG", 1), sec("my-phase", "f", 2)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("local.conf", stringsReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got.Path != "local.conf" {
				t.Errorf("Path %q", got.Path)
			}
			if !reflect.DeepEqual(got.Sections, tt.want) {
				t.Errorf("sections\n%+v\nwant\n%+v", got.Sections, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"[[post-config|$NOVA_CONF]\n[DEFAULT]\n", `local.conf:1: meta-section header "[[post-config|$NOVA_CONF]" is not closed by "]]"`},
		{"[[local|localrc]]\nA=1\n[[post-config]]\n", `local.conf:3: meta-section header "[[post-config]]" has no "|FILE"`},
		{"[[|/etc/foo.conf]]\n", `local.conf:1: meta-section header "[[|/etc/foo.conf]]" has an empty phase`},
		{"\n\n[[post-config|]]\n", `local.conf:3: meta-section header "[[post-config|]]" has an empty file`},
		{"[[post-config|a|b]]\n", `local.conf:1: meta-section header "[[post-config|a|b]]" has more than one "|"`},
		{"[[post-config |$NOVA_CONF]]\n", `local.conf:1: meta-section header "[[post-config |$NOVA_CONF]]" holds blanks`},
		{"[[post-config|/etc/a b.conf]]\n", `local.conf:1: meta-section header "[[post-config|/etc/a b.conf]]" holds blanks`},
		{"[[ local|localrc ]]\n", `local.conf:1: meta-section header "[[ local|localrc ]]" holds blanks`},
		{"[[\tpost-config | $NOVA_CONF ]]  # x\n", `local.conf:1: meta-section header "[[\tpost-config | $NOVA_CONF ]]  # x" holds blanks`},
		{"[[[post-config|x]]\n", `local.conf:1: meta-section header "[[[post-config|x]]" holds a stray bracket`},
		{"[[post-config|a[1].conf]]\n", `local.conf:1: meta-section header "[[post-config|a[1].conf]]" holds a stray bracket`},
		{"[[post-config|x]]]\n", `local.conf:1: unexpected text "]" after meta-section header "[[post-config|x]]"`},
		{"[[post-config|x]] nova\n", `local.conf:1: unexpected text " nova" after meta-section header "[[post-config|x]]"`},
		{"[[post-config|x]]#nova\n", `local.conf:1: unexpected text "#nova" after meta-section header "[[post-config|x]]"`},
		{"[[\n", `local.conf:1: meta-section header "[[" is not closed by "]]"`},
		{"# settings\nADMIN_PASSWORD=x\n[[local|localrc]]\n", `local.conf:2: "ADMIN_PASSWORD=x" comes before the first [[PHASE|FILE]] header`},
		{"[DEFAULT]\ndebug=True\n", `local.conf:1: "[DEFAULT]" comes before the first [[PHASE|FILE]] header`},
		{"  [[local|localrc]]\n", `local.conf:1: "  [[local|localrc]]" comes before the first [[PHASE|FILE]] header`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, err := Parse("local.conf", stringsReader(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *ParseError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestParseLocalConf(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "local.conf")
	conf, err := ParseLocalConf(missing)
	if err != nil || conf == nil || conf.Path != missing || len(conf.Sections) != 0 {
		t.Fatalf("missing file: %+v, %v", conf, err)
	}
	if _, ok := conf.Localrc(); ok {
		t.Error("missing file has a localrc")
	}

	path := filepath.Join(dir, "bad.conf")
	if err := os.WriteFile(path, []byte("[[local|localrc]]\nA=1\n[[post-config]]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ParseLocalConf(path)
	if want := path + `:3: meta-section header "[[post-config]]" has no "|FILE"`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}

	if _, err := ParseLocalConf(dir); err == nil {
		t.Error("no error reading a directory")
	}
}

// The local.conf of DevStack's tests/test_meta_config.sh, cut down.
const metaConf = `[[test1|test1a.conf]]
[default]
log_file=/etc/log.conf

[[test1|test1b.conf]]
[bbb]
handlers=ee,ff

[[test2|test2a.conf]]
[ddd]
# new comment
type=new
additional=true

[[test1|test1c.conf]]
[eee]
type=new
multi = foo2

[[local|localrc]]
A=1
[[test1|test1a.conf]]
[default]
more=1
[[local|localrc]]
# second part
B=2
[[local|other]]
C=3
`

func TestSectionQueries(t *testing.T) {
	conf, err := Parse("local.conf", stringsReader(metaConf))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := conf.Files("test1"), []string{"test1a.conf", "test1b.conf", "test1c.conf"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Files(test1) = %q, want %q", got, want)
	}
	if got, want := conf.Files("test2"), []string{"test2a.conf"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Files(test2) = %q, want %q", got, want)
	}
	if got := conf.Files("test0"); got != nil {
		t.Errorf("Files(test0) = %q", got)
	}
	var lines []int
	for _, s := range conf.Phase("test1") {
		lines = append(lines, s.Line)
	}
	if want := []int{1, 5, 15, 22}; !reflect.DeepEqual(lines, want) {
		t.Errorf("Phase(test1) headers at %v, want %v", lines, want)
	}
	if got := conf.Phase("nothing"); got != nil {
		t.Errorf("Phase(nothing) = %v", got)
	}
	if got, want := conf.Phase("test2")[0].Body, []Line{{10, "[ddd]"}, {11, "# new comment"}, {12, "type=new"}, {13, "additional=true"}, {14, ""}}; !reflect.DeepEqual(got, want) {
		t.Errorf("test2a body %+v, want %+v", got, want)
	}
	script, ok := conf.Localrc()
	if want := "A=1\n# second part\nB=2\n"; !ok || script != want {
		t.Errorf("Localrc() = %q, %v; want %q", script, ok, want)
	}
	opts, err := conf.FileOptions("test1", "test1a.conf")
	if err != nil {
		t.Fatal(err)
	}
	want := []Option{
		{Section: "default", Name: "log_file", Values: []string{"/etc/log.conf"}, Line: 3},
		{Section: "default", Name: "more", Values: []string{"1"}, Line: 24},
	}
	if !reflect.DeepEqual(opts, want) {
		t.Errorf("FileOptions = %+v, want %+v", opts, want)
	}
	if opts, err := conf.FileOptions("test1", "nothing.conf"); err != nil || opts != nil {
		t.Errorf("FileOptions of no section = %+v, %v", opts, err)
	}
}

func TestLocalrcEmptySection(t *testing.T) {
	conf, err := Parse("local.conf", stringsReader("[[local|localrc]]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if script, ok := conf.Localrc(); !ok || script != "" {
		t.Errorf("Localrc() = %q, %v", script, ok)
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []Option
	}{
		{"empty", "", nil},
		{"comments and blanks only", "# c\n\n   # c\n\t# c\n \t\n", nil},
		{"section without options", "[DEFAULT]\n", nil},
		{"trimming", "[DEFAULT]\nx\t =\t a  b \t\ny=\nz = k=v=w\n",
			[]Option{
				{Section: "DEFAULT", Name: "x", Values: []string{"a  b"}, Line: 3},
				{Section: "DEFAULT", Name: "y", Values: []string{""}, Line: 4},
				{Section: "DEFAULT", Name: "z", Values: []string{"k=v=w"}, Line: 5},
			}},
		{"repeated option becomes multi-line", "[a]\nm = 1\nx = 0\nm = 2\n[b]\nm = 3\n[a]\nm = 4\n",
			[]Option{
				{Section: "a", Name: "m", Values: []string{"1", "2", "4"}, Line: 3},
				{Section: "a", Name: "x", Values: []string{"0"}, Line: 4},
				{Section: "b", Name: "m", Values: []string{"3"}, Line: 7},
			}},
		{"names with blanks, hash in value", "[a] # the a section\nrgw special key = x # y\n;semi = 1\n",
			[]Option{
				{Section: "a", Name: "rgw special key", Values: []string{"x # y"}, Line: 3},
				{Section: "a", Name: ";semi", Values: []string{"1"}, Line: 4},
			}},
		{"unexpanded variables are kept", "[foo]\nfoo=${FOO_BAR_BAZ}\n",
			[]Option{{Section: "foo", Name: "foo", Values: []string{"${FOO_BAR_BAZ}"}, Line: 3}}},
		{"crlf", "[a]\r\nx = 1\r\n",
			[]Option{{Section: "a", Name: "x", Values: []string{"1"}, Line: 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf, err := Parse("local.conf", stringsReader("[[post-config|f]]\n"+tt.body))
			if err != nil {
				t.Fatal(err)
			}
			got, err := conf.Sections[0].Options()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("options\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestOptionsErrors(t *testing.T) {
	tests := []struct {
		body string
		want string // the header is line 1 of my.conf
	}{
		{"foo=bar\n", `my.conf:2: option "foo" comes before any [section] header`},
		{"# c\n\n[DEFAULT\nx=1\n", `my.conf:4: section header "[DEFAULT" is not closed by "]"`},
		{"[]\n", `my.conf:2: section header "[]" has an empty name`},
		{"[ ccc ]\nspaces = yes\n", `my.conf:2: section header "[ ccc ]" holds blanks`},
		{"[a[b]\n", `my.conf:2: section header "[a[b]" holds a stray bracket`},
		{"[a]b\n", `my.conf:2: unexpected text "b" after section header "[a]"`},
		{"[a]#b\n", `my.conf:2: unexpected text "#b" after section header "[a]"`},
		{"[a]\n  x = 1\n", `my.conf:3: indented line "  x = 1" is neither an option nor a comment`},
		{"[a]\n\t[b]\n", `my.conf:3: indented line "\t[b]" is neither an option nor a comment`},
		{"[a]\nx\n", `my.conf:3: "x" is not "option = value"`},
		{"[a]\n= 1\n", `my.conf:3: "= 1" has no option name`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			conf, err := Parse("my.conf", stringsReader("[[post-config|f]]\n"+tt.body))
			if err != nil {
				t.Fatal(err)
			}
			_, err = conf.Sections[0].Options()
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *ParseError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n%s\nwant\n%s", err, tt.want)
			}
			if err := conf.Validate(); err == nil || err.Error() != tt.want {
				t.Errorf("Validate() = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestOptionsOfBuiltSection(t *testing.T) {
	s := MetaSection{Phase: "post-config", File: "f", Line: 7, Body: []Line{{8, "x=1"}}}
	_, err := s.Options()
	if want := `local.conf:8: option "x" comes before any [section] header`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestValidateSkipsShell(t *testing.T) {
	conf, err := Parse("local.conf", stringsReader("[[local|localrc]]\nA=1\nif true; then B=2; fi\n[[post-config|f]]\n[a]\nx=1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := conf.Validate(); err != nil {
		t.Error(err)
	}
}

func TestExpandOptions(t *testing.T) {
	opts := []Option{{Section: "$S", Name: "n", Values: []string{"$A", "x-$A"}, Line: 3}}
	got, err := ExpandOptions(opts, func(s string) (string, error) {
		return strings.NewReplacer("$S", "DEFAULT", "$A", "1").Replace(s), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Option{{Section: "DEFAULT", Name: "n", Values: []string{"1", "x-1"}, Line: 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if opts[0].Values[0] != "$A" {
		t.Error("ExpandOptions changed its input")
	}
	boom := errors.New("boom")
	if _, err := ExpandOptions(opts, func(string) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Errorf("error %v, want boom", err)
	}
}

func TestUnknownPhasesNamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "local.conf")
	text := "[[local|localrc]]\nA=1\n[[post-confg|$NOVA_CONF]]\n[DEFAULT]\nx = 1\n[[post-config|$NOVA_CONF]]\n[DEFAULT]\ny = 2\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	conf, err := ParseLocalConf(path)
	if err != nil {
		t.Fatal(err)
	}
	got := conf.UnknownPhases()
	if len(got) != 1 || !strings.Contains(got[0], "local.conf:3: [[post-confg|$NOVA_CONF]]") {
		t.Errorf("UnknownPhases() = %q", got)
	}
}
