package funcs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/interp"

	"devstack/internal/ini"

	"devstack/internal/bash"
)

// iniCall is one call of an ini function.
type iniCall struct {
	hc interp.HandlerContext
	// function is the function's name, for messages.
	function string
	// file is the file as the script named it, made absolute; path is
	// where it is read and written, file itself or a copy of it.
	file, path      string
	section, option string
	// rest are the arguments after FILE SECTION OPTION.
	rest []string
}

// value is the fourth argument, the only value iniset and iniadd_literal
// take.
func (c iniCall) value() string {
	if len(c.rest) == 0 {
		return ""
	}
	return c.rest[0]
}

// missing reports a file a reading function cannot read, as sed does for
// DevStack'l.
func (c iniCall) missing() bool {
	if _, err := os.Stat(c.path); !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	fmt.Fprintf(c.hc.Stderr, "%s: can't read %s: No such file or directory\n", c.function, c.file)
	return true
}

// iniOp is one of DevStack's ini functions.
type iniOp struct {
	// writes is false for the functions that only read the file.
	writes bool
	run    func(c iniCall) error
}

// iniFunc adapts an iniOp to a library function with DevStack's argument
// handling: an optional -sudo first, a relative FILE taken from the shell's
// directory, and missing arguments empty.
//
// -sudo is for files the user may not write, such as systemd units. The
// tool edits files itself rather than through sed, so sudo only comes in
// when it must, which keeps the common case free of sudo round trips: never
// for root, and for anyone else only when the file (or, for a new file, its
// directory) is not writable, or for ini_has_option not readable; then the
// edit is made on a copy read and written back with sudo. Without -sudo, a
// file the user may not write fails as DevStack's sed would.
func iniFunc(function string, op iniOp) bash.Func {
	return func(ctx context.Context, args []string) error {
		hc := interp.HandlerCtx(ctx)
		sudo := len(args) > 0 && args[0] == "-sudo"
		if sudo {
			args = args[1:]
		}
		for len(args) < 3 {
			args = append(args, "")
		}
		c := iniCall{hc: hc, function: function, file: bash.Absolute(hc.Dir, args[0]), section: args[1], option: args[2], rest: args[3:]}
		c.path = c.file
		var err error
		if sudo && needsSudo(c.file, op.writes) {
			err = editAsRoot(ctx, c.file, op.writes, func(path string) error {
				c.path = path
				return op.run(c)
			})
		} else {
			err = op.run(c)
		}
		return iniStatus(c, err)
	}
}

// iniStatus turns an ini function's error into its message and status: 2
// for a file that must exist and does not, as sed -i gives, 1 otherwise.
func iniStatus(c iniCall, err error) error {
	if err == nil {
		return nil
	}
	if _, isStatus := err.(interp.ExitStatus); isStatus {
		return err
	}
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(c.hc.Stderr, "%s: can't read %s: No such file or directory\n", c.function, c.file)
		return interp.ExitStatus(2)
	}
	msg := strings.ReplaceAll(err.Error(), c.path, c.file)
	fmt.Fprintf(c.hc.Stderr, "%s: %s\n", c.function, msg)
	return interp.ExitStatus(1)
}

// access(2)'s modes.
const (
	mayRead   = 4
	mayWrite  = 2
	maySearch = 1
)

// needsSudo reports whether the tool must go through sudo to read file or,
// when writes, to replace it: the ini package writes a new file next to it
// and renames it over the old one, so the directory must be writable too.
func needsSudo(file string, writes bool) bool {
	if geteuid() == 0 {
		return false
	}
	_, err := os.Stat(file)
	exists := err == nil
	if !writes {
		return exists && syscall.Access(file, mayRead) != nil
	}
	if exists && syscall.Access(file, mayRead|mayWrite) != nil {
		return true
	}
	return syscall.Access(filepath.Dir(file), mayWrite|maySearch) != nil
}

// editAsRoot runs edit on a copy of file read through sudo and, when
// writes and edit changed it, writes the copy back with sudo tee, which
// keeps an existing file's owner and mode as DevStack's sudo sed -i and
// sudo tee do.
func editAsRoot(ctx context.Context, file string, writes bool, edit func(path string) error) error {
	dir, err := os.MkdirTemp("", "devstack-ini-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	copyPath := filepath.Join(dir, filepath.Base(file))
	var before []byte
	_, statErr := os.Stat(file)
	existed := !errors.Is(statErr, fs.ErrNotExist)
	if existed {
		var out, stderr bytes.Buffer
		cat, err := asRoot(ctx, nil, "cat", file)
		if err != nil {
			return err
		}
		cat.Stdin, cat.Stdout, cat.Stderr = nil, &out, &stderr
		if err := cat.Run(); err != nil {
			return fmt.Errorf("reading %s through sudo: %v: %s", file, err, strings.TrimSpace(stderr.String()))
		}
		before = out.Bytes()
		if err := os.WriteFile(copyPath, before, 0o600); err != nil {
			return err
		}
	}
	if err := edit(copyPath); err != nil || !writes {
		return err
	}
	after, err := os.ReadFile(copyPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if existed && bytes.Equal(before, after) {
		return nil
	}
	var stderr bytes.Buffer
	tee, err := asRoot(ctx, nil, "tee", file)
	if err != nil {
		return err
	}
	tee.Stdin, tee.Stdout, tee.Stderr = bytes.NewReader(after), nil, &stderr
	if err := tee.Run(); err != nil {
		return fmt.Errorf("writing %s through sudo: %v: %s", file, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// iniSet is iniset FILE SECTION OPTION VALUE; words after VALUE are
// ignored, as DevStack reads only $4.
var iniSet = iniOp{writes: true, run: func(c iniCall) error {
	return ini.Set(c.path, c.section, c.option, c.value())
}}

// iniGet prints the option's value, or an empty line when the option (or
// the file) is missing, and succeeds either way.
var iniGet = iniOp{run: func(c iniCall) error {
	if c.missing() {
		fmt.Fprintln(c.hc.Stdout)
		return nil
	}
	value, _, err := ini.Get(c.path, c.section, c.option)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.hc.Stdout, value)
	return nil
}}

// iniGetMultiline prints the values of every line of the option on one
// line, separated by spaces.
var iniGetMultiline = iniOp{run: func(c iniCall) error {
	if c.missing() {
		fmt.Fprintln(c.hc.Stdout)
		return nil
	}
	values, err := ini.GetMultiline(c.path, c.section, c.option)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.hc.Stdout, strings.Join(values, " "))
	return nil
}}

var iniHasOption = iniOp{run: func(c iniCall) error {
	if c.missing() {
		return interp.ExitStatus(1)
	}
	has, err := ini.Has(c.path, c.section, c.option)
	if err != nil {
		return err
	}
	return status(has)
}}

var iniComment = iniOp{writes: true, run: func(c iniCall) error {
	return ini.Comment(c.path, c.section, c.option)
}}

var iniUncomment = iniOp{writes: true, run: func(c iniCall) error {
	return ini.Uncomment(c.path, c.section, c.option)
}}

var iniAdd = iniOp{writes: true, run: func(c iniCall) error {
	return ini.Add(c.path, c.section, c.option, c.rest...)
}}

var iniAddLiteral = iniOp{writes: true, run: func(c iniCall) error {
	return ini.AddLiteral(c.path, c.section, c.option, c.value())
}}

var iniDelete = iniOp{writes: true, run: func(c iniCall) error {
	return ini.Delete(c.path, c.section, c.option)
}}

var iniSetMultiline = iniOp{writes: true, run: func(c iniCall) error {
	return ini.SetMultiline(c.path, c.section, c.option, c.rest...)
}}
