package bash

import (
	"strings"
	"testing"
)

func TestCompatSourceKeepsLines(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"bare local gets empty", "f() {\n    local a b=1 c\n}\n", "f() {\n    local a= b=1 c=\n}\n"},
		{"bare local array", "f() { local -a list; }\n", "f() { local -a list=(); }\n"},
		{"top-level declare kept", "declare x\n", "declare x\n"},
		{"global declare kept", "f() { declare -g x; }\n", "f() { declare -g x; }\n"},
		// The tab after declare is typesetMark, for traces and messages.
		{"typeset is declare", "f() {\n    typeset -xr v\n}\n", "f() {\n    declare\t-xr v=\n}\n"},
		{"declare -F", "declare -F foo\n", declCommand + " declare -F foo\n"},
		{"export -f", "export -f foo\n", declCommand + " export -f foo\n"},
		{"local -i", "f() { local -i n=1+2; }\n", "f() { " + declCommand + " local -i n=1+2; }\n"},
		{"dup to fd 3", "echo hi >&3\n", "echo hi >/dev/fd/3\n"},
		{"exec fd 3", "exec 3>&1\n", "{ exec; " + fdCommand + " 3 '>&' 1; }\n"},
		{"exec fd 3 then a command", "exec 3>&1; echo\n", "{ exec; " + fdCommand + " 3 '>&' 1; }; echo\n"},
		{"exec mixed", "exec 1>&3 2>&1\n", "exec 1>/dev/fd/3 2>&1\n"},
		{"exec high and low", "exec 3>&1 1>x 2>&1\n", "{ exec; " + fdCommand + " 3 '>&' 1; " + bypassCommand + " exec 1>x; " + bypassCommand + " exec 2>&1; }\n"},
		{"exec of a process substitution", "exec 6> >(cat >&3)\n", "{ exec; " + fdCommand + " 6 '>' >(cat >/dev/fd/3); }\n"},
		{"exec here-string", "exec 4<<<\"$x\"\n", "{ exec; " + fdCommand + " 4 '<<<' \"$x\"; }\n"},
		{"named descriptor", "exec {fd}>/dev/null\n", "{ exec; " + fdCommand + " '{fd}' '>' /dev/null; }\n"},
		{"named descriptor in quotes untouched", "echo '{fd}>x'\n", "echo '{fd}>x'\n"},
		{"command's own descriptor", "cat <&3 3<f\n", "{ " + fdPushCommand + " 0 3 '<' f; cat </dev/fd/3 ; " + fdPopCommand + " 0 1; }\n"},
		{"loop's own descriptor", "while read -u 3 l; do :; done 3< <(echo $(date))\n",
			"{ " + fdPushCommand + " 0 3 '<' <(echo $(" + enterMark(kindSubst, false) + "date; " + endMark(kindSubst) + ")); while read -u 3 l; do :; done ; " + fdPopCommand + " 0 1; }\n"},
		{"swap idiom keeps its close for the end", "f 3>&1 1>&2 2>&3 3>&-\n", "{ " + fdPushCommand + " 0 3 '>&' 1; f  1>&2 2>/dev/fd/3 ; " + fdPopCommand + " 0 1; }\n"},
		{"exec with a command", "exec sleep 1 3>&1\n", "{ " + fdPushCommand + " 0 3 '>&' 1; exec sleep 1 ; " + fdPopCommand + " 0 1; }\n"},
		{"dup of stdin is dropped", "read x <&0\n", "read x \n"},
		{"dup through a variable", "echo >&$fd\n", "echo >/dev/fd/$fd\n"},
		{"clobbering", "echo >| f\n", "echo >" + redirPrefix + "c/1/f\n"},
		{"noclobber marks lines", "set -C\necho > \"$f\" 2>&1\n", "set -C\necho > " + redirPrefix + "n/2/\"$f\" 2>&1\n"},
		{"time", "time sleep 0\n", "{ " + timeStartCommand + "; sleep 0; " + timeEndCommand + "; }\n"},
		{"time -p of a pipeline", "time -p a | b 2>&1; c\n", "{ " + timeStartCommand + "; { " + enterMark(kindPipe+simpleKind, false) + "a; " + endMark(kindPipe+simpleKind) + " } | ( " +
			enterMark(kindLast+simpleKind, false) + "b 2>&1; " + endMark(kindLast+simpleKind) + " ); " + timeEndCommand + " -p; }; c\n"},
		{"bare time", "time\n", timeCommand + "\n"},
		{"syntax error untouched", "f() { local x\n", "f() { local x\n"},
		{"nothing to do", "echo hello\n", "echo hello\n"},
		{"job", "sleep 1 & echo $!\n", jobCommand + ` 1 'sleep 1' "$0" "$@"; echo ${` + lastJobVariable + "}\n"},
		{"job in a function", "f() {\n    g >log 2>&1 &\n}\n", "f() {\n    " + jobCommand + ` 2 'g >log 2>&1' "$0" "$@"` + "\n}\n"},
		{"$! braced", "echo ${!}\n", "echo ${" + lastJobVariable + "}\n"},
		{"indirection kept", "echo ${!name}\n", "echo ${!name}\n"},
		{"command substitution drained", "x=$(f)\n", "x=$(" + enterMark(kindSubst, false) + "f; " + endMark(kindSubst) + ")\n"},
		{"command substitution of a job", "x=$(f &)\n", "x=$(" + enterMark(kindSubst, false) + jobCommand + ` 1 f "$0" "$@";` + endMark(kindSubst) + ")\n"},
		{"empty command substitution", "x=$()\ny=`# nothing`\n", "x=$()\ny=`# nothing`\n"},
		{"command substitution ending a line", "x=$(f\n)\n", "x=$(" + enterMark(kindSubst, false) + "f\n" + endMark(kindSubst) + ")\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(compatSource("t.sh", []byte(tt.in)))
			if got != tt.want {
				t.Errorf("compatSource(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.Count(got, "\n") != strings.Count(tt.in, "\n") {
				t.Errorf("lines moved: %q", got)
			}
		})
	}
}

func TestSplitEchoFlags(t *testing.T) {
	tests := []struct{ in, want string }{
		{"echo -ne x", "echo -n -e x"},
		{"echo -n x", "echo -n x"},
		{"echo -nx y", "echo -nx y"},
		{"echo -en -E x -n", "echo -e -n -E x -n"},
		{"echo x -ne", "echo x -ne"},
	}
	for _, tt := range tests {
		if got := strings.Join(splitEchoFlags(strings.Fields(tt.in)), " "); got != tt.want {
			t.Errorf("splitEchoFlags(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
