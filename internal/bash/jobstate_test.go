package bash

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// captureIn runs script in a new session; its `capture` command captures
// the state a job started there would get.
func captureIn(t *testing.T, script string) (*Session, *jobState) {
	t.Helper()
	s, out := newTestSession(t, "PATH="+os.Getenv("PATH"), "HOME=/home/test")
	var st *jobState
	s.Define(map[string]Func{"capture": func(ctx context.Context, args []string) error {
		var err error
		st, err = s.captureJob(ctx, 7, "echo job", "script.sh", []string{"p1", "p 2"})
		return err
	}})
	path := writeScript(t, script)
	if status, err := s.RunScript(context.Background(), path); err != nil || status != 0 {
		t.Fatalf("status %d, %v\n%s", status, err, out)
	}
	if st == nil {
		t.Fatal("the script did not capture")
	}
	return s, st
}

// TestJobStateRoundTrip captures a shell's state, passes it through its
// encoding, and builds the job's session from it: what the job sees is
// what the shell had.
func TestJobStateRoundTrip(t *testing.T) {
	lib := writeScript(t, "# a library\n\nlibfn() {\n    echo \"lib $1\"\n}\n")
	dir := t.TempDir()
	_, st := captureIn(t, `plain=value
export exported=yes
declare -a list=(one "two words" three)
declare -A map=([k]=v [x]="y z")
readonly fixed=1
IFS=,
source `+lib+`
local_fn() {
    local inner=scoped
    set -o pipefail -u
    set -E
    trap 'echo err' ERR
    trap '' USR2
    cd `+dir+`
    false || capture
}
local_fn
`)
	defer signal.Reset(syscall.SIGUSR2)
	data, err := encodeJobState(st)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeJobState(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "echo job" || got.Line != 7 || got.Name != "script.sh" || !slices.Equal(got.Params, []string{"p1", "p 2"}) {
		t.Errorf("statement %q line %d name %q params %q", got.Text, got.Line, got.Name, got.Params)
	}
	if got.Dir != dir || got.Status != 1 || !got.InFunction {
		t.Errorf("dir %q, status %d, in function %v; want %q, 1, true", got.Dir, got.Status, got.InFunction, dir)
	}
	if !slices.Contains(got.Flags, "pipefail") || !slices.Contains(got.Flags, "nounset") || slices.Contains(got.Flags, "errexit") {
		t.Errorf("flags %q, want pipefail and nounset only", got.Flags)
	}
	if !got.Options["errtrace"] || got.Traps["ERR"] != "echo err" || got.Traps["USR2"] != "" {
		t.Errorf("options %v, traps %q", got.Options, got.Traps)
	}
	var names []string
	for _, f := range got.Frames {
		names = append(names, f.Function)
	}
	if !slices.Equal(names, []string{"main", "local_fn"}) {
		t.Errorf("frames %v, want main then local_fn", names)
	}

	s, err := newJobSession(got)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"plain": "value", "exported": "yes", "inner": "scoped", "IFS": ",", "PWD": dir} {
		if v := s.Var(name); v != want {
			t.Errorf("%s = %q in the job, want %q", name, v, want)
		}
	}
	vars := sessionEnv{s}
	if l := vars.Get("list"); l.Kind != expand.Indexed || !slices.Equal(l.List, []string{"one", "two words", "three"}) {
		t.Errorf("list = %+v", l)
	}
	if m := vars.Get("map"); m.Kind != expand.Associative || m.Map["x"] != "y z" {
		t.Errorf("map = %+v", m)
	}
	if !vars.Get("fixed").ReadOnly || !vars.Get("exported").Exported || vars.Get("plain").Exported {
		t.Error("the attributes did not come through")
	}
	if env := s.Environ(); !slices.Contains(env, "exported=yes") || slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "plain=") }) {
		t.Errorf("the job's environment %q", env)
	}
	if !s.HasFunc("libfn") || !s.HasFunc("local_fn") || s.HasFunc("capture") {
		t.Error("the job does not have the shell's functions (and only those)")
	}
	if s.traps["ERR"] != "echo err" || s.traps["USR2"] != "" || s.traps["INT"] != "" {
		t.Errorf("the job's traps %q: want ERR kept (errtrace), USR2 and INT ignored", s.traps)
	}
	if s.frames[len(s.frames)-1].function != "local_fn" {
		t.Errorf("the job's stack %+v", s.frames)
	}
}

// TestJobFunctionKeepsLines checks that an inherited function, defined in
// the job's process only when first called, runs on its lines.
func TestJobFunctionKeepsLines(t *testing.T) {
	lib := writeScript(t, "# line 1\n\n\nf() {\n    echo \"line $LINENO\"\n    caller 0\n}\n")
	s, out := newTestSession(t)
	script := filepath.Join(t.TempDir(), "main.sh")
	if err := os.WriteFile(script, []byte("source "+lib+"\nf &\nwait\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if status, err := s.RunScript(context.Background(), script); err != nil || status != 0 {
		t.Fatalf("status %d, %v\n%s", status, err, out)
	}
	if want := "line 5\n2 main " + script + "\n"; out.String() != want {
		t.Errorf("the job's f printed %q, want %q", out.String(), want)
	}
}

// TestBodyText checks that a body is cut from its file's text only where
// the text is the one it was parsed from.
func TestBodyText(t *testing.T) {
	src := "x=1\n\nf() {\n    echo hi\n}\ng() ( echo sub )\n"
	file, err := syntax.NewParser().Parse(strings.NewReader(src), "")
	if err != nil {
		t.Fatal(err)
	}
	f := file.Stmts[1].Cmd.(*syntax.FuncDecl).Body
	g := file.Stmts[2].Cmd.(*syntax.FuncDecl).Body
	tests := []struct {
		name string
		text string
		body *syntax.Stmt
		want string
		ok   bool
	}{
		{"brace group", src, f, "{\n    echo hi\n}", true},
		{"subshell", src, g, "( echo sub )", true},
		{"no text", "", f, "", false},
		{"another text", "y=2\n\nf() { echo different; }\n", f, "", false},
		{"shifted", " " + src, f, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := bodyText(tt.text, tt.body)
			if got != tt.want || ok != tt.ok {
				t.Errorf("bodyText = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestFunctionSourceFallsBack checks that a function whose text is not
// known is printed back, on its first line, and parses again.
func TestFunctionSourceFallsBack(t *testing.T) {
	s, out := newTestSession(t, "PATH="+os.Getenv("PATH"))
	if err := s.Eval(context.Background(), "defs", "eval 'weird-name.x() { echo \"a  b\" | tr -s \" \"; }'"); err != nil {
		t.Fatal(err)
	}
	body := s.runner.Funcs["weird-name.x"]
	f, err := s.functionSource("weird-name.x", body, frame{function: "main"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := syntax.NewParser().Parse(strings.NewReader(f.definition()), ""); err != nil {
		t.Fatalf("the definition does not parse: %v\n%s", err, f.definition())
	}
	if err := s.Eval(context.Background(), "again", f.definition()+"weird-name.x\n"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "a b\n" {
		t.Errorf("the function printed back printed %q", out.String())
	}
}

func TestRewritePids(t *testing.T) {
	s := &Session{pids: &shellPids{shell: 100, parent: 99}}
	src := `echo $$ ${$} "$$" '$$' $PPID ${PPID} ${PPID:-x} ${#$} $BASHPID` + "\n"
	want := `echo 100 100 "100" '$$' 99 99 ${PPID:-x} ${#$} $BASHPID` + "\n"
	if got := string(s.rewritePids([]byte(src))); got != want {
		t.Errorf("rewritePids:\n got %s want %s", got, want)
	}
	main := &Session{}
	if got := string(main.rewritePids([]byte(src))); got != src {
		t.Errorf("the shell's own $$ was rewritten: %s", got)
	}
}

// TestJobsAreProcesses runs jobs from a session whose output is not a
// file: their output comes through pipes, $! is a process, and a command
// substitution gets its job's output.
func TestJobsAreProcesses(t *testing.T) {
	s, out := newTestSession(t, "PATH="+os.Getenv("PATH"))
	script := writeScript(t, `sleep 5 &
[[ $! =~ ^[0-9]+$ && $! != $$ ]] && echo "a process"
kill $!
wait $!
echo "status $?"
{ echo "from the job"; echo "to stderr" >&2; } &
wait
x=$(echo "substituted" &)
echo "[$x]"
`)
	start := time.Now()
	status, err := s.RunScript(context.Background(), script)
	if err != nil || status != 0 {
		t.Fatalf("status %d, %v\n%s", status, err, out)
	}
	if want := "a process\nstatus 143\nfrom the job\nto stderr\n[substituted]\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("the killed sleep held the script: %v", time.Since(start))
	}
}

// TestJobNeedsItsExtensions checks that a job whose session names an
// extension the program does not register is refused where it starts.
func TestJobNeedsItsExtensions(t *testing.T) {
	out := &syncBuffer{}
	s, err := New(Options{Dir: t.TempDir(), Stdout: out, Stderr: out, Extensions: []Extension{{Name: "nowhere"}}})
	if err != nil {
		t.Fatal(err)
	}
	script := writeScript(t, "true\necho started &\necho \"status $?\"\n")
	if _, err := s.RunScript(context.Background(), script); err != nil {
		t.Fatal(err)
	}
	want := script + `: line 2: cannot start a background job: the session's extension "nowhere" is not registered in this program` + "\nstatus 1\n"
	if out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

// greeting is an extension: the command greet, which writes its
// argument. TestMain registers it, as a program registers its own.
func greeting(opts *Options, arg string) (func(*Session), error) {
	return func(s *Session) {
		s.Define(map[string]Func{"greet": func(ctx context.Context, args []string) error {
			_, err := interp.HandlerCtx(ctx).Stdout.Write([]byte(arg + " from the job\n"))
			return err
		}})
	}, nil
}

// TestJobRegistersExtensions checks that a job's process adds the
// session's extensions again: a Go function the session defined.
func TestJobRegistersExtensions(t *testing.T) {
	out := &syncBuffer{}
	s, err := New(Options{Dir: t.TempDir(), Stdout: out, Stderr: out, Extensions: []Extension{{Name: "greeting", Arg: "hello"}}})
	if err != nil {
		t.Fatal(err)
	}
	status, err := s.RunScript(context.Background(), writeScript(t, "greet &\nwait $!\n"))
	var se *ScriptError
	if errors.As(err, &se) || err != nil || status != 0 {
		t.Fatalf("status %d, %v\n%s", status, err, out)
	}
	if out.String() != "hello from the job\n" {
		t.Errorf("output %q", out.String())
	}
}

// mapOverlay serves the files of an fstest.MapFS under top.
type mapOverlay struct {
	top string
	fs  fstest.MapFS
}

func (o mapOverlay) Embedded(abs string) (string, bool) {
	rel, ok := o.Rel(abs)
	if !ok {
		return "", false
	}
	_, found := o.fs[rel]
	return rel, found
}

func (o mapOverlay) Base() fs.FS { return o.fs }

func (o mapOverlay) Rel(abs string) (string, bool) {
	rel, err := filepath.Rel(o.top, abs)
	return rel, err == nil && !strings.HasPrefix(rel, "..")
}

func (o mapOverlay) ReadDir(rel string) ([]fs.DirEntry, error) { return o.fs.ReadDir(rel) }

var embeddedLib = fstest.MapFS{"lib/embedded": {Data: []byte("EMBEDDED=served\n")}}

// overlaid is an extension: the overlay of embeddedLib under the
// directory arg. TestMain registers it.
func overlaid(opts *Options, arg string) (func(*Session), error) {
	opts.Overlay = mapOverlay{top: arg, fs: embeddedLib}
	return nil, nil
}

// TestJobReadsTheOverlay checks that a job's process gets the session's
// overlay again, through its extension, and sources a file only it
// serves.
func TestJobReadsTheOverlay(t *testing.T) {
	top := t.TempDir()
	out := &syncBuffer{}
	s, err := New(Options{Dir: top, Stdout: out, Stderr: out, Overlay: mapOverlay{top: top, fs: embeddedLib},
		Extensions: []Extension{{Name: "overlaid", Arg: top}}})
	if err != nil {
		t.Fatal(err)
	}
	script := writeScript(t, "{ source "+top+"/lib/embedded; echo \"in the job: $EMBEDDED\"; } &\nwait $!\n")
	if status, err := s.RunScript(context.Background(), script); err != nil || status != 0 {
		t.Fatalf("status %d, %v\n%s", status, err, out)
	}
	if out.String() != "in the job: served\n" {
		t.Errorf("output %q", out.String())
	}
}
