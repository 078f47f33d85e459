package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func testDeps(euid int) (Deps, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	return Deps{
		Stdout:      &stdout,
		Stderr:      &stderr,
		Environ:     []string{"PATH=" + os.Getenv("PATH")},
		Getenv:      func(string) string { return "" },
		Geteuid:     func() int { return euid },
		DefaultTree: fstest.MapFS{"stackrc": {Data: []byte("DEST=${DEST:-/nonexistent}\n")}},
		Version:     "1.2.3",
	}, &stdout, &stderr
}

func TestRootNeedsAllowRoot(t *testing.T) {
	tests := []struct {
		euid    int
		args    []string
		refused bool
	}{
		{0, []string{"unstack"}, true},
		{0, []string{"--allow-root", "unstack"}, false},
		{1000, []string{"unstack"}, false},
	}
	for _, tt := range tests {
		deps, _, _ := testDeps(tt.euid)
		root := NewCmdRoot(deps)
		var ran bool
		for _, c := range root.Commands() {
			if c.Name() == "unstack" {
				root.RemoveCommand(c)
			}
		}
		root.AddCommand(NewCmdUnstack(deps, func(ctx context.Context, o *LifecycleOptions) error {
			if err := checkRoot(o.Deps, o.Settings); err != nil {
				return err
			}
			ran = true
			return nil
		}))
		root.SetArgs(append([]string{"--top-dir", t.TempDir()}, tt.args...))
		err := root.Execute()
		if tt.refused {
			if err == nil || !strings.Contains(err.Error(), "--allow-root") || !strings.Contains(err.Error(), "DEVSTACK_ALLOW_ROOT") {
				t.Errorf("euid %d %v: err = %v, want a refusal saying how", tt.euid, tt.args, err)
			}
			continue
		}
		if err != nil || !ran {
			t.Errorf("euid %d %v: err = %v, ran = %v", tt.euid, tt.args, err, ran)
		}
	}
}

func TestUnstackAllFlag(t *testing.T) {
	deps, _, _ := testDeps(1000)
	var got *LifecycleOptions
	cmd := NewCmdUnstack(deps, func(ctx context.Context, o *LifecycleOptions) error {
		got = o
		return nil
	})
	cmd.Flags().AddFlagSet(NewCmdRoot(deps).PersistentFlags())
	cmd.SetArgs([]string{"--all"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || !got.All || got.Command != "unstack" {
		t.Errorf("options %+v", got)
	}
}

func TestShExitStatusAndArguments(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "s.sh")
	if err := os.WriteFile(script, []byte("echo \"$# $1 $2\"\nis_service_enabled nova || echo no-nova\nexit 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deps, stdout, _ := testDeps(1000)
	root := NewCmdRoot(deps)
	root.SetArgs([]string{"sh", script, "-x", "two"})
	err := root.Execute()
	var exitErr *ExitError
	if !errors.As(err, &exitErr) || exitErr.Status != 7 {
		t.Fatalf("err = %v, want exit status 7", err)
	}
	if stdout.String() != "2 -x two\nno-nova\n" {
		t.Errorf("stdout %q", stdout.String())
	}
}

func TestVersion(t *testing.T) {
	deps, stdout, _ := testDeps(1000)
	root := NewCmdRoot(deps)
	root.SetArgs([]string{"version"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if stdout.String() != "devstack 1.2.3\n" {
		t.Errorf("stdout %q", stdout.String())
	}
}
