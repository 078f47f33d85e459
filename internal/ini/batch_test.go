package ini

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// batchOp is one edit, applied both through a Batch and through the plain
// function of the same name.
type batchOp struct {
	kind                   string // set, delete, add
	section, option, value string
}

func (op batchOp) plain(path string) error {
	switch op.kind {
	case "set":
		return Set(path, op.section, op.option, op.value)
	case "delete":
		return Delete(path, op.section, op.option)
	}
	return AddLiteral(path, op.section, op.option, op.value)
}

func (op batchOp) batch(b *Batch) error {
	switch op.kind {
	case "set":
		return b.Set(op.section, op.option, op.value)
	case "delete":
		return b.Delete(op.section, op.option)
	}
	return b.AddLiteral(op.section, op.option, op.value)
}

// TestBatchIsThePlainFunctions: on random files and random edits, with
// names chosen to hit every rule (repeated and closing headers, headers
// with text after them, names holding brackets, blanks and "="), a Batch
// leaves the file the plain functions leave, byte for byte, and fails
// where they fail.
func TestBatchIsThePlainFunctions(t *testing.T) {
	lines := []string{"[a]", "[b]", "[a] # again", "[a]b]", "[]", "[a", "a = 1", "a=2", "b = 3", " a = 4",
		"#a = 5", "a b = 6", "c =", "", "x = [y]", "[a[b]", "a]b = 7", "a = [z] = 8"}
	sections := []string{"a", "b", "c", "a]b", "a[b", "", "new"}
	options := []string{"a", "b", "c", "a b", "a ", "[a", "a=b", "a]b", "", "d"}
	values := []string{"v", "", "two  words", "x = y", "[q]"}
	kinds := []string{"set", "set", "delete", "add"}
	rng := rand.New(rand.NewPCG(1, 2))
	dir := memDir(t)
	for n := range 3000 {
		var text strings.Builder
		for range rng.IntN(8) {
			text.WriteString(lines[rng.IntN(len(lines))])
			text.WriteString("\n")
		}
		content := text.String()
		if rng.IntN(4) == 0 {
			content = strings.TrimSuffix(content, "\n")
		}
		var ops []batchOp
		for range 1 + rng.IntN(8) {
			ops = append(ops, batchOp{kinds[rng.IntN(len(kinds))], sections[rng.IntN(len(sections))],
				options[rng.IntN(len(options))], values[rng.IntN(len(values))]})
		}
		plainPath := filepath.Join(dir, fmt.Sprintf("plain%d.conf", n))
		batchPath := filepath.Join(dir, fmt.Sprintf("batch%d.conf", n))
		for _, p := range []string{plainPath, batchPath} {
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var plainErr error
		for _, op := range ops {
			if plainErr = op.plain(plainPath); plainErr != nil {
				break
			}
		}
		b, err := OpenBatch(batchPath)
		if err != nil {
			t.Fatal(err)
		}
		var batchErr error
		for _, op := range ops {
			if batchErr = op.batch(b); batchErr != nil {
				break
			}
		}
		if batchErr == nil {
			batchErr = b.Save()
		}
		want, _ := os.ReadFile(plainPath)
		got, _ := os.ReadFile(batchPath)
		if (plainErr == nil) != (batchErr == nil) || (plainErr == nil && string(got) != string(want)) {
			t.Fatalf("file %q, edits %+v:\nplain: %q (%v)\nbatch: %q (%v)", content, ops, want, plainErr, got, batchErr)
		}
	}
}

// TestBatchOnMissingFile: Delete and AddLiteral need the file, as the
// plain functions do; Set creates it.
func TestBatchOnMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.conf")
	b, err := OpenBatch(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Delete("a", "b"); err == nil {
		t.Error("Delete on a missing file succeeded")
	}
	if err := b.Set("a", "b", "c"); err != nil {
		t.Fatal(err)
	}
	if err := b.Save(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "\n[a]\nb = c\n" {
		t.Errorf("new file %q", got)
	}
}

// memDir is a temporary directory in memory where there is one: the plain
// functions sync every file they write, which on a disk makes thousands of
// edits slow.
func memDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/dev/shm", "ini-batch-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
