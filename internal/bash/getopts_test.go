package bash

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestOptStateNext reads whole scans the way bash's getopts does: one
// line per call, option, OPTARG and the OPTIND that follows.
func TestOptStateNext(t *testing.T) {
	tests := []struct {
		name, optstring string
		words           []string
		want            string
	}{
		{"double-dash word is options", "a", []string{"--all"}, "?- 1, a 1, ?l 1, ?l 2, end 2"},
		{"bundle", "abc", []string{"-ab", "-c", "x"}, "a 1, b 2, c 3, end 3"},
		{"argument attached", "f:", []string{"-fvalue"}, "f=value 2, end 2"},
		{"argument apart", "f:", []string{"-f", "-x", "y"}, "f=-x 3, end 3"},
		{"argument after a bundle", "vf:", []string{"-vf", "x"}, "v 1, f=x 3, end 3"},
		{"argument missing", "f:", []string{"-f"}, "missing f 2, end 2"},
		{"colon is invalid", "a:", []string{"-:"}, "?: 2, end 2"},
		{"double dash ends and is skipped", "a", []string{"-a", "--", "-a"}, "a 2, end 3"},
		{"lone dash ends, not skipped", "a", []string{"-", "-a"}, "end 1"},
		{"operand ends", "a", []string{"x", "-a"}, "end 1"},
		{"empty word ends", "a", []string{"", "-a"}, "end 1"},
		{"no words", "a", nil, "end 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			argv := append([]string{"script"}, tt.words...)
			st := &optState{}
			var got []string
			for range 10 {
				r := st.next(argv, tt.optstring)
				switch r.kind {
				case optEnd:
					got = append(got, fmt.Sprintf("end %d", st.optind))
				case optInvalid:
					got = append(got, fmt.Sprintf("?%c %d", r.opt, st.optind))
				case optMissing:
					got = append(got, fmt.Sprintf("missing %c %d", r.opt, st.optind))
				default:
					if r.hasArg {
						got = append(got, fmt.Sprintf("%c=%s %d", r.opt, r.optarg, st.optind))
					} else {
						got = append(got, fmt.Sprintf("%c %d", r.opt, st.optind))
					}
				}
				if r.kind == optEnd {
					break
				}
			}
			if s := strings.Join(got, ", "); s != tt.want {
				t.Errorf("got %q, want %q", s, tt.want)
			}
		})
	}
}

func TestOptStateReset(t *testing.T) {
	tests := []struct {
		value string
		want  int
	}{
		{"1", 0}, {"", 0}, {"junk", 0}, {"-3", 0}, {"0", 0},
		{"2", 2}, {"  7", 7}, {"3rd", 3}, {"+4", 4},
	}
	for _, tt := range tests {
		st := &optState{optind: 9}
		st.reset(tt.value)
		if st.optind != tt.want {
			t.Errorf("reset(%q): optind %d, want %d", tt.value, st.optind, tt.want)
		}
	}
}

func TestOptindSourceKeepsLines(t *testing.T) {
	set := optindSetCommand
	tests := []struct {
		name, in, want string
	}{
		{"assignment", "OPTIND=1\n", "{ OPTIND=1; " + set + "; }\n"},
		{"in a list", "x && OPTIND=1 || y\n", "x && { OPTIND=1; " + set + "; } || y\n"},
		{"local in a function", "f() {\n    local OPTIND opt\n}\n", "f() {\n    { local OPTIND opt; " + set + " local; }\n}\n"},
		{"declare at the top", "declare OPTIND=2\n", "{ declare OPTIND=2; " + set + "; }\n"},
		{"global declare in a function", "f() { declare -g OPTIND=1; }\n", "f() { { declare -g OPTIND=1; " + set + "; }; }\n"},
		{"prefix of a command kept", "OPTIND=1 cmd\n", "OPTIND=1 cmd\n"},
		{"redirected kept", "OPTIND=1 >/dev/null\n", "OPTIND=1 >/dev/null\n"},
		{"other names kept", "OPTARG=1\n", "OPTARG=1\n"},
		{"syntax error untouched", "OPTIND=1; f() {\n", "OPTIND=1; f() {\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(optindSource("t.sh", []byte(tt.in))); got != tt.want {
				t.Errorf("optindSource(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestGetoptsInSession runs getopts through a session, the way scripts
// call it: DevStack's unstack.sh option loop, a tool's loop with shift,
// and the messages of the reporting mode.
func TestGetoptsInSession(t *testing.T) {
	tests := []struct {
		name, script string
		params       []string
		want         string
	}{
		{"unstack --all", `UNSTACK_ALL=""
while getopts ":a" opt; do
    case $opt in
        a) UNSTACK_ALL="-1" ;;
    esac
done
echo "all=$UNSTACK_ALL OPTIND=$OPTIND"
`, []string{"--all"}, "all=-1 OPTIND=2\n"},
		{"tracker options and shift", `while getopts ":s:x" opt; do
    case $opt in
        s) SLEEP_TIME=$OPTARG ;;
        x) EXTRA=yes ;;
        *) echo "bad -$OPTARG" ;;
    esac
done
shift $((OPTIND-1))
echo "sleep=$SLEEP_TIME extra=$EXTRA rest=$*"
`, []string{"-xs", "5", "-q", "more"}, "bad -q\nsleep=5 extra=yes rest=more\n"},
		{"reporting mode messages", `getopts "f:" opt -q; echo "$opt ${OPTARG-unset}"
OPTIND=1
getopts "f:" opt -f; echo "$opt ${OPTARG-unset}"
`, nil, "script: illegal option -- q\n? unset\nscript: option requires an argument -- f\n? unset\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &syncBuffer{}
			s, err := New(Options{Dir: t.TempDir(), Stdout: out, Stderr: out, Params: tt.params})
			if err != nil {
				t.Fatal(err)
			}
			path := writeScript(t, tt.script)
			// $0 is the script's path.
			want := strings.ReplaceAll(tt.want, "script:", path+":")
			status, err := s.RunScript(context.Background(), path)
			if err != nil || status != 0 {
				t.Fatalf("status %d, %v; output:\n%s", status, err, out.String())
			}
			if out.String() != want {
				t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
			}
		})
	}
}

// TestGetoptsTrace checks that the log shows getopts as the script wrote
// it, at its line, and nothing of how the session runs it.
func TestGetoptsTrace(t *testing.T) {
	var trace syncBuffer
	s, err := New(Options{Dir: t.TempDir(), Trace: &trace, Params: []string{"-a"}})
	if err != nil {
		t.Fatal(err)
	}
	path := writeScript(t, "OPTIND=1\nwhile getopts a opt; do :; done\n")
	if status, err := s.RunScript(context.Background(), path); err != nil || status != 0 {
		t.Fatalf("status %d, %v", status, err)
	}
	want := fmt.Sprintf("+ %[1]s:2 getopts a opt\n+ %[1]s:2 :\n+ %[1]s:2 getopts a opt\n", path)
	if got := trace.String(); got != want {
		t.Errorf("trace:\n%s\nwant:\n%s", got, want)
	}
	if at := s.Last(); at.Line != 2 {
		t.Errorf("last command at %v, want line 2", at)
	}
}
