package cli

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseShArgs(t *testing.T) {
	tests := []struct {
		args []string
		want ShOptions
		err  string
	}{
		{args: []string{"s.sh", "-x", "two"}, want: ShOptions{Script: "s.sh", Name: "s.sh", Args: []string{"-x", "two"}}},
		{args: []string{"-c", "echo $0", "name", "a", "b"}, want: ShOptions{Command: "echo $0", HasCommand: true, Name: "name", Args: []string{"a", "b"}}},
		{args: []string{"-c", "echo"}, want: ShOptions{Command: "echo", HasCommand: true, Name: "bash-like", Args: []string{}}},
		// -c takes the first word after the options, wherever it is.
		{args: []string{"-c", "-e", "false"}, want: ShOptions{Command: "false", HasCommand: true, Name: "bash-like", Args: []string{},
			Startup: [][]string{{"set", "-e"}}}},
		{args: []string{"-uc", "echo"}, want: ShOptions{Command: "echo", HasCommand: true, Name: "bash-like", Args: []string{},
			Startup: [][]string{{"set", "-u"}}}},
		{args: []string{"-e", "-x", "+u", "-o", "pipefail", "+o", "posix", "-O", "extglob", "+O", "nullglob", "s.sh"},
			want: ShOptions{Script: "s.sh", Name: "s.sh", Args: []string{}, Startup: [][]string{
				{"set", "-e"}, {"set", "-x"}, {"set", "+u"}, {"set", "-o", "pipefail"}, {"set", "+o", "posix"},
				{"shopt", "-s", "extglob"}, {"shopt", "-u", "nullglob"}}}},
		{args: []string{"-xo", "errexit", "s.sh"}, want: ShOptions{Script: "s.sh", Name: "s.sh", Args: []string{},
			Startup: [][]string{{"set", "-x"}, {"set", "-o", "errexit"}}}},
		{args: []string{"--norc", "--noprofile", "--posix", "s.sh"}, want: ShOptions{Script: "s.sh", Name: "s.sh", Args: []string{},
			Startup: [][]string{{"set", "-o", "posix"}}}},
		// No script: standard input, with the words as arguments.
		{args: []string{}, want: ShOptions{Name: "bash-like", Args: []string{}}},
		{args: []string{"-s", "a", "b"}, want: ShOptions{Name: "bash-like", Args: []string{"a", "b"}}},
		{args: []string{"-e"}, want: ShOptions{Name: "bash-like", Args: []string{}, Startup: [][]string{{"set", "-e"}}}},
		// -- and - end the options.
		{args: []string{"--", "-c"}, want: ShOptions{Script: "-c", Name: "-c", Args: []string{}}},
		{args: []string{"-", "s.sh", "-e"}, want: ShOptions{Script: "s.sh", Name: "s.sh", Args: []string{"-e"}}},
		{args: []string{"-c"}, err: "-c: option requires an argument"},
		{args: []string{"-o"}, err: "-o: option requires an argument"},
		{args: []string{"-Z", "s.sh"}, err: "-Z: invalid option"},
		{args: []string{"--login", "s.sh"}, err: "--login: invalid option"},
		{args: []string{"-i"}, err: "-i: interactive, login and restricted shells are not supported"},
	}
	for _, tt := range tests {
		got, err := parseShArgs(tt.args, "bash-like")
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: err = %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.args, *got, tt.want)
		}
	}
}

func TestShCommandStdinAndOptions(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stdin  string
		stdout string
		stderr string
		status int
	}{
		{name: "-c with $0 and arguments", args: []string{"-c", `echo "$0 $# $1 $2"`, "myname", "a", "b c"},
			stdout: "myname 2 a b c\n"},
		{name: "-c without a name", args: []string{"-c", `echo "$0 $#"`}, stdout: "devstack 0\n"},
		{name: "-c status", args: []string{"-c", "exit 3"}, status: 3},
		{name: "-e before -c", args: []string{"-e", "-c", "false; echo not reached"}, status: 1},
		{name: "-e after -c", args: []string{"-c", "-e", "false; echo not reached"}, status: 1},
		{name: "-u", args: []string{"-uc", `echo "$unset_variable"; echo not reached`},
			stderr: "unset_variable: unbound variable\n", status: 1},
		{name: "-o pipefail", args: []string{"-o", "pipefail", "-c", "false | true; echo $?"}, stdout: "1\n"},
		{name: "+o after -o", args: []string{"-o", "pipefail", "+o", "pipefail", "-c", "false | true; echo $?"}, stdout: "0\n"},
		{name: "-x", args: []string{"-x", "-c", "echo hi"}, stdout: "hi\n", stderr: "+ echo hi\n"},
		{name: "unknown -o", args: []string{"-o", "nosuchoption", "-c", "echo not reached"}, status: 2},
		{name: "invalid option", args: []string{"-Z"}, stderr: "devstack sh: -Z: invalid option\n", status: 2},
		{name: "script on standard input", stdin: "echo \"$0 $*\"\nexit 4\necho not reached\n", args: []string{"-s", "x", "y"},
			stdout: "devstack x y\n", status: 4},
		{name: "standard input is read a line at a time", stdin: "read -r line\nthis line is data\necho \"got: $line\"\n",
			stdout: "got: this line is data\n"},
		{name: "LINENO and a function over lines", stdin: "\n\nf() {\n  echo \"in f at $LINENO\"\n}\nf\necho $LINENO\n",
			stdout: "in f at 4\n7\n"},
		{name: "EXIT trap at the end of input", stdin: "trap 'echo \"trap $?\"' EXIT\nfalse\n", stdout: "trap 1\n", status: 1},
		{name: "EXIT trap on exit", stdin: "trap 'echo trap' EXIT\nexit 5\necho not reached\n", stdout: "trap\n", status: 5},
		{name: "EXIT trap's own exit", stdin: "trap 'exit 0' EXIT\nfalse\n", status: 0},
		{name: "EXIT trap's own status", stdin: "trap 'exit 4' EXIT\ntrue\n", status: 4},
		{name: "syntax error on standard input", stdin: "echo before\nif then fi\necho after\n", stdout: "before\n", status: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deps, stdout, stderr := testDeps(1000)
			// A file, as standard input is: what the script's commands
			// read is what the shell has not.
			stdin := filepath.Join(t.TempDir(), "stdin")
			if err := os.WriteFile(stdin, []byte(tt.stdin), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(stdin)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			deps.Stdin = f
			root := NewCmdRoot(deps)
			root.SetArgs(append([]string{"sh"}, tt.args...))
			err = root.Execute()
			status := 0
			var exitErr *ExitError
			if errors.As(err, &exitErr) {
				status = exitErr.Status
			} else if err != nil {
				t.Fatalf("err = %v", err)
			}
			if status != tt.status || stdout.String() != tt.stdout || (tt.stderr != "" && !strings.HasSuffix(stderr.String(), tt.stderr)) {
				t.Errorf("status %d, stdout %q, stderr %q; want %d, %q, ...%q", status, stdout.String(), stderr.String(), tt.status, tt.stdout, tt.stderr)
			}
		})
	}
}
