package bash

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"devstack/internal/testutil"
)

// syncBuffer and writeScript are the test helpers the packages share.
type syncBuffer = testutil.SyncBuffer

var writeScript = testutil.WriteScript

// newTestSession starts a session whose output goes to the returned buffer.
func newTestSession(t *testing.T, env ...string) (*Session, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	s, err := New(Options{Dir: t.TempDir(), Env: env, Stdout: out, Stderr: out})
	if err != nil {
		t.Fatal(err)
	}
	return s, out
}

func TestSourceArguments(t *testing.T) {
	tests := []struct {
		name   string
		script string
		args   []string
		want   string
	}{
		{"two arguments", `echo "$# $1 $2"`, []string{"stack", "install"}, "2 stack install\n"},
		{"one argument", `echo "$# $1"`, []string{"override_defaults"}, "1 override_defaults\n"},
		{"return ends the script only", "echo before\nreturn 0\necho after", []string{"x"}, "before\n"},
		{"return inside a condition", "if [[ $1 == early ]]; then return; fi\necho late", []string{"early"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out := newTestSession(t)
			if err := s.Eval(context.Background(), "set", "set -- caller params"); err != nil {
				t.Fatal(err)
			}
			if err := s.Source(context.Background(), writeScript(t, tt.script), tt.args...); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("output %q, want %q", out.String(), tt.want)
			}
			out.Reset()
			if err := s.Eval(context.Background(), "after", `echo "$#:$*"`); err != nil {
				t.Fatal(err)
			}
			if out.String() != "2:caller params\n" {
				t.Errorf("caller's parameters not restored: %q", out.String())
			}
		})
	}
}

func TestStateCarriesAcrossSources(t *testing.T) {
	s, out := newTestSession(t)
	ctx := context.Background()
	first := writeScript(t, "COUNT=$((COUNT+1))\nfunction greet { echo \"hi $1\"; }\n")
	if err := s.Source(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := s.Source(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := s.Call(ctx, "greet", "there"); err != nil {
		t.Fatal(err)
	}
	if got := s.Var("COUNT"); got != "2" {
		t.Errorf("COUNT = %q, want 2", got)
	}
	if out.String() != "hi there\n" {
		t.Errorf("output %q", out.String())
	}
	if !s.HasFunc("greet") || s.HasFunc("nope") {
		t.Error("HasFunc is wrong")
	}
}

func TestErrexitNamesFileAndLine(t *testing.T) {
	s, _ := newTestSession(t)
	if err := s.SetErrexit(true); err != nil {
		t.Fatal(err)
	}
	path := writeScript(t, "echo one\nfalse\necho never\n")
	err := s.Source(context.Background(), path)
	var se *ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("Source = %v, want a ScriptError", err)
	}
	if se.Status != 1 || se.At.Line != 2 || se.At.File != path || se.At.Command != "false" || !se.Exited {
		t.Errorf("ScriptError = %+v", se)
	}
}

func TestExportedEnvironmentReachesPrograms(t *testing.T) {
	s, out := newTestSession(t, "FROM_GO=yes", "PATH="+os.Getenv("PATH"))
	if err := s.Eval(context.Background(), "t", "export FROM_SCRIPT=also; NOT_EXPORTED=no; env | grep -E '^(FROM_|NOT_)' | sort"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "FROM_GO=yes\nFROM_SCRIPT=also\n" {
		t.Errorf("program saw %q", out.String())
	}
	env := strings.Join(s.Environ(), "\n")
	if !strings.Contains(env, "FROM_SCRIPT=also") || strings.Contains(env, "NOT_EXPORTED") {
		t.Errorf("Environ = %s", env)
	}
}

func TestExpand(t *testing.T) {
	s, _ := newTestSession(t)
	if err := s.Eval(context.Background(), "t", "NOVA_CONF=/etc/nova/nova.conf; DEST=/opt/stack"); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"$NOVA_CONF":         "/etc/nova/nova.conf",
		"${DEST}/demo.conf":  "/opt/stack/demo.conf",
		"/etc/plain.conf":    "/etc/plain.conf",
		`"$DEST/with space"`: "/opt/stack/with space",
	} {
		got, err := s.Expand(in)
		if err != nil || got != want {
			t.Errorf("Expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParseReportsFileAndLine(t *testing.T) {
	_, err := Parse("/t/extras.d/30-broken.sh", "extras.d/30-broken.sh", []byte("echo ok\nif [[ -n x ]]; then\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "extras.d/30-broken.sh:2") {
		t.Errorf("Parse = %v", err)
	}
	if _, err := Parse("/t/ok.sh", "ok.sh", []byte("function f {\n    local a=1\n}\n")); err != nil {
		t.Errorf("Parse of valid bash = %v", err)
	}
}

func TestSourceSeesEditedScript(t *testing.T) {
	s, out := newTestSession(t)
	ctx := context.Background()
	path := writeScript(t, "echo first\n")
	for _, next := range []string{"echo second, longer\n", "echo third!\n", ""} {
		if err := s.Source(ctx, path); err != nil {
			t.Fatal(err)
		}
		if next == "" {
			break
		}
		// Same size as before for the last edit: the modification time
		// alone must tell.
		time.Sleep(10 * time.Millisecond)
		if err := os.WriteFile(path, []byte(next), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out.String() != "first\nsecond, longer\nthird!\n" {
		t.Errorf("output %q", out.String())
	}
}

func TestSourceInFunctionScopesLikeRunPhase(t *testing.T) {
	s, out := newTestSession(t)
	ctx := context.Background()
	hook, err := Parse("/t/extras.d/10-x.sh", "extras.d/10-x.sh", []byte(`local scoped=inside
declare also_scoped=inside
GLOBAL=set-by-hook
function from_hook { echo "from_hook $1"; }
echo "$# $1 $2 $scoped"
[[ $1 == early ]] && return 0
echo late
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Eval(ctx, "caller", "set -- a b c"); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"stack", "install"}, {"early"}} {
		if err := s.SourceInFunction(ctx, hook, args...); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Eval(ctx, "after", `echo "$# ${scoped:-unset} ${also_scoped:-unset} $GLOBAL"; from_hook x; type __devstack_hook >/dev/null 2>&1 || echo gone`); err != nil {
		t.Fatal(err)
	}
	want := "2 stack install inside\nlate\n1 early  inside\n3 unset unset set-by-hook\nfrom_hook x\ngone\n"
	if out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

func TestErrorNamesFunction(t *testing.T) {
	s, _ := newTestSession(t)
	ctx := context.Background()
	if err := s.SetErrexit(true); err != nil {
		t.Fatal(err)
	}
	lib := writeScript(t, "function install_demo {\n    echo installing\n    false\n}\n")
	if err := s.Source(ctx, lib); err != nil {
		t.Fatal(err)
	}
	err := s.Call(ctx, "install_demo")
	var se *ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("Call = %v", err)
	}
	if got, want := se.At.String(), lib+":3:install_demo"; got != want {
		t.Errorf("At = %q, want %q", got, want)
	}
}
