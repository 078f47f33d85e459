package bash

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// The commands of <( ) write to a named pipe that the interpreter closes,
// then removes, when they end. A reader that opens the pipe in between,
// a script reading "$1" a second time as bash's /dev/fd/N allows, waits
// for a writer that never comes: the interpreter opens its own pipes
// without the session's open handler, so openProcSubst cannot step in.
// xtraceSource ends the commands of <( ) with fifoDoneCommand, which,
// while the pipe is still held open for writing, puts an empty file in
// its place: a reader that has it open reads on to the end, and a later
// open reads an empty file, as a second read of bash's /dev/fd/N finds
// nothing left. The interpreter then removes the empty file.

// fifoDoneCommand replaces the pipe of the <( ) it ends, passing on $?.
const fifoDoneCommand = "__devstack_fifodone"

// The commands of >( ) read from a named pipe that the interpreter
// removes only once they end; a shell that ends first, as stack.sh does
// after `exec 1> >(outfilter)`, leaves the pipe in the temporary
// directory. fifoOpenCommand starts the commands of >( ): by then both
// ends are open (the interpreter's open of the pipe waits for the
// writer), so the name can go, as bash's /dev/fd/N leaves nothing behind.

// fifoOpenCommand removes the pipe of the >( ) it starts, passing on $?.
const fifoOpenCommand = "__devstack_fifoopen"

// fifoOpenEdit is the edit that starts the commands of a >( ) with
// fifoOpenCommand; ok is false for <( ).
func fifoOpenEdit(ps *syntax.ProcSubst) (Edit, bool) {
	if ps.Op != syntax.CmdOut || len(ps.Stmts) == 0 {
		return Edit{}, false
	}
	return Edit{Offset: ps.Stmts[0].Pos().Offset(), Text: passOn(fifoOpenCommand) + "; "}, true
}

// fifoOpen removes the pipe standard input is, if it is one of the
// interpreter's process substitutions, and passes on the status before it.
func fifoOpen(ctx context.Context) error {
	hc := interp.HandlerCtx(ctx)
	if f, ok := hc.Stdin.(*os.File); ok && isProcSubstPipe(f.Name()) {
		os.Remove(f.Name())
	}
	return exitStatus(hc.LastExitStatus)
}

// isProcSubstPipe reports whether path is a named pipe of the
// interpreter's process substitutions.
func isProcSubstPipe(path string) bool {
	if !strings.HasPrefix(filepath.Base(path), fifoPrefix) {
		return false
	}
	info, err := os.Stat(path)
	return err == nil && info.Mode()&fs.ModeNamedPipe != 0
}

// fifoDoneEdit is the edit that ends the commands of a <( ) with
// fifoDoneCommand; ok is false for >( ), and where text after the last
// command could change its meaning (a here-document).
func fifoDoneEdit(ps *syntax.ProcSubst) (Edit, bool) {
	if ps.Op != syntax.CmdIn || len(ps.Stmts) == 0 {
		return Edit{}, false
	}
	last := ps.Stmts[len(ps.Stmts)-1]
	heredoc := false
	walk(last, func(node syntax.Node) bool {
		if r, ok := node.(*syntax.Redirect); ok && r.Hdoc != nil {
			heredoc = true
		}
		return !heredoc
	})
	if heredoc {
		return Edit{}, false
	}
	sep := "; "
	if last.Background || last.Coprocess {
		// "cmd &; next" would not parse.
		sep = " "
	}
	return Edit{Offset: last.End().Offset(), Text: sep + passOn(fifoDoneCommand)}, true
}

// fifoDone replaces the pipe standard output is, if it is one of the
// interpreter's process substitutions, with an empty file, and passes on
// the status before it.
func fifoDone(ctx context.Context) error {
	hc := interp.HandlerCtx(ctx)
	if f, ok := hc.Stdout.(*os.File); ok && isProcSubstPipe(f.Name()) {
		emptyInPlace(f.Name())
	}
	return exitStatus(hc.LastExitStatus)
}

// emptyInPlace renames an empty file over path; if it cannot, it removes
// path, so that an open fails rather than waits.
func emptyInPlace(path string) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+fifoPrefix+"done-")
	if err == nil {
		tmp.Close()
		if err = os.Rename(tmp.Name(), path); err != nil {
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		os.Remove(path)
	}
}
