package bash

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestErrTrapAndExit runs scripts whose failures happen inside sourced
// files and functions: the ERR trap runs once per failure where bash runs
// it, and exit or errexit anywhere ends the script with its status, the
// EXIT trap run once. The outputs are bash's.
func TestErrTrapAndExit(t *testing.T) {
	tests := []struct {
		name   string
		script string
		// inner is written next to the script as inner.sh.
		inner  string
		want   string
		status uint8
	}{{
		name: "errexit in a function ends the script without the ERR trap",
		script: `trap 'echo "err $?"; exit 3' ERR
trap 'echo "exit trap $?"' EXIT
set -o errexit
function f {
    local x
    x=$(false)
    echo "after in f"
}
source "${BASH_SOURCE[0]%/*}/inner.sh"
echo "after source"
`,
		inner:  "f\necho \"after f\"\n",
		want:   "exit trap 1\n",
		status: 1,
	}, {
		name: "exit in the ERR trap of a sourced file ends the script",
		script: `trap 'echo "err $? at $LINENO"; exit 7' ERR
trap 'echo "exit trap $?"' EXIT
source "${BASH_SOURCE[0]%/*}/inner.sh"
echo "not reached"
`,
		inner:  "echo in inner\nfalse\necho \"not reached in inner\"\n",
		want:   "in inner\nerr 1 at 2\nexit trap 7\n",
		status: 7,
	}, {
		name: "exit in the ERR trap under errexit gives the trap's status",
		script: `function err_trap {
    local r=$?
    echo "failed $r"
    exit 5
}
trap err_trap ERR
trap 'echo "exit trap $?"' EXIT
set -o errexit
false
echo "not reached"
`,
		want:   "failed 1\nexit trap 5\n",
		status: 5,
	}, {
		name: "a function's failure runs the trap once, at the call",
		script: `trap 'echo "err $? at $LINENO"' ERR
f() { false; }
g() { f; }
g
if true; then false; fi
echo done
`,
		want:   "err 1 at 4\nerr 1 at 5\ndone\n",
		status: 0,
	}, {
		name: "errtrace runs it in the function and at the call",
		script: `set -o errtrace
trap 'echo "err $? at $LINENO"' ERR
f() {
    false
    return 2
}
f
`,
		want:   "err 1 at 4\nerr 2 at 7\n",
		status: 2,
	}, {
		name: "exit in a nested function ends the script",
		script: `trap 'echo "err $?"' ERR
trap 'echo "exit trap $?"' EXIT
f() { exit 9; }
g() { f; echo "not reached in g"; }
x=$(g)
echo "substitution $?"
source "${BASH_SOURCE[0]%/*}/inner.sh"
echo "not reached"
`,
		inner:  "g\n",
		want:   "err 9\nsubstitution 9\nexit trap 9\n",
		status: 9,
	}, {
		name: "return under errexit fails at the call",
		script: `trap 'echo "err $? at $LINENO"' ERR
set -e
k() { return 4; }
k || echo "guarded $?"
k
echo "not reached"
`,
		want:   "guarded 4\nerr 4 at 5\n",
		status: 4,
	}, {
		name: "set +e in a sourced file",
		script: `set -e
source "${BASH_SOURCE[0]%/*}/inner.sh"
false
echo "not reached"
`,
		inner:  "set +e\nfalse\necho \"after false\"\nset -e\n",
		want:   "after false\n",
		status: 1,
	}, {
		name: "exit in a pipeline or a background job ends only that",
		script: `trap 'echo "err $?"' ERR
trap 'echo "exit trap $?"' EXIT
f() { echo piped; exit 3; }
f | while read -r l; do echo "$l"; done
echo "pipeline $?"
set -o pipefail
f | while read -r l; do echo "$l"; done
echo "pipefail $?"
f &
wait $!
echo "background $?"
`,
		want:   "piped\npipeline 0\npiped\nerr 3\npipefail 3\npiped\nerr 3\nbackground 3\nexit trap 0\n",
		status: 0,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out := newTestSession(t)
			path := writeScript(t, tt.script)
			if tt.inner != "" {
				if err := os.WriteFile(filepath.Join(filepath.Dir(path), "inner.sh"), []byte(tt.inner), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			status, err := s.RunScript(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tt.want || status != tt.status {
				t.Errorf("status %d, output:\n%s\nwant status %d, output:\n%s", status, got, tt.status, tt.want)
			}
		})
	}
}

// TestErrTrapNotInHook checks that a hook's body, which runs as a function
// the way run_phase sources extras.d scripts, does not run the ERR trap.
func TestErrTrapNotInHook(t *testing.T) {
	s, out := newTestSession(t)
	ctx := context.Background()
	if err := s.Eval(ctx, "setup", `trap 'echo "err $?"' ERR`); err != nil {
		t.Fatal(err)
	}
	script, err := Parse("/x/extras.d/50-x.sh", "extras.d/50-x.sh", []byte("false\necho \"after false\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SourceInFunction(ctx, script, "stack", "install"); err != nil {
		t.Fatal(err)
	}
	if err := s.Eval(ctx, "after", "false"); err == nil {
		t.Fatal("false succeeded")
	}
	if got, want := out.String(), "after false\nerr 1\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

// TestErrTrapExitEndsEval checks that an exit in the ERR trap after the
// last command of an Eval still ends the shell: the error says it exited,
// with the trap's status, and the EXIT trap ran.
func TestErrTrapExitEndsEval(t *testing.T) {
	s, out := newTestSession(t)
	err := s.Eval(context.Background(), "step", `trap 'echo "exit trap $?"' EXIT
trap 'echo "err $?"; exit 6' ERR
false`)
	var se *ScriptError
	if !errors.As(err, &se) || !se.Exited || se.Status != 6 {
		t.Fatalf("error %v, want an exit with status 6", err)
	}
	if got, want := out.String(), "err 1\nexit trap 6\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}
