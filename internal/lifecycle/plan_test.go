package lifecycle

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"devstack/internal/tree"
)

// Every step of every command's table is described by a plan.
func TestPlanDescribesEveryStep(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/local.conf", []byte("[[local|localrc]]\nDEST="+dir+"/opt\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := tree.Open(dir, os.DirFS("../.."))
	if err != nil {
		t.Fatal(err)
	}
	for _, command := range []string{"stack", "unstack", "clean"} {
		p, err := MakePlan(context.Background(), PlanOptions{Tree: tr, Command: command, Env: []string{"PATH=" + os.Getenv("PATH")}})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range p.Steps {
			names = append(names, s.Name)
			if len(s.Runs) == 0 || slices.Contains(s.Runs, "(not described)") {
				t.Errorf("%s: step %q: %q", command, s.Name, s.Runs)
			}
		}
		var want []string
		for _, s := range Steps(command) {
			want = append(want, s.Name)
		}
		if !slices.Equal(names, want) {
			t.Errorf("%s: steps %v, want the table's %v", command, names, want)
		}
		if len(p.Errors) > 0 {
			t.Errorf("%s: errors %q", command, p.Errors)
		}
	}
	if _, err := os.Stat(dir + "/opt"); err == nil {
		t.Error("a plan created DEST")
	}
}

func TestPlanProgramsRunOnlyWhatReads(t *testing.T) {
	tests := []struct {
		args []string
		run  bool
	}{
		{[]string{"uname", "-m"}, true},
		{[]string{"hostname", "-f"}, true},
		{[]string{"hostname", "newname"}, false},
		{[]string{"date", "+%s"}, true},
		{[]string{"date", "-s", "2020-01-01"}, false},
		{[]string{"date", "010100002020"}, false},
		{[]string{"sed", "-e", "s/,,/,/g"}, true},
		{[]string{"sed", "-i", "s/a/b/", "/etc/passwd"}, false},
		{[]string{"sed", "--in-place=.bak", "s/a/b/", "f"}, false},
		{[]string{"awk", "/default/ {print $5}"}, true},
		{[]string{"awk", "-F", "/", "{ print $1 }"}, true},
		{[]string{"awk", `{ print > "/tmp/x" }`}, false},
		{[]string{"awk", `{ system("rm -rf /") }`}, false},
		{[]string{"awk", "-f", "prog.awk"}, false},
		{[]string{"ip", "-f", "inet", "route", "list", "match", "default"}, true},
		{[]string{"ip", "-4", "route"}, true},
		{[]string{"ip", "route", "add", "default", "via", "10.0.0.1"}, false},
		{[]string{"ip", "link", "set", "eth0", "down"}, false},
		{[]string{"sort", "-o", "out", "in"}, false},
		{[]string{"tail", "-f", "log"}, false},
		{[]string{"rm", "-rf", "/"}, false},
		{[]string{"python3", "-c", "print(1)"}, false},
	}
	for _, tt := range tests {
		allow, known := planPrograms[tt.args[0]]
		run := false
		var with []string
		if known {
			with, run = allow(tt.args[1:])
		}
		if run != tt.run {
			t.Errorf("%q: runs = %v, want %v", tt.args, run, tt.run)
		}
		if run && tt.args[0] == "sed" && with[0] != "--sandbox" {
			t.Errorf("sed runs without --sandbox: %q", with)
		}
	}
}

func TestTreePhases(t *testing.T) {
	text := strings.Join([]string{
		"source $TOP_DIR/functions",
		"run_phase override_defaults",
		"# run_phase in a comment",
		"    run_phase stack install  # the services",
		"for i in $TOP_DIR/extras.d/*.sh; do",
		"    [[ -r $i ]] && source $i stack post-config",
		"done",
		`run_phase "$x"`,
	}, "\n")
	var got []string
	for _, s := range treePhases("stack.sh", []byte(text)) {
		got = append(got, s.Name)
	}
	want := []string{"stack.sh:2 override_defaults", "stack.sh:4 stack install", "stack.sh:6 stack post-config"}
	if !slices.Equal(got, want) {
		t.Errorf("phases %q, want %q", got, want)
	}
}
