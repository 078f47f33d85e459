package bash

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreparsed: a file sourced as it was parsed up front takes the text
// Parse rewrote it to, which is what the session's own rewriting makes
// of it, Options.Rewrite included; a file changed since is rewritten
// afresh.
func TestPreparsed(t *testing.T) {
	const text = "function f {\n    local x\n    [[ -n $1 ]] && x=$1\n    echo \"f ${x:-none}\"\n}\nf a\nf\n"
	tests := []struct {
		name    string
		rewrite func(string, []byte) []byte
		onDisk  string
		used    bool
	}{
		{name: "unchanged", onDisk: text, used: true},
		{name: "rewrite that changes nothing", rewrite: func(_ string, b []byte) []byte { return b }, onDisk: text, used: true},
		{name: "rewrite that adds a line", rewrite: func(_ string, b []byte) []byte { return append(b, "echo added\n"...) }, onDisk: text, used: true},
		{name: "file changed since", onDisk: text + "echo changed\n", used: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "lib.sh")
			if err := os.WriteFile(path, []byte(tt.onDisk), 0o644); err != nil {
				t.Fatal(err)
			}
			script, err := Parse(path, "lib.sh", []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			run := func(preparsed bool) (string, string) {
				var out bytes.Buffer
				s, err := New(Options{Dir: dir, Stdout: &out, Stderr: &out, Rewrite: tt.rewrite})
				if err != nil {
					t.Fatal(err)
				}
				if preparsed {
					s.Preparsed(script)
				}
				prepared := string(s.prepare(path, []byte(tt.onDisk)))
				if err := s.Source(context.Background(), path); err != nil {
					t.Fatal(err)
				}
				return prepared, out.String()
			}
			wantText, wantOut := run(false)
			gotText, gotOut := run(true)
			if gotText != wantText || gotOut != wantOut {
				t.Errorf("with the script parsed up front: text %q, output %q; want %q, %q", gotText, gotOut, wantText, wantOut)
			}
			if !strings.Contains(wantOut, "f a\nf none\n") {
				t.Errorf("output %q lacks the function's lines", wantOut)
			}
			s, err := New(Options{Dir: dir, Rewrite: tt.rewrite})
			if err != nil {
				t.Fatal(err)
			}
			s.Preparsed(script)
			if _, used := s.rewritten(path, []byte(tt.onDisk)); used != tt.used {
				t.Errorf("parsed script used: %v, want %v", used, tt.used)
			}
		})
	}
}
