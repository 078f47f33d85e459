package shell

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
		{"typeset is declare", "f() {\n    typeset -xr v\n}\n", "f() {\n    declare -xr v=\n}\n"},
		{"declare -F", "declare -F foo\n", declCommand + " declare -F foo\n"},
		{"export -f", "export -f foo\n", declCommand + " export -f foo\n"},
		{"local -i", "f() { local -i n=1+2; }\n", "f() { " + declCommand + " local -i n=1+2; }\n"},
		{"dup to fd 3", "echo hi >&3\n", "echo hi >/dev/fd/3\n"},
		{"exec fd 3", "exec 3>&1\n", "{ " + fdCommand + " 3 '>&' 1; }\n"},
		{"exec mixed", "exec 1>&3 2>&1\n", "{ exec 1>/dev/fd/3; exec 2>&1; }\n"},
		{"exec with a command kept", "exec sleep 1 3>&1\n", "exec sleep 1 3>&1\n"},
		{"time", "time sleep 0\n", timeCommand + " sleep 0\n"},
		{"syntax error untouched", "f() { local x\n", "f() { local x\n"},
		{"nothing to do", "echo hello\n", "echo hello\n"},
		{"job", "sleep 1 & echo $!\n", jobCommand + ` 1 'sleep 1' "$0" "$@"; echo ${` + lastJobVariable + "}\n"},
		{"job in a function", "f() {\n    g >log 2>&1 &\n}\n", "f() {\n    " + jobCommand + ` 2 'g >log 2>&1' "$0" "$@"` + "\n}\n"},
		{"$! braced", "echo ${!}\n", "echo ${" + lastJobVariable + "}\n"},
		{"indirection kept", "echo ${!name}\n", "echo ${!name}\n"},
		{"command substitution drained", "x=$(f)\n", "x=$(" + noErrexitCommand + "; f; " + drainCommand + ")\n"},
		{"command substitution of a job", "x=$(f &)\n", "x=$(" + noErrexitCommand + "; " + jobCommand + ` 1 f "$0" "$@"; ` + drainCommand + ")\n"},
		{"empty command substitution", "x=$()\ny=`# nothing`\n", "x=$(" + noErrexitCommand + "; )\ny=`" + noErrexitCommand + "; # nothing`\n"},
		{"command substitution ending a line", "x=$(f\n)\n", "x=$(" + noErrexitCommand + "; f\n " + drainCommand + ")\n"},
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
